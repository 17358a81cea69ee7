// A unit's time zone. The document's get_info carries Windows-style zone names ("Pacific Standard
// Time"); servers may also send IANA names ("Europe/Berlin"). Shared by the simulator (which runs
// the unit's schedule in it) and the views (which show the unit's times in it). Pure.

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

/** The zone to show a unit's times in: its own (see toIanaZone), or this machine's when the unit has none. */
export function unitTimeZone(name: string | undefined): string | undefined {
  return name && name.trim() ? toIanaZone(name) : undefined;
}
