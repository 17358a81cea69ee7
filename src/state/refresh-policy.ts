// When to read each unit's state. Polls only while something shows the unit (the tree view, the
// status bar item in a focused window, or a panel holding it), at the unit's own update_interval
// clamped to the configured bounds; coalesces concurrent refreshes of a unit into one request;
// backs off exponentially (capped, with jitter) after errors and recovers by itself.
// Clock and timers are injected so that the policy is tested without real waiting.
import type { Disposable, RefreshReason } from './contracts';

export interface PolicyClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** 0 <= x < 1, for jitter. */
  random(): number;
}

export const realClock: PolicyClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A poll timer must never keep a process (tests, the extension host on shutdown) alive.
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
};

export interface RefreshOutcome {
  ok: boolean;
  /** The unit's update_interval from the reading, when it has one. */
  updateIntervalS?: number;
}

export interface RefreshPolicyOptions {
  clock?: PolicyClock;
  minIntervalS: number;
  maxIntervalS: number;
  /** Interval used before a unit has reported its update_interval. */
  defaultIntervalS?: number;
  /** Does the actual reading; must not throw (failures are `{ ok: false }`). */
  refreshUnit(unitId: string, reason: RefreshReason): Promise<RefreshOutcome>;
}

/** Where visibility comes from. The status bar counts only while the window is focused. */
export type VisibilitySource = 'tree' | 'statusBar';

interface UnitTimerState {
  timer?: unknown;
  inFlight?: Promise<void>;
  failures: number;
  intervalS?: number;
  lastRefreshAt?: number;
  nextDueAt?: number;
  holders: Set<string>;
}

export class RefreshPolicy implements Disposable {
  private readonly clock: PolicyClock;
  private readonly units = new Map<string, UnitTimerState>();
  private readonly visibleSources = new Set<VisibilitySource>();
  private minS: number;
  private maxS: number;
  private readonly defaultS: number;
  private requests = 0;
  private disposed = false;
  /** Reasons of the refreshes started, in order (bounded; for logs and tests). */
  readonly recentReasons: { unitId: string; reason: RefreshReason; at: number }[] = [];

  constructor(private readonly opts: RefreshPolicyOptions) {
    this.clock = opts.clock ?? realClock;
    [this.minS, this.maxS] = normaliseBounds(opts.minIntervalS, opts.maxIntervalS);
    this.defaultS = opts.defaultIntervalS ?? 30;
  }

  /** Number of refreshes actually started (coalesced calls count once). */
  get refreshCount(): number {
    return this.requests;
  }

  /** The delay before the next interval refresh of a unit after a success. */
  intervalFor(updateIntervalS: number | undefined): number {
    const s = updateIntervalS && updateIntervalS > 0 ? updateIntervalS : this.defaultS;
    return Math.min(this.maxS, Math.max(this.minS, s));
  }

  /** Delay after `failures` consecutive failures: min x 2^(n-1), capped at `capS` (default max), jittered down by up to 25%. */
  backoffFor(failures: number, capS = this.maxS): number {
    const cap = Math.min(this.maxS, capS);
    const base = Math.min(cap, this.minS * 2 ** Math.max(0, failures - 1));
    const jittered = base * (1 - 0.25 * this.clock.random());
    return Math.max(1, Math.min(cap, jittered));
  }

  setBounds(minS: number, maxS: number): void {
    [this.minS, this.maxS] = normaliseBounds(minS, maxS);
    for (const id of this.units.keys()) this.reschedule(id);
  }

  get bounds(): { minS: number; maxS: number } {
    return { minS: this.minS, maxS: this.maxS };
  }

  /** The set of units to poll (others are forgotten, their timers stopped). */
  setUnits(unitIds: string[]): void {
    const keep = new Set(unitIds);
    for (const [id, st] of this.units) {
      if (!keep.has(id)) {
        if (st.timer !== undefined) this.clock.clearTimeout(st.timer);
        this.units.delete(id);
      }
    }
    for (const id of unitIds) if (!this.units.has(id)) this.units.set(id, { failures: 0, holders: new Set() });
    for (const id of unitIds) this.reschedule(id);
  }

  setVisible(source: VisibilitySource, visible: boolean): void {
    const before = this.anyVisible;
    if (visible) this.visibleSources.add(source);
    else this.visibleSources.delete(source);
    if (before !== this.anyVisible) for (const id of this.units.keys()) this.reschedule(id, 'visibility');
  }

  get anyVisible(): boolean {
    return this.visibleSources.size > 0;
  }

