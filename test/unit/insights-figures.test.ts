// Session figures, sums per period, the calendar, "full at" and the CSV exports.
import { strict as assert } from 'node:assert';
import {
  aggregate,
  calendar,
  fullAt,
  fullAtText,
  monthlySummaryCsv,
  parseTariffSetting,
  percentChange,
  periodOf,
  sessionFigures,
  sessionFiguresToCsv,
  chargerFactsFromInfo,
  missingFacts,
  GASOLINE_CO2_G_PER_GALLON,
  type ChargerFacts,
  type SessionFigures,
} from '../../src/domain/insights';
import { dayOfYmd } from '../../src/domain/time-zone';
import type { UnitStatus } from '../../src/domain/model';
import type { UnitView } from '../../src/state/contracts';
import { describeUnit, statusBarModel, unitFullAt, unitTooltipMarkdown } from '../../src/views/unit-format';

const facts: ChargerFacts = { unitId: 'u1', name: 'Garage', zone: 'America/Los_Angeles', ecostCents: 12, gasCentsPerGallon: 350, mpg: 25, whPerMile: 300 };
const opts = { gridCo2GPerKwh: 373 };

describe('session figures', () => {
  it('costs at the charger’s price, compares with gasoline and counts CO2', () => {
    const f = sessionFigures(
      { id: 1, timeStart: Date.UTC(2026, 5, 10, 3) / 1000, timeEnd: Date.UTC(2026, 5, 10, 7) / 1000, energyWh: 15_000, savingsCents: 140 },
      facts,
      opts,
    )!;
    // 15 kWh × 12¢ = 180¢. 15,000 Wh / 300 Wh per mile = 50 miles = 2 gallons at 350¢ = 700¢.
    assert.equal(f.costCents, 180);
    assert.equal(f.costMethod, 'chargerPrice');
    assert.equal(f.gasolineCents, 700);
    assert.equal(f.savingsCents, 520);
    assert.equal(f.chargerSavingsCents, 140);
    assert.equal(f.gridCo2G, 15 * 373);
    assert.equal(f.gasolineCo2G, 2 * GASOLINE_CO2_G_PER_GALLON);
    // 03:00 UTC is the evening before in Los Angeles.
    assert.equal(f.day, dayOfYmd(2026, 6, 9));
  });

  it('leaves unknown what the charger does not report, and says what is missing', () => {
    const bare: ChargerFacts = { unitId: 'u1', name: 'Garage', zone: 'UTC' };
    const f = sessionFigures({ timeStart: 1_780_000_000, energyWh: 1000 }, bare, opts)!;
    assert.equal(f.costCents, undefined);
    assert.equal(f.costMethod, 'none');
    assert.equal(f.savingsCents, undefined);
    assert.equal(f.gasolineCo2G, undefined);
    assert.equal(missingFacts(bare, opts).length, 4);
    assert.deepEqual(missingFacts(facts, opts), []);
    assert.equal(sessionFigures({ energyWh: 1000 }, facts, opts), undefined, 'no start: cannot be placed');
  });

  it('costs with a time-of-use tariff from samples, or spreads the energy when there are none', () => {
    const parsed = parseTariffSetting({
      mode: 'timeOfUse',
      weekday: [
        { from: '00:00', to: '12:00', centsPerKwh: 10 },
        { from: '12:00', to: '24:00', centsPerKwh: 40 },
      ],
      weekend: [{ from: '00:00', to: '24:00', centsPerKwh: 10 }],
    });
    assert.ok(parsed.ok && parsed.mode === 'timeOfUse');
    const timeOfUse = parsed.tariff;
    const z: ChargerFacts = { ...facts, zone: 'UTC' };
    // Wednesday 2026-06-10, 11:00–13:00 UTC. Samples: 3 kW for the first hour, 1 kW for the second.
    const t0 = Date.UTC(2026, 5, 10, 11) / 1000;
    const withSamples = sessionFigures({ timeStart: t0, timeEnd: t0 + 7200, energyWh: 4000, samples: { t0, stepS: 3600, w: [3000, 1000] } }, z, {
      ...opts,
      timeOfUse,
    })!;
    assert.equal(withSamples.costMethod, 'timeOfUse');
    assert.ok(Math.abs(withSamples.costCents! - (3 * 10 + 1 * 40)) < 1e-9);
    const spread = sessionFigures({ timeStart: t0, timeEnd: t0 + 7200, energyWh: 4000 }, z, { ...opts, timeOfUse })!;
    assert.equal(spread.costMethod, 'timeOfUseSpread');
    assert.ok(Math.abs(spread.costCents! - (2 * 10 + 2 * 40)) < 1e-9);
  });

  it('reads the facts from get_info’s fields, numbers as strings included', () => {
    const f = chargerFactsFromInfo('u', 'n', 'UTC', { ecost: '14', gascost: 350, mpg: 'x', whpermile: -3 });
    assert.deepEqual(f, { unitId: 'u', name: 'n', zone: 'UTC', ecostCents: 14, gasCentsPerGallon: 350, mpg: undefined, whPerMile: undefined });
  });
});

