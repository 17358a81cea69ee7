// The soak's judge (pure, unit-tested in test/unit/soak-truth.test.ts): a log of what the simulator
// really had for each unit, and the checks "was this shown state ever real while it was being
// read?" and "does the server hold what a write reported as done?".
//
// Truth is recorded as a sequence of entries per unit, numbered by one global `seq`. The caller
// records every unit after each clock advance and fault change, and each unit after every write
// call settles (the simulator applies a write before its reply, so the entry after the settle holds
// it). A reading is tagged with the seq at its start and at its end; what it shows must equal one
// entry that was current at some point of that window. A write that started before the reading
// ended may have been applied on the server before the reading was answered, so the window is
// stretched to that write's post-write entry.
import type { NotificationSettings, Schedule, ScheduleWindow, UnitStatus } from '../../src/domain/model';
import type { SimSchedule, WireWindow } from '../../src/server/types';
import type { SimUnitSnapshot } from '../../src/simulator/model';

/** The fields of get_state (and get_schedule) the checker compares. */
export interface ReportedTruth {
  state: string;
  /** The server's clock (utc_time, whole seconds): a reading must carry the time it was taken at. */
  utcTime: number;
  ampsLimit: number;
  overrideTime: number;
  updateIntervalS: number;
  schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'>;
}

export interface TruthEntry extends ReportedTruth {
  seq: number;
}

/** The seqs at the start and the end of one read call. */
export interface ReadWindow {
  unitId: string;
  startSeq: number;
  endSeq: number;
}

export interface WriteSpan {
  unitId: string;
  startSeq: number;
  /** Seq of the entry recorded after the write settled; undefined while it runs. */
  endSeq?: number;
}

/** What a shown reading got wrong: `invented` fields differ from every real entry; `lost` are missing. */
export interface StatusVerdict {
  invented: string[];
  lost: string[];
}

const STATUS_FIELDS = ['state', 'utcTime', 'ampsLimit', 'overrideTime', 'updateIntervalS'] as const;

export function scheduleFromWire(s: SimSchedule): Pick<Schedule, 'type' | 'weekday' | 'weekend'> {
  const w = (x: WireWindow): ScheduleWindow => ({ start: x.start, end: x.end, carReadyBy: x.car_ready_by });
  return { type: s.type, weekday: w(s.weekday), weekend: w(s.weekend) };
}

export function sameWindows(a: Pick<Schedule, 'type' | 'weekday' | 'weekend'>, b: Pick<Schedule, 'type' | 'weekday' | 'weekend'>): boolean {
  const eq = (x: ScheduleWindow, y: ScheduleWindow) => x.start === y.start && x.end === y.end && x.carReadyBy === y.carReadyBy;
  return a.type === b.type && eq(a.weekday, b.weekday) && eq(a.weekend, b.weekend);
}

/** The shown fields of a normalised get_state, in the checker's terms. */
export function shownFields(s: UnitStatus): Partial<Record<(typeof STATUS_FIELDS)[number], unknown>> {
  return { state: s.state, utcTime: s.utcTime, ampsLimit: s.charging.ampsLimit, overrideTime: s.overrideTime, updateIntervalS: s.updateIntervalS };
}

export class TruthLog {
  private seqNo = 0;
  private readonly entries = new Map<string, TruthEntry[]>();
  /** Live limit/override when the unit was last seen online: what an offline unit keeps reporting. */
  private readonly lastLive = new Map<string, { ampsLimit: number; overrideTime: number }>();
  private readonly frozen = new Map<string, { ampsLimit: number; overrideTime: number }>();
  private readonly writes = new Map<string, WriteSpan[]>();

  get seq(): number {
    return this.seqNo;
  }

  /**
   * Records a unit's truth from a simulator snapshot. An offline unit reports what it had when it
   * went offline (the simulator freezes its last check-in), so the caller must record every unit
   * just before faults take one offline.
   */
  record(snap: SimUnitSnapshot): TruthEntry {
    const live = { ampsLimit: snap.ampsLimit, overrideTime: snap.overrideTime };
    let reported = live;
    if (snap.online) {
      this.lastLive.set(snap.unitId, live);
      this.frozen.delete(snap.unitId);
    } else {
      let f = this.frozen.get(snap.unitId);
      if (!f) {
        f = this.lastLive.get(snap.unitId) ?? live;
        this.frozen.set(snap.unitId, f);
      }
      reported = f;
    }
    return this.add(snap.unitId, {
      state: snap.reportedState,
      utcTime: Math.floor(snap.virtualNowS),
      ampsLimit: reported.ampsLimit,
      overrideTime: reported.overrideTime,
      updateIntervalS: snap.updateIntervalS,
      schedule: scheduleFromWire(snap.schedule),
    });
  }

  /** Adds an entry (also used by tests without a simulator). */
  add(unitId: string, truth: ReportedTruth): TruthEntry {
    const list = this.entries.get(unitId) ?? [];
    this.entries.set(unitId, list);
    const entry: TruthEntry = { ...truth, schedule: structuredClone(truth.schedule), seq: ++this.seqNo };
    list.push(entry);
    return entry;
  }

