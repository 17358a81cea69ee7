// Why the car is (not) charging, in one line and a few sentences, from what the extension knows:
// the state, the schedule (today's window, the next start in the unit's time zone), the override
// (and the energy it adds), the hold the extension set (Hold Charging Until), the limit (0 A = off)
// and whether the last reading worked. Pure: the tree, the status bar and the panel show the same.
//
// Precedence follows what the charger does (the simulator models it the same way): an error or an
// unreachable unit first; then the limit (0 A stops everything, an override included); then an
// override that is running (it beats the schedule and the hold); then the hold; then the schedule.
import type { Schedule, ScheduleWindow, UnitState } from './model';
import { formatEnergyWh, formatPowerW } from './format';
import { stateLabel } from './labels';
import { isChargingAllowed, isMinuteInWindow, localDayAndMinute, minutesToHHMM } from './schedule';
import { unitTimeZone, whenText as zonedWhen } from './time-zone';
import { smartReason, type SmartBoxState } from './smart/reason';

export type ReasonKind =
  | 'not-read'
  | 'unreachable'
  | 'server-failed'
  | 'charger-offline'
  | 'error'
  | 'no-car'
  | 'stopped-by-limit'
  | 'override-energy'
  | 'charging-override'
  | 'charging'
  | 'held'
  | 'override-later'
  | 'override-starting'
  | 'waiting-schedule'
  | 'no-window'
  | 'car-not-taking'
  | 'smart'
  | 'unknown';

/** Something the user can do about it; the views map each to a command. */
export type ReasonAction =
  'startCharging' | 'stopCharging' | 'setLimit' | 'cancelOverride' | 'holdUntil' | 'editSchedule' | 'refresh' | 'showLog' | 'openSettings';

export interface ChargingReason {
  kind: ReasonKind;
  /** A few words for the tree row and the status bar: "waiting for the schedule window (next 22:00)". */
  short: string;
  /** Two or three sentences: what is happening and why. */
  detail: string;
  /** What the user can do, one sentence ("" when nothing is needed). */
  todo: string;
  actions: ReasonAction[];
}

export interface ReasonInput {
  now: Date;
  /** The last good reading (get_state), if any. */
  status?: {
    state: UnitState;
    overrideTime?: number;
    timeLastPing?: number;
    charging: { ampsLimit?: number; powerW?: number; energyToAddWh?: number; energyWh?: number };
  };
  schedule?: Pick<Schedule, 'type' | 'weekday' | 'weekend'>;
  /** The unit's zone as its info gives it (Windows or IANA name); this machine's zone when absent. */
  timeZone?: string;
  /** Epoch seconds of the hold this extension set (Hold Charging Until), if it has not passed. */
  holdUntilS?: number;
  /** What JuiceNet Local's smart charging decided for it (a shared circuit, a ready-by plan, solar). */
  smart?: SmartBoxState;
  /** The last refresh failed. */
  failure?: {
    /** Epoch ms of the first failure in a row. */
    sinceMs?: number;
    /** The server answered with an internal error (HTTP 5xx): the server failed, not the charger. */
    serverFailed?: boolean;
    /** Nothing answered at the server's address (it is down): the server, not the charger. */
    serverSilent?: boolean;
  };
}

/**
 * A time of the unit's day as the owner reads it: "22:00", "tomorrow 06:30", "Sat 08:00", "25 Dec
 * 08:00", in the charger's zone (time-zone.ts chargerZone: this computer's when it reports none).
 */
export function whenText(epochMs: number, now: Date, timeZone?: string): string {
  return zonedWhen(unitTimeZone(timeZone), epochMs / 1000, now.getTime() / 1000);
}

function windowOf(schedule: Pick<Schedule, 'weekday' | 'weekend'>, weekday: number): ScheduleWindow {
  return weekday === 0 || weekday === 6 ? schedule.weekend : schedule.weekday;
}

/**
 * When the schedule next opens after `now`, as "22:00", "tomorrow 08:00" or "Sat 08:00" in the
 * unit's zone; undefined when the schedule is off or no window opens within a week (all empty).
 * Today's window is the one of today's day type (the rule of isChargingAllowed).
 */
