// Load sharing: the boxes of one circuit (one breaker, one supply) divide the current it may carry
// continuously. Pure: the server feeds it each box's reports and asks it for the limit of the reply
// it is about to send; the benchmark and the tests drive it on a virtual clock.
//
// The rules, in order of importance:
//  1. A box's new limit reaches it only with the reply to its next report, and a reply can be lost.
//     So for every box we keep the most it may be drawing: the larger of the limit it reported last
//     (what it obeys now) and the limit we sent since (it may have applied it already). The sum of
//     these over the circuit never exceeds the circuit's capacity.
//  2. A share is lowered at once (with the box's next reply); a share is raised only when every box
//     whose share was lowered has reported obeying (its reported limit is at or below what we sent)
//     and the raise still fits the capacity next to everything the other boxes may draw.
//  3. A silent box (no report for a while) keeps what it may draw reserved; one silent long enough to
//     have fallen back (no replies for about 5 minutes) may be drawing its offline limit, so that is
//     reserved too. A box that never reported since the server started counts as silent.
//  4. Each box that charges gets at least 6 A or nothing. When there is not enough for every box,
//     they take turns: a box keeps its turn for `turnS`, then the longest waiting box goes next.
//  5. Never above the box's own limit (the owner's limit, rating, schedule, plan or solar cap).
//  6. A box that charges well below its share (the car takes less) keeps a little above what it
//     draws, and the rest goes to the others.
export const MIN_SHARE_A = 6;

export interface CircuitSpec {
  id: string;
  name: string;
  /** The current the circuit may carry continuously, in amps (the breaker's rating x 0.8 in the US). */
  capacityA: number;
  unitIds: readonly string[];
}

export interface CircuitOptions {
  /** Seconds a box keeps its turn when others wait (default 1800). */
  turnS: number;
  /** Seconds without a report after which a box is silent (default 75: more than two charging report periods). */
  silentAfterS: number;
  /** Seconds without replies after which a box falls back to its offline limit (the box's own rule: about 300). */
  fallbackAfterS: number;
}

export const DEFAULT_CIRCUIT_OPTIONS: CircuitOptions = { turnS: 1800, silentAfterS: 75, fallbackAfterS: 300 };

/** What one report of a box tells the circuit (with the owner's limit for it right now). */
export interface BoxReport {
  atS: number;
  /** A car is plugged in (plugged or charging). */
  plugged: boolean;
  charging: boolean;
  /** The online limit the box reports obeying (field M); undefined for the oldest firmware. */
  reportedLimitA?: number;
  /** The current it draws, in amps. */
  currentA?: number;
  /** Its offline limit (what it falls back to without replies). */
  offlineLimitA?: number;
  /** The most the owner's own rules allow it now (limit, rating, schedule, override, plan, solar). */
  ownerMaxA: number;
}

/** How a box's share came about, for the reason line. */
export type ShareKind =
  /** Charging with a share of the circuit. */
  | 'sharing'
  /** Wants to charge but the circuit is full: waits for its turn. */
  | 'paused'
  /** Its share is due to rise, held until the boxes lowered for it report obeying. */
  | 'waiting-for-others'
  /** No car, or the owner's rules say 0 A: no share needed. */
  | 'idle';

export interface ShareDecision {
  /** The limit for the box's reply now (at most the owner's limit). */
  limitA: number;
  /** The share the circuit aims to give it (the limit once the others have obeyed). */
  targetA: number;
  kind: ShareKind;
  circuitName: string;
  capacityA: number;
  /** When a paused box's turn is expected (epoch seconds), if it waits for one. */
  turnAtS?: number;
}

interface BoxShare {
  unitId: string;
  last?: BoxReport;
  /** The limit it reported obeying last (or, for boxes that do not report it, what it was last seen to obey). */
  obeyedA?: number;
  /** The highest limit sent since its last report. */
  sentSinceReportA?: number;
  /** The limit of the last reply. */
  sentA?: number;
  /** The limit it had before this server knew it (a box that never reported since the start). */
  assumedA: number;
  offlineLimitA: number;
  /** Epoch seconds: its present turn started (a box with a share when others wait). */
  turnStartS?: number;
  /** Epoch seconds: it started waiting for a turn. */
  waitingSinceS?: number;
  /** The most it drew in its present turn (seen in reports while charging at a steady share). */
  drawCapA?: number;
  steadyReports: number;
  /** Epoch seconds since its car, plugged in with a share, takes nothing (full, or its own timer). */
  notTakingSinceS?: number;
  /** Epoch seconds since which its reports keep showing a limit other than the one last sent (replies not arriving). */
  deafSinceS?: number;
}

