// A charger's local time. The protocol's get_info carries Windows-style zone names ("Pacific
// Standard Time"); servers may also send IANA names ("Europe/Berlin"). Unknown names fall back to
// UTC (the real service's behaviour is not documented). Shared by the simulator (which runs the
// unit's schedule in it), the views (which show the unit's times in it) and the insights (days,
// tariff windows). Pure: no vscode, no Node APIs.

const WINDOWS_TO_IANA: Record<string, string> = {
  'Pacific Standard Time': 'America/Los_Angeles',
  'Mountain Standard Time': 'America/Denver',
  'US Mountain Standard Time': 'America/Phoenix',
  'Central Standard Time': 'America/Chicago',
  'Eastern Standard Time': 'America/New_York',
  'Alaskan Standard Time': 'America/Anchorage',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'GMT Standard Time': 'Europe/London',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Paris',
  UTC: 'UTC',
};

const ianaCache = new Map<string, string>();
const formatters = new Map<string, Intl.DateTimeFormat>();
/** `${zone}|${quarterIndex}` -> offset seconds. Offsets change on a quarter hour of UTC (St John's and Lord Howe on the half hour). */
const offsetCache = new Map<string, number>();
/** `${zone}|${dayIndex}` -> the offset when it is the same all (UTC) day, else NaN. */
const dayCache = new Map<string, number>();

/** The IANA zone for a document-style or IANA zone name; 'UTC' when unknown. */
export function toIanaZone(name: string | undefined): string {
  if (!name) return 'UTC';
  const cached = ianaCache.get(name);
  if (cached) return cached;
  let zone = WINDOWS_TO_IANA[name.trim()];
  if (!zone) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      zone = name;
    } catch {
      zone = 'UTC';
    }
  }
  ianaCache.set(name, zone);
  return zone;
}

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

/** Seconds in which an offset is constant: offsets change on a quarter hour of UTC. */
export const OFFSET_STEP_S = 900;

function quarterOffset(zone: string, quarter: number): number {
  const key = `${zone}|${quarter}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const parts = formatterFor(zone).formatToParts(new Date(quarter * OFFSET_STEP_S * 1000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
  const offset = Math.round(asUtc - quarter * OFFSET_STEP_S);
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/** Seconds to add to UTC epoch seconds to get the zone's wall clock (as if it were UTC). */
export function zoneOffsetS(zone: string, epochS: number): number {
  if (zone === 'UTC') return 0;
  const quarter = Math.floor(epochS / OFFSET_STEP_S);
  // Most days have one offset all day (a zone changes its clock at most once a day): two look-ups
  // per day instead of 96.
  const day = Math.floor(quarter / 96);
  const dayKey = `${zone}|${day}`;
  let whole = dayCache.get(dayKey);
  if (whole === undefined) {
    const a = quarterOffset(zone, day * 96);
    const b = quarterOffset(zone, day * 96 + 95);
    whole = a === b ? a : NaN;
    if (dayCache.size > 20_000) dayCache.clear();
    dayCache.set(dayKey, whole);
  }
  return Number.isNaN(whole) ? quarterOffset(zone, quarter) : whole;
}

/** Local wall-clock facts for a zone at an instant. */
export function localTime(zone: string, epochS: number): { minuteOfDay: number; weekend: boolean; offsetS: number } {
  const offsetS = zoneOffsetS(zone, epochS);
  const local = epochS + offsetS;
  const minuteOfDay = Math.floor((((local % 86400) + 86400) % 86400) / 60);
  const weekday = weekdayOfDay(Math.floor(local / 86400));
  return { minuteOfDay, weekend: weekday === 0 || weekday === 6, offsetS };
}

/** Day of the week of a day number (days since 1970-01-01, a Thursday): 0 = Sunday … 6 = Saturday. */
export function weekdayOfDay(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** The local calendar day (days since 1970-01-01 in the zone's wall clock) of an instant. */
export function localDayNumber(zone: string, epochS: number): number {
  return Math.floor((epochS + zoneOffsetS(zone, epochS)) / 86400);
}

/** Year, month (1-12) and day of a day number. */
export function ymdOfDay(dayNumber: number): { year: number; month: number; day: number } {
  const d = new Date(dayNumber * 86400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The day number of a calendar date (month 1-12; out-of-range days and months roll over). */
export function dayOfYmd(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / 86400_000);
}

/** "2026-03-08" for a day number. */
export function isoDate(dayNumber: number): string {
  const { year, month, day } = ymdOfDay(dayNumber);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The UTC instant of a local wall-clock time (local seconds since the epoch, as if UTC). On the
 * day clocks go forward, a time inside the gap maps to the instant after it; on the day they go
 * back, a repeated time maps to its first occurrence.
 */
export function instantOfLocal(zone: string, localS: number): number {
  // The offsets in force within a day either side; a candidate is right when its own offset is the one used.
  const offsets = [...new Set([zoneOffsetS(zone, localS - 86400), zoneOffsetS(zone, localS), zoneOffsetS(zone, localS + 86400)])];
  const valid = offsets.map((o) => localS - o).filter((t) => zoneOffsetS(zone, t) === localS - t);
  if (valid.length > 0) return Math.min(...valid);
  // In the gap of a clock going forward (the offset grows): the time under the earlier offset.
  return localS - Math.min(...offsets);
}

/** The zone to show a unit's times in: its own (see toIanaZone), or this machine's when the unit has none. */
export function unitTimeZone(name: string | undefined): string | undefined {
  return name && name.trim() ? toIanaZone(name) : undefined;
}
