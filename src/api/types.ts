// What the JuiceNet protocol client offers the extension: the 16 commands and their endpoints, the
// default host, a unit's credentials and the API interface. The nouns it speaks of live in
// src/domain/model.ts; the wire spellings in ./wire.ts.
import type {
  AccountUnit,
  HistoryPage,
  HistorySession,
  NotificationSettings,
  OverrideRequest,
  PlotPoint,
  Schedule,
  UnitInfo,
  UnitStatus,
} from '../domain/model';

/** The 16 commands of the protocol, by endpoint. */
export const BOX_PIN_COMMANDS = ['add_unit', 'get_account_units', 'share_device'] as const;
export const BOX_API_COMMANDS = [
  'get_state',
  'set_limit',
  'get_schedule',
  'set_schedule',
  'get_history',
  'get_plot',
  'get_share_pin',
  'get_info',
  'set_info',
  'set_override',
  'set_charging_time',
  'get_notifications',
  'set_notifications',
] as const;
export type BoxPinCommand = (typeof BOX_PIN_COMMANDS)[number];
export type BoxApiCommand = (typeof BOX_API_COMMANDS)[number];
export type Command = BoxPinCommand | BoxApiCommand;
/** The endpoint path (relative to the base URL) that serves a command. */
export function endpointFor(cmd: Command): '/box_pin' | '/box_api_secure' {
  return (BOX_PIN_COMMANDS as readonly string[]).includes(cmd) ? '/box_pin' : '/box_api_secure';
}
/** Commands that change something on the server: never retried blindly. */
export function isWriteCommand(cmd: Command): boolean {
  return cmd.startsWith('set_') || cmd === 'add_unit' || cmd === 'share_device';
}

/** The protocol's default host. The vendor's cloud is gone; the base URL is a setting. */
export const DEFAULT_BASE_URL = 'https://jbv1-api.emotorwerks.com';

/** What a box_api_secure call needs to address a unit. */
export interface UnitAuth {
  /** Per-unit token (secret). */
  token: string;
  /** The account token (secret); the protocol sends it with most unit commands. */
  accountToken?: string;
  /** For error messages and logs only (never the token). */
  unitId?: string;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** The client's surface: one method per protocol command. Implemented by JuiceNetClient. */
export interface JuiceNetApi {
  // box_pin
  addUnit(accountToken: string, unitId: string, deviceName?: string, opts?: CallOptions): Promise<AccountUnit>;
  getAccountUnits(accountToken: string, opts?: CallOptions): Promise<AccountUnit[]>;
  shareDevice(accountToken: string, unitId: string, pin: string, deviceName?: string, opts?: CallOptions): Promise<AccountUnit>;
  // box_api_secure
  getState(unit: UnitAuth, opts?: CallOptions): Promise<UnitStatus>;
  setLimit(unit: UnitAuth, amperage: number, opts?: CallOptions): Promise<void>;
  getSchedule(unit: UnitAuth, opts?: CallOptions): Promise<Schedule>;
  setSchedule(unit: UnitAuth, schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'>, opts?: CallOptions): Promise<void>;
  /** Follows continuity_token until `maxSessions` sessions are read (default: all). */
  getHistory(unit: UnitAuth, opts?: CallOptions & { maxSessions?: number }): Promise<HistorySession[]>;
  /** One page of history (for UIs that page themselves). */
  getHistoryPage(unit: UnitAuth, continuityToken?: string, opts?: CallOptions): Promise<HistoryPage>;
  getPlot(unit: UnitAuth, sessionId: number, intervals: number, attribute?: string, opts?: CallOptions): Promise<PlotPoint[]>;
  getSharePin(unit: UnitAuth, opts?: CallOptions): Promise<string>;
  getInfo(unit: UnitAuth, opts?: CallOptions): Promise<UnitInfo>;
  /** Sends `raw` (a get_info object, edited) back; command/auth keys are set by the client. */
  setInfo(unit: UnitAuth, raw: Record<string, unknown>, opts?: CallOptions): Promise<void>;
  setOverride(unit: UnitAuth, req: OverrideRequest, opts?: CallOptions): Promise<void>;
  setChargingTime(unit: UnitAuth, chargingTime: number, opts?: CallOptions): Promise<void>;
  getNotifications(unit: UnitAuth, opts?: CallOptions): Promise<NotificationSettings>;
  setNotifications(unit: UnitAuth, settings: NotificationSettings, opts?: CallOptions): Promise<void>;
}
