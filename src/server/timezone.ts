// Local time of a unit: schedules are enforced in it by both unit sources. The document's get_info
// carries Windows-style zone names ("Pacific Standard Time"); IANA names ("Europe/Berlin") work too.
// Unknown names fall back to UTC (the real service's behaviour is not documented).

export { toIanaZone } from '../domain/time-zone';

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Offset cache: `${zone}|${hourIndex}` -> offset seconds. Offsets change at most on the hour. */
const offsetCache = new Map<string, number>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Seconds to add to UTC epoch seconds to get the zone's wall clock (as if it were UTC). */
export function zoneOffsetS(zone: string, epochS: number): number {
  if (zone === 'UTC') return 0;
  const hour = Math.floor(epochS / 3600);
  const key = `${zone}|${hour}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const parts = formatterFor(zone).formatToParts(new Date(hour * 3600 * 1000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
  const offset = Math.round(asUtc - hour * 3600);
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/** Local wall-clock facts for a zone at an instant. */
export function localTime(zone: string, epochS: number): { minuteOfDay: number; weekend: boolean; offsetS: number } {
  const offsetS = zoneOffsetS(zone, epochS);
  const local = epochS + offsetS;
  const minuteOfDay = Math.floor((((local % 86400) + 86400) % 86400) / 60);
  // 1970-01-01 was a Thursday (day 4, Sunday = 0).
  const weekday = (((Math.floor(local / 86400) + 4) % 7) + 7) % 7;
  return { minuteOfDay, weekend: weekday === 0 || weekday === 6, offsetS };
}
