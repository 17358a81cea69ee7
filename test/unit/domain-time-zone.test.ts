// A charger's local time (src/domain/time-zone.ts): the one local-time function, the zone rule with
// its stated fallback, and the words every view shows times in.
import * as assert from 'node:assert/strict';
import { chargerZone, clockText, dateTimeText, localClock, machineTimeZone, whenText } from '../../src/domain/time-zone';
import { isChargingAllowed, localDayAndMinute } from '../../src/domain/schedule';
import { whenText as reasonWhenText } from '../../src/domain/charging-reason';

const ZONES = ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Kolkata', 'Pacific/Chatham'];

const refFormatters = new Map<string, Intl.DateTimeFormat>();
/** The wall clock by Intl, independently of the module: the reference. */
function reference(zone: string, epochS: number): { weekday: number; minuteOfDay: number; ymd: string } {
  let f = refFormatters.get(zone);
  if (!f)
    refFormatters.set(
      zone,
      (f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        weekday: 'short',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      })),
    );
  const parts = f.formatToParts(new Date(epochS * 1000));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return {
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
    minuteOfDay: Number(get('hour')) * 60 + Number(get('minute')),
    ymd: `${get('year')}-${get('month')}-${get('day')}`,
  };
}

describe('domain/time-zone: a charger’s local time', () => {
  it('localClock agrees with Intl in every zone, across clock changes', () => {
    // Every 67 minutes and 11 seconds over a year: passes each zone's clock changes at odd offsets.
    for (const zone of ZONES) {
      for (let t = Date.UTC(2025, 0, 1) / 1000; t < Date.UTC(2026, 0, 1) / 1000; t += 67 * 60 + 11) {
        const c = localClock(zone, t);
        const r = reference(zone, t);
        const d = new Date(c.day * 86400_000).toISOString().slice(0, 10);
        assert.deepEqual({ weekday: c.weekday, minuteOfDay: c.minuteOfDay, ymd: d }, r, `${zone} at ${new Date(t * 1000).toISOString()}`);
      }
    }
  });

  it('builds no formatter per call: one per zone, cached', () => {
    const Real = Intl.DateTimeFormat;
    let made = 0;
    const Counting = function (this: unknown, ...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      made++;
      return new Real(...args);
    } as unknown as typeof Intl.DateTimeFormat;
    Counting.supportedLocalesOf = Real.supportedLocalesOf;
    const zone = 'America/Denver';
    const start = Date.UTC(2026, 4, 1) / 1000;
    localDayAndMinute(new Date(start * 1000), zone); // warm: the zone's formatter and this day's offset
    (Intl as { DateTimeFormat: typeof Intl.DateTimeFormat }).DateTimeFormat = Counting;
    try {
      for (let i = 0; i < 2000; i++) {
        const at = new Date((start + i * 30) * 1000);
        localDayAndMinute(at, zone);
        isChargingAllowed({ type: 'custom', weekday: { start: 0, end: 60, carReadyBy: 0 }, weekend: { start: 0, end: 60, carReadyBy: 0 } }, at, zone);
        clockText(zone, start + i * 30);
        reasonWhenText((start + i * 30) * 1000, new Date(start * 1000), 'Mountain Standard Time');
      }
    } finally {
      (Intl as { DateTimeFormat: typeof Intl.DateTimeFormat }).DateTimeFormat = Real;
    }
    assert.equal(made, 0, 'no Intl.DateTimeFormat built per call');
  });

  it('one zone rule: the charger’s own, else this computer’s, said in words', () => {
    assert.deepEqual(chargerZone('Pacific Standard Time'), { zone: 'America/Los_Angeles', reported: true });
    assert.deepEqual(chargerZone('Europe/Berlin'), { zone: 'Europe/Berlin', reported: true });
    const none = chargerZone(undefined, 'Europe/Paris');
    assert.equal(none.zone, 'Europe/Paris');
    assert.equal(none.reported, false);
    assert.equal(none.note, "Times in this computer's zone (Europe/Paris): the charger reports none.");
    const unknown = chargerZone('Atlantis Standard Time', 'America/New_York');
    assert.equal(unknown.zone, 'America/New_York');
    assert.match(unknown.note!, /New York.*"Atlantis Standard Time" is unknown/);
    assert.equal(chargerZone('  ').zone, machineTimeZone());
    // The schedule is judged in the same zone the reason line and the views show.
    const noon = new Date(Date.UTC(2026, 5, 3, 19, 0)); // Wednesday 12:00 in Los Angeles, 19:00 UTC
    const window = { type: 'custom' as const, weekday: { start: 11 * 60, end: 13 * 60, carReadyBy: 0 }, weekend: { start: 0, end: 0, carReadyBy: 0 } };
    assert.equal(isChargingAllowed(window, noon, chargerZone('Pacific Standard Time').zone), true);
    assert.equal(isChargingAllowed(window, noon, 'UTC'), false);
  });

  it('writes times as the views show them, in the zone', () => {
    const la = 'America/Los_Angeles';
    const now = Date.UTC(2026, 11, 5, 18, 27) / 1000; // Sat 5 Dec 10:27 in Los Angeles
    assert.equal(clockText(la, now), '10:27');
    assert.equal(clockText('UTC', now), '18:27');
    assert.equal(dateTimeText(la, now), '5 Dec 2026, 10:27');
    assert.equal(dateTimeText('Asia/Kolkata', now), '5 Dec 2026, 23:57');
    assert.equal(whenText(la, now + 3600, now), '11:27');
    assert.equal(whenText(la, now + 16 * 3600, now), 'tomorrow 02:27', 'past midnight there, though still the same UTC day');
    assert.equal(whenText(la, now + 3 * 86400, now), 'Tue 10:27');
    assert.equal(whenText(la, now + 30 * 86400, now), '4 Jan 10:27');
    assert.equal(whenText(la, now - 86400, now), '4 Dec 10:27');
  });
});