/** One box's figures, for the status read and the tests. */
export interface BoxShareStatus {
  unitId: string;
  /** The most it may be drawing now (what the safety rule counts). */
  mayDrawA: number;
  sentA?: number;
  obeyedA?: number;
  targetA: number;
  silent: boolean;
  /** Its share was lowered and it has not reported obeying yet. */
  lowering: boolean;
  kind: ShareKind;
  turnAtS?: number;
}

export class CircuitShares {
  readonly spec: CircuitSpec;
  readonly opts: CircuitOptions;
  private readonly boxes = new Map<string, BoxShare>();
  private lastTargets = new Map<string, { targetA: number; kind: ShareKind; turnAtS?: number }>();

  /**
   * `known`: what the server remembers of each box from before (its last reported limit and its
   * offline limit), reserved until it reports again.
   */
  constructor(spec: CircuitSpec, opts: Partial<CircuitOptions> = {}, known: Record<string, { limitA?: number; offlineLimitA?: number }> = {}) {
    this.spec = { ...spec, unitIds: [...new Set(spec.unitIds)] };
    this.opts = { ...DEFAULT_CIRCUIT_OPTIONS, ...opts };
    for (const id of this.spec.unitIds) {
      const k = known[id] ?? {};
      const offline = k.offlineLimitA ?? 0;
      this.boxes.set(id, { unitId: id, assumedA: Math.max(k.limitA ?? 0, offline), offlineLimitA: offline, steadyReports: 0 });
    }
  }

  has(unitId: string): boolean {
    return this.boxes.has(unitId);
  }

  private box(unitId: string): BoxShare {
    const b = this.boxes.get(unitId);
    if (!b) throw new Error(`box ${unitId} is not on the ${this.spec.name} circuit`);
    return b;
  }

  /**
   * No report for a while, or reports that keep showing another limit than the one sent for so long
   * that the box may soon fall back to its offline limit (its replies do not arrive).
   */
  private silent(b: BoxShare, nowS: number): boolean {
    if (!b.last || nowS - b.last.atS > this.opts.silentAfterS) return true;
    return b.deafSinceS !== undefined && nowS - b.deafSinceS >= this.opts.fallbackAfterS - this.opts.silentAfterS;
  }

  /** The most a box may be drawing now: rule 1 and rule 3. */
  mayDrawA(unitId: string, nowS: number): number {
    return this.mayDraw(this.box(unitId), nowS);
  }

  private mayDraw(b: BoxShare, nowS: number): number {
    if (!b.last) return b.assumedA;
    const known = Math.max(b.obeyedA ?? b.assumedA, b.sentSinceReportA ?? 0);
    if (!this.silent(b, nowS)) return known;
    // Silent: it may have fallen back to its offline limit (or be about to).
    return Math.max(known, b.offlineLimitA);
  }

