// Soak under faults: the extension's polling path (UnitStore + RefreshPolicy + JuiceNetClient, as
// src/extension.ts builds them) and its write path (src/state/unit-writes.ts, the functions the
// unit commands call) against the in-process simulator, with each fault switched on in turn, then
// all together, then none. It counts crashes, unhandled rejections, shown states the simulator
// never had, writes reported done that the server does not hold, and the time to recover after
// each fault phase; it exits 1 when any target is missed.
//   npm run soak                 full profile (>= 10,000 requests), bench/results/soak.json
//   npm run soak:ci              short profile (< 60 s),            bench/results/soak-ci.json
//   node dist/bench/soak.js --profile=ci --seed=7
//   node dist/bench/soak.js --profile=ci --sabotage=invent   (a deliberate defect: proves the judge fails; see sabotaged())
//
// Time runs COMPRESSED x100 for the extension: its default poll bounds (10 s .. 300 s), the units'
// update_interval (3..30 s) and the client's retry delays (200 ms .. 2 s) all shrink a hundredfold
// through an injected PolicyClock and retry options, and the simulator's manual clock is advanced
// in step. Figures in "compressed seconds" are what a user would wait; "real ms" is wall time.
// Client timeouts stay at the extension's defaults (10-15 s real): every write then lands on the
// server inside its call, which the judge relies on (bench/lib/soak-truth.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_RETRY, JuiceNetClient } from '../src/api/client';
import { JuiceNetError, UncertainWriteError, UnverifiedWriteError } from '../src/api/errors';
import type {
  AccountUnit,
  CallOptions,
  HistoryPage,
  HistorySession,
  JuiceNetApi,
  NotificationSettings,
  OverrideRequest,
  PlotPoint,
  Schedule,
  UnitAuth,
  UnitInfo,
  UnitStatus,
} from '../src/api/types';
import { buildNotificationSettings, notificationEvents } from '../src/domain/notifications';
import { maxAmpsOf } from '../src/domain/amps';
import { forgetLimit, rememberLimit, rememberedLimit } from '../src/state/limit-memory';
import { Prng } from '../src/simulator/prng';
import { startSimulator, type FaultConfig, type RunningSimulator } from '../src/simulator/index';
import { AccountManager, MemoryKeyValueStore, MemorySecretStore } from '../src/state/accounts';
import type { Logger, UnitView } from '../src/state/contracts';
import type { PolicyClock } from '../src/state/refresh-policy';
import { STALE_AFTER_INTERVALS, UnitStore, type ClientLike } from '../src/state/unit-store';
import { chargeNowOverrideTime, writeCancelOverride, writeChargingTime, writeLimit, writeNotifications, writeSchedule, writeStartCharging, type UnitTarget } from '../src/state/unit-writes';
import { TruthLog, writeNotHeld, type SoakWrite } from './lib/soak-truth';

// ---------------------------------------------------------------- configuration

/** Compressed seconds per real second. */
const K = 100;
/** The extension's defaults (package.json juicenet.pollInterval.*, src/api/client.ts DEFAULT_RETRY). */
const MIN_INTERVAL_S = 10;
const MAX_INTERVAL_S = 300;
const RETRY = { retries: DEFAULT_RETRY.retries, baseDelayMs: DEFAULT_RETRY.baseDelayMs / K, maxDelayMs: DEFAULT_RETRY.maxDelayMs / K };
/** One step of the soak: clock advance, truth record, a batch of writes, the checks (real ms). */
const TICK_MS = 100;
/**
 * Lateness allowed to a poll timer: timers fire late by real milliseconds (event-loop stalls, a
 * busy machine), which the compression multiplies by K. The allowance is the event loop's own
 * worst delay while recovery is measured (a separate probe, blind to the policy), at least this.
 */
const TIMER_SLACK_MIN_MS = 20;

interface Profile {
  name: 'full' | 'ci';
  units: number;
  /** Length of each fault phase and of the final fault-free phase (compressed s). */
  phaseS: number;
  /** Longest wait for every unit to recover after a phase (compressed s). */
  recoveryWaitS: number;
  writesPerTick: number;
  minRequests: number;
  maxWallS: number;
  file: string;
}

const PROFILES: Record<Profile['name'], Profile> = {
  full: { name: 'full', units: 24, phaseS: 1200, recoveryWaitS: 600, writesPerTick: 3, minRequests: 10_000, maxWallS: 300, file: 'soak.json' },
  ci: { name: 'ci', units: 8, phaseS: 200, recoveryWaitS: 600, writesPerTick: 1, minRequests: 1_200, maxWallS: 60, file: 'soak-ci.json' },
};

const SABOTAGES = ['invent', 'echo-write', 'serve-stale', 'never-stale', 'unhandled'] as const;
type Sabotage = (typeof SABOTAGES)[number];

function parseArgs(argv: string[]): { profile: Profile; seed: number; sabotage?: Sabotage } {
  const get = (k: string) => argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
  const name = get('profile') ?? 'full';
  if (name !== 'full' && name !== 'ci') throw new Error(`--profile must be full or ci (got ${name})`);
  const seed = Number(get('seed') ?? 1);
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  const sabotage = get('sabotage');
  if (sabotage !== undefined && !(SABOTAGES as readonly string[]).includes(sabotage)) throw new Error(`--sabotage must be one of ${SABOTAGES.join(', ')}`);
  return { profile: PROFILES[name], seed, sabotage: sabotage as Sabotage | undefined };
}

