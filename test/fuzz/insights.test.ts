// Fuzzing the insights maths (src/domain/insights): time-of-use costing against a reference that
// prices minute by minute with offsets from Intl's own "GMT-07:00" names (not the product's code),
// around midnights and clock changes in zones with whole-hour, half-hour and no daylight saving;
// tariff validation; sums per period.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  aggregate,
  costOfConstantPower,
  makeTimeOfUse,
  parseTariffSetting,
  PERIODS,
  type PriceWindow,
  type SessionFigures,
  type TimeOfUseTariff,
} from '../../src/domain/insights';
import { instantOfLocal, zoneOffsetS } from '../../src/domain/time-zone';
import { minutesToHHMM } from '../../src/domain/schedule';
import { RUNS, fuzz } from './arbitraries';

const ZONES = ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham'];
/** Instants near which things happen: clock changes of 2026 in those zones, midnights, and ordinary days. */
const CRITICAL = [
  Date.UTC(2026, 2, 8, 10), // Los Angeles forward
  Date.UTC(2026, 10, 1, 9), // Los Angeles back
  Date.UTC(2026, 2, 29, 1), // Berlin forward
  Date.UTC(2026, 9, 25, 1), // Berlin back
  Date.UTC(2026, 2, 8, 5, 30), // St John's forward (on the half hour of UTC)
  Date.UTC(2026, 10, 1, 4, 30), // St John's back
  Date.UTC(2026, 3, 4, 15), // Lord Howe back (half an hour)
  Date.UTC(2026, 9, 3, 15, 30), // Lord Howe forward
  Date.UTC(2026, 3, 4, 14), // Chatham back
  Date.UTC(2026, 5, 13, 7), // a Saturday morning in Los Angeles
  Date.UTC(2026, 0, 1, 0),
].map((ms) => ms / 1000);

/** The reference offset: Intl's longOffset name ("GMT+05:30"), cached per UTC minute. */
const refFormatters = new Map<string, Intl.DateTimeFormat>();
const refCache = new Map<string, number>();
function refOffsetS(zone: string, epochS: number): number {
  const minute = Math.floor(epochS / 60);
  const key = `${zone}|${minute}`;
  const hit = refCache.get(key);
  if (hit !== undefined) return hit;
  let f = refFormatters.get(zone);
  if (!f) refFormatters.set(zone, (f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })));
  const name = f.formatToParts(new Date(minute * 60_000)).find((p) => p.type === 'timeZoneName')!.value;
  const m = /GMT(?:([+-])(\d\d):(\d\d))?/.exec(name)!;
  const off = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  if (refCache.size > 2_000_000) refCache.clear();
  refCache.set(key, off);
  return off;
}

/** Reference cost: every piece between whole UTC minutes has one local minute, hence one price. */
function refCost(t: { weekday: PriceWindow[]; weekend: PriceWindow[] }, zone: string, a: number, b: number, powerW: number): number {
  const priceOf = (windows: PriceWindow[], minute: number) => {
    for (const w of windows) {
      const inside = w.fromMin < w.toMin ? minute >= w.fromMin && minute < w.toMin : minute >= w.fromMin || minute < w.toMin;
      if (inside) return w.centsPerKwh;
    }
    throw new Error(`no price at minute ${minute}`);
  };
  let cents = 0;
  let at = a;
  while (at < b) {
    const next = Math.min(b, (Math.floor(at / 60) + 1) * 60);
    const local = at + refOffsetS(zone, at);
    const d = new Date(local * 1000);
    const wd = d.getUTCDay();
    const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
    cents += ((powerW * (next - at)) / 3_600_000) * priceOf(wd === 0 || wd === 6 ? t.weekend : t.weekday, minute);
    at = next;
  }
  return cents;
}

/** A valid day: 1-5 windows partitioning the day at random minutes, rotated so that one may wrap midnight. */
const dayArb = fc
  .record({
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: 1439 }), { minLength: 0, maxLength: 4 }),
    rotate: fc.integer({ min: 0, max: 1439 }),
    prices: fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 5, maxLength: 5 }),
  })
  .map(({ cuts, rotate, prices }) => {
    const edges = [0, ...[...cuts].sort((x, y) => x - y), 1440];
    const windows: PriceWindow[] = [];
    for (let i = 0; i + 1 < edges.length; i++)
      windows.push({ fromMin: (edges[i] + rotate) % 1440, toMin: (edges[i + 1] + rotate) % 1440 || 1440, centsPerKwh: prices[i] });
    // One window over the whole day rotated: from r to r (empty) is not allowed; keep it 0..1440.
    return windows.length === 1 ? [{ fromMin: 0, toMin: 1440, centsPerKwh: prices[0] }] : windows;
  });
const tariffArb = fc.record({ weekday: dayArb, weekend: dayArb });
const intervalArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  base: fc.constantFrom(...CRITICAL),
  startOffsetS: fc.integer({ min: -36 * 3600, max: 12 * 3600 }),
  lengthS: fc.integer({ min: 1, max: 26 * 3600 }),
  powerW: fc.integer({ min: 1, max: 20_000 }),
});

const toSetting = (ws: PriceWindow[]) => ws.map((w) => ({ from: minutesToHHMM(w.fromMin), to: minutesToHHMM(w.toMin), centsPerKwh: w.centsPerKwh }));