  beginWrite(unitId: string): WriteSpan {
    const span: WriteSpan = { unitId, startSeq: this.seqNo };
    const list = this.writes.get(unitId) ?? [];
    this.writes.set(unitId, list);
    list.push(span);
    return span;
  }

  /** Ends a write span; `after` is the snapshot taken when the write settled (success or failure). */
  endWrite(span: WriteSpan, after: SimUnitSnapshot | ReportedTruth): void {
    const e = 'unitId' in after ? this.record(after) : this.add(span.unitId, after);
    span.endSeq = e.seq;
  }

  /** Entries a reading taken during `w` may show: the one current at its start, and every later one up to its (stretched) end. */
  candidates(w: ReadWindow): TruthEntry[] {
    const list = this.entries.get(w.unitId) ?? [];
    let end = w.endSeq;
    for (const s of this.writes.get(w.unitId) ?? []) {
      if (s.startSeq <= w.endSeq) end = Math.max(end, s.endSeq ?? this.seqNo);
    }
    // Last entry at or before the start (binary search), then forward to the end.
    let lo = 0;
    let hi = list.length - 1;
    let first = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].seq <= w.startSeq) {
        first = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const out: TruthEntry[] = [];
    for (let i = first; i < list.length && list[i].seq <= end; i++) out.push(list[i]);
    return out;
  }

  /** Whether a shown get_state was real during its read window. */
  checkStatus(w: ReadWindow, shown: UnitStatus): StatusVerdict {
    const fields = shownFields(shown);
    const lost = STATUS_FIELDS.filter((f) => fields[f] === undefined);
    const cands = this.candidates(w);
    if (shown.unitId !== w.unitId) return { invented: ['unitId'], lost };
    if (cands.length === 0) return { invented: ['(no truth recorded)'], lost };
    const differing = (c: TruthEntry) => STATUS_FIELDS.filter((f) => fields[f] !== undefined && fields[f] !== c[f]);
    if (cands.some((c) => differing(c).length === 0)) return { invented: [], lost };
    return { invented: differing(cands[cands.length - 1]), lost };
  }

  /** Whether a shown schedule was real during its read window. */
  checkSchedule(w: ReadWindow, shown: Pick<Schedule, 'type' | 'weekday' | 'weekend'>): boolean {
    return this.candidates(w).some((c) => sameWindows(c.schedule, shown));
  }

  /** Entries recorded for a unit (for tests and figures). */
  entriesOf(unitId: string): readonly TruthEntry[] {
    return this.entries.get(unitId) ?? [];
  }
}

/** A write as the soak sent it, with what a "done" report promises about the server. */
export type SoakWrite =
  | { kind: 'limit'; amps: number }
  /** Start Charging by the one rule: an override only when something blocked (overrideTime), else the limit restored. */
  | { kind: 'start'; overrideTime?: number; restoreAmps?: number }
  | { kind: 'cancel' }
  | { kind: 'schedule'; schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'> }
  | { kind: 'chargingTime'; epochS: number }
  | { kind: 'notifications'; settings: NotificationSettings };

/**
 * Does the server (a snapshot taken right after the write was reported done) hold what the write
 * set? Returns the reason when it does not, undefined when it does.
 */
export function writeNotHeld(w: SoakWrite, snap: SimUnitSnapshot): string | undefined {
  switch (w.kind) {
    case 'limit':
      return snap.ampsLimit === w.amps ? undefined : `amps_limit is ${snap.ampsLimit}, reported ${w.amps}`;
    case 'start':
      if (w.overrideTime !== undefined && snap.overrideTime !== w.overrideTime) return `override_time is ${snap.overrideTime}, reported ${w.overrideTime}`;
      if (w.restoreAmps !== undefined && snap.ampsLimit !== w.restoreAmps) return `amps_limit is ${snap.ampsLimit}, restored ${w.restoreAmps}`;
      return snap.ampsLimit > 0 ? undefined : 'amps_limit is 0: nothing can charge';
    case 'cancel':
      return snap.overrideTime === 0 ? undefined : `override_time is ${snap.overrideTime}, reported cancelled`;
    case 'schedule': {
      const held = scheduleFromWire(snap.schedule);
      if (w.schedule.type === 'disabled') return held.type === 'disabled' ? undefined : `schedule is ${held.type}, reported disabled`;
      return sameWindows(held, w.schedule) ? undefined : `schedule is ${JSON.stringify(held)}, reported ${JSON.stringify(w.schedule)}`;
    }
    case 'chargingTime':
      return snap.chargingTime === w.epochS ? undefined : `charging_time is ${snap.chargingTime}, reported ${w.epochS}`;
    case 'notifications': {
      for (const [event, s] of Object.entries(w.settings)) {
        if (!s) continue;
        const n = snap.notifications[event.trim()];
        if (!n) return `notification ${event} missing`;
        if (n.email !== s.email || n.push !== s.push || (s.time !== undefined && n.time !== s.time)) return `notification ${event} is ${JSON.stringify(n)}`;
      }
      return undefined;
    }
  }
}
