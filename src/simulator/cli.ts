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

/** What the flags set: the simulator's options, its faults, and the emulator's. */
interface Parsed {
  sim: SimulatorOptions;
  faults: Partial<FaultConfig>;
  udpTarget?: { host: string; port: number };
  protocols?: EmulatedProtocol[];
  reportIntervalS?: number;
  offlineLimitA?: number;
}

/** A flag's number, or an Error saying what it needs. */
function numberOf(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || v.trim() === '' || !Number.isFinite(n))
    throw new Error(`${flag} needs a number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  return n;
}

function protocolList(v: string | undefined): EmulatedProtocol[] {
  const protocols = (v ?? '').split(',').map((p) => p.trim()) as EmulatedProtocol[];
  for (const p of protocols)
    if (!EMULATED_PROTOCOLS.includes(p)) throw new Error(`--protocol: unknown protocol ${JSON.stringify(p)}, use ${EMULATED_PROTOCOLS.join(', ')}`);
  return protocols;
}

/** Flags that take a value, and what each sets. */
const VALUE_FLAGS: Record<string, (p: Parsed, v: string | undefined, flag: string) => void> = {
  '--port': (p, v, f) => (p.sim.port = numberOf(f, v)),
  '--host': (p, v) => (p.sim.host = v),
  '--account-token': (p, v) => (p.sim.accountToken = v),
  '--units': (p, v, f) => (p.sim.units = numberOf(f, v)),
  '--spare-units': (p, v, f) => (p.sim.spareUnits = numberOf(f, v)),
  '--speed': (p, v, f) => (p.sim.speed = numberOf(f, v)),
  '--seed': (p, v, f) => (p.sim.seed = numberOf(f, v)),
  '--start-time': (p, v, f) => (p.sim.startTime = numberOf(f, v)),
  '--history-days': (p, v, f) => (p.sim.historyDays = numberOf(f, v)),
  '--latency-ms': (p, v, f) => (p.faults.latencyMs = numberOf(f, v)),
  '--http5xx-rate': (p, v, f) => (p.faults.http5xxRate = numberOf(f, v)),
  '--drop-rate': (p, v, f) => (p.faults.dropRate = numberOf(f, v)),
  '--malformed-rate': (p, v, f) => (p.faults.malformedRate = numberOf(f, v)),
  '--failure-rate': (p, v, f) => (p.faults.failureRate = numberOf(f, v)),
  '--offline': (p, v) =>
    (p.faults.offlineUnits = (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)),
  '--juicebox-udp': (p, v) => (p.udpTarget = parseUdpTarget(v ?? '')),
  '--protocol': (p, v) => (p.protocols = protocolList(v)),
  '--report-interval': (p, v, f) => (p.reportIntervalS = numberOf(f, v)),
  '--offline-limit': (p, v, f) => (p.offlineLimitA = numberOf(f, v)),
};

/** Flags that stand alone. */
const SWITCHES: Record<string, (p: Parsed) => void> = {
  '--no-auto-plug': (p) => (p.sim.autoPlug = false),
  '--numbers-as-strings': (p) => (p.faults.numbersAsStrings = true),
};

function parseArgs(argv: string[]): CliOptions {
  const p: Parsed = { sim: { historyDays: 365 }, faults: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const [flag, inline] = eq >= 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    }
    if (Object.hasOwn(SWITCHES, flag)) SWITCHES[flag](p);
    else if (Object.hasOwn(VALUE_FLAGS, flag)) VALUE_FLAGS[flag](p, inline ?? argv[++i], flag);
    else throw new Error(`unknown option ${arg} (see --help)`);
  }
  if (Object.keys(p.faults).length > 0) p.sim.faults = p.faults;
  if (!p.udpTarget && (p.protocols || p.reportIntervalS !== undefined || p.offlineLimitA !== undefined)) {
    throw new Error('--protocol, --report-interval and --offline-limit need --juicebox-udp HOST:PORT');
  }
  if (p.reportIntervalS !== undefined && !(p.reportIntervalS > 0)) throw new Error('--report-interval needs a positive number of seconds');
  if (!p.udpTarget) return { sim: p.sim };
  // Chargers that speak JuiceBox UDP get IDs of their own: never the demo's.
  p.sim.serialPrefix = EMULATED_SERIAL_PREFIX;
  return {
    sim: p.sim,
    juicebox: { target: p.udpTarget, protocols: p.protocols ?? ['v09u'], reportIntervalS: p.reportIntervalS, offlineLimitA: p.offlineLimitA },
  };
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
