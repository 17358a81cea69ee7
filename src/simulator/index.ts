// The JuiceNet simulator: a real HTTP server speaking the protocol document's wire format,
// with believable chargers on a virtual clock and injectable faults. Plain Node, no vscode.
//
//   const sim = await startSimulator({ units: 3, seed: 1, manualClock: true });
//   fetch(`${sim.baseUrl}/box_pin`, { method: 'POST', body: JSON.stringify({ cmd: 'get_account_units', ... }) })
//
// Faults are decided by one seeded PRNG (seed-derived), which makes five draws for every protocol
// request in arrival order, whatever the rates: the same seed and request sequence give the same
// faults. Injected HTTP 5xx and `success:false` (500, "Temporary failure") are decided BEFORE the
// command runs and never apply it. Dropped connections and malformed replies are decided after:
// the command IS applied and only the reply is lost or corrupted (the dangerous case for a
// client; `unit()` shows the truth).
import { Prng, childSeed } from './prng';
import { SimEngine } from './engine';
import { FaultConfig, NO_FAULTS, RunningSimulator, SimulatorOptions } from './model';
import { startHttpServer, type FaultDecision, type HttpServer } from '../server/http';

export * from './model';
export { SimEngine, SimError, DISCONNECT_AFTER_INTERVALS } from './engine';
export { isLoopbackAddress, requestCommand } from '../server/http';

const CONTROL_PATH = '/_sim/control';
const HEALTH_PATH = '/_sim/health';

/** Virtual time: start + speed x real elapsed + advanced seconds (or only advanced, with a manual clock). */
class VirtualClock {
  private readonly realStartMs = Date.now();
  private advancedS = 0;
  constructor(
    private readonly startS: number,
    private readonly speed: number,
    private readonly manual: boolean,
  ) {}
  now(): number {
    const real = this.manual ? 0 : ((Date.now() - this.realStartMs) / 1000) * this.speed;
    return this.startS + real + this.advancedS;
  }
  advance(s: number): void {
    if (!Number.isFinite(s) || s < 0) throw new Error('advance() takes a number of virtual seconds, 0 or more');
    this.advancedS += s;
  }
}

function checkRate(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw new Error(`fault ${name} must be a number from 0 to 1`);
  return v;
}

function mergeFaults(base: FaultConfig, f: Partial<FaultConfig>): FaultConfig {
  const next = { ...base, ...f };
  for (const k of ['http5xxRate', 'dropRate', 'malformedRate', 'failureRate'] as const) checkRate(k, next[k]);
  if (typeof next.latencyMs !== 'number' || !Number.isFinite(next.latencyMs) || next.latencyMs < 0) throw new Error('fault latencyMs must be 0 or more');
  if (!Array.isArray(next.offlineUnits)) throw new Error('fault offlineUnits must be an array of unit ids');
  next.numbersAsStrings = Boolean(next.numbersAsStrings);
  next.offlineUnits = [...next.offlineUnits];
  return next;
}

/** Checks the options a simulator is started with; throws an Error naming the first bad one. */
function checkOptions(opts: SimulatorOptions): void {
  const speed = opts.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0) throw new Error('speed must be a positive number');
  const unitCount = opts.units ?? 3;
  if (!Number.isInteger(unitCount) || unitCount < 0 || unitCount > 100_000) throw new Error('units must be a whole number from 0 to 100000');
  if (opts.serialPrefix !== undefined && !/^\d{8}$/.test(opts.serialPrefix)) throw new Error('serialPrefix must be 8 digits (unit IDs are 28 digits)');
  if (opts.historyDays !== undefined && (!Number.isInteger(opts.historyDays) || opts.historyDays < 0 || opts.historyDays > 3660))
    throw new Error('historyDays must be a whole number of days from 0 to 3660');
}

/** The faults the simulator injects, and the per-request decision (seeded: a seed reproduces the sequence). */
class FaultInjector {
  private config: FaultConfig;
  private readonly rng: Prng;

  constructor(
    seed: number,
    initial: Partial<FaultConfig>,
    private readonly engine: SimEngine,
  ) {
    this.config = mergeFaults(NO_FAULTS, initial);
    this.rng = new Prng(childSeed(seed, 0, 9));
    engine.setFaultOffline(this.config.offlineUnits);
  }

  get current(): FaultConfig {
    return this.config;
  }

  set(f: Partial<FaultConfig>): void {
    this.config = mergeFaults(this.config, f);
    this.engine.setFaultOffline(this.config.offlineUnits);
  }

  clear(): void {
    this.config = mergeFaults(NO_FAULTS, {});
    this.engine.setFaultOffline([]);
  }

  /** Five draws per request whatever the rates, so a seed reproduces the fault sequence. */
  decide(): FaultDecision {
    const f = this.config;
    const dDrop = this.rng.next();
    const d5xx = this.rng.next();
    const dMalformed = this.rng.next();
    const dFailure = this.rng.next();
    const dWhich = this.rng.next();
    return {
      latencyMs: f.latencyMs,
      httpStatus: d5xx < f.http5xxRate ? (dWhich < 0.5 ? 500 : 503) : undefined,
      failure: dFailure < f.failureRate,
      drop: dDrop < f.dropRate,
      malformed: dMalformed < f.malformedRate,
      numbersAsStrings: f.numbersAsStrings,
    };
  }
}

/** A simulator serving on its port: the engine on its virtual clock, faults, and the controls. */
class Simulator implements RunningSimulator {
  baseUrl = '';
  port = 0;
  readonly accountToken: string;
  private http?: HttpServer;

  constructor(
    private readonly engine: SimEngine,
    private readonly clock: VirtualClock,
    private readonly injector: FaultInjector,
  ) {
    this.accountToken = engine.defaultAccountToken;
  }

