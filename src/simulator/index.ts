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
import { startHttpServer, type FaultDecision } from '../server/http';

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

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = opts.seed ?? 1;
  const speed = opts.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0) throw new Error('speed must be a positive number');
  const unitCount = opts.units ?? 3;
  if (!Number.isInteger(unitCount) || unitCount < 0 || unitCount > 100_000) throw new Error('units must be a whole number from 0 to 100000');
  if (opts.historyDays !== undefined && (!Number.isInteger(opts.historyDays) || opts.historyDays < 0 || opts.historyDays > 3660))
    throw new Error('historyDays must be a whole number of days from 0 to 3660');
  const clock = new VirtualClock(opts.startTime ?? Math.floor(Date.now() / 1000), speed, opts.manualClock ?? false);
  const engine = new SimEngine({
    seed,
    startTime: opts.startTime ?? Math.floor(Date.now() / 1000),
    units: unitCount,
    spareUnits: opts.spareUnits ?? 5,
    accountToken: opts.accountToken,
    autoPlug: opts.autoPlug ?? true,
    historyPageSize: opts.historyPageSize ?? 20,
    historyDays: opts.historyDays,
    speed: opts.manualClock ? 1 : speed,
    now: () => clock.now(),
  });
  const maxBodyBytes = opts.maxBodyBytes ?? 65536;
  let faults = mergeFaults(NO_FAULTS, opts.faults ?? {});
  engine.setFaultOffline(faults.offlineUnits);
  const faultRng = new Prng(childSeed(seed, 0, 9));
  // Five draws per request whatever the rates, so a seed reproduces the fault sequence.
  const decideFaults = (): FaultDecision => {
    const f = faults;
    const dDrop = faultRng.next();
    const d5xx = faultRng.next();
    const dMalformed = faultRng.next();
    const dFailure = faultRng.next();
    const dWhich = faultRng.next();
    return {
      latencyMs: f.latencyMs,
      httpStatus: d5xx < f.http5xxRate ? (dWhich < 0.5 ? 500 : 503) : undefined,
      failure: dFailure < f.failureRate,
      drop: dDrop < f.dropRate,
      malformed: dMalformed < f.malformedRate,
      numbersAsStrings: f.numbersAsStrings,
    };
  };

  const setFaults = (f: Partial<FaultConfig>) => {
    faults = mergeFaults(faults, f);
    engine.setFaultOffline(faults.offlineUnits);
  };
  const clearFaults = () => {
    faults = mergeFaults(NO_FAULTS, {});
    engine.setFaultOffline([]);
  };
  const knownUnit = (id: unknown): string => {
    if (typeof id !== 'string' || !engine.hasUnit(id)) throw new Error(`unknown unit ${String(id)}`);
    return id;
  };

  const sim: RunningSimulator = {
    baseUrl: '',
    port: 0,
    accountToken: engine.defaultAccountToken,
    get units() {
      return engine.accountUnits(engine.defaultAccountToken);
    },
    get spareUnitIds() {
      return [...engine.spareUnitIds];
    },
    setFaults,
    clearFaults,
    faults: () => structuredClone(faults),
    advance: (s) => clock.advance(s),
    now: () => clock.now(),
    unit: (id) => engine.snapshot(knownUnit(id)),
    plugIn: (id, o) => engine.plugIn(knownUnit(id), o?.energyToAddWh, o?.energyAtPluginWh),
    unplug: (id) => engine.unplug(knownUnit(id)),
    setUnitOffline: (id, offline) => engine.setOffline(knownUnit(id), offline, 'manual'),
    setUnitError: (id, error) => engine.setError(knownUnit(id), error),
    createAccount: (t) => engine.createAccount(t),
    addUnitToAccount: (t, id) => engine.attach(t, knownUnit(id)),
    requestCount: () => http.requestCount(),
    commandCounts: () => http.commandCounts(),
    lastRequest: (cmd) => http.lastRequest(cmd),
    resetRequestCount: () => http.resetCounts(),
    connectionCount: () => http.connectionCount(),
    close: () => http.close(),
  };

  function control(body: Record<string, unknown>): Record<string, unknown> {
    switch (body.action) {
      case 'faults':
        setFaults((body.faults ?? {}) as Partial<FaultConfig>);
        return { faults };
      case 'clear_faults':
        clearFaults();
        return { faults };
      case 'advance':
        clock.advance(Number(body.seconds));
        return { now: clock.now() };
      case 'plug':
        if (body.plugged === false) sim.unplug(body.unitId as string);
        else sim.plugIn(body.unitId as string, { energyToAddWh: body.energyToAddWh as number | undefined });
        return { unit: sim.unit(body.unitId as string) };
      case 'offline':
        sim.setUnitOffline(body.unitId as string, body.offline !== false);
        return { unit: sim.unit(body.unitId as string) };
      case 'error':
        sim.setUnitError(body.unitId as string, body.error !== false);
        return { unit: sim.unit(body.unitId as string) };
      case 'snapshot':
        return { unit: sim.unit(body.unitId as string) };
      case 'reset_counts':
        sim.resetRequestCount();
        return {};
      case 'counts':
        return { requests: http.requestCount(), connections: http.connectionCount(), commands: http.commandCounts() };
      case 'create_account':
        return { accountToken: sim.createAccount(body.accountToken as string | undefined) };
      case 'info':
        return { now: clock.now(), accountToken: sim.accountToken, units: sim.units, spareUnitIds: sim.spareUnitIds, faults };
    }
    throw new Error(`unknown action ${JSON.stringify(body.action)}`);
  }

  const http = await startHttpServer({
    name: 'simulator',
    host: opts.host,
    port: opts.port,
    maxBodyBytes,
    execute: (endpoint, body) => engine.execute(endpoint, body),
    // The controls hand out every token and can rewrite any unit: only for this machine, even
    // when the protocol endpoints listen on the network (--host 0.0.0.0).
    routes: { [CONTROL_PATH]: { loopbackOnly: true, handle: control } },
    healthPath: HEALTH_PATH,
    faults: decideFaults,
    captureRequests: true,
    publicWarning: `The protocol endpoints take anyone who has a token; ${CONTROL_PATH} still answers loopback clients only.`,
  });
  sim.port = http.port;
  sim.baseUrl = http.baseUrl;
  return sim;
}