  /** Takes a box's report (call before `decide` for the reply to it). */
  observe(unitId: string, r: BoxReport): void {
    const b = this.box(unitId);
    const prev = b.last;
    const obeyedBefore = b.obeyedA;
    if (r.offlineLimitA !== undefined) b.offlineLimitA = r.offlineLimitA;
    if (r.reportedLimitA !== undefined) {
      if (b.sentA !== undefined && r.reportedLimitA !== b.sentA) b.deafSinceS ??= r.atS;
      else b.deafSinceS = undefined;
      b.obeyedA = r.reportedLimitA;
    } else if (b.sentA !== undefined && r.charging && r.currentA !== undefined && r.currentA <= b.sentA + 0.5) {
      // Old firmware does not say its limit: charging at or below the last limit is the only sign
      // that it obeys it. Otherwise the highest limit it may have stays counted.
      b.obeyedA = b.sentA;
    } else if (b.obeyedA === undefined) {
      b.obeyedA = Math.max(b.assumedA, b.sentSinceReportA ?? 0);
    } else {
      b.obeyedA = Math.max(b.obeyedA, b.sentSinceReportA ?? 0);
    }
    b.sentSinceReportA = undefined;
    // A car that takes nothing with a share of 6 A or more (full, or waiting for its own timer) gives
    // its seat up; it queues again after a turn's length, in case it wants to charge by then. Only
    // once the box already obeyed that share at its previous report: a report that comes right after
    // the share arrived may show a car that has not started yet.
    if (
      r.plugged &&
      !r.charging &&
      (r.currentA ?? 0) < 1 &&
      b.obeyedA !== undefined &&
      b.obeyedA >= MIN_SHARE_A &&
      b.sentA === b.obeyedA &&
      obeyedBefore === b.obeyedA &&
      prev?.plugged
    ) {
      b.notTakingSinceS ??= r.atS;
    } else if (!r.plugged || r.charging) b.notTakingSinceS = undefined;
    // Drawing well below a steady share: the car takes less (its own charger's limit, or nearly full).
    if (!r.plugged) {
      b.drawCapA = undefined;
      b.steadyReports = 0;
    } else if (r.charging && r.currentA !== undefined && prev?.charging && b.sentA !== undefined && b.obeyedA === b.sentA) {
      b.steadyReports++;
      if (b.steadyReports >= 2 && r.currentA < b.sentA - 2) b.drawCapA = Math.max(MIN_SHARE_A, Math.ceil(r.currentA) + 1);
      else if (r.currentA >= b.sentA - 0.5) b.drawCapA = undefined;
    } else b.steadyReports = 0;
    b.last = r;
  }