function fig(day: number, energyWh: number, costCents?: number): SessionFigures {
  return {
    unitId: 'u1',
    startS: day * 86400,
    day,
    energyWh,
    costCents,
    costMethod: costCents === undefined ? 'none' : 'chargerPrice',
    gridCo2G: energyWh * 0.373,
  };
}

describe('sums per period', () => {
  const today = dayOfYmd(2026, 6, 10); // a Wednesday

  it('finds the period of a day: weeks start on Monday, months and years on the 1st', () => {
    assert.deepEqual(periodOf('week', today), { startDay: dayOfYmd(2026, 6, 8), endDay: dayOfYmd(2026, 6, 15) });
    assert.deepEqual(periodOf('week', dayOfYmd(2026, 6, 14)), periodOf('week', today), 'Sunday belongs to the week of the Monday before');
    assert.deepEqual(periodOf('month', today), { startDay: dayOfYmd(2026, 6, 1), endDay: dayOfYmd(2026, 7, 1) });
    assert.deepEqual(periodOf('year', today), { startDay: dayOfYmd(2026, 1, 1), endDay: dayOfYmd(2027, 1, 1) });
  });

  it('sums each period, the current one last, and compares with the one before', () => {
    const sessions = [
      fig(dayOfYmd(2026, 6, 2), 10_000, 120),
      fig(dayOfYmd(2026, 6, 9), 5000),
      fig(dayOfYmd(2026, 5, 31), 7000, 84),
      fig(dayOfYmd(2025, 6, 30), 1000, 12),
    ];
    const m = aggregate(sessions, 'month', today);
    assert.equal(m.buckets.length, 12);
    assert.equal(m.current.label, 'Jun 2026');
    assert.equal(m.current.energyWh, 15_000);
    assert.equal(m.current.costCents, 120);
    assert.equal(m.current.costUnknown, 1);
    assert.equal(m.previous.label, 'May 2026');
    assert.equal(m.previous.energyWh, 7000);
    // June 2025 is 12 months back: outside the 12 months shown.
    assert.equal(m.total.energyWh, 22_000);
    assert.equal(m.total.sessions, 3);
    const y = aggregate(sessions, 'year', today);
    assert.equal(y.current.energyWh, 22_000);
    assert.equal(y.previous.energyWh, 1000);
    assert.equal(percentChange(15_000, 7000)!.toFixed(1), '114.3');
    assert.equal(percentChange(5, 0), undefined);
  });

  it('draws the calendar of the last weeks with quartile levels', () => {
    const days = calendar([fig(today, 1000), fig(today - 1, 4000), fig(today - 1, 4000), fig(today - 400, 9999)], today, 53);
    assert.equal(days[days.length - 1].day, today);
    assert.equal(days[0].row, 0, 'columns start on Monday');
    assert.equal(days.length, 52 * 7 + 3, 'up to today (a Wednesday)');
    const y = days.find((d) => d.day === today - 1)!;
    assert.equal(y.energyWh, 8000);
    assert.equal(y.sessions, 2);
    assert.equal(y.level, 4);
    assert.equal(days.find((d) => d.day === today)!.level, 1);
    assert.equal(days.filter((d) => d.level > 0).length, 2);
  });
});

describe('full at', () => {
  const now = Date.UTC(2026, 5, 10, 22, 0) / 1000;
  const charging = (c: Partial<UnitStatus['charging']>): UnitStatus => ({
    unitId: 'u',
    state: 'charging',
    rawState: 'charging',
    charging: { energyWh: 2000, powerW: 7200, ...c },
    lifetime: {},
  });

  it('uses the session’s energy to add at the current power', () => {
    const f = fullAt(charging({ energyToAddWh: 20_000 }), [], now);
    // 18 kWh at 7.2 kW = 2.5 h.
    assert.deepEqual(f, { kind: 'fullAt', atS: now + 9000, remainingWh: 18_000, powerW: 7200, source: 'energyToAdd' });
    assert.deepEqual(fullAtText(charging({ energyToAddWh: 20_000 }), [], now, 'UTC'), {
      short: 'full at 00:30 tomorrow',
      detail: 'Full at 00:30 tomorrow: 18.0 kWh still to add (the session’s energy to add) at the current 7.2 kW.',
    });
    assert.equal(fullAtText(charging({ energyToAddWh: 4000 }), [], now, 'UTC').short, 'full at 22:16');
  });

  it('falls back on the car’s battery less its charge at plug-in', () => {
    const f = fullAt(charging({ energyToAddWh: 0, energyAtPluginWh: 30_000 }), [{ batterySizeWh: 75_000 }], now);
    assert.equal(f.kind, 'fullAt');
    assert.equal(f.kind === 'fullAt' && f.remainingWh, 43_000);
  });

  it('says what it would need instead of guessing', () => {
    const f = fullAt(charging({ energyToAddWh: 0, energyAtPluginWh: 0, powerW: 0 }), [{ batterySizeWh: 75_000 }], now);
    assert.equal(f.kind, 'unknown');
    assert.deepEqual(f.kind === 'unknown' && f.needs, [
      'how much energy the car had when plugged in (not reported), or an energy to add for this session',
      'a charging power above 0',
    ]);
    assert.match(fullAtText(charging({}), [], now).detail!, /^Full at: unknown — needs an energy to add for this session/);
    assert.deepEqual(fullAtText({ ...charging({}), state: 'plugged' }, [], now), {});
    assert.equal(fullAt(charging({ energyToAddWh: 1500 }), [], now).kind, 'reached');
  });
});