// ---------------------------------------------------------------- plumbing

/** The extension's clocks, compressed K times: timers fire K times sooner, now() runs K times faster. */
function compressedClock(random: () => number): PolicyClock {
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * K,
    setTimeout: (fn, ms) => {
      const t = setTimeout(fn, ms / K);
      t.unref();
      return t;
    },
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    random,
  };
}


const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- recording

/** Where a reading came from: its unit, its truth window, and whether the store (not a write's read-back) made it. */
interface Origin {
  kind: 'getState' | 'getSchedule' | 'getInfo';
  unitId: string;
  startSeq: number;
  endSeq: number;
  startAt: number;
  settleAt: number;
  /** Order of settling among all readings. */
  settleNo: number;
  ok: boolean;
  byStore: boolean;
  /** When the store's previous refresh of the unit ended (its last call settled), for the recovery figure. */
  prevSettleAt?: number;
}

/** Marks the calls made by the write path (their read-backs are not shown by the store). */
const writePath = new AsyncLocalStorage<boolean>();

class Recorder {
  readonly origins = new WeakMap<object, Origin>();
  /** Last settled store reading (get_state) per unit. */
  readonly lastStoreRead = new Map<string, Origin>();
  /** When the last store call (get_state, get_info, get_schedule) of a unit settled: the end of its last refresh. */
  private readonly lastStoreSettle = new Map<string, number>();
  private settled = 0;
  /** Store readings per outcome, for the phase figures. */
  storeReads = { ok: 0, failed: 0 };
  /** Time from the end of a successful refresh to the start of the next get_state of the unit (compressed ms). */
  readonly gapsAfterSuccess: { unitId: string; gapMs: number }[] = [];

  constructor(
    readonly truth: TruthLog,
    private readonly sim: RunningSimulator,
    private readonly clock: PolicyClock,
  ) {}

  async read<T>(kind: Origin['kind'], auth: UnitAuth, call: () => Promise<T>): Promise<T> {
    const byStore = writePath.getStore() !== true;
    const startSeq = this.truth.seq;
    const startAt = this.clock.now();
    const prevSettleAt = byStore && kind === 'getState' ? this.lastStoreSettle.get(auth.unitId ?? '?') : undefined;
    if (prevSettleAt !== undefined && this.lastStoreRead.get(auth.unitId ?? '?')?.ok) {
      this.gapsAfterSuccess.push({ unitId: auth.unitId ?? '?', gapMs: startAt - prevSettleAt });
    }
    const finish = (ok: boolean): Origin => {
      const o: Origin = {
        kind,
        unitId: auth.unitId ?? '?',
        startSeq,
        endSeq: this.truth.seq,
        startAt,
        settleAt: this.clock.now(),
        settleNo: ++this.settled,
        ok,
        byStore,
        prevSettleAt,
      };
      if (byStore) this.lastStoreSettle.set(o.unitId, o.settleAt);
      return o;
    };
    try {
      const value = await call();
      const o = finish(true);
      if (value && typeof value === 'object') this.origins.set(value, o);
      if (byStore && kind === 'getState') {
        this.lastStoreRead.set(o.unitId, o);
        this.storeReads.ok++;
      }
      return value;
    } catch (e) {
      const o = finish(false);
      if (byStore && kind === 'getState') {
        this.lastStoreRead.set(o.unitId, o);
        this.storeReads.failed++;
      }
      throw e;
    }
  }

  /** A write call: the unit's truth is recorded again when it settles, whatever the outcome. */
  async write<T>(auth: UnitAuth, call: () => Promise<T>): Promise<T> {
    const unitId = auth.unitId ?? '?';
    const span = this.truth.beginWrite(unitId);
    try {
      return await call();
    } finally {
      this.truth.endWrite(span, this.sim.unit(unitId));
    }
  }
}

