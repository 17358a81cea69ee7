// A charger's local time: the one place that turns an instant into a charger's wall clock and
// writes it for a user. The protocol's get_info carries Windows-style zone names ("Pacific
// Standard Time"); servers may also send IANA names ("Europe/Berlin"). Shared by the servers
// (which run the unit's schedule in it), the views and the panel (which show every time in it) and
// the insights (days, tariff windows). Pure: no vscode, no Node APIs.
//
// Fast on purpose: one Intl.DateTimeFormat per zone, used only to learn a zone's UTC offset once
// per quarter hour (cached); every wall-clock figure and every text ("14:05", "tomorrow 06:30",
// "5 Dec 2026, 14:05") is then arithmetic, never a formatter or toLocale* call per row.

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
  const { minuteOfDay, weekday, offsetS } = localClock(zone, epochS);
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

// ---- the zone a charger's times are judged and shown in ----

let machineZone: string | undefined;

/** The IANA zone of the machine this code runs on ('UTC' when the runtime does not say). */
export function machineTimeZone(): string {
  if (machineZone === undefined) {
    let z: string | undefined;
    try {
      z = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch {
      z = undefined;
    }
    machineZone = z && isKnownZone(z) ? z : 'UTC';
  }
  return machineZone;
}

/** Whether a name is a Windows-style name this module maps, or an IANA zone the runtime knows (cached by toIanaZone). */
function isKnownZone(name: string): boolean {
  const t = name.trim();
  return t !== '' && (toIanaZone(t) !== 'UTC' || t === 'UTC');
}

/** The zone a charger's times are in, and why when it is not the charger's own. */
export interface ChargerZone {
  /** IANA zone. */
  zone: string;
  /** The charger reported this zone (false: the fallback is used). */
  reported: boolean;
  /** Says which zone the times are in and why, when it is the fallback (for a tooltip). */
  note?: string;
}

/**
 * The one rule for a charger's zone: its own (get_info's timeZoneId, Windows or IANA name); when
 * it reports none, or a name no one knows, the stated fallback: the zone of the program judging it
 * (the extension: this computer's; a server: its own zone). JuiceNet Local gives each box the
 * server's zone, so a local box always reports one.
 */
export function chargerZone(timeZoneId: string | undefined, fallback?: string): ChargerZone {
  const name = timeZoneId?.trim();
  if (name && isKnownZone(name)) return { zone: toIanaZone(name), reported: true };
  const fallbackZone = fallback ?? machineTimeZone();
  const why = name ? `the charger's zone "${name}" is unknown` : 'the charger reports none';
  return { zone: fallbackZone, reported: false, note: `Times in this computer's zone (${fallbackZone.replace(/_/g, ' ')}): ${why}.` };
}

/** The IANA zone to show and judge a charger's times in (chargerZone's rule). */
export function unitTimeZone(timeZoneId: string | undefined): string {
  return chargerZone(timeZoneId).zone;
}

// ---- the one local-time function ----

/** A charger's wall clock at an instant. */
export interface LocalClock {
  /** Local calendar day: days since 1970-01-01 of the zone's wall clock. */
  day: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** 0..1439. */
  minuteOfDay: number;
  /** Seconds to add to UTC to get the wall clock. */
  offsetS: number;
}

/** The wall clock of `zone` (IANA) at epoch seconds `epochS`. Cached offsets: no formatter per call. */
export function localClock(zone: string, epochS: number): LocalClock {
  const offsetS = zoneOffsetS(zone, epochS);
  const local = Math.floor(epochS) + offsetS;
  const day = Math.floor(local / 86400);
  const minuteOfDay = Math.floor((local - day * 86400) / 60);
  return { day, weekday: weekdayOfDay(day), minuteOfDay, offsetS };
}

// ---- a charger's times in words (English, 24-hour, as the rest of the UI) ----

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const hhmm = (minuteOfDay: number) => `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;

/** "14:05" in the zone. */
export function clockText(zone: string, epochS: number): string {
  return hhmm(localClock(zone, epochS).minuteOfDay);
}

/** "Sat" for a day number. */
export function weekdayText(dayNumber: number): string {
  return WEEKDAYS[weekdayOfDay(dayNumber)];
}

/** "5 Dec" (withYear: "5 Dec 2026") for a day number. */
export function dayText(dayNumber: number, withYear = false): string {
  const { year, month, day } = ymdOfDay(dayNumber);
  return `${day} ${MONTHS[month - 1]}${withYear ? ` ${year}` : ''}`;
}

/** "5 Dec 2026, 14:05" in the zone: a session's start, a hold, a last reading. */
export function dateTimeText(zone: string, epochS: number): string {
  const c = localClock(zone, epochS);
  return `${dayText(c.day, true)}, ${hhmm(c.minuteOfDay)}`;
}

/**
 * An instant as the owner reads it from `nowS`, in the zone: "22:00" (today), "tomorrow 06:30",
 * "Sat 08:00" (within the coming week), else "25 Dec 08:00".
 */
export function whenText(zone: string, epochS: number, nowS: number): string {
  const at = localClock(zone, epochS);
  const today = localClock(zone, nowS).day;
  const time = hhmm(at.minuteOfDay);
  if (at.day === today) return time;
  if (at.day === today + 1) return `tomorrow ${time}`;
  if (epochS > nowS && at.day - today < 7) return `${weekdayText(at.day)} ${time}`;
  return `${dayText(at.day)} ${time}`;
}
