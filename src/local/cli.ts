// Command line of JuiceNet Local:
//   juicenet-local --udp-port 8047 --http-port 8080 --data-dir DIR
//   juicenet-local token [--data-dir DIR]
// Prints where it listens (and the account token once, when it creates it), serves until
// SIGINT/SIGTERM. Every refusal (no SQLite, a folder it may not use, a taken port, another server
// on the same folder) is one line in words with what to do, and exit code 1.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describeStartFault } from './start-faults';
import { DATABASE_FILE, TOKEN_FILE, startLocalServer, type LocalServerOptions } from './server';
import { checkSqliteDriver, prepareDataDir } from './storage';
import { MQTT_HELP, mqttOptionsFrom, takeMqttFlag, type MqttFlagState } from './mqtt/options';
import { checkBroker } from './mqtt/check';
import { parseUdpPorts } from './udp';

const HELP = `JuiceNet Local: the JuiceNet API (all 16 commands) for your own JuiceBoxes

Usage: juicenet-local [options]          start the server
       juicenet-local token [--data-dir DIR]
                                         print the account token (to paste into VS Code's
                                         JuiceNet: Connect to a Local Server)

  --data-dir DIR          folder for the database and the account token
                          (default ~/.juicenet-local; created with owner-only permissions)
  --udp-port N[,N...]     UDP ports the boxes send their reports to (default: every port
                          JuiceBoxes are known to use, 8042,8047,9004,8055; 0 = a free port)
  --udp-host H            address the UDP port listens on (default 0.0.0.0, every interface)
  --http-port N           port of the JuiceNet HTTP API (default 8080)
  --http-host H           address of the HTTP API (default 127.0.0.1, this machine only; any
                          other address opens the API to the network, with a warning)
  --allow-address-change  take a box's reports from any address, not only the one it first
                          reported from (for boxes whose address changes, e.g. by DHCP)
  --monitor-only          boxes seen for the first time are recorded and served but never
                          sent a command (each box's switch: POST /local/monitor-only)
  --retention-days N      days raw samples are kept; sessions are kept for ever
                          (default 365; 0 keeps samples for ever)
  --time-zone Z           time zone of newly seen boxes (default: this machine's); each box's
                          own zone is set with set_info (timeZoneId)
  --ready-line            for programs that run it: print one line
                          LOCAL_READY {"baseUrl": ..., "udpPort": ..., "udpPorts": [...]}
                          once it serves
  -h, --help              this text

${MQTT_HELP}
The account token is printed once, when it is created, and kept in <data-dir>/account-token
(owner-only): \`juicenet-local token --data-dir DIR\` prints it again, run as the folder's owner
(for the service: sudo -u juicenet juicenet-local token --data-dir /var/lib/juicenet-local).
Sign in to the server's URL with it (VS Code: JuiceNet: Connect to a Local Server).
Needs Node.js 22.13 or later (its built-in SQLite keeps the data).
Diagnostics: POST {"account_token": "..."} to /local/diagnostics (this machine only).
`;

type CliOptions = LocalServerOptions & { readyLine?: boolean; command: 'serve' | 'token'; mqttCheck?: boolean };

