// Soak under faults: the extension's polling path (UnitStore + RefreshPolicy + JuiceNetClient, as
// src/main.ts builds them) and its write path (src/state/unit-writes.ts, the functions the
// unit commands call) against the in-process simulator, with each fault switched on in turn, then
// all together, then none. It counts crashes, unhandled rejections, shown states the simulator
// never had, writes reported done that the server does not hold, and the time to recover after
// each fault phase; it exits 1 when any target is missed.
//   npm run soak                 full profile (>= 10,000 requests), bench/results/soak.json
//   npm run soak:ci              short profile (< 60 s),            test-results/soak-ci.json (npm test runs it: the tree stays as it was)
//   node dist/bench/soak.js --profile=ci --seed=7
//   node dist/bench/soak.js --profile=ci --sabotage=invent   (a deliberate defect: proves the judge fails; see sabotaged())
//
// Time runs COMPRESSED x100 for the extension: its default poll bounds (10 s .. 300 s), the units'
// update_interval (3..30 s) and the client's retry delays (200 ms .. 2 s) all shrink a hundredfold
// through an injected PolicyClock and retry options, and the simulator's manual clock is advanced
// in step. Figures in "compressed seconds" are what a user would wait; "real ms" is wall time.
// Client timeouts stay at the extension's defaults (10-15 s real): every write then lands on the
// server inside its call, which the judge relies on (bench/lib/soak-truth.ts).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_RETRY, JuiceNetClient } from '../src/api/client';
import type { UnitStatus } from '../src/domain/model';
import { splitUnitKey } from '../src/domain/ids';
import { Prng } from '../src/simulator/prng';
import { startSimulator, type FaultConfig } from '../src/simulator/index';
import { AccountManager, MemoryKeyValueStore, MemorySecretStore } from '../src/state/accounts';
import type { Logger } from '../src/state/contracts';
import type { PolicyClock } from '../src/state/refresh-policy';
import { UnitStore } from '../src/state/unit-store';
import { Judge, newDefects, Recorder, RecordingClient } from './lib/soak-judge';
import { reportSoak, round1, round2, type PhaseFigures } from './lib/soak-report';
import { newWriteStats, WriteDriver, type WriteStats } from './lib/soak-writes';
import { TruthLog } from './lib/soak-truth';

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
  /** Where the figures go: bench/results for the benchmark, test-results (ignored by git) for the test run. */
  dir: string;
  file: string;
}

