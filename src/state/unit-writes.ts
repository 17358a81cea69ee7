// The write-and-verify steps of the unit commands: send the write, read the unit back, and say
// whether the server now holds what was sent. No vscode import: the commands (src/commands) wrap
// these in their prompts, progress and messages, and the soak benchmark (bench/soak.ts) drives the
// very same functions against a faulty simulator. A write is never retried here (the client retries
// a write only when it certainly never left), and `confirmed` comes only from the read-back.
//
// A write whose reply was lost (writeOutcomeUncertain: the request may have been applied) is read
// back all the same, since reporting "failed" for a write the server holds is as false as the
// reverse: a read-back showing the value sent makes it a success with `replyLost: true`; otherwise
// the original error is thrown, wrapped in an UncertainWriteError saying what the unit reports when
// the read-back worked.
import { JuiceNetError, UncertainWriteError, UnverifiedWriteError, toJuiceNetError, writeOutcomeUncertain } from '../api/errors';
import { describeWindow, sameSchedule } from '../domain/schedule';
import { notificationMismatches } from '../domain/notifications';
import type { NotificationSettings, OverrideRequest, Schedule, ScheduleWindow, UnitInfo, UnitStatus } from '../domain/model';
import type { JuiceNetApi, UnitAuth } from '../api/types';

/** A unit's client and credentials, as `CommandBackend.api()` returns them. */
export interface UnitTarget {
  client: JuiceNetApi;
  auth: UnitAuth;
}

/** What every verified write reports besides its own read-back. */
export interface WriteOutcome {
  /** The read-back shows what was sent. */
  confirmed: boolean;
  /** The write call failed with its outcome unknown (reply lost), and the read-back confirmed it. */
  replyLost: boolean;
}

/**
 * The one write-then-verify sequence: `send`, then `readBack`, judged by `judge`. When `send` fails
 * with an uncertain outcome, the read-back still runs: confirmed -> the result with replyLost;
 * not confirmed -> UncertainWriteError(original, `summary` of the read-back); read-back failed ->
 * UncertainWriteError saying the outcome is unknown. Any other failure of `send` is thrown as is, without a read-back. When `send`
 * succeeds but the read-back fails: UnverifiedWriteError (accepted, state unknown).
 *
 * `before` is the reading taken before the write, when there is one. After a lost reply, a
 * read-back that shows the value sent proves the write only when the reading before did not show
 * it already: an offline unit keeps reporting its last check-in, so its get_state can show the
 * value sent while the server holds another one (the refused write changed nothing). Without a
 * reading before, or when it showed the value already, the outcome stays unknown and says so.
 */
async function verifiedWrite<R, T extends { confirmed: boolean }>(
  send: () => Promise<unknown>,
  readBack: () => Promise<R>,
  judge: (r: R) => T,
  summary: (r: R) => string,
  before?: { reading: R | undefined; describe: (r: R) => string },
): Promise<T & { replyLost: boolean }> {
  try {
    await send();
  } catch (e) {
    if (!writeOutcomeUncertain(e)) throw e;
    let r: R;
    try {
      r = await readBack();
    } catch {
      throw new UncertainWriteError(toJuiceNetError(e), 'the charger could not be read back either, so the change may or may not have been applied');
    }
    const result = judge(r);
    if (result.confirmed && before) {
      const b = before.reading;
      if (b === undefined) {
        throw new UncertainWriteError(
          toJuiceNetError(e),
          `${summary(r)}, but it could not be read before the write, so the change may or may not have been applied`,
        );
      }
      if (judge(b).confirmed) {
        throw new UncertainWriteError(
          toJuiceNetError(e),
          `${before.describe(r)} before the write and after it, so the change may or may not have been applied`,
        );
      }
    }
    if (result.confirmed) return { ...result, replyLost: true };
    throw new UncertainWriteError(e as JuiceNetError, summary(r));
  }
  let r: R;
  try {
    r = await readBack();
  } catch (e) {
    // The write was accepted; only the check failed. Saying "failed" would be as false as "done".
    if (e instanceof JuiceNetError && e.name === 'AbortedError') throw e;
    throw new UnverifiedWriteError(toJuiceNetError(e));
  }
  return { ...judge(r), replyLost: false };
}

