// The Overview's controls on the host side: Start, Stop, Cancel Override, the current limit and
// Hold until, through the same rule and verified writes as the commands (src/state/start-stop.ts,
// src/state/unit-writes.ts, src/domain/amps.ts): the read-back decides what the page reports, and
// is handed back so that the views show it at once. No vscode import.
import type { UnitInfo, UnitStatus } from '../domain/model';
import { maxAmpsOf, validateAmps } from '../domain/amps';
import { runStart, runStop, writeLimitRemembering, type StartContext } from '../state/start-stop';
import { startSendsOverride } from '../domain/start-stop';
import { writeCancelOverride, writeChargingTime, type UnitTarget } from '../state/unit-writes';
import type { ControlResult } from '../protocol/messages';

/** A refusal the page shows as it is (no write was sent). */
function refused(message: string, nextStep?: string): Error {
  return Object.assign(new Error(message), { userMessage: message, nextStep });
}

/** What a control did, and the charger read back after it (for the store). */
export interface ControlDone {
  result: ControlResult;
  after?: UnitStatus;
}

/** The highest limit the unit accepts: from the info the store holds, else read now. */
export async function maxAmpsFor(t: UnitTarget, known: UnitInfo | undefined): Promise<number | undefined> {
  const fromStore = maxAmpsOf(known);
  if (fromStore !== undefined) return fromStore;
  return maxAmpsOf(await t.client.getInfo(t.auth).catch(() => undefined));
}

/** set_limit with the Set Current Limit command's validation and the limit memory's rule. */
export async function setLimitControl(t: UnitTarget, memoryKey: string, amps: number, maxAmps: number | undefined): Promise<ControlDone> {
  const bad = validateAmps(amps, maxAmps);
  if (bad) throw refused(bad);
  const w = await writeLimitRemembering(t, memoryKey, amps);
  return { result: { confirmed: w.confirmed, replyLost: w.replyLost, limitAmps: w.readBack, previousAmps: w.previous }, after: w.after };
}

/** Stop Charging: the one rule (the limit to 0 A, remembering the one it had). */
export async function stopChargingControl(t: UnitTarget, memoryKey: string): Promise<ControlDone> {
  const o = await runStop(t, memoryKey);
  if (o.kind === 'nothingToDo') return { result: { confirmed: true, replyLost: false, nothingToDo: true, text: o.why, limitAmps: 0 }, after: o.before };
  return { result: { confirmed: o.confirmed, replyLost: o.replyLost, limitAmps: o.readBackAmps, previousAmps: o.previousAmps }, after: o.after };
}

/**
 * Start Charging: the one rule (restore the remembered or chosen limit at 0 A; an override only
 * when the schedule, a hold or a later override blocks). At 0 A with no limit remembered or
 * chosen, nothing is sent and the page is asked for a limit.
 */
export async function startChargingControl(t: UnitTarget, ctx: StartContext): Promise<ControlDone> {
  const o = await runStart(t, ctx);
  switch (o.kind) {
    case 'needLimit':
      throw refused('The charger is turned off (0 A) and no earlier limit is remembered.', 'Set a limit above 0 A in the field, then Start.');
    case 'refused':
      throw refused(o.message);
    case 'nothingToDo':
      return { result: { confirmed: true, replyLost: false, nothingToDo: true, text: o.why, limitAmps: o.before.charging.ampsLimit }, after: o.before };
    case 'started':
      return {
        result: {
          confirmed: o.confirmed,
          replyLost: o.replyLost,
          limitAmps: o.after?.charging.ampsLimit,
          restoredAmps: o.plan.restoreAmps,
          override: startSendsOverride(o.plan),
          text: o.text,
        },
        after: o.after,
      };
  }
}

/** Cancel Override: set_override 0, verified by get_state's override_time. */
export async function cancelOverrideControl(t: UnitTarget): Promise<ControlDone> {
  const w = await writeCancelOverride(t);
  return { result: { confirmed: w.confirmed, replyLost: w.replyLost, limitAmps: w.after.charging.ampsLimit }, after: w.after };
}

/**
 * Hold until: set_charging_time. The protocol cannot read it back, so `confirmed` means only that
 * the server accepted it and the unit could be read afterwards.
 */
export async function holdUntilControl(t: UnitTarget, epochS: number, nowMs = Date.now()): Promise<ControlDone> {
  if (epochS * 1000 <= nowMs) throw refused('That time is in the past; pick a later time.');
  if (epochS * 1000 - nowMs > 366 * 24 * 3600 * 1000) throw refused('That is more than a year away; pick a time within the next year.');
  const { after } = await writeChargingTime(t, epochS);
  return { result: { confirmed: true, replyLost: false, limitAmps: after.charging.ampsLimit }, after };
}
