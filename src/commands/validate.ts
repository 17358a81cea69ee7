// Pure helpers of the unit commands: validation, quick-pick item models, time parsing.
// No `vscode` import, so they run (and are tested) in plain Node. Each validator returns the
// message to show (refusing the input as it is typed) or undefined when the input is good; the
// commands call the same validator again on test arguments, which skip the prompts.
import { describeWindow, minutesToHHMM, parseHHMM, validateWindow } from '../api/schedule';
import { NOTIFICATION_EVENTS, type NotificationSettings, type ScheduleWindow, type UnitInfo } from '../api/types';

/** The smallest non-zero limit a J1772 station accepts (the simulator and the vendor use 6 A). */
export const MIN_AMPS = 6;

/** The highest limit this unit accepts: min(wire rating, unit rating), or undefined when unknown. */
export function maxAmpsOf(info: Pick<UnitInfo, 'ampsWireRating' | 'ampsUnitRating'> | undefined): number | undefined {
  const ratings = [info?.ampsWireRating, info?.ampsUnitRating].filter(
    (v): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0,
  );
  return ratings.length ? Math.min(...ratings) : undefined;
}

function rangeText(maxAmps: number | undefined): string {
  return maxAmps !== undefined && maxAmps >= MIN_AMPS
    ? `0 (off) or a whole number from ${MIN_AMPS} to ${maxAmps} A`
    : `0 (off) or a whole number of ${MIN_AMPS} A or more`;
}

/** Validates a limit (typed text or a test argument). `maxAmps` undefined: only the lower bound is known. */
export function validateAmps(input: string | number, maxAmps?: number): string | undefined {
  const text = String(input).trim().replace(/\s*a$/i, '');
  if (text === '') return `Type the limit in amps: ${rangeText(maxAmps)}.`;
  if (!/^\d+$/.test(text)) return `"${String(input).trim()}" is not a whole number of amps. Use ${rangeText(maxAmps)}.`;
  const amps = Number(text);
  if (amps === 0) return undefined;
  if (amps < MIN_AMPS || (maxAmps !== undefined && amps > maxAmps)) return `${amps} A is out of range. Use ${rangeText(maxAmps)}.`;
  return undefined;
}

/** The value of a limit that passed validateAmps. */
export function parseAmps(input: string | number): number {
  return Number(String(input).trim().replace(/\s*a$/i, ''));
}

export interface AmpsChoice {
  label: string;
  description?: string;
  /** undefined: "Custom…" (type a value). */
  amps?: number;
}

/** The limit quick pick: sensible values from 6 A to the unit's maximum, 0 = off, Custom…; the current value marked. */
export function ampsChoices(maxAmps: number | undefined, currentAmps: number | undefined): AmpsChoice[] {
  const values = new Set<number>();
  if (maxAmps !== undefined && maxAmps >= MIN_AMPS) {
    for (const v of [6, 8, 10, 12, 16, 20, 24, 28, 32, 40, 48, 50, 64, 80]) if (v <= maxAmps) values.add(v);
    values.add(maxAmps);
  }
  const sorted = [...values].sort((a, b) => b - a);
  const mark = (v: number) => (v === currentAmps ? 'current' : undefined);
  const items: AmpsChoice[] = sorted.map((v) => ({
    label: `${v} A`,
    description: [v === maxAmps ? 'maximum for this unit' : undefined, mark(v)].filter(Boolean).join(' · ') || undefined,
    amps: v,
  }));
  items.push({ label: '0 A — turn charging off', description: mark(0), amps: 0 });
  const customDesc = currentAmps !== undefined && currentAmps !== 0 && !values.has(currentAmps) ? `current: ${currentAmps} A` : undefined;
  items.push({ label: 'Custom…', description: customDesc ?? (maxAmps === undefined ? 'the unit did not report its rating' : undefined) });
  return items;
}

/** A JuiceBox unit ID: digits only (the document's example has 28). */
export function validateUnitId(input: string): string | undefined {
  const t = input.trim();
  if (t === '') return 'Type the unit ID (the digits printed on the JuiceBox label, e.g. 0814081508141535522516012129).';
  if (!/^\d+$/.test(t)) return 'A unit ID has digits only (e.g. 0814081508141535522516012129).';
  if (t.length < 6 || t.length > 40) return `A unit ID has 6 to 40 digits (usually 28); this one has ${t.length}.`;
  return undefined;
}

