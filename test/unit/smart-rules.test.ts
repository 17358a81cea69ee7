// The smart-charging rules (src/domain/smart): circuit shares and turns, the offline-limit check,
// "ready by" plans over a time-of-use tariff, solar control, and the words of the reason line.
import * as assert from 'node:assert/strict';
import { chargingReason } from '../../src/domain/charging-reason';
import { makeTimeOfUse } from '../../src/domain/insights/tariff';
import {
  CircuitShares,
  type BoxReport,
  checkOfflineFit,
  costAtPlugIn,
  deadlineAfter,
  meterValue,
  parseEnergyGoal,
  planReadyBy,
  smartReason,
  solarLimit,
  validateCircuit,
  type SmartBoxState,
  type SolarState,
} from '../../src/domain/smart';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `90000000000000000000000${i}`);
const charging = (atS: number, limitA: number, ownerMaxA = 40, currentA = limitA): BoxReport => ({
  atS,
  plugged: true,
  charging: limitA > 0,
  reportedLimitA: limitA,
  currentA: limitA > 0 ? currentA : 0,
  offlineLimitA: 6,
  ownerMaxA,
});

/** Every box reports what it obeys, gets its reply and applies it, `rounds` times, 10 s apart. */
function settle(c: CircuitShares, units: string[], limits: Map<string, number>, fromS: number, rounds = 4): number {
  let t = fromS;
  for (let r = 0; r < rounds; r++) {
    for (const id of units) {
      t += 1;
      c.observe(id, charging(t, limits.get(id) ?? 0));
      limits.set(id, c.decide(id, t).limitA);
    }
    t += 10;
  }
  return t;
}

