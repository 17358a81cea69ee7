// Tariff maths: validation of the settings, costing across price boundaries, midnight and the days
// clocks change in the charger's zone. Expected figures are worked out by hand in each test.
import { strict as assert } from 'node:assert';
import {
  costOfConstantPower,
  costOfSamples,
  makeTimeOfUse,
  parseTariffSetting,
  samplesFromPlot,
  tariffProblemsMessage,
  type TimeOfUseTariff,
} from '../../src/domain/insights';
import { instantOfLocal, localDayNumber, toIanaZone, zoneOffsetS } from '../../src/domain/time-zone';

const LA = 'America/Los_Angeles';
const BERLIN = 'Europe/Berlin';
/** Epoch seconds of a wall-clock time in a zone (the test's own conversion: Date.UTC minus the known offset). */
const at = (iso: string, offsetH: number) => Date.parse(`${iso}Z`) / 1000 - offsetH * 3600;

function tou(weekday: [string, string, number][], weekend: [string, string, number][] = weekday): TimeOfUseTariff {
  const r = parseTariffSetting({
    mode: 'timeOfUse',
    weekday: weekday.map(([from, to, centsPerKwh]) => ({ from, to, centsPerKwh })),
    weekend: weekend.map(([from, to, centsPerKwh]) => ({ from, to, centsPerKwh })),
  });
  if (!r.ok || r.mode !== 'timeOfUse') throw new Error(`invalid test tariff: ${JSON.stringify(r)}`);
  return r.tariff;
}

describe('tariff settings', () => {
  it('defaults to the charger’s own price', () => {
    assert.deepEqual(parseTariffSetting({}), { ok: true, mode: 'charger' });
    assert.deepEqual(parseTariffSetting({ mode: 'charger', weekday: 'ignored' }), { ok: true, mode: 'charger' });
  });

  it('accepts windows that cover each day once, including one that wraps midnight and an end of 24:00', () => {
    const t = tou(
      [
        ['22:00', '07:00', 10],
        ['07:00', '22:00', 30],
      ],
      [['00:00', '24:00', 12]],
    );
    assert.deepEqual(t.segments.weekday, [
      [0, 420, 10],
      [420, 1320, 30],
      [1320, 1440, 10],
    ]);
    assert.deepEqual(t.segments.weekend, [[0, 1440, 12]]);
    // "to": "00:00" after a start means the end of the day.
    assert.ok(
      parseTariffSetting({
        mode: 'timeOfUse',
        weekday: [
          { from: '00:00', to: '12:00', centsPerKwh: 1 },
          { from: '12:00', to: '00:00', centsPerKwh: 2 },
        ],
        weekend: [{ from: '00:00', to: '24:00', centsPerKwh: 1 }],
      }).ok,
    );
  });

  it('names overlapping windows and the time they share', () => {
    const r = parseTariffSetting({
      mode: 'timeOfUse',
      weekday: [
        { from: '00:00', to: '08:00', centsPerKwh: 10 },
        { from: '07:00', to: '24:00', centsPerKwh: 30 },
      ],
      weekend: [{ from: '00:00', to: '24:00', centsPerKwh: 10 }],
    });
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors, [
      'Weekday window 1 (00:00–08:00) overlaps Weekday window 2 (07:00–24:00) from 07:00 to 08:00: each time of day needs exactly one price.',
    ]);
  });

  it('names every time of day left without a price', () => {
    const r = parseTariffSetting({
      mode: 'timeOfUse',
      weekday: [{ from: '00:00', to: '24:00', centsPerKwh: 10 }],
      weekend: [
        { from: '01:00', to: '09:00', centsPerKwh: 10 },
        { from: '10:00', to: '23:00', centsPerKwh: 10 },
      ],
    });
    assert.deepEqual(!r.ok && r.errors, [
      'Weekend prices: no price from 00:00 to 01:00. Add a window for that time.',
      'Weekend prices: no price from 09:00 to 10:00. Add a window for that time.',
      'Weekend prices: no price from 23:00 to 24:00. Add a window for that time.',
    ]);
  });

  it('refuses malformed times, prices, empty windows and a missing day type, saying what is expected', () => {
    const r = parseTariffSetting({
      mode: 'timeOfUse',
      weekday: [{ from: '7am', to: '25:00', centsPerKwh: -1 }, { from: '08:00', to: '08:00', centsPerKwh: 5 }, 'x'],
    });
    assert.equal(r.ok, false);
    const errors = !r.ok ? r.errors : [];
    assert.ok(errors.includes('Weekday window 1: "from" must be a time from 00:00 to 23:59 (got "7am").'), errors.join('\n'));
    assert.ok(errors.includes('Weekday window 1: "to" must be a time from 00:00 to 24:00 (got "25:00").'));
    assert.ok(errors.includes('Weekday window 1: the price must be a number of cents per kWh, 0 or more (got -1).'));
    assert.ok(errors.some((e) => e.startsWith('Weekday window 2: "from" and "to" are the same time')));
    assert.ok(errors.some((e) => e.startsWith('Weekday window 3: "from" must be a time')));
    assert.ok(errors.includes('Weekend prices: add at least one window (for one price all day: from 00:00 to 24:00).'));
    assert.deepEqual(parseTariffSetting({ mode: 'cheap' }), { ok: false, errors: ['Tariff: unknown mode "cheap"; use "charger" or "timeOfUse".'] });
  });

  it('sums the problems up in one notification', () => {
    assert.equal(tariffProblemsMessage(['A.', 'B.']), 'The time-of-use tariff in the settings cannot be used: A. B. Costs stay unknown until it is fixed.');
    assert.equal(
      tariffProblemsMessage(['A.', 'B.', 'C.', 'D.', 'E.']),
      'The time-of-use tariff in the settings cannot be used: A. B. C. (and 2 more) Costs stay unknown until it is fixed.',
    );
  });
});