export function nextWindowStart(schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'>, now: Date, timeZone?: string): string | undefined {
  if (schedule.type !== 'custom') return undefined;
  const zone = unitTimeZone(timeZone);
  const { weekday, minute } = localDayAndMinute(now, zone);
  for (let offset = 0; offset <= 7; offset++) {
    const w = windowOf(schedule, (weekday + offset) % 7);
    if (w.start === w.end) continue;
    if (offset === 0 && w.start <= minute) continue;
    const hhmm = minutesToHHMM(w.start);
    if (offset === 0) return hhmm;
    if (offset === 1) return `tomorrow ${hhmm}`;
    return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(weekday + offset) % 7]} ${hhmm}`;
  }
  return undefined;
}

/** When today's window (the one that allows charging now) closes: "07:00". */
function windowEnd(schedule: Pick<Schedule, 'weekday' | 'weekend'>, now: Date, timeZone?: string): string | undefined {
  const { weekday, minute } = localDayAndMinute(now, unitTimeZone(timeZone));
  const w = windowOf(schedule, weekday);
  return isMinuteInWindow(w, minute) ? minutesToHHMM(w.end % 1440) : undefined;
}

function reason(kind: ReasonKind, short: string, detail: string, todo: string, actions: ReasonAction[]): ChargingReason {
  return { kind, short, detail, todo, actions };
}

function scheduleAllowsNow(input: ReasonInput): boolean | undefined {
  if (!input.schedule) return undefined;
  try {
    return isChargingAllowed(input.schedule, input.now, unitTimeZone(input.timeZone));
  } catch {
    return undefined;
  }
}

/** Why the car is (not) charging. */
export function chargingReason(input: ReasonInput): ChargingReason {
  const { now, status, failure } = input;
  const nowS = now.getTime() / 1000;
  const at = (ms: number) => whenText(ms, now, input.timeZone);

  if (failure) {
    const since = failure.sinceMs !== undefined ? ` since ${at(failure.sinceMs)}` : '';
    const last = status ? lastKnown(status) : undefined;
    const lastText = last ? ` (last known: ${last})` : '';
    if (failure.serverFailed) {
      return reason(
        'server-failed',
        `the server failed${since}${lastText}`,
        `The JuiceNet server answers with an internal error${since}, so the charger's state is unknown. The charger itself may be fine.`,
        'Wait a moment; the extension keeps trying. The log has the details.',
        ['refresh', 'showLog'],
      );
    }
    if (failure.serverSilent) {
      return reason(
        'unreachable',
        `the server does not answer${since}${lastText}`,
        `Nothing answers at the JuiceNet server's address${since}, so what the charger does now is unknown; the charger itself may be fine.${last ? ` Its last reading: ${last}.` : ''}`,
        'Start the server (a local one: JuiceNet: Start Local Server, or its service), or check the network and the server setting; the extension keeps trying.',
        ['refresh', 'openSettings', 'showLog'],
      );
    }
    return reason(
      'unreachable',
      `unreachable${since}${lastText}`,
      `The server could not be reached${since}, so what the charger does now is unknown.${last ? ` Its last reading: ${last}.` : ''}`,
      'Check the network and the server setting; the extension keeps trying.',
      ['refresh', 'openSettings', 'showLog'],
    );
  }
  if (!status) return reason('not-read', 'not read yet', 'The charger has not been read yet.', '', ['refresh']);

  const limit = status.charging.ampsLimit;
  const override = status.overrideTime ?? 0;
  const overrideRunning = override > 0 && override <= nowS;
  const overrideLater = override > nowS;
  const hold = input.holdUntilS !== undefined && input.holdUntilS > nowS ? input.holdUntilS : undefined;
  const allowed = scheduleAllowsNow(input);
  const next = input.schedule ? nextWindowStart(input.schedule, now, input.timeZone) : undefined;

  switch (status.state) {
    case 'disconnect': {
      const ping = status.timeLastPing ? ` since ${at(status.timeLastPing * 1000)}` : '';
      return reason(
        'charger-offline',
        `charger offline${ping}`,
        `The server has not heard from the JuiceBox${ping}. It cannot charge or take commands until it is back.`,
        "Check the JuiceBox's power (its breaker) and its Wi-Fi connection.",
        ['refresh'],
      );
    }
    case 'error':
      return reason(
        'error',
        'error: check the plug and the cable',
        'The charger reports a fault and will not charge. Usual causes: the plug not fully in, a damaged cable, or a ground fault.',
        'Unplug and plug the car in again. If the error stays, switch the JuiceBox off at its breaker for 30 seconds.',
        ['refresh'],
      );
    case 'standby': {
      const off = limit === 0 ? ' The limit is 0 A, so it will not charge when a car is plugged in.' : '';
      return reason(
        'no-car',
        limit === 0 ? 'no car plugged in · limit 0 A (off)' : 'no car plugged in',
        `No car is plugged in.${off}`,
        off ? 'Set a limit above 0 A before plugging in.' : '',
        off ? ['setLimit'] : [],
      );
    }
    case 'charging': {
      const power = status.charging.powerW !== undefined ? ` · ${formatPowerW(status.charging.powerW)}` : '';
      const smart = smartWords(input);
      if (smart && !overrideRunning) return reason('smart', `${smart.short}${power}`, smartDetail(smart), '', ['stopCharging', 'setLimit']);
      const toAdd = status.charging.energyToAddWh;
      if (overrideRunning && toAdd !== undefined && toAdd > 0) {
        return reason(
          'override-energy',
          `override: adding ${formatEnergyWh(toAdd)}${power}`,
          `Charging now because of an override, until ${formatEnergyWh(toAdd)} is added${allowed === false ? ', outside the schedule window' : ''}.`,
          'Cancel the override to go back to the schedule, or stop charging.',
          ['cancelOverride', 'stopCharging', 'setLimit'],
        );
      }
      if (overrideRunning && (allowed === false || hold !== undefined)) {
        return reason(
          'charging-override',
          `charging now, ignoring the schedule${power}`,
          `An override started charging${allowed === false ? ' outside the schedule window' : ''}${hold !== undefined ? ` before the hold until ${at(hold * 1000)} ends` : ''}.`,
          'Cancel the override to go back to the schedule, or stop charging.',
          ['cancelOverride', 'stopCharging', 'setLimit'],
        );
      }
      const until = input.schedule?.type === 'custom' && allowed ? windowEnd(input.schedule, now, input.timeZone) : undefined;
      return reason('charging', `charging${power}`, until ? `Charging inside the schedule window (until ${until}).` : 'Charging.', '', [
        'stopCharging',
        'setLimit',
        'holdUntil',
      ]);
    }
    case 'plugged': {
      if (limit === 0) {
        return reason(
          'stopped-by-limit',
          'stopped by you (0 A)',
          'The car is plugged in, but the current limit is 0 A, which turns charging off.',
          'Start charging, or set a limit of 6 A or more.',
          ['startCharging', 'setLimit'],
        );
      }
      if (overrideRunning) {
        // Start sent an override (or another app did): the charger may charge now, the car has not started drawing.
        const ignoring = [allowed === false ? 'the schedule' : undefined, hold !== undefined ? `the hold until ${at(hold * 1000)}` : undefined].filter(Boolean);
        return reason(
          'override-starting',
          'override: charging allowed now, waiting for the car',
          `An override lets the charger charge now${ignoring.length ? `, ignoring ${ignoring.join(' and ')}` : ''}; the car is not drawing yet (it may take a minute, or the car may be full).`,
          'Cancel the override to go back to the schedule, or stop charging.',
          ['cancelOverride', 'stopCharging'],
        );
      }
      const smart = smartWords(input);
      if (smart && !overrideLater && hold === undefined && allowed !== false)
        return reason('smart', smart.short, smartDetail(smart), 'Start charging now to charge at your normal limit.', ['startCharging', 'setLimit']);
      if (overrideLater) {
        return reason(
          'override-later',
          `override: starts at ${at(override * 1000)}`,
          `An override will start charging at ${at(override * 1000)}, whatever the schedule says.`,
          'Start charging now, or cancel the override.',
          ['startCharging', 'cancelOverride'],
        );
      }
      if (hold !== undefined) {
        return reason(
          'held',
          `held until ${at(hold * 1000)}`,
          `You held charging until ${at(hold * 1000)} (Hold Charging Until). The charger will not start by itself before then.`,
          'Start charging now to override the hold.',
          ['startCharging', 'holdUntil'],
        );
      }
      if (input.schedule?.type === 'custom' && allowed === false) {
        if (!next) {
          return reason(
            'no-window',
            'the schedule allows no charging',
            'Both schedule windows are empty, so the charger never starts by itself.',
            'Edit the schedule, or start charging now.',
            ['editSchedule', 'startCharging'],
          );
        }
        return reason(
          'waiting-schedule',
          `waiting for the schedule window (next ${next})`,
          `Charging is delayed by the time-of-use schedule; the next window opens at ${next}.`,
          'Start charging now to ignore the schedule, or edit the schedule.',
          ['startCharging', 'editSchedule'],
        );
      }
      return reason(
        'car-not-taking',
        'plugged in, the car is not taking charge',
        `The charger allows charging${input.schedule?.type === 'custom' ? ' (inside the schedule window)' : ''}, but the car draws nothing: it may be full, or its own charging timer may be set.`,
        "Check the car's charge level and its charging timer.",
        ['startCharging', 'setLimit'],
      );
    }
    default:
      return reason('unknown', 'unknown state', 'The server reported a state this extension does not know.', 'Refresh; the log has the details.', [
        'refresh',
        'showLog',
      ]);
  }
}

/** The smart-charging words, when smart charging holds the box below the owner's limit or shares it. */
function smartWords(input: ReasonInput): { short: string; lines: string[]; how: string[] } | undefined {
  const s = input.smart;
  if (!s || !(s.ownerLimitA > 0)) return undefined;
  return smartReason(s, unitTimeZone(input.timeZone), input.now.getTime() / 1000);
}

/** The other rules that apply (the short names the first), then how they work. */
function smartDetail(smart: { short: string; lines: string[]; how: string[] }): string {
  return [...smart.lines.filter((l) => l !== smart.short).map(sentence), ...smart.how].join(' ');
}

/** "sharing the Garage circuit: 16 A of 32 A" -> "Sharing the Garage circuit: 16 A of 32 A." */
function sentence(line: string): string {
  return `${line.charAt(0).toUpperCase()}${line.slice(1)}.`;
}

function lastKnown(status: NonNullable<ReasonInput['status']>): string | undefined {
  if (status.state === 'unknown') return undefined;
  const w = status.charging.powerW;
  return `${stateLabel(status.state)}${status.state === 'charging' && w !== undefined ? ` · ${formatPowerW(w)}` : ''}`;
}
