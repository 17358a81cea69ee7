// Command line: node dist/simulator-cli.js --port 8080 --account-token TOKEN --units 3 --speed 60 --seed 1
// Prints the base URL and the (simulated) account token, serves until SIGINT/SIGTERM.
import { startSimulator } from './index';
import { EMULATED_PROTOCOLS, type EmulatedProtocol } from './juicebox-report';
import { parseUdpTarget, startJuiceBoxEmulator } from './juicebox-udp';
import { DEMO_SERIAL_PREFIX, EMULATED_SERIAL_PREFIX, FaultConfig, SimulatorOptions } from './model';

const HELP = `JuiceNet simulator

Usage: node dist/simulator-cli.js [options]   (or: npm run sim -- [options])

  --port N              port (default 0 = a free port)
  --host H              address to listen on (default 127.0.0.1). On another address the
                        protocol is served to the network (with a warning); /_sim/control
                        still answers loopback clients only
  --account-token T     the default account's token (default: derived from the seed)
  --units N             units on the default account (default 3)
  --spare-units N       unregistered units for add_unit (default 5)
  --speed X             virtual seconds per real second (default 1)
  --seed N              seed of every random choice (default 1)
  --start-time EPOCH_S  virtual start time (default now)
  --no-auto-plug        cars do not plug in and out by themselves
  --history-days N      days of seeded charging history per unit, with seasons and
                        weekday habits (default 365; 0 = a few weeks)
  --latency-ms N        added latency per request
  --http5xx-rate R      share of requests answered 500/503 (0..1)
  --drop-rate R         share of connections dropped without a reply
  --malformed-rate R    share of replies sent as broken JSON
  --failure-rate R      share of replies success:false (500, "Temporary failure")
  --numbers-as-strings  send numbers as strings
  --offline ID,ID       units that stop checking in

JuiceBox emulator (the units also speak the box's UDP protocol to a local JuiceNet server):
  --juicebox-udp H:P    send each unit's UDP reports to H:P (loopback only: 127.0.0.1, ::1)
                        and obey the server's command replies. The units' IDs then start with
                        ${EMULATED_SERIAL_PREFIX} (the demo's with ${DEMO_SERIAL_PREFIX}): never the same charger twice
  --protocol P[,P...]   report form, cycled over the units: v09u (default), v07, legacy
                        (no version, no checksum), v09e (encrypted firmware)
  --report-interval S   seconds between reports (default 9-10 charging, 30 otherwise)
  --offline-limit A     each box's offline current limit to start with (default 16)
`;

interface CliOptions {
  sim: SimulatorOptions;
  juicebox?: { target: { host: string; port: number }; protocols: EmulatedProtocol[]; reportIntervalS?: number; offlineLimitA?: number };
}

