// The protocol server's model of a unit, shared by both unit sources (the simulator and real
// JuiceBoxes over UDP): the settings an owner changes through the 16 commands, and sessions.

import type { OverrideRequest } from '../domain/model';
import type { StateReply } from './state-reply';

export interface WireWindow {
  start: number;
  end: number;
  car_ready_by: number;
}

export interface SimSchedule {
  type: 'disabled' | 'custom';
  weekday: WireWindow;
  weekend: WireWindow;
}

export interface WireWebhook {
  url?: string;
  method?: 'PUT' | 'POST';
  authorization_headers?: string;
}

export interface WireNotification {
  email: boolean;
  push: boolean;
  time?: number;
  webhook?: WireWebhook;
  [k: string]: unknown;
}

/** A charging interval inside a session: [startS, endS, energyWh]. */
export type ChargeInterval = [number, number, number];

/** A finished session as get_history lists it. */
export interface SessionSummary {
  id: number;
  timeStart: number;
  timeEnd: number;
  /** Seconds actually charging. */
  durationS: number;
  energyWh: number;
  savingsCents: number;
}

export interface SessionRecord extends SessionSummary {
  intervals: ChargeInterval[];
}

/** What the owner sets on a unit through the commands (and the server's clock of those changes). */
export interface UnitSettings {
  info: Record<string, unknown>;
  infoTimestamp: number;
  /** The current limit (A) the unit is told to keep; 0 = off. */
  ampsLimit: number;
  schedule: SimSchedule;
  /** By event name as the protocol spells it (trimmed). */
  notifications: Record<string, WireNotification>;
  /** Charge now from this epoch second (0 = no override). */
  overrideTime: number;
  /** Hold default charging until this epoch second (0 = no hold). */
  chargingTime: number;
}

export interface AccountUnitEntry {
  unitId: string;
  name: string;
  token: string;
}

/**
 * A source of units: what the protocol server needs from the chargers it serves. The simulator
 * is one (physics on a virtual clock), real JuiceBoxes over UDP the other (src/local).
 */
export interface UnitSource {
  hasUnit(unitId: string): boolean;
  /** Brings a unit up to `now` before a command reads or changes it (the simulator integrates its physics). */
  prepare(unitId: string, now: number): void;
  settings(unitId: string): Readonly<UnitSettings>;
  /** Stores changed settings (a local source writes them to its database before the reply). */
  update(unitId: string, patch: Partial<UnitSettings>): void;
  /** Applies a checked set_override (the settings' overrideTime and whatever the source does with the energies). */
  setOverride(unitId: string, req: OverrideRequest, now: number): void;
  /** get_state's reply body at `now`. */
  state(unitId: string, now: number): StateReply;
  /** Finished sessions with an id below `beforeId`, newest first, at most `limit`; `more` when older ones exist. */
  history(unitId: string, beforeId: number, limit: number): { sessions: SessionSummary[]; more: boolean };
  /** A session's charging intervals (the open one up to `now`), or undefined when the unit has no such session. */
  sessionIntervals(unitId: string, sessionId: number, now: number): { start: number; end: number; parts: ChargeInterval[] } | undefined;
  /** A stable tag of the unit inside continuity tokens. */
  historyKey(unitId: string): string;
  /** Spell every odd session's energy " wh_energy" as the protocol's example does (the simulator, so that clients meet the quirk). */
  readonly historyQuirk: boolean;
}