const ampsText = (a: number | undefined) => (a === undefined ? 'no' : `a ${a} A`);

export interface LimitWrite extends WriteOutcome {
  /** The limit before the write (undefined when that read failed: only "Stop Charging"'s memory needs it). */
  previous?: number;
  /** amps_limit read back after the write. */
  readBack?: number;
  /** get_state read back after the write (what the views show at once). */
  after?: UnitStatus;
}

/**
 * set_limit, verified by get_state's amps_limit. Throws when the write fails (see verifiedWrite for
 * a lost reply) or when the read-back after a successful write fails.
 */
export async function writeLimit(t: UnitTarget, amps: number, signal?: AbortSignal): Promise<LimitWrite> {
  const before = await t.client.getState(t.auth, { signal }).catch(() => undefined);
  return verifiedWrite(
    () => t.client.setLimit(t.auth, amps, { signal }),
    () => t.client.getState(t.auth, { signal }),
    (after) => ({ previous: before?.charging.ampsLimit, readBack: after.charging.ampsLimit, after, confirmed: after.charging.ampsLimit === amps }),
    (after) => `the charger reports ${ampsText(after.charging.ampsLimit)} limit`,
    { reading: before, describe: (after) => `the charger reported ${ampsText(after.charging.ampsLimit)} limit` },
  );
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
export function chargeNowConfirmed(
  after: UnitStatus,
  sent: { overrideTime: number; restoreAmps?: number },
  localNowS = Math.floor(Date.now() / 1000),
): boolean {
  const amps = after.charging.ampsLimit ?? 0;
  return (
    after.overrideTime === sent.overrideTime &&
    sent.overrideTime > 0 &&
    sent.overrideTime <= (after.utcTime ?? localNowS) &&
    amps > 0 &&
    (sent.restoreAmps === undefined || amps === sent.restoreAmps)
  );
}

/** The session energies set_override carries besides the override time. */
export type OverrideEnergies = Pick<OverrideRequest, 'energyAtPluginWh' | 'energyToAddWh'>;

/** A whole, non-negative Wh value from get_state, or undefined (a field the server did not send is not sent back). */
function wholeWh(v: number | undefined): number | undefined {
  return v === undefined || !Number.isFinite(v) ? undefined : Math.max(0, Math.round(v));
}

/**
 * The energies to send with set_override: the caller's, else the unit's current ones (get_state's
 * charging.wh_energy_at_plugin / wh_energy_to_add). The protocol lists all three fields and every
 * known client sends them, so an override must not leave the server to guess (or zero) the energy
 * the driver asked for. Reads the unit when a value is missing; that read failing fails the write
 * before anything is sent.
 */
async function overrideEnergies(t: UnitTarget, given: OverrideEnergies, signal?: AbortSignal): Promise<OverrideEnergies & { before?: UnitStatus }> {
  if (given.energyAtPluginWh !== undefined && given.energyToAddWh !== undefined) return given;
  const before = await t.client.getState(t.auth, { signal });
  const current = currentOverrideEnergies(before);
  const out: OverrideEnergies & { before?: UnitStatus } = {
    energyAtPluginWh: given.energyAtPluginWh ?? current.energyAtPluginWh,
    energyToAddWh: given.energyToAddWh ?? current.energyToAddWh,
  };
  if (out.energyAtPluginWh === undefined) delete out.energyAtPluginWh;
  if (out.energyToAddWh === undefined) delete out.energyToAddWh;
  out.before = before;
  return out;
}

/**
 * The unit's current energies as set_override sends them back (whole Wh; a field the server did not
 * send stays out). For a caller that has just read the unit, so the write need not read it again.
 */
export function currentOverrideEnergies(state: Pick<UnitStatus, 'charging'>): OverrideEnergies {
  const out: OverrideEnergies = {};
  const atPlugin = wholeWh(state.charging.energyAtPluginWh);
  const toAdd = wholeWh(state.charging.energyToAddWh);
  if (atPlugin !== undefined) out.energyAtPluginWh = atPlugin;
  if (toAdd !== undefined) out.energyToAddWh = toAdd;
  return out;
}

/** What "charge now" sends after the unit was just read. */
export type ChargeNowRequest = { overrideTime: number; restoreAmps?: number } & OverrideEnergies;

/**
 * "Charge now" from a fresh reading of the unit (the Start Charging command and the soak build it
 * here): an override a second in the past by the unit's clock, the limit to restore first if any,
 * and the energies of that reading (so the write need not read the unit again).
 */
export function chargeNowRequest(state: Pick<UnitStatus, 'utcTime' | 'charging'>, restoreAmps?: number): ChargeNowRequest {
  return { overrideTime: chargeNowOverrideTime(state), restoreAmps, ...currentOverrideEnergies(state) };
}

export interface StateWrite extends WriteOutcome {
  /** get_state read back after the write. */
  after: UnitStatus;
}

/**
 * Charge now: restores the limit first when `restoreAmps` is given, then set_override; verified by
 * get_state. The two writes count as one: a lost reply to either leads to the read-back (after a
 * lost set_limit reply, set_override is not sent, so that read-back cannot confirm). The energies
 * sent are the caller's or the unit's current ones (see overrideEnergies): "charge now" changes
 * the override only.
 */
export async function writeStartCharging(
  t: UnitTarget,
  req: { overrideTime: number; restoreAmps?: number } & OverrideEnergies,
  signal?: AbortSignal,
): Promise<StateWrite> {
  const { before: _before, ...energies } = await overrideEnergies(t, req, signal);
  return verifiedWrite(
    async () => {
      if (req.restoreAmps !== undefined) await t.client.setLimit(t.auth, req.restoreAmps, { signal });
      await t.client.setOverride(t.auth, { overrideTime: req.overrideTime, ...energies }, { signal });
    },
    () => t.client.getState(t.auth, { signal }),
    (after) => ({ after, confirmed: chargeNowConfirmed(after, req) }),
    (after) => {
      const o = after.overrideTime;
      const override = o === req.overrideTime ? 'the override sent' : o ? 'another override' : 'no override';
      return `the charger reports ${override} and ${ampsText(after.charging.ampsLimit)} limit`;
    },
  );
}

/**
 * set_override 0 (the schedule applies again), verified by get_state's override_time. Sends the
 * unit's current energies too (see overrideEnergies), unless the caller gives them.
 */
export async function writeCancelOverride(t: UnitTarget, signal?: AbortSignal, given: OverrideEnergies = {}): Promise<StateWrite> {
  const { before, ...energies } = await overrideEnergies(t, given, signal);
  return verifiedWrite(
    () => t.client.setOverride(t.auth, { overrideTime: 0, ...energies }, { signal }),
    () => t.client.getState(t.auth, { signal }),
    (after) => ({ after, confirmed: after.overrideTime === undefined || after.overrideTime === 0 }),
    () => 'the charger still reports an override',
    { reading: before, describe: () => 'the charger reported no override' },
  );
}

export interface ScheduleWrite extends WriteOutcome {
  readBack: Schedule;
}

/** set_schedule, verified by get_schedule. */
export async function writeSchedule(t: UnitTarget, schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'>, signal?: AbortSignal): Promise<ScheduleWrite> {
  return verifiedWrite(
    () => t.client.setSchedule(t.auth, schedule, { signal }),
    () => t.client.getSchedule(t.auth, { signal }),
    (readBack) => ({ readBack, confirmed: sameSchedule(schedule, readBack) }),
    (readBack) => `the charger reports ${scheduleText(readBack)}`,
  );
}

/** A schedule in a few words, for a summary (the server's windows may be out of range: never throws). */
function scheduleText(s: Schedule): string {
  if (s.type === 'disabled') return 'no schedule (charge any time)';
  const win = (w: ScheduleWindow) => {
    try {
      return describeWindow(w);
    } catch {
      return `${w.start} → ${w.end} (minutes)`;
    }
  };
  return `the schedule weekdays ${win(s.weekday)}; weekends ${win(s.weekend)}`;
}

/**
 * set_charging_time. The protocol has no getter for it, so there is nothing to confirm: the
 * read-back is get_state (what the unit does now). For the same reason a lost reply cannot be
 * settled by a read-back: it becomes an UncertainWriteError that says the time may have been set.
 */
export async function writeChargingTime(t: UnitTarget, epochS: number, signal?: AbortSignal): Promise<{ after: UnitStatus }> {
  try {
    await t.client.setChargingTime(t.auth, epochS, { signal });
  } catch (e) {
    if (!writeOutcomeUncertain(e)) throw e;
    throw new UncertainWriteError(toJuiceNetError(e), 'the protocol cannot read the charging time back, so it may or may not have been set');
  }
  try {
    return { after: await t.client.getState(t.auth, { signal }) };
  } catch (e) {
    if (e instanceof JuiceNetError && e.name === 'AbortedError') throw e;
    throw new UnverifiedWriteError(toJuiceNetError(e));
  }
}

export interface NotificationsWrite extends WriteOutcome {
  readBack: NotificationSettings;
  /** Events (keys) whose read-back differs from what was sent. */
  mismatches: string[];
}

/** set_notifications, verified by get_notifications. */
export async function writeNotifications(t: UnitTarget, settings: NotificationSettings, signal?: AbortSignal): Promise<NotificationsWrite> {
  return verifiedWrite(
    () => t.client.setNotifications(t.auth, settings, { signal }),
    () => t.client.getNotifications(t.auth, { signal }),
    (readBack) => {
      const mismatches = notificationMismatches(settings, readBack);
      return { readBack, mismatches, confirmed: mismatches.length === 0 };
    },
    (readBack) => `the charger reports other settings for: ${notificationMismatches(settings, readBack).join(', ')}`,
  );
}

export interface InfoWrite extends WriteOutcome {
  readBack: UnitInfo;
  /** Fields sent whose read-back differs. */
  mismatches: string[];
}

/** set_info (the whole object, unknown fields included), verified by get_info. */
export async function writeInfo(t: UnitTarget, raw: Record<string, unknown>, signal?: AbortSignal): Promise<InfoWrite> {
  return verifiedWrite(
    () => t.client.setInfo(t.auth, raw, { signal }),
    () => t.client.getInfo(t.auth, { signal }),
    (readBack) => {
      const mismatches = infoMismatches(raw, readBack.raw);
      return { readBack, mismatches, confirmed: mismatches.length === 0 };
    },
    (readBack) => `the charger reports other values for: ${infoMismatches(raw, readBack.raw).join(', ')}`,
  );
}

/**
 * Fields of `sent` whose read-back differs: every value sent must read back (objects may gain
 * fields the server adds). info_timestamp is the server's clock of changes, not a value the client
 * sets; a number sent as a numeric string (as this wire sends them) matches the number read back.
 */
function infoMismatches(sent: Record<string, unknown>, readBack: Record<string, unknown>): string[] {
  const same = (a: unknown, b: unknown): boolean => {
    if (a === b) return true;
    if (typeof a === 'string' && typeof b === 'number') return a.trim() !== '' && Number(a) === b;
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      if (Array.isArray(a) !== Array.isArray(b) || (Array.isArray(a) && a.length !== (b as unknown[]).length)) return false;
      return Object.keys(a).every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
    }
    return false;
  };
  return Object.keys(sent).filter((k) => k !== 'info_timestamp' && !same(sent[k], readBack[k]));
}
