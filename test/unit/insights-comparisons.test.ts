// Insights that compare fairly: the period so far against the same days of the one before, only
// periods with data, the session running now counted in today, and each session costed at the
// price in force on its day (src/domain/insights, src/state/price-history.ts, src/panel/insights-host.ts).
import { strict as assert } from 'node:assert';
import { aggregate, percentChange, priceOnDay, sessionFigures, withPriceSeen, type ChargerFacts, type SessionFigures } from '../../src/domain/insights';
import { dayOfYmd } from '../../src/domain/time-zone';
import { MemoryKeyValueStore } from '../../src/state/accounts';
import { PriceHistory } from '../../src/state/price-history';
import { runningSession } from '../../src/panel/insights-host';
import type { UnitView } from '../../src/state/contracts';

function fig(day: number, energyWh: number): SessionFigures {
  return { unitId: 'u1', startS: day * 86400 + 3600, day, energyWh, costMethod: 'none', gridCo2G: energyWh * 0.373 };
}

describe('insights: like-for-like comparisons, periods with data', () => {
  it('compares this month so far with the same days of last month, not the whole month', () => {
    const today = dayOfYmd(2026, 12, 5);
    const sessions = [
      ...[1, 2, 3, 4, 5].map((d) => fig(dayOfYmd(2026, 12, d), 2000)), // 10 kWh this month
      ...[1, 3, 5].map((d) => fig(dayOfYmd(2026, 11, d), 4000)), // 12 kWh on 1st-5th November
      ...[10, 15, 20, 25, 30].map((d) => fig(dayOfYmd(2026, 11, d), 20_000)), // the rest of November
      fig(dayOfYmd(2026, 1, 2), 1000),
    ];
    const m = aggregate(sessions, 'month', today);
    assert.equal(m.current.energyWh, 10_000);
    assert.equal(m.previous.energyWh, 112_000, 'the whole of November');
    assert.ok(m.previousSameDays);
    assert.equal(m.previousSameDays.energyWh, 12_000, 'November 1st to 5th only');
    assert.equal(m.previousSameDays.label, '1–5 Nov 2026');
    // -17 %, where the whole month made it -91 %.
    assert.equal(Math.round(percentChange(m.current.energyWh, m.previousSameDays.energyWh)!), -17);
    assert.equal(Math.round(percentChange(m.current.energyWh, m.previous.energyWh)!), -91);
    // A month longer than the one before: the 31st compares with the whole shorter month.
    const mar31 = aggregate([fig(dayOfYmd(2026, 2, 1), 1)], 'month', dayOfYmd(2026, 3, 31));
    assert.deepEqual([mar31.previousSameDays!.startDay, mar31.previousSameDays!.endDay], [dayOfYmd(2026, 2, 1), dayOfYmd(2026, 3, 1)]);
  });

  it('shows only periods with data, and compares nothing the history does not reach', () => {
    const today = dayOfYmd(2026, 12, 5);
    const sessions = [fig(dayOfYmd(2025, 11, 20), 5000), fig(dayOfYmd(2026, 3, 1), 50_000)];
    const y = aggregate(sessions, 'year', today);
    assert.deepEqual(
      y.buckets.map((b) => b.label),
      ['2025', '2026'],
      'no empty years before the first session',
    );
    assert.equal(y.previousSameDays, undefined, 'last year is only partly covered: no "+895 %"');
    assert.equal(y.total.energyWh, 55_000);
    // Months: the last 12, all after the history starts (the empty ones among them kept).
    const m = aggregate(sessions, 'month', today);
    assert.equal(m.buckets[0].label, 'Jan 2026');
    assert.equal(m.buckets.length, 12);
    // Days: from the first session's day on.
    const d = aggregate([fig(today - 3, 1000)], 'day', today);
    assert.deepEqual(
      d.buckets.map((b) => b.startDay),
      [today - 3, today - 2, today - 1, today],
    );
    // A new charger: the current period alone.
    const none = aggregate([], 'year', today);
    assert.deepEqual(
      none.buckets.map((b) => b.label),
      ['2026'],
    );
    assert.equal(none.previousSameDays, undefined);
    // The history starting exactly at last month's start: compared.
    assert.ok(aggregate([fig(dayOfYmd(2026, 11, 1), 1)], 'month', today).previousSameDays);
  });
});

