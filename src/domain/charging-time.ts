// "Hold charging until": the time the user types, read as epoch seconds. Pure (no vscode).
import { parseHHMM } from './schedule';

/**
 * Parses the "hold charging until" input: "HH:MM" (today, or tomorrow when that time has passed),
 * or an ISO date-time ("2026-11-25T07:30", local time unless it carries a zone). Returns epoch
 * seconds, or throws an Error whose message says what to type. A time in the past is refused: it
 * would hold nothing.
 */
export function parseChargingTime(input: string, now: Date): number {
  const t = input.trim();
  if (t === '') throw new Error('Type a time as HH:MM (e.g. 07:30) or a date and time (e.g. 2026-11-25T07:30).');
  let when: Date;
  if (/^\d{1,2}:\d{2}$/.test(t)) {
    const minutes = parseHHMM(t);
    if (minutes >= 1440) throw new Error('Use a time from 00:00 to 23:59.');
    when = new Date(now.getFullYear(), now.getMonth(), now.getDate(), Math.floor(minutes / 60), minutes % 60, 0, 0);
    if (when.getTime() <= now.getTime()) when = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, Math.floor(minutes / 60), minutes % 60, 0, 0);
  } else if (/^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(t)) {
    when = new Date(t.replace(' ', 'T'));
    if (Number.isNaN(when.getTime())) throw new Error(`"${t}" is not a valid date and time.`);
  } else {
    throw new Error(`"${t}" is not a time. Type HH:MM (e.g. 07:30) or a date and time (e.g. 2026-11-25T07:30).`);
  }
  if (when.getTime() <= now.getTime()) throw new Error(`${when.toLocaleString()} is in the past; pick a later time.`);
  if (when.getTime() - now.getTime() > 366 * 24 * 3600 * 1000) throw new Error('That is more than a year away; pick a time within the next year.');
  return Math.floor(when.getTime() / 1000);
}

export function validateChargingTime(input: string, now: Date): string | undefined {
  try {
    parseChargingTime(input, now);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
