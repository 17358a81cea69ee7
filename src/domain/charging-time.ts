// "Hold charging until": the time the user types, read as epoch seconds. Pure (no vscode).
import { parseHHMM } from './schedule';
import { dateTimeText, instantOfLocal, localClock, machineTimeZone } from './time-zone';

/**
 * Parses the "hold charging until" input: "HH:MM" (today, or tomorrow when that time has passed),
 * or an ISO date-time ("2026-11-25T07:30", the charger's wall clock unless it carries a zone), in
 * the charger's zone `zone` (IANA; this computer's when not given). Returns epoch seconds, or
 * throws an Error whose message says what to type. A time in the past is refused: it would hold
 * nothing.
 */
export function parseChargingTime(input: string, now: Date, zone: string = machineTimeZone()): number {
  const t = input.trim();
  if (t === '') throw new Error('Type a time as HH:MM (e.g. 07:30) or a date and time (e.g. 2026-11-25T07:30).');
  const nowS = Math.floor(now.getTime() / 1000);
  let whenS: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (/^\d{1,2}:\d{2}$/.test(t)) {
    const minutes = parseHHMM(t);
    if (minutes >= 1440) throw new Error('Use a time from 00:00 to 23:59.');
    const today = localClock(zone, nowS).day;
    whenS = instantOfLocal(zone, today * 86400 + minutes * 60);
    if (whenS <= nowS) whenS = instantOfLocal(zone, (today + 1) * 86400 + minutes * 60);
  } else if (iso) {
    const [, y, mo, d, hh, mm, ss, offset] = iso;
    if (offset) {
      const ms = new Date(t.replace(' ', 'T')).getTime();
      if (Number.isNaN(ms)) throw new Error(`"${t}" is not a valid date and time.`);
      whenS = Math.floor(ms / 1000);
    } else {
      const localMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh), Number(mm), Number(ss ?? 0));
      const back = new Date(localMs);
      if (Number.isNaN(localMs) || back.getUTCDate() !== Number(d) || Number(hh) > 23) throw new Error(`"${t}" is not a valid date and time.`);
      whenS = instantOfLocal(zone, localMs / 1000);
    }
  } else {
    throw new Error(`"${t}" is not a time. Type HH:MM (e.g. 07:30) or a date and time (e.g. 2026-11-25T07:30).`);
  }
  if (whenS <= nowS) throw new Error(`${dateTimeText(zone, whenS)} is in the past; pick a later time.`);
  if (whenS - nowS > 366 * 24 * 3600) throw new Error('That is more than a year away; pick a time within the next year.');
  return whenS;
}

export function validateChargingTime(input: string, now: Date, zone?: string): string | undefined {
  try {
    parseChargingTime(input, now, zone);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
