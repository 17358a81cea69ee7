// Fuzzing the load sharing of a circuit (src/domain/smart/circuit.ts) against a model of the boxes
// as the protocol describes them: a box obeys the limit of the last reply that reached it, reports
// the limit it obeys (M) and its current, sends a report every 10 s while charging and every 30 s
// otherwise, and falls back to its offline limit after 300 s without a reply. Reports and replies
// get lost, boxes go silent and come back, cars are plugged in and out, owners change their limits.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { MIN_SHARE_A, checkOfflineFit } from '../../src/domain/smart/circuit';
import { CircuitWorld, fittingOfflineLimits, mulberry } from '../../bench/lib/circuit-world';
import { RUNS, fuzz } from './arbitraries';

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
  const ids = Array.from({ length: sc.boxes }, (_, i) => `9100000000000000000000000${i}`);
  const ratings = sc.ratings.slice(0, sc.boxes);
  const offline = fittingOfflineLimits(sc.capacityA, ratings, sc.offlineShares.slice(0, sc.boxes));
  assert.ok(checkOfflineFit({ name: 'Garage', capacityA: sc.capacityA, unitIds: ids }, Object.fromEntries(ids.map((id, i) => [id, offline[i]]))).fits);
  const w = new CircuitWorld(
    sc.capacityA,
    ids.map((id, i) => ({ id, ratingA: ratings[i], offlineA: offline[i], plugged: false, carMaxA: 48, needWh: Infinity, ownerA: ratings[i], muted: false })),
    'smart',
    mulberry(sc.seed),
    { report: sc.lossReport, reply: sc.lossReply },
    { turnS: sc.turnS },
  );
  const out: Outcome = { steps: 0, raises: 0, maxUseA: 0 };
  const check = () => {
    const total = w.drawnA();
    out.maxUseA = Math.max(out.maxUseA, total);
    assert.ok(total <= sc.capacityA, `at ${w.now} s the boxes draw ${total} A on a ${sc.capacityA} A circuit`);
    for (const b of w.boxes) {
      const bound = w.circuit.mayDrawA(b.id, w.now);
      assert.ok(w.current(b) <= bound, `box ${b.id} draws ${w.current(b)} A, the circuit counts ${bound} A for it`);
    }
  };
  for (const o of sc.ops) {
    const b = w.boxes[o.box % w.boxes.length];
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
    for (let i = 0; i < o.advanceS; i++) {
      for (const d of w.step()) {
        out.steps++;
        assert.ok(d.limitA <= d.box.ownerA, `the limit ${d.limitA} A is above the owner's ${d.box.ownerA} A`);
        if (d.limitA > d.obeyedA) {
          out.raises++;
          assert.deepEqual(d.loweringOthers, [], `box ${d.box.id} was raised to ${d.limitA} A before the lowered boxes reported obeying`);
        }
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