/** The client the store gets: the real JuiceNetClient, observed (never altered) by the recorder. */
class RecordingClient implements ClientLike {
  constructor(
    private readonly inner: JuiceNetApi & { close(): Promise<void> },
    private readonly rec: Recorder,
  ) {}
  close() {
    return this.inner.close();
  }
  addUnit(accountToken: string, unitId: string, deviceName?: string, opts?: CallOptions): Promise<AccountUnit> {
    return this.inner.addUnit(accountToken, unitId, deviceName, opts);
  }
  getAccountUnits(accountToken: string, opts?: CallOptions): Promise<AccountUnit[]> {
    return this.inner.getAccountUnits(accountToken, opts);
  }
  shareDevice(accountToken: string, unitId: string, pin: string, deviceName?: string, opts?: CallOptions): Promise<AccountUnit> {
    return this.inner.shareDevice(accountToken, unitId, pin, deviceName, opts);
  }
  getState(unit: UnitAuth, opts?: CallOptions): Promise<UnitStatus> {
    return this.rec.read('getState', unit, () => this.inner.getState(unit, opts));
  }
  setLimit(unit: UnitAuth, amperage: number, opts?: CallOptions): Promise<void> {
    return this.rec.write(unit, () => this.inner.setLimit(unit, amperage, opts));
  }
  getSchedule(unit: UnitAuth, opts?: CallOptions): Promise<Schedule> {
    return this.rec.read('getSchedule', unit, () => this.inner.getSchedule(unit, opts));
  }
  setSchedule(unit: UnitAuth, schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'>, opts?: CallOptions): Promise<void> {
    return this.rec.write(unit, () => this.inner.setSchedule(unit, schedule, opts));
  }
  getHistory(unit: UnitAuth, opts?: CallOptions & { maxSessions?: number }): Promise<HistorySession[]> {
    return this.inner.getHistory(unit, opts);
  }
  getHistoryPage(unit: UnitAuth, continuityToken?: string, opts?: CallOptions): Promise<HistoryPage> {
    return this.inner.getHistoryPage(unit, continuityToken, opts);
  }
  getPlot(unit: UnitAuth, sessionId: number, intervals: number, attribute?: string, opts?: CallOptions): Promise<PlotPoint[]> {
    return this.inner.getPlot(unit, sessionId, intervals, attribute, opts);
  }
  getSharePin(unit: UnitAuth, opts?: CallOptions): Promise<string> {
    return this.inner.getSharePin(unit, opts);
  }
  getInfo(unit: UnitAuth, opts?: CallOptions): Promise<UnitInfo> {
    return this.rec.read('getInfo', unit, () => this.inner.getInfo(unit, opts));
  }
  setInfo(unit: UnitAuth, raw: Record<string, unknown>, opts?: CallOptions): Promise<void> {
    return this.rec.write(unit, () => this.inner.setInfo(unit, raw, opts));
  }
  setOverride(unit: UnitAuth, req: OverrideRequest, opts?: CallOptions): Promise<void> {
    return this.rec.write(unit, () => this.inner.setOverride(unit, req, opts));
  }
  setChargingTime(unit: UnitAuth, chargingTime: number, opts?: CallOptions): Promise<void> {
    return this.rec.write(unit, () => this.inner.setChargingTime(unit, chargingTime, opts));
  }
  getNotifications(unit: UnitAuth, opts?: CallOptions): Promise<NotificationSettings> {
    return this.inner.getNotifications(unit, opts);
  }
  setNotifications(unit: UnitAuth, settings: NotificationSettings, opts?: CallOptions): Promise<void> {
    return this.rec.write(unit, () => this.inner.setNotifications(unit, settings, opts));
  }
}

/**
 * Deliberate defects, to show that the judge catches them (never used by npm run soak / soak:ci;
 * results go to the temp folder):
 * invent       every 50th get_state shows amps_limit + 1
 * echo-write   set_limit is not sent; the client "remembers" the value and get_state echoes it
 * serve-stale  a failed get_state returns the unit's last good reply instead (errors hidden)
 * never-stale  the store's views always say fresh (see main)
 * unhandled    every 200th get_state leaves a rejected promise nobody handles
 */
function sabotaged(inner: JuiceNetClient, kind: Sabotage | undefined): JuiceNetClient {
  if (!kind) return inner;
  let n = 0;
  const echoed = new Map<string, number>();
  const lastGood = new Map<string, UnitStatus>();
  const getState = inner.getState.bind(inner);
  const setLimit = inner.setLimit.bind(inner);
  inner.getState = async (unit, opts) => {
    let s: UnitStatus;
    try {
      s = await getState(unit, opts);
      lastGood.set(unit.token, s);
    } catch (e) {
      const old = lastGood.get(unit.token);
      if (kind !== 'serve-stale' || !old) throw e;
      s = { ...old };
    }
    n++;
    if (kind === 'invent' && n % 50 === 0 && s.charging.ampsLimit !== undefined) return { ...s, charging: { ...s.charging, ampsLimit: s.charging.ampsLimit + 1 } };
    if (kind === 'unhandled' && n % 200 === 0) void Promise.reject(new Error('sabotage: unhandled'));
    const e = echoed.get(unit.token);
    return kind === 'echo-write' && e !== undefined ? { ...s, charging: { ...s.charging, ampsLimit: e } } : s;
  };
  inner.setLimit =
    kind === 'echo-write'
      ? async (unit, amps) => {
          echoed.set(unit.token, amps);
        }
      : setLimit;
  return inner;
}

// ---------------------------------------------------------------- the soak

interface PhaseSpec {
  name: string;
  faults: Partial<FaultConfig>;
}

interface WriteStats {
  attempted: number;
  reportedDone: number;
  unconfirmed: number;
  failed: number;
  /** Failed calls whose write the server nevertheless holds (lost replies): honest but pessimistic. */
  failedButApplied: number;
  /** Failures reported with "may have been applied" or "accepted, not read back" (honest either way). */
  failedWithCaveat: number;
  /** failedButApplied per kind of write, and per error reported. */
  failedButAppliedByKind: Record<string, number>;
  failedButAppliedByError: Record<string, number>;
  /** Writes reported done although their reply was lost: the read-back showed the value sent. */
  replyLostConfirmed: number;
  falseReports: number;
  byKind: Record<string, number>;
  errors: Record<string, number>;
}

