// Start and Stop Charging: one rule for the commands, the panel, the soak and (next) the MQTT
// switch. Pure: the state layer (src/state/start-stop.ts) reads the charger, asks this module what
// to send, sends it through the verified writes and says what happened with the words here.
//
// - Stop turns charging off with a 0 A limit and remembers the limit it had (the caller keeps it,
//   src/state/limit-memory.ts); a charger already at 0 A is left alone (and the memory kept).
// - Start restores the remembered limit (or the one chosen) when the charger is at 0 A, and makes
//   an override ("charge now") only when something blocks charging now: the schedule, a hold set
//   with Hold Charging Until, or an override set for later. With nothing blocking it sends no
//   override (an override would make the charger ignore a schedule set afterwards) and says so.
import type { Schedule, UnitStatus } from './model';
import { MIN_AMPS, validateAmps } from './amps';
import { isChargingAllowed } from './schedule';
import { whenText } from './time-zone';
import { formatEnergyWh } from './format';

/** What blocks charging now, so that Start needs an override. */
export type StartBlocker = { kind: 'schedule' } | { kind: 'hold'; untilS: number } | { kind: 'laterOverride'; atS: number };

export interface StartFacts {
  /** A reading taken just now. */
  status: Pick<UnitStatus, 'state' | 'overrideTime' | 'charging'>;
  schedule?: Pick<Schedule, 'type' | 'weekday' | 'weekend'>;
  /** The charger's zone (IANA), in which its schedule runs (domain/time-zone chargerZone). */
  zone: string;
  /** Epoch seconds of the hold this extension set (Hold Charging Until), if any. */
  holdUntilS?: number;
  nowS: number;
  /** The limit Stop remembered for this charger. */
  rememberedAmps?: number;
  /** Start Charging with an Amount: the session's energy to add, which only an override carries. */
  energyToAddWh?: number;
  /** The limit the user chose (asked for when nothing was remembered, or given as an argument): it wins. */
  chosenAmps?: number;
  maxAmps?: number;
}

export type StartPlan =
  /** At 0 A with no limit remembered or chosen: ask for one. */
  | { kind: 'needLimit' }
  /** The chosen limit is not one the charger takes. */
  | { kind: 'refused'; message: string }
  /** Nothing to send: `why` says so in a sentence. */
  | { kind: 'nothingToDo'; why: string }
  /**
   * Restore the limit (when restoreAmps), and send an override when something blocks (blockers not
   * empty) or an amount is to be added (energyToAddWh): startSendsOverride.
   */
  | { kind: 'start'; restoreAmps?: number; blockers: StartBlocker[]; energyToAddWh?: number };

/** Whether Start's plan sends an override. */
export function startSendsOverride(plan: Extract<StartPlan, { kind: 'start' }>): boolean {
  return plan.blockers.length > 0 || plan.energyToAddWh !== undefined;
}

/** What blocks charging now: an override already running blocks nothing (it beats them all). */
export function startBlockers(f: Pick<StartFacts, 'status' | 'schedule' | 'zone' | 'holdUntilS' | 'nowS'>): StartBlocker[] {
  const override = f.status.overrideTime ?? 0;
  if (override > 0 && override <= f.nowS) return [];
  const out: StartBlocker[] = [];
  if (override > f.nowS) out.push({ kind: 'laterOverride', atS: override });
  if (f.holdUntilS !== undefined && f.holdUntilS > f.nowS) out.push({ kind: 'hold', untilS: f.holdUntilS });
  if (f.schedule?.type === 'custom') {
    let allowed = true;
    try {
      allowed = isChargingAllowed(f.schedule, new Date(f.nowS * 1000), f.zone);
    } catch {
      allowed = true;
    }
    if (!allowed) out.push({ kind: 'schedule' });
  }
  return out;
}