describe('smart charging: circuit shares', () => {
  it('two boxes on 32 A get 16 A each; five get 7, 7, 6, 6, 6', () => {
    for (const [n, want] of [
      [2, [16, 16]],
      [5, [7, 7, 6, 6, 6]],
    ] as const) {
      const u = ids(n);
      const c = new CircuitShares(
        { id: 'g', name: 'Garage', capacityA: 32, unitIds: u },
        {},
        Object.fromEntries(u.map((id) => [id, { limitA: 6, offlineLimitA: 6 }])),
      );
      const limits = new Map(u.map((id) => [id, 0]));
      settle(c, u, limits, 0, 5);
      assert.deepEqual(
        [...limits.values()].sort((a, b) => b - a),
        [...want],
      );
    }
  });

  it('seven boxes on 32 A: five charge, two wait with the time of their turn, and turns rotate', () => {
    const u = ids(7);
    const c = new CircuitShares({ id: 'g', name: 'Garage', capacityA: 32, unitIds: u }, { turnS: 600 });
    const limits = new Map(u.map((id) => [id, 0]));
    let t = settle(c, u, limits, 0, 5);
    const paused = u.filter((id) => limits.get(id) === 0);
    assert.equal(paused.length, 2);
    const st = c.status(t).filter((s) => s.kind === 'paused');
    assert.equal(st.length, 2);
    assert.ok(st.every((s) => s.turnAtS !== undefined && s.turnAtS > t && s.turnAtS <= t + 600));
    t = settle(c, u, limits, t + 600, 6);
    for (const id of paused) assert.ok(limits.get(id)! >= 6, `box ${id} had its turn`);
    assert.ok([...limits.values()].reduce((a, b) => a + b, 0) <= 32);
  });

  it('raises a share only after the lowered box reported obeying', () => {
    const [a, b] = ids(2);
    const c = new CircuitShares({ id: 'g', name: 'Garage', capacityA: 32, unitIds: [a, b] });
    // a charges alone at 32 A.
    c.observe(a, charging(1, 0));
    assert.equal(c.decide(a, 1).limitA, 32);
    c.observe(a, charging(11, 32));
    assert.equal(c.decide(a, 11).limitA, 32);
    // b plugs in: a is lowered at once, b waits until a reports obeying.
    c.observe(b, charging(12, 0));
    const first = c.decide(b, 12);
    assert.equal(first.limitA, 0);
    assert.equal(first.targetA, 16);
    assert.equal(first.kind, 'waiting-for-others');
    c.observe(a, charging(21, 32));
    assert.equal(c.decide(a, 21).limitA, 16);
    c.observe(b, charging(22, 0));
    assert.equal(c.decide(b, 22).limitA, 0, 'a has not reported its new limit yet');
    c.observe(a, charging(31, 16));
    c.decide(a, 31);
    c.observe(b, charging(32, 0));
    assert.equal(c.decide(b, 32).limitA, 16);
  });

  it('a car that has not started at the first report after its share keeps its seat; one that still takes nothing gives it up', () => {
    const [a, b] = ids(2);
    const c = new CircuitShares({ id: 'g', name: 'Garage', capacityA: 32, unitIds: [a, b] }, { turnS: 600 });
    // Plugged in, not charging, obeying the limit it reports (0 A, then 16 A).
    const waiting = (atS: number, limitA: number): BoxReport => ({ ...charging(atS, 0), reportedLimitA: limitA });
    c.observe(a, waiting(1, 0));
    c.decide(a, 1);
    c.observe(b, waiting(2, 0));
    c.decide(b, 2);
    c.observe(a, waiting(11, 0));
    assert.equal(c.decide(a, 11).limitA, 16);
    c.observe(b, waiting(12, 0));
    assert.equal(c.decide(b, 12).limitA, 16);
    // b reports right after its share arrived, before its car started: the share stays its own.
    c.observe(b, waiting(13, 16));
    assert.deepEqual([c.decide(b, 13).limitA, c.decide(b, 13).kind], [16, 'sharing']);
    c.observe(a, charging(21, 16));
    assert.equal(c.decide(a, 21).limitA, 16, 'a keeps its half while b may still start');
    // b's car still takes nothing a report later (full, or waiting for its own timer): a gets the circuit.
    c.observe(b, waiting(43, 16));
    assert.equal(c.decide(b, 43).kind, 'idle');
    c.observe(b, waiting(53, 0));
    c.decide(b, 53);
    c.observe(a, charging(61, 16));
    assert.equal(c.decide(a, 61).limitA, 32);
  });

  it('a silent box keeps what it may draw (and its offline limit) reserved', () => {
    const [a, b] = ids(2);
    const c = new CircuitShares({ id: 'g', name: 'Garage', capacityA: 32, unitIds: [a, b] }, { silentAfterS: 60 });
    c.observe(a, { ...charging(1, 20, 20), offlineLimitA: 10 });
    c.decide(a, 1);
    c.observe(b, charging(2, 0));
    assert.equal(c.decide(b, 2).limitA, 12);
    // a goes silent holding 20 A: b gets only the rest, even once a has been silent for long.
    c.observe(b, charging(100, 0));
    assert.equal(c.decide(b, 100).limitA, 12);
    assert.equal(c.mayDrawA(a, 100), 20);
  });

  it('a car that takes less than its share leaves the rest to the other box', () => {
    const [a, b] = ids(2);
    const c = new CircuitShares({ id: 'g', name: 'Garage', capacityA: 32, unitIds: [a, b] });
    const limits = new Map([
      [a, 0],
      [b, 0],
    ]);
    let t = 0;
    for (let r = 0; r < 8; r++) {
      t += 10;
      c.observe(a, charging(t, limits.get(a)!, 40, Math.min(limits.get(a)!, 8)));
      limits.set(a, c.decide(a, t).limitA);
      c.observe(b, charging(t + 1, limits.get(b)!));
      limits.set(b, c.decide(b, t + 1).limitA);
    }
    assert.equal(limits.get(a), 9);
    assert.equal(limits.get(b), 23);
  });

  it('checks the offline limits against the circuit and says what to set', () => {
    const u = ids(3);
    const bad = checkOfflineFit({ name: 'Garage', capacityA: 32, unitIds: u }, { [u[0]]: 16, [u[1]]: 16, [u[2]]: 16 });
    assert.equal(bad.fits, false);
    assert.equal(bad.totalA, 48);
    assert.deepEqual(Object.values(bad.suggestedA), [10, 10, 10]);
    assert.match(bad.message, /add up to 48 A, more than the Garage circuit's 32 A.*Set them to 10 A, 10 A, 10 A/);
    const ok = checkOfflineFit({ name: 'Garage', capacityA: 32, unitIds: u }, { [u[0]]: 16, [u[1]]: 16, [u[2]]: 0 });
    assert.equal(ok.fits, true);
    assert.deepEqual(validateCircuit({ name: '', capacityA: 3, unitIds: [] }).length, 3);
  });
});

describe('smart charging: ready by, at the cheapest hours', () => {
  // Weekdays: 00:00-07:00 12¢, 07:00-16:00 24¢, 16:00-21:00 38¢, 21:00-24:00 24¢ (the default tariff).
  const w = [
    { fromMin: 0, toMin: 420, centsPerKwh: 12 },
    { fromMin: 420, toMin: 960, centsPerKwh: 24 },
    { fromMin: 960, toMin: 1260, centsPerKwh: 38 },
    { fromMin: 1260, toMin: 1440, centsPerKwh: 24 },
  ];
  const tariff = makeTimeOfUse(w, w);
  // Tuesday 2026-03-03 18:00 UTC.
  const now = Date.UTC(2026, 2, 3, 18, 0) / 1000;

  it('plans the cheap night hours before 07:00 and costs them', () => {
    const deadline = deadlineAfter(420, 'UTC', now);
    assert.equal(deadline, Date.UTC(2026, 2, 4, 7, 0) / 1000);
    const p = planReadyBy({ tariff, zone: 'UTC', nowS: now, deadlineS: deadline, energyWh: 30_000, powerW: 7680 });
    assert.equal(p.feasible, true);
    assert.equal(p.chargeNow, false);
    assert.equal(p.slots.length, 1);
    assert.equal(p.slots[0].startS, Date.UTC(2026, 2, 4, 0, 0) / 1000);
    // 30 kWh at 7.68 kW: 3 h 54.4 min, rounded up to the minute.
    assert.equal(p.readyAtS, Date.UTC(2026, 2, 4, 3, 55) / 1000);
    assert.ok(Math.abs(p.costCents - 30 * 12) < 1.5, `cost ${p.costCents}`);
    assert.ok(costAtPlugIn(tariff, 'UTC', now, 30_000, 7680) > 2 * p.costCents);
  });

  it('says at once when the deadline cannot be met, and charges now', () => {
    const p = planReadyBy({ tariff, zone: 'UTC', nowS: now, deadlineS: now + 3600, energyWh: 30_000, powerW: 7680 });
    assert.equal(p.feasible, false);
    assert.equal(p.chargeNow, true);
    assert.ok(p.readyAtS > now + 3600);
  });

  it('takes the energy as kWh or as a state of charge of the car battery, and says what is wrong', () => {
    assert.deepEqual(parseEnergyGoal('30'), { energyWh: 30000, words: '30 kWh' });
    assert.deepEqual(parseEnergyGoal(' 12,5 kWh'), { energyWh: 12500, words: '12.5 kWh' });
    const soc = parseEnergyGoal('30% to 80%', 60000);
    assert.ok('energyWh' in soc && soc.energyWh === Math.round(30000 / 0.9), JSON.stringify(soc));
    assert.match((parseEnergyGoal('30% to 80%') as { problem: string }).problem, /battery size is not known/);
    assert.match((parseEnergyGoal('80% to 30%', 60000) as { problem: string }).problem, /goes up/);
    assert.match((parseEnergyGoal('lots') as { problem: string }).problem, /not "lots"/);
  });

  it('plans in the charger zone across a clock change', () => {
    // Sunday 2026-03-08, the US clocks go forward at 02:00 local.
    const start = Date.UTC(2026, 2, 8, 5, 0) / 1000; // 21:00 PST the day before
    const deadline = deadlineAfter(420, 'America/Los_Angeles', start);
    assert.equal(deadline, Date.UTC(2026, 2, 8, 14, 0) / 1000, '07:00 PDT');
    const p = planReadyBy({ tariff, zone: 'America/Los_Angeles', nowS: start, deadlineS: deadline, energyWh: 10_000, powerW: 7200 });
    assert.equal(p.feasible, true);
    assert.equal(p.slots[0].centsPerKwh, 12);
  });
});

describe('smart charging: solar surplus', () => {
  const step = (s: SolarState, nowS: number, gridW: number, carW: number, mode: 'solar-only' | 'solar-plus-min' = 'solar-only') =>
    solarLimit(s, { mode, nowS, meter: { atS: nowS, gridW }, carW, voltageV: 240, ownerMaxA: 32 });

  it('follows the export: a rise smoothed over a minute, a drop at once, at most one change a minute, up by 2 A and down by 1 A', () => {
    let r = step({}, 0, -2400, 0);
    assert.equal(r.decision.limitA, 10);
    r = step(r.state, 30, -1200, 2400);
    assert.equal(r.decision.limitA, 10, 'too soon to change');
    r = step(r.state, 61, -1200, 2400);
    assert.equal(r.decision.limitA, 13, 'the rise to 15 A is smoothed');
    r = step(r.state, 200, -1200, 3120);
    assert.equal(r.decision.limitA, 17);
    r = step(r.state, 230, 600, 4080);
    assert.equal(r.decision.limitA, 17, 'too soon, even for a drop');
    r = step(r.state, 261, 600, 4080);
    assert.equal(r.decision.limitA, 14, 'a drop is followed at once');
    r = step(r.state, 400, -240, 3360);
    assert.equal(r.decision.limitA, 14, 'a rise of 1 A is not made');
  });

  it('solar only pauses after the surplus stayed low, and restarts only with a clear surplus; solar plus minimum keeps 6 A', () => {
    let r = step({}, 0, -2400, 0);
    r = step(r.state, 100, 1000, 2400);
    assert.equal(r.decision.limitA, 6, 'a cloud: 6 A a while');
    r = step(r.state, 500, 1000, 1440);
    assert.equal(r.decision.limitA, 0);
    assert.equal(r.decision.kind, 'paused');
    r = step(r.state, 600, -1500, 0);
    assert.equal(r.decision.limitA, 0, '6.25 A is not a clear surplus');
    r = step(r.state, 700, -1800, 0);
    assert.equal(r.decision.limitA, 7);
    const m = step({}, 0, 500, 0, 'solar-plus-min');
    assert.deepEqual([m.decision.limitA, m.decision.kind], [6, 'minimum']);
  });

  it('a silent meter or nonsense gives back the owner limit, in words', () => {
    const silent = solarLimit({ limitA: 8 }, { mode: 'solar-only', nowS: 100, meter: { atS: 40, gridW: -3000 }, carW: 0, ownerMaxA: 32 });
    assert.deepEqual([silent.decision.limitA, silent.decision.kind], [32, 'meter-lost']);
    assert.match(silent.decision.problem!, /silent for 60 s/);
    const nonsense = solarLimit({}, { mode: 'solar-only', nowS: 100, meter: { atS: 100, gridW: NaN }, carW: 0, ownerMaxA: 16 });
    assert.deepEqual([nonsense.decision.limitA, nonsense.decision.kind], [16, 'meter-lost']);
  });

  it('reads a meter value by its path, with its sign', () => {
    assert.equal(meterValue({ emeters: [{ power: 1200 }] }, 'emeters.0.power', 1), 1200);
    assert.equal(meterValue({ ENERGY: { Power: '-350' } }, 'ENERGY.Power', -1), 350);
    assert.equal(meterValue(-42, '', 1), -42);
    assert.equal(meterValue({ a: 'x' }, 'a', 1), undefined);
    assert.equal(meterValue({}, 'a.b', 1), undefined);
  });
});

describe('smart charging: the reason line', () => {
  const now = Date.UTC(2026, 2, 3, 21, 0) / 1000;
  const base: SmartBoxState = { unitId: 'x', limitA: 16, ownerLimitA: 32 };

  it('a shared box, a paused box, a planned box and a solar box', () => {
    const circuit = { id: 'g', name: 'Garage', capacityA: 32, boxes: 2, shareA: 16, targetA: 16, kind: 'sharing' as const };
    assert.equal(smartReason({ ...base, circuit }, 'UTC', now)!.short, 'sharing the Garage circuit: 16 A of 32 A');
    assert.equal(
      smartReason(
        { ...base, limitA: 0, circuit: { ...circuit, shareA: 0, targetA: 0, kind: 'paused', turnAtS: Date.UTC(2026, 2, 3, 22, 40) / 1000 } },
        'UTC',
        now,
      )!.short,
      'paused: the Garage circuit is full (turn at 22:40)',
    );
    const readyBy = {
      readyByMin: 420,
      energyWh: 30000,
      addedWh: 0,
      deadlineS: Date.UTC(2026, 2, 4, 7) / 1000,
      slots: [{ startS: Date.UTC(2026, 2, 4, 1) / 1000, endS: Date.UTC(2026, 2, 4, 5) / 1000, centsPerKwh: 12 }],
      costCents: 360,
      readyAtS: Date.UTC(2026, 2, 4, 6, 10) / 1000,
      feasible: true,
      chargeNow: false,
    };
    assert.equal(
      smartReason({ ...base, readyBy }, 'UTC', now)!.short,
      'ready by 07:00: charging tomorrow 01:00–05:00 at the cheapest hours, ready at tomorrow 06:10',
    );
    assert.equal(
      smartReason({ ...base, solar: { mode: 'solar-only', kind: 'tracking', limitA: 9, surplusA: 9.4 } }, 'UTC', now)!.short,
      'charging from solar surplus: 9 A (surplus 9 A)',
    );
    assert.equal(
      smartReason({ ...base, solar: { mode: 'solar-only', kind: 'meter-lost', limitA: 32, problem: 'the meter has been silent for 95 s' } }, 'UTC', now)!.short,
      'solar: the meter has been silent for 95 s, so charging at your normal limit (32 A)',
    );
  });
});

describe('smart charging: the charger reason line', () => {
  it('a shared box charging and a planned box waiting say so in the tree, the status bar and the panel', () => {
    const now = new Date(Date.UTC(2026, 2, 3, 21, 0));
    const status = (state: 'charging' | 'plugged') => ({ state, charging: { ampsLimit: 32, powerW: state === 'charging' ? 3840 : 0 } });
    const shared = chargingReason({
      now,
      timeZone: 'UTC',
      status: status('charging'),
      smart: {
        unitId: 'x',
        limitA: 16,
        ownerLimitA: 32,
        circuit: { id: 'g', name: 'Garage', capacityA: 32, boxes: 2, shareA: 16, targetA: 16, kind: 'sharing' },
      },
    });
    assert.equal(shared.kind, 'smart');
    assert.equal(shared.short, 'sharing the Garage circuit: 16 A of 32 A · 3.84 kW');
    const paused = chargingReason({
      now,
      timeZone: 'UTC',
      status: status('plugged'),
      smart: {
        unitId: 'x',
        limitA: 0,
        ownerLimitA: 32,
        circuit: { id: 'g', name: 'Garage', capacityA: 32, boxes: 7, shareA: 0, targetA: 0, kind: 'paused', turnAtS: Date.UTC(2026, 2, 3, 22, 40) / 1000 },
      },
    });
    assert.equal(paused.short, 'paused: the Garage circuit is full (turn at 22:40)');
    assert.match(paused.detail, /^The chargers on the Garage circuit share its 32 A, at least 6 A each or taking turns/);
    // The owner's own 0 A limit is the owner's reason, not smart charging's.
    const off = chargingReason({
      now,
      timeZone: 'UTC',
      status: { state: 'plugged', charging: { ampsLimit: 0 } },
      smart: { unitId: 'x', limitA: 0, ownerLimitA: 0 },
    });
    assert.equal(off.kind, 'stopped-by-limit');
  });
});
