// The soak's judge: it observes every reading and write the extension's client makes (Recorder,
// RecordingClient) and checks what the store shows against the simulator's truth (bench/lib/soak-truth.ts):
// no shown state or schedule the unit never had, nothing shown fresh after its reading failed or
// aged past the stale limit. It counts the defects; bench/soak.ts drives, bench/lib/soak-report.ts reports.
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  AccountUnit,
  HistoryPage,
  HistorySession,
  NotificationSettings,
  OverrideRequest,
  PlotPoint,
  Schedule,
  UnitInfo,
  UnitStatus,
} from '../../src/domain/model';
import type { CallOptions, JuiceNetApi, UnitAuth } from '../../src/api/types';
import type { RunningSimulator } from '../../src/simulator/index';
import type { UnitView } from '../../src/state/contracts';
import type { PolicyClock } from '../../src/state/refresh-policy';
import { STALE_AFTER_INTERVALS, type ClientLike, type UnitStore } from '../../src/state/unit-store';
import type { TruthLog } from './soak-truth';

/** Where a reading came from: its unit, its truth window, and whether the store (not a write's read-back) made it. */
export interface Origin {
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
export const writePath = new AsyncLocalStorage<boolean>();

export class Recorder {
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
export class RecordingClient implements ClientLike {
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

/** What the soak counts as a defect (each target is 0). */
export interface Defects {
  crashes: number;
  unhandledRejections: number;
  inventedStates: number;
  inventedSchedules: number;
  unknownOrigin: number;
  staleShownAsFresh: number;
  falseWriteReports: number;
}

export const newDefects = (): Defects => ({
  crashes: 0,
  unhandledRejections: 0,
  inventedStates: 0,
  inventedSchedules: 0,
  unknownOrigin: 0,
  staleShownAsFresh: 0,
  falseWriteReports: 0,
});

export class Judge {
  statesChecked = 0;
  schedulesChecked = 0;
  fieldsLost = 0;
  /** (unit, tick) samples, and those shown fresh. */
  samples = 0;
  freshSamples = 0;
  private readonly pending: { unitId: string; view: UnitView | undefined }[] = [];
  private readonly checked = new WeakSet<object>();

  constructor(
    private readonly rec: Recorder,
    private readonly truth: TruthLog,
    private readonly store: UnitStore,
    private readonly clock: PolicyClock,
    /** Allowance on the stale limit (compressed ms). */
    private readonly freshSlackMs: number,
    /** The soak's defect counters (the process handlers count crashes in them too). */
    readonly defects: Defects,
    /** Keeps a defect's description (the first few). */
    readonly example: (what: string) => void,
  ) {}

  /** A view the store just showed (from onDidChangeUnits); checked at the next checkShown(). */
  shown(unitId: string, view: UnitView | undefined): void {
    this.pending.push({ unitId, view });
  }

  checkShown(): void {
    for (const { unitId, view } of this.pending.splice(0)) {
      const status = view?.status;
      if (status && !this.checked.has(status)) {
        this.checked.add(status);
        this.statesChecked++;
        const o = this.rec.origins.get(status);
        if (!o || o.kind !== 'getState' || o.unitId !== unitId) {
          this.defects.unknownOrigin++;
          this.defects.inventedStates++;
          this.example(`${unitId}: shown state has no matching get_state reading (${o ? `reading of ${o.unitId}` : 'none'})`);
        } else {
          const v = this.truth.checkStatus({ unitId, startSeq: o.startSeq, endSeq: o.endSeq }, status);
          this.fieldsLost += v.lost.length;
          if (v.invented.length) {
            this.defects.inventedStates++;
            this.example(
              `${unitId}: shown ${JSON.stringify({ state: status.state, utcTime: status.utcTime, ampsLimit: status.charging.ampsLimit, overrideTime: status.overrideTime })} never real (${v.invented.join(', ')}) during seq ${o.startSeq}..${o.endSeq}`,
            );
          }
        }
      }
      const schedule = view?.schedule;
      if (schedule && !this.checked.has(schedule)) {
        this.checked.add(schedule);
        this.schedulesChecked++;
        const o = this.rec.origins.get(schedule);
        if (!o || o.kind !== 'getSchedule' || !this.truth.checkSchedule({ unitId, startSeq: o.startSeq, endSeq: o.endSeq }, schedule)) {
          this.defects.inventedSchedules++;
          this.example(`${unitId}: shown schedule ${JSON.stringify(schedule)} never real`);
        }
      }
    }
  }

  /** A view shown fresh must come from the last this.store reading, which succeeded, and be younger than the stale limit. */
  checkFreshness(): void {
    for (const v of this.store.units()) {
      this.samples++;
      if (v.stale || !v.status) continue;
      this.freshSamples++;
      const o = this.rec.origins.get(v.status);
      const last = this.rec.lastStoreRead.get(v.unitId);
      if (!o) continue; // counted by checkShown
      if (last && !last.ok && last.settleNo > o.settleNo) {
        this.defects.staleShownAsFresh++;
        this.example(`${v.unitId}: shown fresh after its last reading failed`);
        continue;
      }
      const limitMs = STALE_AFTER_INTERVALS * this.store.policy.intervalFor(v.status.updateIntervalS) * 1000;
      // One tick of slack: the this.store and this check read the this.clock at slightly different moments.
      if (this.clock.now() - o.settleAt > limitMs + this.freshSlackMs) {
        this.defects.staleShownAsFresh++;
        this.example(`${v.unitId}: shown fresh with a reading ${((this.clock.now() - o.settleAt) / 1000).toFixed(0)} s old (limit ${limitMs / 1000} s)`);
      }
    }
  }
}