/** A share PIN from get_share_pin: 4 or more digits. */
export function validatePin(input: string): string | undefined {
  const t = input.trim();
  if (t === '') return "Type the share PIN (the owner gets it with 'JuiceNet: Get Share PIN').";
  if (!/^\d{4,12}$/.test(t)) return 'A share PIN has 4 or more digits only (e.g. 8447).';
  return undefined;
}

/** Validates HH:MM through the schedule module's parser. */
export function validateHHMM(input: string): string | undefined {
  try {
    parseHHMM(input.trim());
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** A time of day as a test argument: minutes (0..1440) or "HH:MM". Throws a clear Error. */
export function toMinutes(v: number | string, what: string): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 1440) throw new Error(`${what}: ${v} is not a time of day (minutes 0 to 1440).`);
    return v;
  }
  const msg = validateHHMM(v);
  if (msg) throw new Error(`${what}: ${msg}`);
  return parseHHMM(v.trim());
}

export interface WindowInput {
  start: number | string;
  end: number | string;
  carReadyBy?: number | string;
}

/** A schedule window from minutes or HH:MM; car-ready-by optional (0, as the document's examples send). */
export function toWindow(w: WindowInput | undefined, day: 'weekday' | 'weekend'): ScheduleWindow {
  if (!w) throw new Error(`A custom schedule needs a ${day} window (start and end).`);
  const start = toMinutes(w.start, `${day} start`);
  const end = toMinutes(w.end, `${day} end`);
  if (start === end) throw new Error(`${day}: start and end are both ${minutesToHHMM(start)}; the window would be empty. Pick different times.`);
  const carReadyBy = w.carReadyBy === undefined || w.carReadyBy === '' ? 0 : toMinutes(w.carReadyBy, `${day} car ready by`);
  const win = { start, end, carReadyBy };
  const problems = validateWindow(win);
  if (problems.length) throw new Error(`${day}: ${problems.join('; ')}.`);
  return win;
}

/** "23:00 → 07:00 (overnight)" style text, for the confirmation summary. */
export function windowText(w: ScheduleWindow): string {
  const ready = w.carReadyBy ? `, car ready by ${minutesToHHMM(w.carReadyBy)}` : '';
  return `${describeWindow(w)}${ready}`;
}


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

// ---- notifications ---------------------------------------------------------------------------

const EVENT_LABELS: Record<string, string> = {
  charging_delayed_due_to_ToU: 'Charging delayed by the schedule',
  start_charging: 'Charging started',
  stop_charging: 'Charging stopped',
  is_offline: 'Unit went offline',
  is_back_online: 'Unit back online',
  is_not_plugged_in_by: 'Car not plugged in by a time',
  unplug: 'Car unplugged',
  plugin: 'Car plugged in',
};

export function eventLabel(event: string): string {
  return EVENT_LABELS[event] ?? event;
}

export interface NotificationChoice {
  label: string;
  description: string;
  event: string;
  channel: 'email' | 'push';
  picked: boolean;
}

/** The events to offer: the document's events plus any other the server returned, in a stable order. */
export function notificationEvents(current: NotificationSettings): string[] {
  const out: string[] = [...NOTIFICATION_EVENTS];
  for (const k of Object.keys(current)) if (!out.includes(k)) out.push(k);
  return out;
}

/** Events × {email, push}, the current values pre-selected. */
export function notificationChoices(current: NotificationSettings): NotificationChoice[] {
  const items: NotificationChoice[] = [];
  for (const event of notificationEvents(current)) {
    for (const channel of ['email', 'push'] as const) {
      items.push({
        label: `${eventLabel(event)} — ${channel === 'email' ? 'email' : 'push'}`,
        description: event,
        event,
        channel,
        picked: current[event]?.[channel] === true,
      });
    }
  }
  return items;
}

/**
 * The settings to send: every offered event with email/push from the picked set, the
 * not-plugged-in-by time, and whatever else the server had (webhooks) kept as it was.
 */
export function buildNotificationSettings(
  current: NotificationSettings,
  picked: { event: string; channel: 'email' | 'push' }[],
  notPluggedInByMinutes: number | undefined,
): NotificationSettings {
  const out: NotificationSettings = {};
  for (const event of notificationEvents(current)) {
    const prev = current[event];
    const next = {
      ...(prev ?? {}),
      email: picked.some((p) => p.event === event && p.channel === 'email'),
      push: picked.some((p) => p.event === event && p.channel === 'push'),
    };
    if (event === 'is_not_plugged_in_by') next.time = notPluggedInByMinutes ?? prev?.time ?? 0;
    out[event] = next;
  }
  return out;
}

