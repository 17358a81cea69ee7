// Start and Stop Charging as the commands, the panel and the soak run them: read the charger, ask
// the one rule (src/domain/start-stop.ts) what to send, send it through the verified writes
// (unit-writes.ts), keep the limit memory, and hand back the read-back so that every view can show
// at once what happened. No vscode import.
import type { Schedule, UnitStatus } from '../domain/model';
import { planStart, planStop, startDoneText, startSendsOverride, type StartPlan } from '../domain/start-stop';
import { forgetLimit, rememberLimit, rememberedLimit } from './limit-memory';
import { chargeNowRequest, writeLimit, writeStartCharging, type LimitWrite, type UnitTarget } from './unit-writes';

export interface StartContext {
  /** The limit memory's key: the unit key (account and unit). */
  memoryKey: string;
  /** The schedule last read, used when reading it now fails. */
  schedule?: Pick<Schedule, 'type' | 'weekday' | 'weekend'>;
  /** The charger's zone (IANA). */
  zone: string;
  holdUntilS?: number;
  /** The limit the user chose for a charger at 0 A with nothing remembered. */
  chosenAmps?: number;
  /** Start Charging with an Amount: the session's energy to add. */
  energyToAddWh?: number;
  maxAmps?: number;
  nowS?: () => number;
  signal?: AbortSignal;
  /** Called just before the writes go out, with what they set (the soak judges the server by it). */
  onSend?(sent: { overrideTime?: number; restoreAmps?: number }): void;
}

export type StartOutcome =
  | { kind: 'needLimit'; before: UnitStatus }
  | { kind: 'refused'; message: string; before: UnitStatus }
  | { kind: 'nothingToDo'; why: string; before: UnitStatus }
  | {
      kind: 'started';
      plan: Extract<StartPlan, { kind: 'start' }>;
      /** The read-back shows what was sent. */
      confirmed: boolean;
      replyLost: boolean;
      /** The charger read back after the write. */
      after?: UnitStatus;
      /** What Start did, after the charger's name ("will charge now, ignoring the schedule …"). */
      text: string;
    };

/** Start Charging: the rule's plan for a fresh reading, sent and verified. */
export async function runStart(t: UnitTarget, ctx: StartContext): Promise<StartOutcome> {
  const { signal } = ctx;
  // Whether the schedule blocks is judged on the charger's schedule now, not on an old copy.
  const [before, schedule] = await Promise.all([t.client.getState(t.auth, { signal }), t.client.getSchedule(t.auth, { signal }).catch(() => ctx.schedule)]);
  // Judged by the charger's clock when it reports one (utc_time), as the override's time is.
  const nowS = ctx.nowS?.() ?? before.utcTime ?? Date.now() / 1000;
  const plan = planStart({
    status: before,
    schedule,
    zone: ctx.zone,
    holdUntilS: ctx.holdUntilS,
    nowS,
    rememberedAmps: rememberedLimit(ctx.memoryKey),
    chosenAmps: ctx.chosenAmps,
    maxAmps: ctx.maxAmps,
    energyToAddWh: ctx.energyToAddWh,
  });
  if (plan.kind !== 'start') return { ...plan, before };
  let confirmed: boolean;
  let replyLost: boolean;
  let after: UnitStatus | undefined;
  if (startSendsOverride(plan)) {
    // "Charge now": an override a second in the past by the charger's clock, with this reading's energies (or the amount asked for).
    const request = chargeNowRequest(before, plan.restoreAmps);
    if (plan.energyToAddWh !== undefined) request.energyToAddWh = plan.energyToAddWh;
    ctx.onSend?.({ overrideTime: request.overrideTime, restoreAmps: plan.restoreAmps });
    const w = await writeStartCharging(t, request, signal);
    ({ confirmed, replyLost, after } = w);
  } else {
    // Nothing blocks: restoring the limit is all Start does (no override to cancel later).
    ctx.onSend?.({ restoreAmps: plan.restoreAmps });
    const w = await writeLimit(t, plan.restoreAmps!, signal);
    ({ confirmed, replyLost, after } = w);
  }
  if (plan.restoreAmps !== undefined && confirmed) forgetLimit(ctx.memoryKey);
  return { kind: 'started', plan, confirmed, replyLost, after, text: startDoneText(plan, ctx.zone, nowS, (after ?? before).state === 'standby') };
}

export type StopOutcome =
  | { kind: 'nothingToDo'; why: string; before: UnitStatus }
  | { kind: 'stopped'; confirmed: boolean; replyLost: boolean; previousAmps?: number; readBackAmps?: number; after?: UnitStatus };

/** Stop Charging: the limit to 0 A, remembering the one it had for Start. */
export async function runStop(t: UnitTarget, memoryKey: string, signal?: AbortSignal): Promise<StopOutcome> {
  const before = await t.client.getState(t.auth, { signal });
  const plan = planStop(before);
  if (plan.kind === 'nothingToDo') return { ...plan, before };
  const w = await writeLimit(t, 0, signal);
  // The limit read just before the write (writeLimit's own), else this reading's.
  const previous = w.previous !== undefined && w.previous > 0 ? w.previous : plan.rememberAmps;
  if (previous !== undefined) rememberLimit(memoryKey, previous);
  return { kind: 'stopped', confirmed: w.confirmed, replyLost: w.replyLost, previousAmps: previous, readBackAmps: w.readBack, after: w.after };
}

/**
 * Set Current Limit, with the limit memory's rule: 0 A is Stop (the limit it had is remembered for
 * Start), a confirmed limit above 0 A is the one to charge at (the memory is dropped).
 */
export async function writeLimitRemembering(t: UnitTarget, memoryKey: string, amps: number, signal?: AbortSignal): Promise<LimitWrite> {
  const w = await writeLimit(t, amps, signal);
  if (amps === 0 && w.previous !== undefined && w.previous > 0) rememberLimit(memoryKey, w.previous);
  else if (amps > 0 && w.confirmed) forgetLimit(memoryKey);
  return w;
}