describe(`fuzz: insights maths (${RUNS} cases per property)`, () => {
  it('costs any interval like a minute-by-minute reference, across midnights and clock changes', () => {
    fuzz(
      fc.property(tariffArb, intervalArb, (t, iv) => {
        const tariff = makeTimeOfUse(t.weekday, t.weekend);
        const a = iv.base + iv.startOffsetS;
        const b = a + iv.lengthS;
        const got = costOfConstantPower(tariff, iv.zone, a, b, iv.powerW);
        const want = refCost(t, iv.zone, a, b, iv.powerW);
        assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, want), `${got} vs ${want}`);
      }),
    );
  });

  it('adds up: the cost of an interval is the sum of the costs of its two parts', () => {
    fuzz(
      fc.property(tariffArb, intervalArb, fc.double({ min: 0, max: 1, noNaN: true }), (t, iv, f) => {
        const tariff = makeTimeOfUse(t.weekday, t.weekend);
        const a = iv.base + iv.startOffsetS;
        const b = a + iv.lengthS;
        const m = a + Math.floor(iv.lengthS * f);
        const whole = costOfConstantPower(tariff, iv.zone, a, b, iv.powerW);
        const parts = costOfConstantPower(tariff, iv.zone, a, m, iv.powerW) + costOfConstantPower(tariff, iv.zone, m, b, iv.powerW);
        assert.ok(Math.abs(whole - parts) <= 1e-9 * Math.max(1, whole));
      }),
    );
  });

  it('one price all week costs energy × price, whatever the zone and the day', () => {
    fuzz(
      fc.property(fc.integer({ min: 0, max: 200 }), intervalArb, (p, iv) => {
        const tariff: TimeOfUseTariff = makeTimeOfUse([{ fromMin: 0, toMin: 1440, centsPerKwh: p }], [{ fromMin: 0, toMin: 1440, centsPerKwh: p }]);
        const a = iv.base + iv.startOffsetS;
        const got = costOfConstantPower(tariff, iv.zone, a, a + iv.lengthS, iv.powerW);
        const want = ((iv.powerW * iv.lengthS) / 3_600_000) * p;
        assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, want));
      }),
    );
  });

  it('accepts every partition of the day as typed, and names a removed or doubled window', () => {
    fuzz(
      fc.property(tariffArb, fc.nat(), (t, pick) => {
        const ok = parseTariffSetting({ mode: 'timeOfUse', weekday: toSetting(t.weekday), weekend: toSetting(t.weekend) });
        assert.ok(ok.ok, JSON.stringify(ok));
        if (t.weekday.length >= 2) {
          const dropped = t.weekday.filter((_, i) => i !== pick % t.weekday.length);
          const r = parseTariffSetting({ mode: 'timeOfUse', weekday: toSetting(dropped), weekend: toSetting(t.weekend) });
          assert.ok(
            !r.ok &&
              r.errors.length >= 1 &&
              r.errors.every((e) => /^Weekday prices: no price from \d\d:\d\d to \d\d:\d\d\. Add a window for that time\.$/.test(e)),
            JSON.stringify(r),
          );
        }
        const doubled = [...t.weekend, t.weekend[pick % t.weekend.length]];
        const r2 = parseTariffSetting({ mode: 'timeOfUse', weekday: toSetting(t.weekday), weekend: toSetting(doubled) });
        assert.ok(!r2.ok && r2.errors.some((e) => / overlaps Weekend window \d+ /.test(e)), JSON.stringify(r2));
      }),
    );
  });

  it('turns local times back into instants that show that local time (outside a skipped hour)', () => {
    fuzz(
      fc.property(fc.constantFrom(...ZONES), fc.constantFrom(...CRITICAL), fc.integer({ min: -36 * 3600, max: 36 * 3600 }), (zone, base, d) => {
        const local = Math.floor((base + d) / 60) * 60;
        const t = instantOfLocal(zone, local);
        const shown = t + zoneOffsetS(zone, t);
        // In a gap (clocks forward) the local time does not exist: it maps to just after the gap.
        assert.ok(shown === local || (shown > local && shown - local <= 3600), `${zone} ${local} -> ${t} shows ${shown}`);
        assert.equal(zoneOffsetS(zone, t), refOffsetS(zone, t));
      }),
    );
  });

  it('puts every session of the range in exactly one period, whatever the period', () => {
    const figure = fc.record({
      day: fc.integer({ min: 20_000, max: 20_800 }),
      energyWh: fc.integer({ min: 0, max: 100_000 }),
      cost: fc.option(fc.integer({ min: 0, max: 5000 })),
    });
    fuzz(
      fc.property(fc.array(figure, { maxLength: 60 }), fc.integer({ min: 20_300, max: 20_800 }), fc.constantFrom(...PERIODS), (fs, today, period) => {
        const figures: SessionFigures[] = fs.map((f) => ({
          unitId: 'u',
          startS: f.day * 86400,
          day: f.day,
          energyWh: f.energyWh,
          costCents: f.cost ?? undefined,
          costMethod: 'chargerPrice',
          gridCo2G: f.energyWh * 0.373,
        }));
        const agg = aggregate(figures, period, today);
        for (let i = 1; i < agg.buckets.length; i++) assert.equal(agg.buckets[i].startDay, agg.buckets[i - 1].endDay, 'periods follow each other');
        assert.ok(agg.current.startDay <= today && today < agg.current.endDay);
        const inRange = figures.filter((f) => f.day >= agg.buckets[0].startDay && f.day < agg.current.endDay);
        assert.equal(agg.total.sessions, inRange.length);
        assert.equal(
          agg.buckets.reduce((a, b) => a + b.sessions, 0),
          inRange.length,
        );
        assert.equal(
          agg.buckets.reduce((a, b) => a + b.energyWh, 0),
          inRange.reduce((a, f) => a + f.energyWh, 0),
        );
        assert.equal(agg.total.costUnknown, inRange.filter((f) => f.costCents === undefined).length);
      }),
    );
  });
});