interface PhaseFigures {
  name: string;
  faults: Partial<FaultConfig>;
  wallMs: number;
  requests: number;
  storeReads: { ok: number; failed: number };
  /** Share of (unit, tick) samples shown fresh (not stale). */
  freshShare: number;
  writes: WriteStats;
  recovery?: {
    units: number;
    recovered: number;
    /** Compressed s from clearFaults until the slowest unit showed a fresh post-fault reading. */
    worstS: number;
    worstPollIntervals: number;
    worstRealMs: number;
    medianS: number;
    /** How long the policy waited before asking (after the faults ended or the last in-flight reply), in poll intervals, less the timer slack. */
    worstAskedAfterPollIntervals: number;
    /** Event-loop delay allowed to the poll timers (max of the probe during recovery, at least TIMER_SLACK_MIN_MS). */
    timerSlackRealMs: number;
    pass: boolean;
  };
}

const newWriteStats = (): WriteStats => ({
  attempted: 0,
  reportedDone: 0,
  unconfirmed: 0,
  failed: 0,
  failedButApplied: 0,
  failedWithCaveat: 0,
  failedButAppliedByKind: {},
  failedButAppliedByError: {},
  replyLostConfirmed: 0,
  falseReports: 0,
  byKind: {},
  errors: {},
});