describe('insights CSV', () => {
  it('writes one row per session and one per month', () => {
    const a = sessionFigures(
      { id: 7, timeStart: Date.UTC(2026, 4, 31, 20) / 1000, timeEnd: Date.UTC(2026, 4, 31, 23) / 1000, energyWh: 15_000, savingsCents: 140 },
      facts,
      opts,
    )!;
    const b = sessionFigures({ id: 8, timeStart: Date.UTC(2026, 5, 2, 20) / 1000, energyWh: 3000 }, { ...facts, name: 'Drive, "west"' }, opts)!;
    const csv = sessionFiguresToCsv([a, b], { u1: 'Drive, "west"' });
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(
      lines[0],
      'charger,session_id,local_date,start_utc,end_utc,energy_kwh,cost_usd,cost_method,gasoline_usd,savings_usd,charger_reported_savings_usd,grid_co2_kg,gasoline_co2_kg',
    );
    assert.equal(
      lines[1],
      '"Drive, ""west""",7,2026-05-31,2026-05-31T20:00:00.000Z,2026-05-31T23:00:00.000Z,15.000,1.80,charger price,7.00,5.20,1.40,5.59,17.77',
    );
    assert.equal(lines[2].split(',').length, 14, 'the quoted name holds a comma');
    const monthly = monthlySummaryCsv([a, b]).trimEnd().split('\r\n');
    assert.deepEqual(monthly, [
      'month,sessions,energy_kwh,cost_usd,sessions_without_cost,savings_usd,grid_co2_kg,gasoline_co2_kg',
      '2026-05,1,15.000,1.80,0,5.20,5.59,17.77',
      '2026-06,1,3.000,0.36,0,1.04,1.12,3.55',
    ]);
  });
});

describe('"full at" in the tree row, its tooltip and the status bar (one domain function)', () => {
  const view = (charging: Partial<UnitStatus['charging']>, state: UnitStatus['state'] = 'charging'): UnitView => ({
    key: 'a/u1',
    unitId: 'u1',
    name: 'Garage',
    accountLabel: 'Home',
    accountId: 'a',
    demo: false,
    stale: false,
    status: { unitId: 'u1', state, rawState: state, charging: { powerW: 7200, energyWh: 2000, ...charging }, lifetime: {} },
    info: { timeZoneId: 'Pacific Standard Time', cars: [], raw: {} },
  });

  it('adds the time to the row, the explanation to the tooltip and the status bar, in the charger’s zone', () => {
    const v = view({ energyToAddWh: 20_000 });
    const now = Date.now() / 1000;
    const expected = new Date((now + 2.5 * 3600) * 1000).toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'America/Los_Angeles',
    });
    const row = describeUnit(v);
    assert.match(row, /^charging · 7\.2 kW · full at \d\d:\d\d/);
    assert.ok(
      row.includes(`full at ${expected}`) ||
        row.includes(
          `full at ${new Date((now + 2.5 * 3600 + 60) * 1000).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'America/Los_Angeles' })}`,
        ),
      row,
    );
    assert.match(unitTooltipMarkdown(v), /Full at \d\d:\d\d.*18\\\.0 kWh still to add/);
    assert.match(statusBarModel([v], true).tooltip, /Garage: charging · 7\.2 kW · full at \d\d:\d\d/);
    assert.deepEqual(unitFullAt(view({ energyToAddWh: 20_000 }, 'plugged')), undefined, 'not charging: nothing');
  });

  it('says what it would need in the tooltip, and leaves the row alone', () => {
    const v = view({ energyToAddWh: 0 });
    assert.equal(describeUnit(v), 'charging · 7.2 kW');
    assert.match(unitTooltipMarkdown(v), /Full at: unknown — needs an energy to add for this session/);
  });
});