/** What Start sends. */
export function planStart(f: StartFacts): StartPlan {
  let restoreAmps: number | undefined;
  if (f.status.charging.ampsLimit === 0) {
    const amps = f.chosenAmps ?? f.rememberedAmps;
    if (amps === undefined) return { kind: 'needLimit' };
    const bad = validateAmps(amps, f.maxAmps) ?? (amps < MIN_AMPS ? `Starting needs a limit of ${MIN_AMPS} A or more.` : undefined);
    if (bad) return { kind: 'refused', message: bad };
    restoreAmps = amps;
  }
  const blockers = startBlockers(f);
  if (f.energyToAddWh !== undefined) return { kind: 'start', restoreAmps, blockers, energyToAddWh: f.energyToAddWh };
  if (restoreAmps === undefined && blockers.length === 0) {
    const override = f.status.overrideTime ?? 0;
    const limit = f.status.charging.ampsLimit;
    if (f.status.state === 'charging') return { kind: 'nothingToDo', why: 'It is charging already.' };
    if (override > 0 && override <= f.nowS) return { kind: 'nothingToDo', why: 'An override already lets it charge now; the car decides when it draws.' };
    const plugged =
      f.status.state === 'standby' ? ' Plug the car in to start.' : ' The car draws nothing: it may be full, or its own charging timer may be set.';
    return {
      kind: 'nothingToDo',
      why: `Nothing stops it: no schedule or hold blocks charging${limit !== undefined ? ` and the limit is ${limit} A` : ''}.${plugged}`,
    };
  }
  return { kind: 'start', restoreAmps, blockers };
}

/** What Stop sends: the limit to 0 A, remembering the one it had; nothing when it is off already. */
export type StopPlan = { kind: 'stop'; rememberAmps?: number } | { kind: 'nothingToDo'; why: string };

export function planStop(status: Pick<UnitStatus, 'charging' | 'state'>): StopPlan {
  const limit = status.charging.ampsLimit;
  // An offline charger's reading is its last check-in: its 0 A may be older than the limit the
  // server holds now, so Stop still sends 0 A (the server keeps it for when the charger is back).
  if (limit === 0 && status.state !== 'disconnect') return { kind: 'nothingToDo', why: 'Charging is off already (limit 0 A).' };
  return { kind: 'stop', rememberAmps: limit !== undefined && Number.isInteger(limit) && limit > 0 ? limit : undefined };
}

/** "the schedule", "the hold until 07:00", "the override set for Sat 08:00", joined with "and". */
export function blockersText(blockers: readonly StartBlocker[], zone: string, nowS: number): string {
  const words = blockers.map((b) =>
    b.kind === 'schedule'
      ? 'the schedule'
      : b.kind === 'hold'
        ? `the hold until ${whenText(zone, b.untilS, nowS)}`
        : `the override set for ${whenText(zone, b.atS, nowS)}`,
  );
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * What Start did, in a sentence after the charger's name: "will charge now, ignoring the schedule
 * (an override: Cancel Override goes back to it). Limit restored to 16 A." / "may charge again:
 * limit restored to 16 A; no schedule or hold blocks it."
 */
export function startDoneText(plan: Extract<StartPlan, { kind: 'start' }>, zone: string, nowS: number, standby: boolean): string {
  const restored = plan.restoreAmps !== undefined ? ` Limit restored to ${plan.restoreAmps} A.` : '';
  const plug = standby ? ' Plug the car in to start.' : '';
  const adding = plan.energyToAddWh !== undefined ? `, adding ${formatEnergyWh(plan.energyToAddWh)}` : '';
  if (plan.blockers.length > 0) {
    return `will charge now${adding}, ignoring ${blockersText(plan.blockers, zone, nowS)} (an override; Cancel Override goes back to it).${restored}${plug}`;
  }
  if (adding) return `will charge now${adding} (an override; Cancel Override ends it).${restored}${plug}`;
  return `may charge again: limit restored to ${plan.restoreAmps} A; no schedule or hold blocks it.${plug}`;
}