async function main(): Promise<void> {
  const { profile, seed, sabotage } = parseArgs(process.argv.slice(2));
  const wallStart = performance.now();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const rng = new Prng(seed * 7919 + 17);
  const clock = compressedClock(() => rng.next());

  // ---- defect counters ----
  const defects = {
    crashes: 0,
    unhandledRejections: 0,
    inventedStates: 0,
    inventedSchedules: 0,
    unknownOrigin: 0,
    staleShownAsFresh: 0,
    falseWriteReports: 0,
  };
  const examples: string[] = [];
  const example = (what: string) => {
    if (examples.length < 30) examples.push(what);
  };
  process.on('unhandledRejection', (r) => {
    defects.unhandledRejections++;
    example(`unhandled rejection: ${r instanceof Error ? r.message : String(r)}`);
  });
  process.on('uncaughtException', (e) => {
    defects.crashes++;
    example(`uncaught exception: ${e.stack ?? e.message}`);
  });
  let warnings = 0;
  const log: Logger = {
    trace: () => undefined,
    info: () => undefined,
    warn: () => void warnings++,
    // The store logs an error only for an exception that escaped (a listener, a bug): a crash.
    error: (m) => {
      defects.crashes++;
      example(`logged error: ${m instanceof Error ? (m.stack ?? m.message) : m}`);
    },
  };

  const sim = await startSimulator({ units: profile.units, seed, manualClock: true, autoPlug: true });
  const truth = new TruthLog();
  const rec = new Recorder(truth, sim, clock);
  const ids = sim.units.map((u) => u.unitId);
  const recordAll = () => {
    for (const id of ids) truth.record(sim.unit(id));
  };
  let lastAdvanceAt = clock.now();
  const advance = () => {
    const now = clock.now();
    sim.advance(Math.max(0, (now - lastAdvanceAt) / 1000));
    lastAdvanceAt = now;
    recordAll();
  };

  const store: UnitStore = new UnitStore({
    accounts: new AccountManager(new MemorySecretStore(), new MemoryKeyValueStore()),
    log,
    minIntervalS: MIN_INTERVAL_S,
    maxIntervalS: MAX_INTERVAL_S,
    clock,
    makeClient: (baseUrl) => new RecordingClient(sabotaged(new JuiceNetClient({ baseUrl, deviceId: 'soak', deviceName: 'VS Code', retry: RETRY }), sabotage), rec),
  });

  if (sabotage === 'never-stale') {
    const units = store.units.bind(store);
    const getUnit = store.getUnit.bind(store);
    store.units = () => units().map((v) => ({ ...v, stale: false }));
    store.getUnit = (id) => {
      const v = getUnit(id);
      return v && { ...v, stale: false };
    };
  }

  // ---- what the store shows, checked ----
  const pending: { unitId: string; view: UnitView | undefined }[] = [];
  const checked = new WeakSet<object>();
  let statesChecked = 0;
  let schedulesChecked = 0;
  let fieldsLost = 0;
  /** Per unit after clearFaults: time to a fresh post-fault reading, and how long the policy waited before asking for it. */
  let recovery: { clearAt: number; clearReal: number; at: Map<string, { s: number; realMs: number; askedAfterS: number }> } | undefined;
  store.onDidChangeUnits((changed) => {
    for (const id of changed) {
      const view = store.getUnit(id);
      pending.push({ unitId: id, view });
      // Recovered: shown fresh, from a reading answered after the faults ended. The policy's part
      // is when it asked: after the faults ended, or after the reading that was still in flight then.
      if (recovery && view && !view.stale && view.status && !recovery.at.has(id)) {
        const o = rec.origins.get(view.status);
        if (o && o.settleAt > recovery.clearAt) {
          const waitedFrom = Math.max(recovery.clearAt, o.prevSettleAt ?? 0);
          recovery.at.set(id, {
            s: (clock.now() - recovery.clearAt) / 1000,
            realMs: performance.now() - recovery.clearReal,
            askedAfterS: Math.max(0, o.startAt - waitedFrom) / 1000,
          });
        }
      }
    }
  });

  const checkShown = () => {
    for (const { unitId, view } of pending.splice(0)) {
      const status = view?.status;
      if (status && !checked.has(status)) {
        checked.add(status);
        statesChecked++;
        const o = rec.origins.get(status);
        if (!o || o.kind !== 'getState' || o.unitId !== unitId) {
          defects.unknownOrigin++;
          defects.inventedStates++;
          example(`${unitId}: shown state has no matching get_state reading (${o ? `reading of ${o.unitId}` : 'none'})`);
        } else {
          const v = truth.checkStatus({ unitId, startSeq: o.startSeq, endSeq: o.endSeq }, status);
          fieldsLost += v.lost.length;
          if (v.invented.length) {
            defects.inventedStates++;
            example(`${unitId}: shown ${JSON.stringify({ state: status.state, utcTime: status.utcTime, ampsLimit: status.charging.ampsLimit, overrideTime: status.overrideTime })} never real (${v.invented.join(', ')}) during seq ${o.startSeq}..${o.endSeq}`);
          }
        }
      }
      const schedule = view?.schedule;
      if (schedule && !checked.has(schedule)) {
        checked.add(schedule);
        schedulesChecked++;
        const o = rec.origins.get(schedule);
        if (!o || o.kind !== 'getSchedule' || !truth.checkSchedule({ unitId, startSeq: o.startSeq, endSeq: o.endSeq }, schedule)) {
          defects.inventedSchedules++;
          example(`${unitId}: shown schedule ${JSON.stringify(schedule)} never real`);
        }
      }
    }
  };

  /** A view shown fresh must come from the last store reading, which succeeded, and be younger than the stale limit. */
  let freshSamples = 0;
  let samples = 0;
  const checkFreshness = () => {
    for (const v of store.units()) {
      samples++;
      if (v.stale || !v.status) continue;
      freshSamples++;
      const o = rec.origins.get(v.status);
      const last = rec.lastStoreRead.get(v.unitId);
      if (!o) continue; // counted by checkShown
      if (last && !last.ok && last.settleNo > o.settleNo) {
        defects.staleShownAsFresh++;
        example(`${v.unitId}: shown fresh after its last reading failed`);
        continue;
      }
      const limitMs = STALE_AFTER_INTERVALS * store.policy.intervalFor(v.status.updateIntervalS) * 1000;
      // One tick of slack: the store and this check read the clock at slightly different moments.
      if (clock.now() - o.settleAt > limitMs + TICK_MS * K) {
        defects.staleShownAsFresh++;
        example(`${v.unitId}: shown fresh with a reading ${((clock.now() - o.settleAt) / 1000).toFixed(0)} s old (limit ${limitMs / 1000} s)`);
      }
    }
  };

  // ---- the write path, as the commands drive it ----
  const runWrite = async (unitId: string, stats: WriteStats): Promise<void> => {
    const api: UnitTarget | undefined = store.api(unitId);
    if (!api) throw new Error(`soak: no credentials for ${unitId}`);
    const view = store.getUnit(unitId);
    const before = sim.unit(unitId);
    const maxAmps = maxAmpsOf(view?.info) ?? Math.min(Number(before.info.amps_wire_rating), Number(before.info.amps_unit_rating));
    const signal = new AbortController().signal;
    const roll = rng.next();
    const kind = roll < 0.3 ? 'limit' : roll < 0.4 ? 'stop' : roll < 0.55 ? 'start' : roll < 0.65 ? 'cancel' : roll < 0.8 ? 'schedule' : roll < 0.9 ? 'chargingTime' : 'notifications';
    stats.attempted++;
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    let op: SoakWrite | undefined;
    /** A verified write's outcome: confirmed, counting those confirmed after a lost reply. */
    const outcome = (r: { confirmed: boolean; replyLost: boolean }) => {
      if (r.replyLost) stats.replyLostConfirmed++;
      return r.confirmed;
    };
    try {
      const done = await writePath.run(true, async (): Promise<boolean> => {
        switch (kind) {
          case 'limit':
          case 'stop': {
            const amps = kind === 'stop' ? 0 : rng.chance(0.15) ? 0 : rng.int(6, maxAmps);
            op = { kind: 'limit', amps };
            const r = await writeLimit(api, amps, signal);
            if (amps === 0 && r.previous !== undefined && r.previous > 0) rememberLimit(unitId, r.previous);
            return outcome(r);
          }
          case 'start': {
            const state = await api.client.getState(api.auth, { signal });
            const restoreAmps = state.charging.ampsLimit === 0 ? (rememberedLimit(unitId) ?? maxAmps) : undefined;
            const overrideTime = chargeNowOverrideTime(state);
            op = { kind: 'start', overrideTime, restoreAmps };
            const r = await writeStartCharging(api, { overrideTime, restoreAmps }, signal);
            if (restoreAmps !== undefined) forgetLimit(unitId);
            return outcome(r);
          }
          case 'cancel':
            op = { kind: 'cancel' };
            return outcome(await writeCancelOverride(api, signal));
          case 'schedule': {
            const cur = view?.schedule;
            const keep = { start: 0, end: 0, carReadyBy: 0 };
            const win = () => {
              const start = rng.int(0, 1439);
              let end = rng.int(0, 1440);
              if (end === start) end = (start + 60) % 1440;
              return { start, end, carReadyBy: rng.chance(0.5) ? 0 : rng.int(0, 1440) };
            };
            const schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'> = rng.chance(0.25)
              ? { type: 'disabled', weekday: cur?.weekday ?? keep, weekend: cur?.weekend ?? keep }
              : { type: 'custom', weekday: win(), weekend: win() };
            op = { kind: 'schedule', schedule };
            return outcome(await writeSchedule(api, schedule, signal));
          }
          case 'chargingTime': {
            const epochS = Math.floor(Date.now() / 1000) + rng.int(600, 86_400);
            op = { kind: 'chargingTime', epochS };
            await writeChargingTime(api, epochS, signal);
            return true; // nothing to read back: the command reports it done when the call succeeds
          }
          case 'notifications': {
            const current = await api.client.getNotifications(api.auth, { signal });
            const picks = notificationEvents(current).flatMap((event) =>
              (['email', 'push'] as const).filter(() => rng.chance(0.4)).map((channel) => ({ event, channel })),
            );
            const settings = buildNotificationSettings(current, picks, rng.int(0, 1439));
            op = { kind: 'notifications', settings };
            return outcome(await writeNotifications(api, settings, signal));
          }
        }
      });
      if (done) {
        stats.reportedDone++;
        // Right now, before anything else can touch the unit: the server must hold what was reported.
        const why = op && writeNotHeld(op, sim.unit(unitId));
        if (why) {
          stats.falseReports++;
          defects.falseWriteReports++;
          example(`${unitId}: ${kind} reported done but ${why}`);
        }
      } else stats.unconfirmed++;
      // As the commands do after a write that went through (refreshAfterWrite): the store re-reads the unit.
      await store.refresh(unitId, 'write');
    } catch (e) {
      if (!(e instanceof JuiceNetError)) {
        defects.crashes++;
        example(`${unitId}: ${kind} threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return;
      }
      stats.failed++;
      stats.errors[e.name] = (stats.errors[e.name] ?? 0) + 1;
      // The commands word these as "may have been applied" / "accepted, but not read back": not a claim
      // that nothing changed, so a write the server holds is not a false failure report.
      const caveated = e instanceof UncertainWriteError ? /may or may not/.test(e.readBackSummary) : e instanceof UnverifiedWriteError;
      if (caveated) stats.failedWithCaveat++;
      else if (op && writeNotHeld(op, before) !== undefined && writeNotHeld(op, sim.unit(unitId)) === undefined) {
        stats.failedButApplied++;
        stats.failedButAppliedByKind[kind] = (stats.failedButAppliedByKind[kind] ?? 0) + 1;
        stats.failedButAppliedByError[e.name] = (stats.failedButAppliedByError[e.name] ?? 0) + 1;
      }
    }
  };

  // ---- run ----
  const accountToken = sim.accountToken;
  recordAll();
  await store.signIn({ accountToken, baseUrl: sim.baseUrl, label: 'Soak' });
  // The Chargers view is shown: every unit is polled at its own interval by the policy's timers.
  store.policy.setVisible('tree', true);
  recordAll();

  const offline = ids.slice(0, Math.max(1, Math.ceil(ids.length / 3)));
  const phases: PhaseSpec[] = [
    { name: 'latency', faults: { latencyMs: 30 } },
    { name: 'http 500/503', faults: { http5xxRate: 0.5 } },
    { name: 'dropped sockets', faults: { dropRate: 0.35 } },
    { name: 'malformed JSON', faults: { malformedRate: 0.35 } },
    { name: 'success:false', faults: { failureRate: 0.5 } },
    { name: 'numbers as strings', faults: { numbersAsStrings: true } },
    { name: 'unit offline', faults: { offlineUnits: offline } },
    {
      name: 'all together',
      faults: { latencyMs: 15, http5xxRate: 0.25, dropRate: 0.2, malformedRate: 0.2, failureRate: 0.25, numbersAsStrings: true, offlineUnits: offline },
    },
    { name: 'faults off', faults: {} },
  ];

  const figures: PhaseFigures[] = [];
  /** One step; no writes while recovery is measured, so that only the polling makes units fresh again. */
  const tick = async (stats: WriteStats, writes = true) => {
    const t0 = performance.now();
    advance();
    const chosen = new Set<string>();
    while (writes && chosen.size < Math.min(profile.writesPerTick, ids.length)) chosen.add(rng.pick(ids));
    await Promise.all([...chosen].map((id) => runWrite(id, stats)));
    checkShown();
    checkFreshness();
    const left = TICK_MS - (performance.now() - t0);
    if (left > 0) await sleep(left);
  };

  for (const phase of phases) {
    const stats = newWriteStats();
    const req0 = sim.requestCount();
    const reads0 = { ...rec.storeReads };
    const samples0 = { fresh: freshSamples, all: samples };
    const real0 = performance.now();
    // Record just before and after the switch: an offline unit keeps reporting its last check-in.
    recordAll();
    if (Object.keys(phase.faults).length) sim.setFaults(phase.faults);
    recordAll();
    const until = clock.now() + profile.phaseS * 1000;
    while (clock.now() < until) await tick(stats);

    let rcv: PhaseFigures['recovery'];
    if (Object.keys(phase.faults).length) {
      recordAll();
      sim.clearFaults();
      recordAll();
      recovery = { clearAt: clock.now(), clearReal: performance.now(), at: new Map() };
      const r = recovery;
      const giveUp = r.clearAt + profile.recoveryWaitS * 1000;
      loopDelay.reset();
      while (r.at.size < ids.length && clock.now() < giveUp) await tick(stats, false);
      recovery = undefined;
      const slackMs = Math.max(TIMER_SLACK_MIN_MS, loopDelay.max / 1e6);
      const slackS = (slackMs * K) / 1000;
      let worstRatio = 0;
      let worstAskRatio = 0;
      let worstS = 0;
      let worstRealMs = 0;
      const all: number[] = [];
      for (const id of ids) {
        const got = r.at.get(id);
        const intervalS = store.policy.intervalFor(sim.unit(id).updateIntervalS);
        const s = got?.s ?? Infinity;
        all.push(s);
        worstS = Math.max(worstS, s);
        worstRealMs = Math.max(worstRealMs, got?.realMs ?? Infinity);
        worstRatio = Math.max(worstRatio, s / intervalS);
        worstAskRatio = Math.max(worstAskRatio, got ? (got.askedAfterS - slackS) / intervalS : Infinity);
      }
      all.sort((a, b) => a - b);
      rcv = {
        units: ids.length,
        recovered: r.at.size,
        worstS: round1(worstS),
        worstPollIntervals: round2(worstRatio),
        worstRealMs: Math.round(worstRealMs),
        medianS: round1(all[Math.floor(all.length / 2)]),
        worstAskedAfterPollIntervals: round2(Math.max(0, worstAskRatio)),
        timerSlackRealMs: round1(slackMs),
        pass: r.at.size === ids.length && worstAskRatio <= 1,
      };
    }
    figures.push({
      name: phase.name,
      faults: phase.faults,
      wallMs: Math.round(performance.now() - real0),
      requests: sim.requestCount() - req0,
      storeReads: { ok: rec.storeReads.ok - reads0.ok, failed: rec.storeReads.failed - reads0.failed },
      freshShare: round2((freshSamples - samples0.fresh) / Math.max(1, samples - samples0.all)),
      writes: stats,
      recovery: rcv,
    });
    const f = figures[figures.length - 1];
    console.log(
      `${phase.name.padEnd(20)} ${String(f.requests).padStart(6)} requests, reads ok/failed ${f.storeReads.ok}/${f.storeReads.failed}, fresh ${Math.round(f.freshShare * 100)}%, ` +
        `writes ${stats.reportedDone} done/${stats.unconfirmed} unconfirmed/${stats.failed} failed` +
        (rcv ? `, recovery: asked within ${rcv.worstAskedAfterPollIntervals} poll intervals, fresh after ${rcv.worstS} s (${rcv.worstPollIntervals} intervals, ${rcv.worstRealMs} ms real)` : ''),
    );
  }
  // Let stray timers and late rejections surface before counting.
  await sleep(200);
  checkShown();

  // How late the poll timers fired (real ms): the next reading after a success is due one interval later.
  const intervalOf = new Map(ids.map((id) => [id, store.policy.intervalFor(sim.unit(id).updateIntervalS) * 1000]));
  const lateness = rec.gapsAfterSuccess.map((g) => Math.max(0, g.gapMs - (intervalOf.get(g.unitId) ?? 0)) / K).sort((a, b) => a - b);
  const pct = (p: number) => round1(lateness[Math.min(lateness.length - 1, Math.floor(p * lateness.length))] ?? 0);
  const timerLatenessRealMs = { samples: lateness.length, p50: pct(0.5), p99: pct(0.99), max: pct(1) };
  const requests = sim.requestCount();
  const byCommand = sim.commandCounts();
  await store.dispose();
  await sim.close();
  const wallS = (performance.now() - wallStart) / 1000;

  const totalWrites = newWriteStats();
  for (const f of figures) {
    for (const k of ['attempted', 'reportedDone', 'unconfirmed', 'failed', 'failedButApplied', 'failedWithCaveat', 'replyLostConfirmed', 'falseReports'] as const) totalWrites[k] += f.writes[k];
    for (const [k, v] of Object.entries(f.writes.failedButAppliedByKind)) totalWrites.failedButAppliedByKind[k] = (totalWrites.failedButAppliedByKind[k] ?? 0) + v;
    for (const [k, v] of Object.entries(f.writes.failedButAppliedByError)) totalWrites.failedButAppliedByError[k] = (totalWrites.failedButAppliedByError[k] ?? 0) + v;
    for (const [k, v] of Object.entries(f.writes.byKind)) totalWrites.byKind[k] = (totalWrites.byKind[k] ?? 0) + v;
    for (const [k, v] of Object.entries(f.writes.errors)) totalWrites.errors[k] = (totalWrites.errors[k] ?? 0) + v;
  }
  const recoveries = figures.filter((f) => f.recovery).map((f) => ({ phase: f.name, ...f.recovery! }));
  const worstRecovery = recoveries.reduce((a, b) => (b.worstAskedAfterPollIntervals > a.worstAskedAfterPollIntervals ? b : a), recoveries[0]);

  const targets = {
    requestsAtLeast: profile.minRequests,
    wallSAtMost: profile.maxWallS,
    crashes: 0,
    unhandledRejections: 0,
    inventedStates: 0,
    staleShownAsFresh: 0,
    falseWriteReports: 0,
    recoveryAskedWithinPollIntervals: 1,
  };
  const pass = {
    requests: requests >= targets.requestsAtLeast,
    wallS: wallS <= targets.wallSAtMost,
    crashes: defects.crashes === 0,
    unhandledRejections: defects.unhandledRejections === 0,
    inventedStates: defects.inventedStates === 0 && defects.inventedSchedules === 0,
    staleShownAsFresh: defects.staleShownAsFresh === 0,
    falseWriteReports: defects.falseWriteReports === 0,
    recovery: recoveries.every((r) => r.pass),
  };
  const out = {
    profile: profile.name,
    seed,
    sabotage: sabotage ?? null,
    units: profile.units,
    timeCompression: K,
    pollBoundsS: { min: MIN_INTERVAL_S, max: MAX_INTERVAL_S },
    clientRetry: { retries: RETRY.retries, baseDelayMs: RETRY.baseDelayMs, maxDelayMs: RETRY.maxDelayMs },
    phaseCompressedS: profile.phaseS,
    wallS: round1(wallS),
    requests,
    requestsPerSecond: Math.round(requests / wallS),
    requestsByCommand: byCommand,
    ...defects,
    statesChecked,
    schedulesChecked,
    fieldsLost,
    storeWarnings: warnings,
    timerLatenessRealMs,
    writes: totalWrites,
    writesReportedFailedButApplied: {
      note:
        'Writes reported failed, without a "may have been applied" caveat, although the server holds them afterwards (and did ' +
        'not before). A lost reply is read back (src/state/unit-writes.ts); when that is impossible the failure says the write ' +
        'may have been applied (counted in failedWithCaveat). What can remain: a write the server applied after its read-back (timeouts).',
      count: totalWrites.failedButApplied,
      ofFailed: totalWrites.failed,
      shareOfFailed: round2(totalWrites.failedButApplied / Math.max(1, totalWrites.failed)),
      byKind: totalWrites.failedButAppliedByKind,
      byError: totalWrites.failedButAppliedByError,
      failedWithCaveat: totalWrites.failedWithCaveat,
      replyLostButConfirmed: totalWrites.replyLostConfirmed,
    },
    recovery: {
      note:
        'worstS: compressed seconds from clearFaults until the slowest unit shows a fresh reading answered after it. ' +
        'Target: the policy asks each unit again within its own poll interval (update_interval clamped to 10..300 s) after the faults end ' +
        '(or after a reply still in flight then comes back), less the timer slack (the event loop\'s worst delay then, at least ' +
        TIMER_SLACK_MIN_MS + ' ms real).',
      worst: worstRecovery,
      perPhase: recoveries,
    },
    phases: figures,
    examples,
    node: process.version,
    date: new Date().toISOString(),
    targets,
    pass,
  };
  const ok = Object.values(pass).every(Boolean);
  const dir = sabotage ? tmpdir() : join('bench', 'results');
  const file = join(dir, sabotage ? `soak-sabotage-${sabotage}.json` : profile.file);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  console.log(
    `\n${profile.name}: ${requests} requests in ${wallS.toFixed(1)} s; crashes ${defects.crashes}, unhandled rejections ${defects.unhandledRejections}, ` +
      `invented states ${defects.inventedStates} (+${defects.inventedSchedules} schedules) of ${statesChecked} checked, stale shown fresh ${defects.staleShownAsFresh}, ` +
      `false write reports ${defects.falseWriteReports} of ${totalWrites.reportedDone} reported done (${totalWrites.replyLostConfirmed} after a lost reply), ` +
      `reported failed but applied ${totalWrites.failedButApplied} of ${totalWrites.failed} failed; worst recovery: asked after ` +
      `${worstRecovery?.worstAskedAfterPollIntervals} poll intervals, fresh after ${worstRecovery?.worstS} s (after "${worstRecovery?.phase}")`,
  );
  for (const e of examples.slice(0, 10)) console.log(`  ! ${e}`);
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${Object.entries(pass).filter(([, v]) => !v).map(([k]) => k).join(', ') || 'every target met'} -> ${file}`);
  process.exitCode = ok ? 0 : 1;
}

function round1(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 10) / 10 : x;
}
function round2(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 100) / 100 : x;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
