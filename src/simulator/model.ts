// Shared simulator types: options, fault config, the server-side unit model and its snapshot.

export interface FaultConfig {
  /** Added delay before every protocol reply (ms). */
  latencyMs: number;
  /** Share of protocol requests answered with HTTP 500 or 503 (the command is not executed). */
  http5xxRate: number;
  /** Share of protocol requests whose connection is destroyed without a reply (the command IS executed: a lost reply). */
  dropRate: number;
  /** Share of protocol replies sent as truncated, invalid JSON with HTTP 200 (the command IS executed). */
  malformedRate: number;
  /** Share of protocol requests answered `success:false, error_code:500, "Temporary failure"` (not executed). */
  failureRate: number;
  /** Send every number in replies as a string ("16"), as some vendor endpoints did. */
  numbersAsStrings: boolean;
  /** Unit ids that stop checking in (their state turns to `disconnect`). */
  offlineUnits: string[];
}

export const NO_FAULTS: FaultConfig = {
  latencyMs: 0,
  http5xxRate: 0,
  dropRate: 0,
  malformedRate: 0,
  failureRate: 0,
  numbersAsStrings: false,
  offlineUnits: [],
};

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  /** The default account's token; UUID-like from the seed when absent. */
  accountToken?: string;
  /** Units on the default account (default 3). */
  units?: number;
  /** Virtual seconds per real second (default 1). */
  speed?: number;
  /** Seed of every random choice (default 1). */
  seed?: number;
  faults?: Partial<FaultConfig>;
  /** Time moves only by advance(). */
  manualClock?: boolean;
  /** Virtual start time, epoch seconds (default: now, whole seconds). With a fixed startTime, a seed reproduces a run exactly. */
  startTime?: number;
  /** Cars plug in and out by themselves (default true). Tests that drive plugIn/unplug set false. */
  autoPlug?: boolean;
  /** Unregistered units that add_unit can claim (default 5). */
  spareUnits?: number;
  /** Sessions per get_history page (default 20). */
  historyPageSize?: number;
  /**
   * Days of seeded charging history per unit, with seasons and weekday habits (src/simulator/year-history.ts);
   * 0 or absent: 30-60 sessions over the weeks before the start. The demo and the CLI use 365.
   */
  historyDays?: number;
  /** Largest accepted request body in bytes (default 65536; larger -> HTTP 413). */
  maxBodyBytes?: number;
  /** The first 8 digits of every unit ID (default DEMO_SERIAL_PREFIX; the JuiceBox emulator's chargers: EMULATED_SERIAL_PREFIX). */
  serialPrefix?: string;
}

/**
 * Unit IDs are 28 digits, like the protocol's "0814081508141535522516012129": 8 digits of prefix,
 * 20 from the seed. The simulator's chargers (the demo's among them) start with the protocol's
 * prefix; chargers that speak the JuiceBox UDP protocol to a local server start with another, so
 * that a demo and an emulator started side by side never show two chargers with one ID.
 */
export const DEMO_SERIAL_PREFIX = '08140815';
export const EMULATED_SERIAL_PREFIX = '09100420';

import type { ChargeInterval, SimSchedule, WireNotification, SessionRecord, AccountUnitEntry } from '../server/types';

export interface PluggedCar {
  carId: number;
  plugTimeS: number;
  energyAtPluginWh: number;
  energyToAddWh: number;
  full: boolean;
  sessionId: number;
  sessionWh: number;
  sessionSavingsCents: number;
  secondsCharging: number;
  intervals: ChargeInterval[];
}

/** Deep copy of a unit's server-side truth, for assertions (`RunningSimulator.unit()`). */
export interface SimUnitSnapshot {
  unitId: string;
  name: string;
  /** The state the unit is really in now (charging etc.), even while it is offline. */
  state: 'standby' | 'plugged' | 'charging' | 'error';
  /** What get_state reports now (`disconnect` when the unit hasn't checked in). */
  reportedState: string;
  online: boolean;
  virtualNowS: number;
  ampsLimit: number;
  ampsCurrent: number;
  voltageV: number;
  powerW: number;
  schedule: SimSchedule;
  info: Record<string, unknown>;
  infoTimestamp: number;
  /** Trimmed event names. */
  notifications: Record<string, WireNotification>;
  overrideTime: number;
  chargingTime: number;
  car: Omit<PluggedCar, 'intervals'> | null;
  lifetimeEnergyWh: number;
  updateIntervalS: number;
  timeLastPingS: number;
  /** Finished sessions, newest first (seeded past included). */
  sessions: Omit<SessionRecord, 'intervals'>[];
  /** Account tokens that have this unit. */
  accounts: number;
  sharePin?: string;
}

export interface RunningSimulator {
  baseUrl: string;
  port: number;
  accountToken: string;
  units: AccountUnitEntry[];
  /** Units the simulator knows that no account has yet (for add_unit). */
  spareUnitIds: string[];
  setFaults(f: Partial<FaultConfig>): void;
  clearFaults(): void;
  faults(): FaultConfig;
  advance(virtualSeconds: number): void;
  /** Current virtual time, epoch seconds. */
  now(): number;
  unit(unitId: string): SimUnitSnapshot;
  plugIn(unitId: string, opts?: { energyToAddWh?: number; energyAtPluginWh?: number }): void;
  unplug(unitId: string): void;
  setUnitOffline(unitId: string, offline: boolean): void;
  /** J1772 error state (e.g. ground fault) on or off. */
  setUnitError(unitId: string, error: boolean): void;
  createAccount(accountToken?: string): string;
  /** Adds a unit to an account directly (no PIN), returns the account's entry for it. */
  addUnitToAccount(accountToken: string, unitId: string): AccountUnitEntry;
  requestCount(): number;
  /** Requests per command (protocol requests only). */
  commandCounts(): Record<string, number>;
  /**
   * The last protocol request naming `cmd` since the last resetRequestCount(), exactly as
   * the server received it: keys untrimmed ("start_charging "), `token`/`account_token` masked.
   */
  lastRequest(cmd: string): Record<string, unknown> | undefined;
  resetRequestCount(): void;
  connectionCount(): number;
  close(): Promise<void>;
}
