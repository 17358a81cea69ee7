// The Overview's controls on the host side: Start, Stop, the current limit and Hold until, through
// the same verified writes as the commands (src/state/unit-writes.ts) and the same rules
// (src/domain/amps.ts): the read-back decides what the page reports. No vscode import.
import type { UnitInfo } from '../domain/model';
import { MIN_AMPS, maxAmpsOf, validateAmps } from '../domain/amps';
import { forgetLimit, rememberLimit, rememberedLimit } from '../state/limit-memory';
import { chargeNowOverrideTime, currentOverrideEnergies, writeChargingTime, writeLimit, writeStartCharging, type UnitTarget } from '../state/unit-writes';
import type { ControlResult } from '../protocol/messages';

/** A refusal the page shows as it is (no write was sent). */
function refused(message: string, nextStep?: string): Error {
  return Object.assign(new Error(message), { userMessage: message, nextStep });
}

/** The highest limit the unit accepts: from the info the store holds, else read now. */
export async function maxAmpsFor(t: UnitTarget, known: UnitInfo | undefined): Promise<number | undefined> {
  const fromStore = maxAmpsOf(known);
  if (fromStore !== undefined) return fromStore;
  return maxAmpsOf(await t.client.getInfo(t.auth).catch(() => undefined));
}

/** set_limit with the Set Current Limit command's validation; a limit above 0 is remembered for Start. */
export async function setLimitControl(t: UnitTarget, memoryKey: string, amps: number, maxAmps: number | undefined): Promise<ControlResult> {
  const bad = validateAmps(amps, maxAmps);
  if (bad) throw refused(bad);
  const w = await writeLimit(t, amps);
  if (amps > 0 && w.confirmed) forgetLimit(memoryKey);
  else if (amps === 0 && w.previous !== undefined && w.previous > 0) rememberLimit(memoryKey, w.previous);
  return { confirmed: w.confirmed, replyLost: w.replyLost, limitAmps: w.readBack, previousAmps: w.previous };
}

/** Stop Charging: the limit to 0 A, remembering the one it had (as the command does). */
export function stopChargingControl(t: UnitTarget, memoryKey: string): Promise<ControlResult> {
  return setLimitControl(t, memoryKey, 0, undefined);
}

/**
 * Start Charging: charge now, ignoring the schedule (set_override in the past by the server's
 * clock). A unit turned off (0 A) gets its remembered limit back first, else `restoreAmps`; with
 * neither, nothing is sent and the page is asked for a limit.
 */
export async function startChargingControl(
  t: UnitTarget,
  memoryKey: string,
  restoreAmps: number | undefined,
  maxAmps: number | undefined,
): Promise<ControlResult> {
  const state = await t.client.getState(t.auth);
  let restore: number | undefined;
  if (state.charging.ampsLimit === 0) {
    restore = rememberedLimit(memoryKey) ?? restoreAmps;
    if (restore === undefined) throw refused('The charger is turned off (0 A).', 'Pick a limit above 0 A first.');
    const bad = validateAmps(restore, maxAmps) ?? (restore < MIN_AMPS ? 'Starting needs a limit above 0 A.' : undefined);
    if (bad) throw refused(bad);
  }
  const w = await writeStartCharging(t, { overrideTime: chargeNowOverrideTime(state), restoreAmps: restore, ...currentOverrideEnergies(state) });
  if (restore !== undefined) forgetLimit(memoryKey);
  return { confirmed: w.confirmed, replyLost: w.replyLost, limitAmps: w.after.charging.ampsLimit, restoredAmps: restore };
}

/**
 * Hold until: set_charging_time. The protocol cannot read it back, so `confirmed` means only that
 * the server accepted it and the unit could be read afterwards.
 */
export async function holdUntilControl(t: UnitTarget, epochS: number, nowMs = Date.now()): Promise<ControlResult> {
  if (epochS * 1000 <= nowMs) throw refused('That time is in the past; pick a later time.');
  if (epochS * 1000 - nowMs > 366 * 24 * 3600 * 1000) throw refused('That is more than a year away; pick a time within the next year.');
  const { after } = await writeChargingTime(t, epochS);
  return { confirmed: true, replyLost: false, limitAmps: after.charging.ampsLimit };
}