function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { dataDir: join(homedir(), '.juicenet-local'), command: 'serve' };
  const mqtt: MqttFlagState = { compat: [] };
  if (argv[0] === 'token') {
    opts.command = 'token';
    argv = argv.slice(1);
  }
  const num = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new Error(`${flag} needs a whole number from ${min} to ${max}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value (see --help)`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        process.exit(0);
        break;
      case '--data-dir':
        opts.dataDir = value();
        break;
      case '--udp-port':
        opts.udpPorts = parseUdpPorts(value());
        break;
      case '--udp-host':
        opts.udpHost = value();
        break;
      case '--http-port':
        opts.httpPort = num(flag, value(), 0, 65535);
        break;
      case '--http-host':
        opts.httpHost = value();
        break;
      case '--ready-line':
        opts.readyLine = true;
        break;
      case '--allow-address-change':
        opts.allowAddressChange = true;
        break;
      case '--monitor-only':
        opts.monitorOnly = true;
        break;
      case '--retention-days':
        opts.retentionDays = num(flag, value(), 0, 36500);
        break;
      case '--time-zone': {
        const z = value();
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: z });
        } catch {
          if (!/Standard Time$/.test(z)) throw new Error(`--time-zone: unknown time zone ${JSON.stringify(z)} (use an IANA name like Europe/Berlin)`);
        }
        opts.timeZone = z;
        break;
      }
      default:
        if (!takeMqttFlag(mqtt, flag, value)) throw new Error(`unknown option ${arg} (see --help)`);
    }
    if (opts.command === 'token' && flag !== '--data-dir') throw new Error(`juicenet-local token takes only --data-dir, not ${flag}`);
  }
  opts.mqtt = mqttOptionsFrom(mqtt, process.env);
  if (mqtt.check) {
    if (!opts.mqtt) throw new Error('--mqtt-check needs --mqtt URL (the broker)');
    opts.mqttCheck = true;
  }
  return opts;
}

/** `juicenet-local token`: the account token on stdout, alone, for pasting. */
function printToken(dataDir: string): void {
  const file = join(dataDir, TOKEN_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`there is no account token in ${dataDir} yet: start juicenet-local with --data-dir ${dataDir} once, it creates one`);
    throw new Error(
      `cannot read ${file} (${code ?? (e as Error).message}): run this as the user that owns the data folder (for the service: sudo -u juicenet juicenet-local token --data-dir ${dataDir})`,
    );
  }
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`juicenet-local: ${(e as Error).message}\n`);
    process.exit(2);
  }
  if (opts.mqttCheck && opts.mqtt) {
    const r = await checkBroker(opts.mqtt);
    process.stdout.write(`MQTT: ${r.words}\n`);
    process.exit(r.ok ? 0 : 1);
  }
  if (opts.command === 'token') {
    printToken(opts.dataDir);
    return;
  }
  // Before anything is written: a SQLite to keep the data, and a folder this user may use.
  checkSqliteDriver();
  prepareDataDir(opts.dataDir, [TOKEN_FILE, DATABASE_FILE]);
  const tokenFile = join(opts.dataDir, TOKEN_FILE);
  const tokenIsNew = !existsSync(tokenFile);
  // Signals are taken before anything listens, so a stop during start-up is clean too.
  const running: { server?: Awaited<ReturnType<typeof startLocalServer>> } = {};
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`juicenet-local: ${signal}, closing\n`);
    (running.server ? running.server.close() : Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  try {
    server = running.server = await startLocalServer(opts);
  } catch (e) {
    throw new Error(describeStartFault(e, opts));
  }
  if (stopping) {
    await server.close();
    process.exit(0);
  }
  server.db.describeOwner({ api: server.baseUrl, udpPort: server.udpPort });
  const ports = server.udpPorts;
  process.stdout.write(
    `JuiceNet Local listening for JuiceBox reports on UDP port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} (${opts.udpHost ?? '0.0.0.0'})\n`,
  );
  process.stdout.write(`JuiceNet API on ${server.baseUrl}\n`);
  process.stdout.write(`Data in ${opts.dataDir} (SQLite: ${server.db.driver})\n`);
  // The token is shown once, when it is created (a service's first start puts it in its journal
  // once, never again); afterwards the owner is told where it is kept and how to print it.
  const again = `juicenet-local token --data-dir ${opts.dataDir}`;
  if (tokenIsNew)
    process.stdout.write(`Account token (new, shown this once): ${server.accountToken}\nIt is kept in ${server.tokenFile}; \`${again}\` prints it.\n`);
  else process.stdout.write(`Account token: kept in ${server.tokenFile}; \`${again}\` prints it.\n`);
  if (opts.readyLine) process.stdout.write(`LOCAL_READY ${JSON.stringify({ baseUrl: server.baseUrl, udpPort: server.udpPort, udpPorts: server.udpPorts })}\n`);
}

main().catch((e) => {
  process.stderr.write(`juicenet-local: ${(e as Error).message}\n`);
  process.exit(1);
});