describe('insights: a price change applies from the day it is made', () => {
  const LA = 'America/Los_Angeles';
  const facts: ChargerFacts = { unitId: 'u1', name: 'Garage', zone: LA, ecostCents: 30 };
  const at = (y: number, mo: number, d: number) => Date.UTC(y, mo - 1, d, 20) / 1000; // midday in Los Angeles

  it('keeps the price each past session was costed at', () => {
    let h = withPriceSeen([], 12, dayOfYmd(2026, 6, 1));
    assert.deepEqual(h, [{ fromDay: 0, centsPerKwh: 12 }], 'the first price seen covers the past');
    assert.deepEqual(withPriceSeen(h, 12, dayOfYmd(2026, 7, 1)), h, 'the same price: no change');
    h = withPriceSeen(h, 30, dayOfYmd(2026, 9, 15));
    assert.deepEqual(withPriceSeen(h, 31, dayOfYmd(2026, 9, 15)), [h[0], { fromDay: dayOfYmd(2026, 9, 15), centsPerKwh: 31 }], 'twice in a day: the last');
    assert.equal(priceOnDay(h, dayOfYmd(2026, 9, 14)), 12);
    assert.equal(priceOnDay(h, dayOfYmd(2026, 9, 15)), 30);
    const withHistory = { ...facts, priceHistory: h };
    const before = sessionFigures({ timeStart: at(2026, 8, 1), energyWh: 10_000 }, withHistory, { gridCo2GPerKwh: 373 })!;
    const after = sessionFigures({ timeStart: at(2026, 10, 1), energyWh: 10_000 }, withHistory, { gridCo2GPerKwh: 373 })!;
    assert.equal(before.costCents, 120, 'August keeps 12 ¢/kWh');
    assert.equal(after.costCents, 300);
    // Without a recorded history, the current price (as before).
    assert.equal(sessionFigures({ timeStart: at(2026, 8, 1), energyWh: 10_000 }, facts, { gridCo2GPerKwh: 373 })!.costCents, 300);
  });

  it('is kept in the extension’s storage, per charger', async () => {
    const storage = new MemoryKeyValueStore();
    const prices = new PriceHistory(storage);
    await prices.seen('u1', 12, 20_000);
    await prices.seen('u2', 20, 20_000);
    await prices.seen('u1', 15, 20_100);
    const again = new PriceHistory(storage);
    assert.deepEqual(again.get('u1'), [
      { fromDay: 0, centsPerKwh: 12 },
      { fromDay: 20_100, centsPerKwh: 15 },
    ]);
    assert.deepEqual(again.get('u2'), [{ fromDay: 0, centsPerKwh: 20 }]);
    await storage.update('juicenet.priceHistory', { u1: [{ fromDay: 'x' }, { fromDay: 3, centsPerKwh: 9 }] });
    assert.deepEqual(again.get('u1'), [{ fromDay: 3, centsPerKwh: 9 }], 'anything malformed is dropped');
  });
});

describe('insights: today includes the session running now', () => {
  const nowS = Date.UTC(2026, 11, 5, 18) / 1000;
  const view = (state: string, energyWh?: number, secondsCharging?: number): UnitView => ({
    key: 'a/1',
    unitId: '1',
    name: 'Garage',
    accountLabel: 'Home',
    accountId: 'a',
    demo: false,
    stale: false,
    lastGoodAt: nowS * 1000,
    status: { unitId: '1', state: state as never, rawState: state, charging: { energyWh, secondsCharging }, lifetime: {} },
  });

  it('counts the energy added so far, from when charging began', () => {
    assert.deepEqual(runningSession(view('charging', 20_000, 7200), [], nowS), { timeStart: nowS - 7200, energyWh: 20_000 });
    assert.deepEqual(runningSession(view('plugged', 5000, 600), [], nowS), { timeStart: nowS - 600, energyWh: 5000 }, 'plugged in after charging');
    assert.equal(runningSession(view('standby', 20_000, 7200), [], nowS), undefined, 'unplugged: the history has it');
    assert.equal(runningSession(view('charging', 0, 10), [], nowS), undefined);
    assert.equal(runningSession(view('charging', 20_000, 7200), [{ timeStart: nowS - 7100 }], nowS), undefined, 'listed already: not twice');
    // Plugged in at 08:00, charging from 15:00 (a schedule): a listing of the session from 08:00 is this one.
    assert.equal(runningSession(view('charging', 20_000, 3600), [{ timeStart: nowS - 10 * 3600, timeEnd: nowS }], nowS), undefined);
    // Unplugged and plugged in again at once: the session before is not this one.
    assert.deepEqual(runningSession(view('charging', 300, 120), [{ timeStart: nowS - 4000, timeEnd: nowS - 125 }], nowS), {
      timeStart: nowS - 120,
      energyWh: 300,
    });
    // Yesterday's session, ended long before: this one still counts.
    assert.deepEqual(runningSession(view('charging', 20_000, 3600), [{ timeStart: nowS - 30 * 3600, timeEnd: nowS - 26 * 3600 }], nowS), {
      timeStart: nowS - 3600,
      energyWh: 20_000,
    });
    assert.equal(runningSession({ ...view('charging', 20_000, 7200), error: 'unreachable' }, [], nowS), undefined);
  });
});