function parseArgs(argv: string[]): CliOptions {
  const opts: SimulatorOptions = { historyDays: 365 };
  let udpTarget: { host: string; port: number } | undefined;
  let protocols: EmulatedProtocol[] | undefined;
  let reportIntervalS: number | undefined;
  let offlineLimitA: number | undefined;
  const faults: Partial<FaultConfig> = {};
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n))
      throw new Error(`${flag} needs a number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        process.exit(0);
        break;
      case '--port':
        opts.port = num(flag, value());
        break;
      case '--host':
        opts.host = value();
        break;
      case '--account-token':
        opts.accountToken = value();
        break;
      case '--units':
        opts.units = num(flag, value());
        break;
      case '--spare-units':
        opts.spareUnits = num(flag, value());
        break;
      case '--speed':
        opts.speed = num(flag, value());
        break;
      case '--seed':
        opts.seed = num(flag, value());
        break;
      case '--start-time':
        opts.startTime = num(flag, value());
        break;
      case '--no-auto-plug':
        opts.autoPlug = false;
        break;
      case '--history-days':
        opts.historyDays = num(flag, value());
        break;
      case '--latency-ms':
        faults.latencyMs = num(flag, value());
        break;
      case '--http5xx-rate':
        faults.http5xxRate = num(flag, value());
        break;
      case '--drop-rate':
        faults.dropRate = num(flag, value());
        break;
      case '--malformed-rate':
        faults.malformedRate = num(flag, value());
        break;
      case '--failure-rate':
        faults.failureRate = num(flag, value());
        break;
      case '--numbers-as-strings':
        faults.numbersAsStrings = true;
        break;
      case '--offline':
        faults.offlineUnits = (value() ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--juicebox-udp':
        udpTarget = parseUdpTarget(value() ?? '');
        break;
      case '--protocol':
        protocols = (value() ?? '').split(',').map((p) => p.trim()) as EmulatedProtocol[];
        for (const p of protocols)
          if (!EMULATED_PROTOCOLS.includes(p)) throw new Error(`--protocol: unknown protocol ${JSON.stringify(p)}, use ${EMULATED_PROTOCOLS.join(', ')}`);
        break;
      case '--report-interval':
        reportIntervalS = num(flag, value());
        break;
      case '--offline-limit':
        offlineLimitA = num(flag, value());
        break;
      default:
        throw new Error(`unknown option ${arg} (see --help)`);
    }
  }
  if (Object.keys(faults).length > 0) opts.faults = faults;
  if (!udpTarget && (protocols || reportIntervalS !== undefined || offlineLimitA !== undefined)) {
    throw new Error('--protocol, --report-interval and --offline-limit need --juicebox-udp HOST:PORT');
  }
  if (reportIntervalS !== undefined && !(reportIntervalS > 0)) throw new Error('--report-interval needs a positive number of seconds');
  const juicebox = udpTarget ? { target: udpTarget, protocols: protocols ?? ['v09u' as const], reportIntervalS, offlineLimitA } : undefined;
  if (juicebox) opts.serialPrefix = EMULATED_SERIAL_PREFIX;
  return { sim: opts, juicebox };
}

async function main(): Promise<void> {
  let cli: CliOptions;
  try {
    cli = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`simulator: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const sim = await startSimulator(cli.sim);
  // This is simulated test data: printing the account token is what the demo needs.
  process.stdout.write(`JuiceNet simulator listening on ${sim.baseUrl}\n`);
  process.stdout.write(`Account token: ${sim.accountToken}\n`);
  for (const u of sim.units.slice(0, 10)) process.stdout.write(`  unit ${u.unitId}  ${u.name}\n`);
  if (sim.units.length > 10) process.stdout.write(`  ... and ${sim.units.length - 10} more\n`);
  const emulator = cli.juicebox
    ? await startJuiceBoxEmulator({
        simulator: sim,
        target: cli.juicebox.target,
        protocol: cli.juicebox.protocols,
        reportIntervalS: cli.juicebox.reportIntervalS,
        offlineLimitA: cli.juicebox.offlineLimitA,
      }).catch(async (e) => {
        await sim.close();
        throw e;
      })
    : undefined;
  if (emulator) {
    const t = emulator.target;
    process.stdout.write(
      `JuiceBox emulator: ${emulator.boxes.length} boxes (${cli.juicebox!.protocols.join(', ')}) reporting over UDP to ${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}\n`,
    );
  }
  process.stdout.write(
    `SIMULATOR_READY ${JSON.stringify({ baseUrl: sim.baseUrl, accountToken: sim.accountToken, units: sim.units.length, ...(emulator ? { juiceboxUdp: emulator.target, boxes: emulator.boxes.map((b) => ({ serial: b.serial, protocol: b.protocol, sourcePort: b.sourcePort })) } : {}) })}\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`simulator: ${signal}, closing\n`);
    (emulator ? emulator.stop() : Promise.resolve())
      .then(() => sim.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  process.stderr.write(`simulator: ${(e as Error).message}\n`);
  process.exit(1);
});
