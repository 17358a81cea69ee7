// The write-and-verify steps of the unit commands: send the write, read the unit back, and say
// whether the server now holds what was sent. No vscode import: the commands (src/commands) wrap
// these in their prompts, progress and messages, and the soak benchmark (bench/soak.ts) drives the
// very same functions against a faulty simulator. A write is never retried here (the client retries
// a write only when it certainly never left), and `confirmed` comes only from the read-back.
import type { JuiceNetApi, NotificationSettings, Schedule, ScheduleWindow, UnitAuth, UnitStatus } from '../api/types';

/** A unit's client and credentials, as `CommandBackend.api()` returns them. */
export interface UnitTarget {
  client: JuiceNetApi;
  auth: UnitAuth;
}

export interface LimitWrite {
  /** The limit before the write (undefined when that read failed: only "Stop Charging"'s memory needs it). */
  previous?: number;
  /** amps_limit read back after the write. */
  readBack?: number;
  /** The read-back limit is the one sent. */
  confirmed: boolean;
}

/** set_limit, verified by get_state's amps_limit. Throws the client's error when the write or the read-back fails. */
export async function writeLimit(t: UnitTarget, amps: number, signal?: AbortSignal): Promise<LimitWrite> {
  const before = await t.client.getState(t.auth, { signal }).catch(() => undefined);
  await t.client.setLimit(t.auth, amps, { signal });
  const after = await t.client.getState(t.auth, { signal });
  const readBack = after.charging.ampsLimit;
  return { previous: before?.charging.ampsLimit, readBack, confirmed: readBack === amps };
}

/**
 * The override time that means "charge now": a second in the past by the server's clock when it
 * reports one (utc_time), since a unit or simulator whose clock differs from this machine's would
 * otherwise see a future override.
 */
export function chargeNowOverrideTime(state: Pick<UnitStatus, 'utcTime'>, localNowS = Math.floor(Date.now() / 1000)): number {
  return Math.min(localNowS, state.utcTime ?? localNowS) - 1;
}

/**
 * A read-back confirms "charge now": it shows the very override that was sent (already started),
 * and a limit above 0 A (the restored one, when one was restored). Any active override is not
 * enough: an offline unit keeps reporting its last check-in, which may hold an older override and
 * a limit the server no longer has.
 */
export function chargeNowConfirmed(after: UnitStatus, sent: { overrideTime: number; restoreAmps?: number }, localNowS = Math.floor(Date.now() / 1000)): boolean {
  const amps = after.charging.ampsLimit ?? 0;
  return (
    after.overrideTime === sent.overrideTime &&
    sent.overrideTime > 0 &&
    sent.overrideTime <= (after.utcTime ?? localNowS) &&
    amps > 0 &&
    (sent.restoreAmps === undefined || amps === sent.restoreAmps)
  );
}

export interface StateWrite {
  /** get_state read back after the write. */
  after: UnitStatus;
  confirmed: boolean;
}

/** Charge now: restores the limit first when `restoreAmps` is given, then set_override; verified by get_state. */
export async function writeStartCharging(t: UnitTarget, req: { overrideTime: number; restoreAmps?: number }, signal?: AbortSignal): Promise<StateWrite> {
  if (req.restoreAmps !== undefined) await t.client.setLimit(t.auth, req.restoreAmps, { signal });
  await t.client.setOverride(t.auth, { overrideTime: req.overrideTime }, { signal });
  const after = await t.client.getState(t.auth, { signal });
  return { after, confirmed: chargeNowConfirmed(after, req) };
}

/** set_override 0 (the schedule applies again), verified by get_state's override_time. */
export async function writeCancelOverride(t: UnitTarget, signal?: AbortSignal): Promise<StateWrite> {
  await t.client.setOverride(t.auth, { overrideTime: 0 }, { signal });
  const after = await t.client.getState(t.auth, { signal });
  return { after, confirmed: after.overrideTime === undefined || after.overrideTime === 0 };
}

export interface ScheduleWrite {
  readBack: Schedule;
  confirmed: boolean;
}

/** set_schedule, verified by get_schedule. */
export async function writeSchedule(t: UnitTarget, schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'>, signal?: AbortSignal): Promise<ScheduleWrite> {
  await t.client.setSchedule(t.auth, schedule, { signal });
  const readBack = await t.client.getSchedule(t.auth, { signal });
  return { readBack, confirmed: sameSchedule(schedule, readBack) };
}

/**
 * set_charging_time. The protocol has no getter for it, so there is nothing to confirm: the
 * read-back is get_state (what the unit does now).
 */
export async function writeChargingTime(t: UnitTarget, epochS: number, signal?: AbortSignal): Promise<{ after: UnitStatus }> {
  await t.client.setChargingTime(t.auth, epochS, { signal });
  return { after: await t.client.getState(t.auth, { signal }) };
}

export interface NotificationsWrite {
  readBack: NotificationSettings;
  /** Events (keys) whose read-back differs from what was sent. */
  mismatches: string[];
  confirmed: boolean;
}

/** set_notifications, verified by get_notifications. */
export async function writeNotifications(t: UnitTarget, settings: NotificationSettings, signal?: AbortSignal): Promise<NotificationsWrite> {
  await t.client.setNotifications(t.auth, settings, { signal });
  const readBack = await t.client.getNotifications(t.auth, { signal });
  const mismatches = notificationMismatches(settings, readBack);
  return { readBack, mismatches, confirmed: mismatches.length === 0 };
}

/** Two schedules mean the same charging windows (the windows of a disabled schedule do not matter). */
export function sameSchedule(
  a: { type: string; weekday: ScheduleWindow; weekend: ScheduleWindow },
  b: { type: string; weekday: ScheduleWindow; weekend: ScheduleWindow },
): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'disabled') return true;
  const eq = (x: ScheduleWindow, y: ScheduleWindow) => x.start === y.start && x.end === y.end && x.carReadyBy === y.carReadyBy;
  return eq(a.weekday, b.weekday) && eq(a.weekend, b.weekend);
}

/** Events (keys) whose read-back differs from what was sent (email, push, time); empty when all match. */
export function notificationMismatches(sent: NotificationSettings, readBack: NotificationSettings): string[] {
  const bad: string[] = [];
  for (const [event, s] of Object.entries(sent)) {
    if (!s) continue;
    const r = readBack[event];
    // An event the server does not list (the document's get reply omits unplug/plugin) can't be checked.
    if (!r) continue;
    if (r.email !== s.email || r.push !== s.push || (s.time !== undefined && r.time !== s.time)) bad.push(event);
  }
  return bad;
}