  /**
   * The targets: who charges and with how much (rules 4-6), over the boxes that report. Silent
   * boxes keep what they may draw reserved.
   */
  private targets(nowS: number): Map<string, { targetA: number; kind: ShareKind; turnAtS?: number }> {
    const out = new Map<string, { targetA: number; kind: ShareKind; turnAtS?: number }>();
    let available = this.spec.capacityA;
    const wanting: BoxShare[] = [];
    for (const b of this.boxes.values()) {
      if (this.silent(b, nowS)) {
        available -= this.mayDraw(b, nowS);
        out.set(b.unitId, { targetA: 0, kind: 'idle' });
        continue;
      }
      const r = b.last!;
      const max = Math.floor(Math.max(0, r.ownerMaxA));
      if (b.notTakingSinceS !== undefined && nowS - b.notTakingSinceS >= this.opts.turnS) b.notTakingSinceS = undefined;
      if (r.plugged && max >= MIN_SHARE_A && b.notTakingSinceS === undefined) wanting.push(b);
      else {
        out.set(b.unitId, { targetA: 0, kind: 'idle' });
        b.turnStartS = undefined;
        b.waitingSinceS = undefined;
      }
    }
    available = Math.max(0, Math.floor(available));
    const seats = Math.min(wanting.length, Math.floor(available / MIN_SHARE_A));
    // Turn order: boxes inside their turn, then the longest waiting, then those whose turn is over.
    const turnEnd = (b: BoxShare) => (b.turnStartS ?? nowS) + this.opts.turnS;
    const rank = (b: BoxShare): [number, number] => {
      if (b.turnStartS !== undefined && nowS < turnEnd(b)) return [0, b.turnStartS];
      if (b.turnStartS === undefined) return [1, b.waitingSinceS ?? nowS];
      return [2, b.turnStartS];
    };
    const ordered = [...wanting].sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      return ra[0] - rb[0] || ra[1] - rb[1] || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0);
    });
    const chosen = ordered.slice(0, seats);
    const waiting = ordered.slice(seats);
    const crowded = waiting.length > 0;
    // Water-filling: equal shares, each capped by its own maximum (and what its car draws), the rest
    // shared again among the others.
    const caps = new Map(chosen.map((b) => [b.unitId, Math.min(Math.floor(b.last!.ownerMaxA), b.drawCapA ?? Infinity)]));
    const share = new Map<string, number>();
    let left = available;
    let open = [...chosen];
    while (open.length > 0) {
      const each = Math.floor(left / open.length);
      const capped = open.filter((b) => caps.get(b.unitId)! <= each);
      if (capped.length === 0) {
        let extra = left - each * open.length;
        for (const b of open) {
          const a = Math.min(caps.get(b.unitId)!, each + (extra > 0 ? 1 : 0));
          if (a > each) extra--;
          share.set(b.unitId, a);
        }
        break;
      }
      for (const b of capped) {
        share.set(b.unitId, caps.get(b.unitId)!);
        left -= caps.get(b.unitId)!;
      }
      open = open.filter((b) => !capped.includes(b));
    }
    for (const b of chosen) {
      const a = Math.max(MIN_SHARE_A, share.get(b.unitId) ?? MIN_SHARE_A);
      if (crowded) b.turnStartS ??= nowS;
      else b.turnStartS = undefined;
      b.waitingSinceS = undefined;
      out.set(b.unitId, { targetA: a, kind: 'sharing' });
    }
    // Room nobody charging needs: a standby share for boxes without a car, so that a car plugged in
    // starts at once (it is lowered again, with the safety rule, when another box needs it).
    if (!crowded) {
      let spare = available - [...out.values()].reduce((s, t) => s + t.targetA, 0);
      for (const b of this.boxes.values()) {
        const t = out.get(b.unitId)!;
        if (t.kind !== 'idle' || this.silent(b, nowS) || (b.last!.plugged && b.notTakingSinceS === undefined)) continue;
        const a = Math.min(Math.floor(b.last!.ownerMaxA), spare);
        if (a >= MIN_SHARE_A) {
          out.set(b.unitId, { targetA: a, kind: 'idle' });
          spare -= a;
        }
      }
    }
    // When each waiting box's turn is expected: as turns end, in queue order.
    const ends = chosen.map((b) => Math.max(nowS, turnEnd(b))).sort((x, y) => x - y);
    waiting.forEach((b, i) => {
      b.waitingSinceS ??= nowS;
      b.turnStartS = undefined;
      const turnAtS = ends.length > 0 ? ends[i % ends.length] + Math.floor(i / ends.length) * this.opts.turnS : undefined;
      out.set(b.unitId, { targetA: 0, kind: 'paused', turnAtS });
    });
    return out;
  }

  /**
   * The limit for the reply to `unitId`'s report now (rules 1-2 applied to the targets). Call once per
   * reply: it records the limit as sent.
   */
  decide(unitId: string, nowS: number): ShareDecision {
    const b = this.box(unitId);
    const targets = this.targets(nowS);
    this.lastTargets = targets;
    const t = targets.get(unitId)!;
    const obeyed = b.obeyedA ?? b.assumedA;
    let limitA = t.targetA;
    let kind = t.kind;
    if (t.targetA > obeyed) {
      // A raise (above what it obeys now): only once every lowered box obeyed, and within what the
      // others may draw. Until then it keeps what it has (or nothing, below 6 A).
      const lowering = [...this.boxes.values()].some((o) => o !== b && !this.silent(o, nowS) && this.lowering(o));
      let others = 0;
      for (const o of this.boxes.values()) if (o !== b) others += this.mayDraw(o, nowS);
      const room = Math.max(0, Math.floor(this.spec.capacityA - others));
      limitA = Math.min(lowering ? obeyed : t.targetA, room);
      if (limitA < MIN_SHARE_A) limitA = 0;
      if (limitA < t.targetA && t.kind === 'sharing') kind = limitA >= MIN_SHARE_A ? 'sharing' : 'waiting-for-others';
    }
    limitA = Math.max(0, Math.min(limitA, Math.floor(b.last?.ownerMaxA ?? 0)));
    b.sentA = limitA;
    b.sentSinceReportA = Math.max(b.sentSinceReportA ?? 0, limitA);
    return { limitA, targetA: t.targetA, kind, circuitName: this.spec.name, capacityA: this.spec.capacityA, turnAtS: t.turnAtS };
  }

  /** Its share was lowered below what it obeys, and it has not reported obeying yet. */
  private lowering(b: BoxShare): boolean {
    return b.sentA !== undefined && (b.obeyedA ?? b.assumedA) > b.sentA;
  }

  /** Every box's figures now (the last targets computed by `decide`). */
  status(nowS: number): BoxShareStatus[] {
    return [...this.boxes.values()].map((b) => {
      const t = this.lastTargets.get(b.unitId) ?? { targetA: 0, kind: 'idle' as ShareKind };
      return {
        unitId: b.unitId,
        mayDrawA: this.mayDraw(b, nowS),
        sentA: b.sentA,
        obeyedA: b.obeyedA,
        targetA: t.targetA,
        silent: this.silent(b, nowS),
        lowering: this.lowering(b),
        kind: t.kind,
        turnAtS: t.turnAtS,
      };
    });
  }

  /** What every box may draw, summed: never above the capacity while the rules hold. */
  mayDrawTotalA(nowS: number): number {
    let s = 0;
    for (const b of this.boxes.values()) s += this.mayDraw(b, nowS);
    return s;
  }
}