describe('costing power under a time-of-use tariff', () => {
  const t = tou(
    [
      ['00:00', '07:00', 10],
      ['07:00', '24:00', 20],
    ],
    [['00:00', '24:00', 5]],
  );

  it('costs a session crossing a price boundary per interval', () => {
    // Wednesday 2026-06-10, 06:30–07:30 PDT (UTC-7) at 1 kW: 0.5 kWh at 10¢ + 0.5 kWh at 20¢.
    const cents = costOfConstantPower(t, LA, at('2026-06-10T06:30:00', -7), at('2026-06-10T07:30:00', -7), 1000);
    assert.ok(Math.abs(cents - 15) < 1e-9, String(cents));
  });

  it('changes day type at midnight: Friday night into Saturday', () => {
    // Friday 2026-06-12 23:00 to Saturday 01:00 PDT at 2 kW: 2 kWh at 20¢ (weekday) + 2 kWh at 5¢ (weekend).
    const cents = costOfConstantPower(t, LA, at('2026-06-12T23:00:00', -7), at('2026-06-13T01:00:00', -7), 2000);
    assert.ok(Math.abs(cents - 50) < 1e-9, String(cents));
  });

  it('follows the local clock on the day clocks go forward (America/Los_Angeles, 2026-03-08)', () => {
    // Sunday: a weekend day. Weekend prices 00:00–03:00 10¢, 03:00–24:00 30¢. 00:00 PST (UTC-8) to
    // 06:00 PDT (UTC-7) is 5 real hours: 00:00–02:00 PST at 10¢, then 03:00–06:00 PDT at 30¢.
    const dst = tou(
      [['00:00', '24:00', 1]],
      [
        ['00:00', '03:00', 10],
        ['03:00', '24:00', 30],
      ],
    );
    const start = at('2026-03-08T00:00:00', -8);
    const end = at('2026-03-08T06:00:00', -7);
    assert.equal(end - start, 5 * 3600);
    const cents = costOfConstantPower(dst, LA, start, end, 1000);
    assert.ok(Math.abs(cents - (2 * 10 + 3 * 30)) < 1e-9, String(cents));
  });

  it('follows the local clock on the day clocks go back (America/Los_Angeles, 2026-11-01)', () => {
    // 00:00 PDT to 04:00 PST is 5 real hours; local 00:00–02:00 lasts 3 of them (01:00–02:00 twice).
    const dst = tou(
      [['00:00', '24:00', 1]],
      [
        ['00:00', '02:00', 10],
        ['02:00', '24:00', 30],
      ],
    );
    const start = at('2026-11-01T00:00:00', -7);
    const end = at('2026-11-01T04:00:00', -8);
    assert.equal(end - start, 5 * 3600);
    const cents = costOfConstantPower(dst, LA, start, end, 1000);
    assert.ok(Math.abs(cents - (3 * 10 + 2 * 30)) < 1e-9, String(cents));
  });

  it('follows the local clock when Europe/Berlin goes forward (2026-03-29) with a boundary inside the gap', () => {
    // Sunday; weekend prices 00:00–02:30 10¢ and 02:30–24:00 30¢. 02:00–03:00 does not exist that day:
    // 00:00 CET (UTC+1) to 04:00 CEST (UTC+2) is 3 real hours: 2 h before 02:00 CET at 10¢, 1 h (03:00–04:00) at 30¢.
    const dst = tou(
      [['00:00', '24:00', 1]],
      [
        ['00:00', '02:30', 10],
        ['02:30', '24:00', 30],
      ],
    );
    const cents = costOfConstantPower(dst, BERLIN, at('2026-03-29T00:00:00', 1), at('2026-03-29T04:00:00', 2), 1000);
    assert.ok(Math.abs(cents - (2 * 10 + 1 * 30)) < 1e-9, String(cents));
  });

  it('costs get_plot samples interval by interval (each interval at its mean power)', () => {
    // Three 30-minute intervals from 06:30 PDT: 4 kW, 2 kW, 0 kW. 2 kWh at 10¢ + 1 kWh at 20¢.
    const t0 = at('2026-06-10T06:30:00', -7);
    const samples = samplesFromPlot(
      [
        { t: t0, v: 4000 },
        { t: t0 + 1800, v: 2000 },
        { t: t0 + 3600, v: 0 },
      ],
      t0 + 5400,
    );
    assert.deepEqual(samples, { t0, stepS: 1800, w: [4000, 2000, 0] });
    assert.ok(Math.abs(costOfSamples(t, LA, samples!) - 40) < 1e-9);
    // One point: the interval runs to the session's end; none or a zero span: no samples.
    assert.deepEqual(samplesFromPlot([{ t: t0, v: 1000 }], t0 + 600), { t0, stepS: 600, w: [1000] });
    assert.equal(samplesFromPlot([], t0), undefined);
    assert.equal(samplesFromPlot([{ t: t0, v: 1 }]), undefined);
  });

  it('makeTimeOfUse and the settings parser agree', () => {
    const a = makeTimeOfUse(
      [
        { fromMin: 0, toMin: 420, centsPerKwh: 10 },
        { fromMin: 420, toMin: 1440, centsPerKwh: 20 },
      ],
      [{ fromMin: 0, toMin: 1440, centsPerKwh: 5 }],
    );
    assert.deepEqual(a.segments, t.segments);
  });
});