const PROFILES: Record<Profile['name'], Profile> = {
  full: {
    name: 'full',
    units: 24,
    phaseS: 1200,
    recoveryWaitS: 600,
    writesPerTick: 3,
    minRequests: 10_000,
    maxWallS: 300,
    dir: 'bench/results',
    file: 'soak.json',
  },
  ci: { name: 'ci', units: 8, phaseS: 200, recoveryWaitS: 600, writesPerTick: 1, minRequests: 1_200, maxWallS: 60, dir: 'test-results', file: 'soak-ci.json' },
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

/**
 * Deliberate defects, to show that the judge catches them (never used by npm run soak / soak:ci;
 * results go to the temp folder):
 * invent       every 50th get_state shows amps_limit + 1
 * echo-write   set_limit is not sent; the client "remembers" the value and get_state echoes it
 * serve-stale  a failed get_state returns the unit's last good reply instead (errors hidden)
 * never-stale  the store's views always say fresh (see showEverythingFresh)
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
    if (kind === 'invent' && n % 50 === 0 && s.charging.ampsLimit !== undefined)
      return { ...s, charging: { ...s.charging, ampsLimit: s.charging.ampsLimit + 1 } };
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

async function main(): Promise<void> {
  const { profile, seed, sabotage } = parseArgs(process.argv.slice(2));
  const wallStart = performance.now();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const rng = new Prng(seed * 7919 + 17);
  const clock = compressedClock(() => rng.next());

  // ---- defect counters ----
  const defects = newDefects();
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
    makeClient: (baseUrl) =>
      new RecordingClient(sabotaged(new JuiceNetClient({ baseUrl, deviceId: 'soak', deviceName: 'VS Code', retry: RETRY }), sabotage), rec),
  });

  if (sabotage === 'never-stale') showEverythingFresh(store);

  // ---- what the store shows, checked; the write path, as the commands drive it ----
  const judge = new Judge(rec, truth, store, clock, TICK_MS * K, defects, example);
  const writer = new WriteDriver(store, sim, rng, judge);
  /** Per unit after clearFaults: time to a fresh post-fault reading, and how long the policy waited before asking for it. */
  let recovery: { clearAt: number; clearReal: number; at: Map<string, { s: number; realMs: number; askedAfterS: number }> } | undefined;
  store.onDidChangeUnits((changed) => {
    // Each change names the account's key ("account/unit") and then the bare unit ID: judge each
    // shown view once, under the unit ID the simulator's truth is recorded by.
    for (const key of changed) {
      const id = splitUnitKey(key)?.unitId;
      if (id === undefined) continue;
      const view = store.getUnit(key);
      judge.shown(id, view);
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
    await Promise.all([...chosen].map((id) => writer.run(id, stats)));
    judge.checkShown();
    judge.checkFreshness();
    const left = TICK_MS - (performance.now() - t0);
    if (left > 0) await sleep(left);
  };

  for (const phase of phases) {
    const stats = newWriteStats();
    const req0 = sim.requestCount();
    const reads0 = { ...rec.storeReads };
    const samples0 = { fresh: judge.freshSamples, all: judge.samples };
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
      rcv = recoveryFigures(r.at, ids, (id) => store.policy.intervalFor(sim.unit(id).updateIntervalS), slackMs);
    }
    figures.push({
      name: phase.name,
      faults: phase.faults,
      wallMs: Math.round(performance.now() - real0),
      requests: sim.requestCount() - req0,
      storeReads: { ok: rec.storeReads.ok - reads0.ok, failed: rec.storeReads.failed - reads0.failed },
      freshShare: round2((judge.freshSamples - samples0.fresh) / Math.max(1, judge.samples - samples0.all)),
      writes: stats,
      recovery: rcv,
    });
    const f = figures[figures.length - 1];
    console.log(
      `${phase.name.padEnd(20)} ${String(f.requests).padStart(6)} requests, reads ok/failed ${f.storeReads.ok}/${f.storeReads.failed}, fresh ${Math.round(f.freshShare * 100)}%, ` +
        `writes ${stats.reportedDone} done/${stats.unconfirmed} unconfirmed/${stats.failed} failed` +
        (rcv
          ? `, recovery: asked within ${rcv.worstAskedAfterPollIntervals} poll intervals, fresh after ${rcv.worstS} s (${rcv.worstPollIntervals} intervals, ${rcv.worstRealMs} ms real)`
          : ''),
    );
  }
  // Let stray timers and late rejections surface before counting.
  await sleep(200);
  judge.checkShown();

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

  const ok = reportSoak({
    profile,
    seed,
    sabotage,
    timeCompression: K,
    pollBoundsS: { min: MIN_INTERVAL_S, max: MAX_INTERVAL_S },
    clientRetry: { retries: RETRY.retries, baseDelayMs: RETRY.baseDelayMs, maxDelayMs: RETRY.maxDelayMs },
    timerSlackMinMs: TIMER_SLACK_MIN_MS,
    wallS,
    requests,
    byCommand,
    defects,
    examples,
    statesChecked: judge.statesChecked,
    schedulesChecked: judge.schedulesChecked,
    fieldsLost: judge.fieldsLost,
    warnings,
    timerLatenessRealMs,
    figures,
  });
  process.exitCode = ok ? 0 : 1;
}

/** The recovery figures of a phase, from each unit's time to a fresh post-fault reading. */
function recoveryFigures(
  at: Map<string, { s: number; realMs: number; askedAfterS: number }>,
  ids: string[],
  intervalS: (unitId: string) => number,
  slackMs: number,
): NonNullable<PhaseFigures['recovery']> {
  const slackS = (slackMs * K) / 1000;
  let worstRatio = 0;
  let worstAskRatio = 0;
  let worstS = 0;
  let worstRealMs = 0;
  const all: number[] = [];
  for (const id of ids) {
    const got = at.get(id);
    const s = got?.s ?? Infinity;
    all.push(s);
    worstS = Math.max(worstS, s);
    worstRealMs = Math.max(worstRealMs, got?.realMs ?? Infinity);
    worstRatio = Math.max(worstRatio, s / intervalS(id));
    worstAskRatio = Math.max(worstAskRatio, got ? (got.askedAfterS - slackS) / intervalS(id) : Infinity);
  }
  all.sort((a, b) => a - b);
  return {
    units: ids.length,
    recovered: at.size,
    worstS: round1(worstS),
    worstPollIntervals: round2(worstRatio),
    worstRealMs: Math.round(worstRealMs),
    medianS: round1(all[Math.floor(all.length / 2)]),
    worstAskedAfterPollIntervals: round2(Math.max(0, worstAskRatio)),
    timerSlackRealMs: round1(slackMs),
    pass: at.size === ids.length && worstAskRatio <= 1,
  };
}

/** The never-stale sabotage: the store's views always say fresh. */
function showEverythingFresh(store: UnitStore): void {
  const units = store.units.bind(store);
  const getUnit = store.getUnit.bind(store);
  store.units = () => units().map((v) => ({ ...v, stale: false }));
  store.getUnit = (id) => {
    const v = getUnit(id);
    return v && { ...v, stale: false };
  };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
