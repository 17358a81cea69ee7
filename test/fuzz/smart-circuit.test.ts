// Fuzzing the load sharing of a circuit (src/domain/smart/circuit.ts) against a model of the boxes
// as the protocol describes them: a box obeys the limit of the last reply that reached it, reports
// the limit it obeys (M) and its current, sends a report every 10 s while charging and every 30 s
// otherwise, and falls back to its offline limit after 300 s without a reply. Reports and replies
// get lost, boxes go silent and come back, cars are plugged in and out, owners change their limits.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CircuitShares, MIN_SHARE_A, checkOfflineFit } from '../../src/domain/smart/circuit';
import { RUNS, fuzz } from './arbitraries';

interface ModelBox {
  id: string;
  ratingA: number;
  offlineA: number;
  limitA: number;
  lastReplyS: number;
  plugged: boolean;
  carMaxA: number;
  ownerA: number;
  muted: boolean;
  nextReportS: number;
}

const FALLBACK_S = 300;

function applied(b: ModelBox, nowS: number): number {
  return nowS - b.lastReplyS > FALLBACK_S ? b.offlineA : b.limitA;
}
function currentOf(b: ModelBox, nowS: number): number {
  return b.plugged ? Math.min(applied(b, nowS), b.carMaxA, b.ratingA) : 0;
}

/** A small deterministic random source for the losses (the scenario's seed). */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const op = fc.record({
  box: fc.nat({ max: 6 }),
  kind: fc.constantFrom('plug', 'unplug', 'mute', 'unmute', 'carMax', 'owner', 'none', 'none'),
  value: fc.integer({ min: 0, max: 48 }),
  advanceS: fc.integer({ min: 1, max: 120 }),
});

const scenario = fc.record({
  boxes: fc.integer({ min: 1, max: 7 }),
  capacityA: fc.integer({ min: 6, max: 80 }),
  ratings: fc.array(fc.constantFrom(16, 32, 40, 48), { minLength: 7, maxLength: 7 }),
  offlineShares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }),
  lossReport: fc.double({ min: 0, max: 0.2, noNaN: true }),
  lossReply: fc.double({ min: 0, max: 0.2, noNaN: true }),
  seed: fc.integer(),
  turnS: fc.constantFrom(300, 900, 1800),
  ops: fc.array(op, { minLength: 5, maxLength: 60 }),
});

interface Outcome {
  steps: number;
  raises: number;
  maxUseA: number;
}

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function run(sc: Scenario): Outcome {
  const rnd = mulberry(sc.seed);
  const ids = Array.from({ length: sc.boxes }, (_, i) => `9100000000000000000000000${i}`);
  // Offline limits that fit the circuit (the owner confirmed the server's suggestion): 0 or 6..rating.
  const sum = sc.offlineShares.slice(0, sc.boxes).reduce((a, b) => a + b, 0) || 1;
  const boxes: ModelBox[] = ids.map((id, i) => {
    let off = Math.floor((sc.offlineShares[i] / sum) * sc.capacityA);
    off = Math.min(off, sc.ratings[i]);
    if (off < MIN_SHARE_A) off = 0;
    return {
      id,
      ratingA: sc.ratings[i],
      offlineA: off,
      limitA: off,
      lastReplyS: -Infinity,
      plugged: false,
      carMaxA: 48,
      ownerA: sc.ratings[i],
      muted: false,
      nextReportS: i * 3,
    };
  });
  assert.ok(checkOfflineFit({ name: 'Garage', capacityA: sc.capacityA, unitIds: ids }, Object.fromEntries(boxes.map((b) => [b.id, b.offlineA]))).fits);
  const known = Object.fromEntries(boxes.map((b) => [b.id, { limitA: b.limitA, offlineLimitA: b.offlineA }]));
  const circuit = new CircuitShares({ id: 'c', name: 'Garage', capacityA: sc.capacityA, unitIds: ids }, { turnS: sc.turnS }, known);
  let now = 0;
  const out: Outcome = { steps: 0, raises: 0, maxUseA: 0 };
  const check = () => {
    const total = boxes.reduce((s, b) => s + currentOf(b, now), 0);
    out.maxUseA = Math.max(out.maxUseA, total);
    assert.ok(total <= sc.capacityA, `at ${now} s the boxes draw ${total} A on a ${sc.capacityA} A circuit`);
    for (const b of boxes) {
      const bound = circuit.mayDrawA(b.id, now);
      assert.ok(currentOf(b, now) <= bound, `box ${b.id} draws ${currentOf(b, now)} A, the circuit counts ${bound} A for it`);
    }
  };
  for (const o of sc.ops) {
    const b = boxes[o.box % boxes.length];
    switch (o.kind) {
      case 'plug':
        b.plugged = true;
        break;
      case 'unplug':
        b.plugged = false;
        break;
      case 'mute':
        b.muted = true;
        break;
      case 'unmute':
        b.muted = false;
        break;
      case 'carMax':
        b.carMaxA = Math.max(6, o.value);
        break;
      case 'owner':
        b.ownerA = Math.min(b.ratingA, o.value);
        break;
    }
    check();
    const until = now + o.advanceS;
    while (now < until) {
      now++;
      for (const x of boxes) {
        if (now < x.nextReportS) continue;
        const charging = currentOf(x, now) > 0;
        x.nextReportS = now + (charging ? 10 : 30);
        if (x.muted || rnd() < sc.lossReport) continue;
        circuit.observe(x.id, {
          atS: now,
          plugged: x.plugged,
          charging,
          reportedLimitA: applied(x, now),
          currentA: currentOf(x, now),
          offlineLimitA: x.offlineA,
          ownerMaxA: x.ownerA,
        });
        const before = circuit.status(now);
        const obeyed = before.find((s) => s.unitId === x.id)!.obeyedA ?? 0;
        const d = circuit.decide(x.id, now);
        assert.ok(d.limitA === 0 || d.limitA >= MIN_SHARE_A, `a limit of ${d.limitA} A is neither 0 nor 6 A or more`);
        assert.ok(d.limitA <= x.ownerA, `the limit ${d.limitA} A is above the owner's ${x.ownerA} A`);
        if (d.limitA > obeyed) {
          out.raises++;
          const lowering = before.filter((s) => s.unitId !== x.id && s.lowering && !s.silent);
          assert.deepEqual(
            lowering.map((s) => s.unitId),
            [],
            `box ${x.id} was raised to ${d.limitA} A before the lowered boxes reported obeying`,
          );
        }
        if (rnd() >= sc.lossReply) {
          x.limitA = d.limitA;
          x.lastReplyS = now;
        }
        out.steps++;
      }
      check();
    }
  }
  return out;
}

describe(`fuzz: circuit sharing (${Math.max(200, Math.floor(RUNS / 20))} scenarios)`, () => {
  it('no step lets the reported currents exceed the circuit, and no share rises before the lowered boxes obeyed', () => {
    let raises = 0;
    let crowded = 0;
    fuzz(
      fc.property(scenario, (sc) => {
        const o = run(sc);
        raises += o.raises;
        if (o.maxUseA >= sc.capacityA - MIN_SHARE_A) crowded++;
      }),
      Math.max(200, Math.floor(RUNS / 20)),
    );
    // The generators reach the interesting cases: raises happen, circuits get full.
    assert.ok(raises > 100, `only ${raises} raises over every scenario`);
    assert.ok(crowded > 10, `only ${crowded} scenarios filled their circuit`);
  });
});