describe('charger time zones', () => {
  it('maps the protocol’s Windows zone names and falls back to UTC', () => {
    assert.equal(toIanaZone('Pacific Standard Time'), LA);
    assert.equal(toIanaZone('Europe/Berlin'), BERLIN);
    assert.equal(toIanaZone('Nowhere Standard Time'), 'UTC');
    assert.equal(toIanaZone(undefined), 'UTC');
  });

  it('gives the offset on both sides of a clock change, and the local day', () => {
    const change = at('2026-03-08T03:00:00', -7); // 10:00 UTC
    assert.equal(zoneOffsetS(LA, change - 1), -8 * 3600);
    assert.equal(zoneOffsetS(LA, change), -7 * 3600);
    // 23:30 PST on 2026-03-07 is still the 7th there, the 8th in UTC.
    const late = at('2026-03-07T23:30:00', -8);
    assert.equal(localDayNumber(LA, late), Date.UTC(2026, 2, 7) / 86400_000);
    assert.equal(localDayNumber('UTC', late), Date.UTC(2026, 2, 8) / 86400_000);
  });

  it('turns local wall-clock times back into instants, across a clock change', () => {
    const local = (iso: string) => Date.parse(`${iso}Z`) / 1000;
    assert.equal(instantOfLocal(LA, local('2026-03-08T06:00:00')), at('2026-03-08T06:00:00', -7));
    assert.equal(instantOfLocal(LA, local('2026-03-08T01:00:00')), at('2026-03-08T01:00:00', -8));
    // The repeated hour maps to its first occurrence.
    assert.equal(instantOfLocal(LA, local('2026-11-01T01:30:00')), at('2026-11-01T01:30:00', -7));
  });
});