  isPolled(unitId: string): boolean {
    const st = this.units.get(unitId);
    return !!st && (this.anyVisible || st.holders.size > 0);
  }

  /** Keeps one unit polled while held (a visible panel). */
  hold(unitId: string, holder: string): Disposable {
    const st = this.units.get(unitId) ?? { failures: 0, holders: new Set<string>() };
    this.units.set(unitId, st);
    const wasPolled = this.isPolled(unitId);
    st.holders.add(holder);
    if (!wasPolled) this.reschedule(unitId, 'visibility');
    return {
      dispose: () => {
        const cur = this.units.get(unitId);
        if (!cur) return;
        cur.holders.delete(holder);
        if (!this.isPolled(unitId)) this.reschedule(unitId);
      },
    };
  }

  /** Refresh now. Concurrent calls for the same unit share one request. */
  refresh(unitId: string, reason: RefreshReason): Promise<void> {
    let st = this.units.get(unitId);
    if (!st) {
      st = { failures: 0, holders: new Set() };
      this.units.set(unitId, st);
    }
    if (st.inFlight) return st.inFlight;
    if (st.timer !== undefined) {
      this.clock.clearTimeout(st.timer);
      st.timer = undefined;
    }
    this.requests++;
    this.recentReasons.push({ unitId, reason, at: this.clock.now() });
    if (this.recentReasons.length > 200) this.recentReasons.splice(0, this.recentReasons.length - 200);
    const state = st;
    const run = (async () => {
      let outcome: RefreshOutcome;
      try {
        outcome = await this.opts.refreshUnit(unitId, reason);
      } catch {
        outcome = { ok: false };
      }
      state.lastRefreshAt = this.clock.now();
      if (outcome.ok) {
        state.failures = 0;
        if (outcome.updateIntervalS !== undefined) state.intervalS = outcome.updateIntervalS;
      } else {
        state.failures++;
      }
    })().finally(() => {
      state.inFlight = undefined;
      if (!this.disposed && this.units.get(unitId) === state) this.reschedule(unitId);
    });
    st.inFlight = run;
    return run;
  }

  refreshAll(reason: RefreshReason): Promise<void> {
    return Promise.all([...this.units.keys()].map((id) => this.refresh(id, reason))).then(() => undefined);
  }

  /** When the next interval/backoff refresh of a unit is due (epoch ms), if one is scheduled. */
  nextDueAt(unitId: string): number | undefined {
    const st = this.units.get(unitId);
    return st?.timer !== undefined ? st.nextDueAt : undefined;
  }

  failuresOf(unitId: string): number {
    return this.units.get(unitId)?.failures ?? 0;
  }

  private reschedule(unitId: string, becameVisibleReason?: RefreshReason): void {
    const st = this.units.get(unitId);
    if (!st || this.disposed) return;
    if (st.timer !== undefined) {
      this.clock.clearTimeout(st.timer);
      st.timer = undefined;
    }
    if (st.inFlight || !this.isPolled(unitId)) return;
    // After errors: retry sooner than usual at first, then at most at the unit's own interval. A
    // longer back-off would keep the unit stale long after the server is back (bench/soak.ts
    // measures recovery within one poll interval); it would not lower the load below a healthy one.
    const normalS = this.intervalFor(st.intervalS);
    const delayS = st.failures > 0 ? this.backoffFor(st.failures, normalS) : normalS;
    const now = this.clock.now();
    // A unit never read, or whose reading is older than its delay, is read at once.
    const dueAt = st.lastRefreshAt === undefined ? now : st.lastRefreshAt + delayS * 1000;
    const waitMs = Math.max(0, dueAt - now);
    const reason: RefreshReason =
      st.failures > 0 ? 'recover' : st.lastRefreshAt === undefined || waitMs === 0 ? (becameVisibleReason ?? 'interval') : 'interval';
    st.nextDueAt = now + waitMs;
    st.timer = this.clock.setTimeout(() => {
      st.timer = undefined;
      void this.refresh(unitId, reason);
    }, waitMs);
  }

  dispose(): void {
    this.disposed = true;
    for (const st of this.units.values()) if (st.timer !== undefined) this.clock.clearTimeout(st.timer);
    this.units.clear();
  }
}

function normaliseBounds(minS: number, maxS: number): [number, number] {
  const min = Number.isFinite(minS) && minS > 0 ? minS : 10;
  const max = Number.isFinite(maxS) && maxS > 0 ? maxS : 300;
  return [Math.min(min, max), Math.max(min, max)];
}