/** The offline limits' check: what the boxes would draw together if the server stopped answering. */
export interface OfflineFit {
  fits: boolean;
  totalA: number;
  capacityA: number;
  /** Offline limits that fit, per box (equal shares of at least 6 A, 0 for the boxes beyond). */
  suggestedA: Record<string, number>;
  /** In words, with what to change. */
  message: string;
}

export function checkOfflineFit(circuit: Pick<CircuitSpec, 'name' | 'capacityA' | 'unitIds'>, offlineLimitA: Record<string, number | undefined>): OfflineFit {
  const ids = [...new Set(circuit.unitIds)];
  const totalA = ids.reduce((s, id) => s + (offlineLimitA[id] ?? 0), 0);
  const capacityA = circuit.capacityA;
  const fits = totalA <= capacityA;
  const suggestedA: Record<string, number> = {};
  if (fits) {
    for (const id of ids) suggestedA[id] = offlineLimitA[id] ?? 0;
  } else {
    const seats = Math.min(ids.length, Math.floor(capacityA / MIN_SHARE_A));
    const each = seats > 0 ? Math.floor(capacityA / seats) : 0;
    ids.forEach((id, i) => (suggestedA[id] = i < seats ? Math.min(each, offlineLimitA[id] ?? each) : 0));
  }
  const unknown = ids.filter((id) => offlineLimitA[id] === undefined);
  const unknownText =
    unknown.length > 0
      ? ` ${unknown.length === 1 ? 'One box has' : `${unknown.length} boxes have`} not reported yet and ${unknown.length === 1 ? 'is' : 'are'} counted as 0 A.`
      : '';
  const message = fits
    ? `The offline limits add up to ${totalA} A, within the ${circuit.name} circuit's ${capacityA} A: if this server stops answering, the boxes stay within it.${unknownText}`
    : `The offline limits add up to ${totalA} A, more than the ${circuit.name} circuit's ${capacityA} A: if this server stops answering, each box falls back to its offline limit and together they could overload the circuit. Set them to ${ids
        .map((id) => `${suggestedA[id]} A`)
        .join(', ')} (confirm to write them: each box keeps its offline limit in its memory).${unknownText}`;
  return { fits, totalA, capacityA, suggestedA, message };
}

/** Checks a circuit as the owner typed it; returns problems in words. */
export function validateCircuit(c: { name?: unknown; capacityA?: unknown; unitIds?: unknown }): string[] {
  const errors: string[] = [];
  if (typeof c.name !== 'string' || c.name.trim() === '' || c.name.length > 60)
    errors.push('Give the circuit a name of 1 to 60 characters (for example "Garage").');
  if (typeof c.capacityA !== 'number' || !Number.isInteger(c.capacityA) || c.capacityA < MIN_SHARE_A || c.capacityA > 400)
    errors.push(`The circuit's continuous current must be a whole number of amps from ${MIN_SHARE_A} to 400 (for a 40 A breaker: 32 A).`);
  if (!Array.isArray(c.unitIds) || c.unitIds.length === 0 || c.unitIds.some((u) => typeof u !== 'string' || u === ''))
    errors.push('Choose at least one charger for the circuit.');
  else if (new Set(c.unitIds).size !== c.unitIds.length) errors.push('A charger is listed twice on the circuit.');
  return errors;
}
