// A circuit of JuiceBoxes as the protocol describes them, on a virtual clock of whole seconds: a box
// obeys the limit of the last reply that reached it, reports the limit it obeys (M) and its current
// every 10 s while charging and every 30 s otherwise, and falls back to its offline limit after
// 300 s without a reply. Reports and replies can be lost, boxes go silent, cars come and go. The
// server side is a policy: the smart rules (src/domain/smart/circuit.ts), a fixed split of the
// circuit, or no sharing at all. Used by the circuit fuzzing and by bench:smart.
import { CircuitShares, MIN_SHARE_A, type CircuitOptions } from '../../src/domain/smart/circuit';

export const FALLBACK_S = 300;

export interface WorldBox {
  id: string;
  ratingA: number;
  offlineA: number;
  /** The online limit it obeys (from the last reply that reached it). */
  limitA: number;
  lastReplyS: number;
  plugged: boolean;
  /** The most the car takes (its own charger); 0 when it is full. */
  carMaxA: number;
  /** Energy the car still takes, in Wh (Infinity: until unplugged). */
  needWh: number;
  ownerA: number;
  /** Its reports do not arrive (and so it gets no replies). */
  muted: boolean;
  nextReportS: number;
}

export type Policy = 'smart' | 'fixed-split' | 'no-sharing';

export interface Decided {
  box: WorldBox;
  limitA: number;
  /** What the box obeyed before (for the raise rule). */
  obeyedA: number;
  /** Other boxes whose share was lowered and that have not reported obeying (for the raise rule). */
  loweringOthers: string[];
}

export class CircuitWorld {
  readonly boxes: WorldBox[];
  readonly circuit: CircuitShares;
  now = 0;
  /** Seconds in which the boxes drew more than the circuit carries, and the worst excess. */
  violationSeconds = 0;
  violations = 0;
  private overNow = false;
  /** Amp-seconds drawn and offered while the cars wanted more than the circuit (utilisation). */
  crowdedSeconds = 0;
  crowdedDrawnAs = 0;
  limitChanges = 0;

  constructor(
    readonly capacityA: number,
    boxes: Omit<WorldBox, 'limitA' | 'lastReplyS' | 'nextReportS'>[],
    readonly policy: Policy,
    readonly rnd: () => number,
    readonly loss: { report: number; reply: number },
    opts: Partial<CircuitOptions> = {},
  ) {
    this.boxes = boxes.map((b, i) => ({ ...b, limitA: b.offlineA, lastReplyS: -Infinity, nextReportS: i * 3 }));
    const known = Object.fromEntries(this.boxes.map((b) => [b.id, { limitA: b.limitA, offlineLimitA: b.offlineA }]));
    this.circuit = new CircuitShares({ id: 'c', name: 'Garage', capacityA, unitIds: this.boxes.map((b) => b.id) }, opts, known);
  }

  applied(b: WorldBox): number {
    return this.now - b.lastReplyS > FALLBACK_S ? b.offlineA : b.limitA;
  }

  current(b: WorldBox): number {
    return b.plugged && b.needWh > 0 ? Math.min(this.applied(b), b.carMaxA, b.ratingA) : 0;
  }

  /** What the plugged cars would take together without any circuit. */
  demandA(): number {
    return this.boxes.reduce((s, b) => s + (b.plugged && b.needWh > 0 ? Math.min(b.carMaxA, b.ratingA, b.ownerA) : 0), 0);
  }

  drawnA(): number {
    return this.boxes.reduce((s, b) => s + this.current(b), 0);
  }

  private decide(b: WorldBox): Decided {
    if (this.policy === 'fixed-split')
      return { box: b, limitA: Math.min(b.ownerA, Math.floor(this.capacityA / this.boxes.length)), obeyedA: 0, loweringOthers: [] };
    if (this.policy === 'no-sharing') return { box: b, limitA: b.ownerA, obeyedA: 0, loweringOthers: [] };
    const charging = this.current(b) > 0;
    this.circuit.observe(b.id, {
      atS: this.now,
      plugged: b.plugged,
      charging,
      reportedLimitA: this.applied(b),
      currentA: this.current(b),
      offlineLimitA: b.offlineA,
      ownerMaxA: b.ownerA,
    });
    const before = this.circuit.status(this.now);
    const obeyedA = before.find((s) => s.unitId === b.id)!.obeyedA ?? 0;
    const d = this.circuit.decide(b.id, this.now);
    return { box: b, limitA: d.limitA, obeyedA, loweringOthers: before.filter((s) => s.unitId !== b.id && s.lowering && !s.silent).map((s) => s.unitId) };
  }

  /** One virtual second: energy flows, due reports are answered (or lost). Returns the decisions made. */
  step(): Decided[] {
    this.now++;
    for (const b of this.boxes) {
      const a = this.current(b);
      if (a > 0) b.needWh -= (a * 240) / 3600;
    }
    const out: Decided[] = [];
    for (const b of this.boxes) {
      if (this.now < b.nextReportS) continue;
      b.nextReportS = this.now + (this.current(b) > 0 ? 10 : 30);
      if (b.muted || this.rnd() < this.loss.report) continue;
      const d = this.decide(b);
      if (d.limitA !== 0 && d.limitA < MIN_SHARE_A) throw new Error(`a limit of ${d.limitA} A`);
      out.push(d);
      if (this.rnd() >= this.loss.reply) {
        if (b.limitA !== d.limitA) this.limitChanges++;
        b.limitA = d.limitA;
        b.lastReplyS = this.now;
      }
    }
    const drawn = this.drawnA();
    const over = drawn > this.capacityA + 1e-9;
    if (over) this.violationSeconds++;
    if (over && !this.overNow) this.violations++;
    this.overNow = over;
    if (this.demandA() > this.capacityA) {
      this.crowdedSeconds++;
      this.crowdedDrawnAs += drawn;
    }
    return out;
  }

  utilisation(): number {
    return this.crowdedSeconds > 0 ? this.crowdedDrawnAs / (this.crowdedSeconds * this.capacityA) : NaN;
  }
}

/** A small deterministic random source (mulberry32). */
export function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offline limits that fit the circuit (what the owner sets after the server's check): 0 or 6 A up to the rating. */
export function fittingOfflineLimits(capacityA: number, ratings: readonly number[], weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  return ratings.map((r, i) => {
    const off = Math.min(Math.floor((weights[i] / sum) * capacityA), r);
    return off < MIN_SHARE_A ? 0 : off;
  });
}
