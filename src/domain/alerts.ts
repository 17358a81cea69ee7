// Which alerts a new reading raises, in the order the events happened. Pure: the unit store calls
// it after each refresh, the tests call it with hand-made readings.
//
// "Charging finished" (the car took the energy it asked for) and "charger fault" (the charger
// reports an error) are the ones an owner wants by default; the others are opt-in. An internal
// error of the server (HTTP 5xx) is the server failing, never the charger going offline.
import type { UnitState } from './model';
import { eventLabel } from './labels';

export type AlertEvent =
  | 'charging_finished'
  | 'charger_fault'
  | 'charging_started'
  | 'charging_stopped'
  | 'plugged_in'
  | 'unplugged'
  | 'went_offline'
  | 'back_online'
  | 'server_failed'
  | 'local_box_unreachable'
  | 'local_box_ignores_commands'
  | 'local_box_stream';

/** Every alert, in the order the settings list them. */
export const ALERT_EVENTS: readonly AlertEvent[] = [
  'charging_finished',
  'charger_fault',
  'charging_started',
  'charging_stopped',
  'plugged_in',
  'unplugged',
  'went_offline',
  'back_online',
  'server_failed',
  'local_box_unreachable',
  'local_box_ignores_commands',
  'local_box_stream',
];

/** The alerts on unless the user chooses otherwise. */
export const DEFAULT_ALERT_EVENTS: readonly AlertEvent[] = ['charging_finished', 'charger_fault', 'local_box_unreachable', 'local_box_ignores_commands'];

/** What an alert needs of a reading. */
export interface AlertReading {
  /** undefined: not read yet. */
  state?: UnitState;
  /** The refresh failed. */
  failed: boolean;
  /** It failed with an internal error of the server (HTTP 5xx). */
  serverFailed?: boolean;
  ampsLimit?: number;
  energyWh?: number;
  energyToAddWh?: number;
}

export interface Alert {
  event: AlertEvent;
  /** "charging finished (20 kWh added)": the unit's name is put before it by the caller. */
  text: string;
}

const SENTENCES: Record<AlertEvent, string> = {
  charging_finished: 'charging finished.',
  charger_fault: 'the charger reports a fault: check the plug and the cable.',
  charging_started: 'charging started.',
  charging_stopped: 'charging stopped.',
  plugged_in: 'car plugged in.',
  unplugged: 'car unplugged.',
  went_offline: 'charger offline (the server cannot reach it).',
  back_online: 'charger back online.',
  server_failed: 'the server failed; the charger may be fine. Retrying.',
  local_box_unreachable: 'the box stopped reporting to the local server.',
  local_box_ignores_commands: 'the box ignores the commands of the local server.',
  local_box_stream: 'the box reports on another stream.',
};

/** What a local server says on its push channel about one of its boxes (its alert kinds). */
export type LocalBoxAlertKind = 'silent' | 'back' | 'disobeying' | 'obeying' | 'stream';

/**
 * The alert a local server's word about a box raises, and whether it is a warning. The server
 * sends the words (in the box's time zone: "Garage is unreachable since 14:02: ..."); a box that
 * returns or obeys again belongs to the same alert as the one that went silent or disobeyed, so
 * that an owner who hears the one hears the other.
 */
export function localBoxAlert(kind: LocalBoxAlertKind): { event: AlertEvent; warning: boolean } {
  switch (kind) {
    case 'silent':
      return { event: 'local_box_unreachable', warning: true };
    case 'back':
      return { event: 'local_box_unreachable', warning: false };
    case 'disobeying':
      return { event: 'local_box_ignores_commands', warning: true };
    case 'obeying':
      return { event: 'local_box_ignores_commands', warning: false };
    case 'stream':
      return { event: 'local_box_stream', warning: false };
  }
}

/** The alert's label (the settings list and the log use it). */
export function alertLabel(event: AlertEvent): string {
  return eventLabel(event);
}

/** Whether a charging → plugged-in change means the car took all it asked for. */
function finished(after: AlertReading): boolean {
  if (after.ampsLimit === 0) return false; // stopped by the limit
  const { energyWh, energyToAddWh } = after;
  return energyWh !== undefined && energyToAddWh !== undefined && energyToAddWh > 0 && energyWh >= energyToAddWh;
}

/** The alerts a change from `before` to `after` raises, oldest event first. The first reading raises none. */
export function alertsFor(before: AlertReading, after: AlertReading): Alert[] {
  const out: Alert[] = [];
  const say = (event: AlertEvent) => out.push({ event, text: SENTENCES[event] });
  if (before.state === undefined && !before.failed) return out;
  const offline = (r: AlertReading) => (r.failed && !r.serverFailed) || r.state === 'disconnect';
  // A server failure says nothing about the charger: only the server's failing is news.
  if (after.failed && after.serverFailed) {
    if (!(before.failed && before.serverFailed)) say('server_failed');
    return out;
  }
  const wasOffline = offline(before);
  if (!wasOffline && offline(after)) {
    say('went_offline');
    return out;
  }
  if (wasOffline && !offline(after) && !after.failed) say('back_online');
  if (after.failed || after.state === undefined) return out;
  // After an outage (or a server failure) the last known state is the one to compare with.
  const prev = before.state;
  if (prev === after.state) return out;
  const plugged = (s?: UnitState) => s === 'plugged' || s === 'charging';
  if (!plugged(prev) && plugged(after.state)) say('plugged_in');
  if (after.state === 'charging' && prev !== 'charging') say('charging_started');
  if (prev === 'charging' && after.state !== 'charging') say(after.state === 'plugged' && finished(after) ? 'charging_finished' : 'charging_stopped');
  if (after.state === 'error' && prev !== 'error') say('charger_fault');
  if (plugged(prev) && !plugged(after.state) && after.state !== 'error' && prev !== undefined && !wasOffline) say('unplugged');
  return out;
}