  async listen(opts: SimulatorOptions): Promise<void> {
    const http = await startHttpServer({
      name: 'simulator',
      host: opts.host,
      port: opts.port,
      maxBodyBytes: opts.maxBodyBytes ?? 65536,
      execute: (endpoint, body) => this.engine.execute(endpoint, body),
      // The controls hand out every token and can rewrite any unit: only for this machine, even
      // when the protocol endpoints listen on the network (--host 0.0.0.0).
      routes: { [CONTROL_PATH]: { loopbackOnly: true, handle: (body) => this.control(body) } },
      healthPath: HEALTH_PATH,
      faults: () => this.injector.decide(),
      captureRequests: true,
      publicWarning: `The protocol endpoints take anyone who has a token; ${CONTROL_PATH} still answers loopback clients only.`,
    });
    this.http = http;
    this.port = http.port;
    this.baseUrl = http.baseUrl;
  }

  private get server(): HttpServer {
    if (!this.http) throw new Error('the simulator is not listening yet');
    return this.http;
  }

  get units() {
    return this.engine.accountUnits(this.engine.defaultAccountToken);
  }

  get spareUnitIds(): string[] {
    return [...this.engine.spareUnitIds];
  }

  private knownUnit(id: unknown): string {
    if (typeof id !== 'string' || !this.engine.hasUnit(id)) throw new Error(`unknown unit ${String(id)}`);
    return id;
  }

  setFaults(f: Partial<FaultConfig>): void {
    this.injector.set(f);
  }
  clearFaults(): void {
    this.injector.clear();
  }
  faults(): FaultConfig {
    return structuredClone(this.injector.current);
  }
  advance(s: number): void {
    this.clock.advance(s);
  }
  now(): number {
    return this.clock.now();
  }
  unit(id: string) {
    return this.engine.snapshot(this.knownUnit(id));
  }
  plugIn(id: string, o?: { energyToAddWh?: number; energyAtPluginWh?: number }): void {
    this.engine.plugIn(this.knownUnit(id), o?.energyToAddWh, o?.energyAtPluginWh);
  }
  unplug(id: string): void {
    this.engine.unplug(this.knownUnit(id));
  }
  setUnitOffline(id: string, offline: boolean): void {
    this.engine.setOffline(this.knownUnit(id), offline, 'manual');
  }
  setUnitError(id: string, error: boolean): void {
    this.engine.setError(this.knownUnit(id), error);
  }
  createAccount(t?: string): string {
    return this.engine.createAccount(t);
  }
  addUnitToAccount(t: string, id: string) {
    return this.engine.attach(t, this.knownUnit(id));
  }
  requestCount(): number {
    return this.server.requestCount();
  }
  commandCounts(): Record<string, number> {
    return this.server.commandCounts();
  }
  lastRequest(cmd: string): Record<string, unknown> | undefined {
    return this.server.lastRequest(cmd);
  }
  resetRequestCount(): void {
    this.server.resetCounts();
  }
  connectionCount(): number {
    return this.server.connectionCount();
  }
  close(): Promise<void> {
    return this.http ? this.http.close() : Promise.resolve();
  }

  /** POST /_sim/control: the tests' and the benchmarks' hand on the simulated world. */
  private control(body: Record<string, unknown>): Record<string, unknown> {
    const unitId = body.unitId as string;
    switch (body.action) {
      case 'faults':
        this.setFaults((body.faults ?? {}) as Partial<FaultConfig>);
        return { faults: this.injector.current };
      case 'clear_faults':
        this.clearFaults();
        return { faults: this.injector.current };
      case 'advance':
        this.advance(Number(body.seconds));
        return { now: this.now() };
      case 'plug':
        if (body.plugged === false) this.unplug(unitId);
        else this.plugIn(unitId, { energyToAddWh: body.energyToAddWh as number | undefined });
        return { unit: this.unit(unitId) };
      case 'offline':
        this.setUnitOffline(unitId, body.offline !== false);
        return { unit: this.unit(unitId) };
      case 'error':
        this.setUnitError(unitId, body.error !== false);
        return { unit: this.unit(unitId) };
      case 'snapshot':
        return { unit: this.unit(unitId) };
      case 'reset_counts':
        this.resetRequestCount();
        return {};
      case 'counts':
        return { requests: this.requestCount(), connections: this.connectionCount(), commands: this.commandCounts() };
      case 'create_account':
        return { accountToken: this.createAccount(body.accountToken as string | undefined) };
      case 'info':
        return { now: this.now(), accountToken: this.accountToken, units: this.units, spareUnitIds: this.spareUnitIds, faults: this.injector.current };
    }
    throw new Error(`unknown action ${JSON.stringify(body.action)}`);
  }
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  checkOptions(opts);
  const seed = opts.seed ?? 1;
  const speed = opts.speed ?? 1;
  const startTime = opts.startTime ?? Math.floor(Date.now() / 1000);
  const clock = new VirtualClock(startTime, speed, opts.manualClock ?? false);
  const engine = new SimEngine({
    seed,
    startTime,
    units: opts.units ?? 3,
    spareUnits: opts.spareUnits ?? 5,
    accountToken: opts.accountToken,
    autoPlug: opts.autoPlug ?? true,
    historyPageSize: opts.historyPageSize ?? 20,
    historyDays: opts.historyDays,
    serialPrefix: opts.serialPrefix,
    speed: opts.manualClock ? 1 : speed,
    now: () => clock.now(),
  });
  const sim = new Simulator(engine, clock, new FaultInjector(seed, opts.faults ?? {}, engine));
  await sim.listen(opts);
  return sim;
}
