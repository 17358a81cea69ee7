// Normalised domain types: what the rest of the product sees of the JuiceNet protocol.
//
// The wire format (src/api/wire.ts) keeps the vendor's names and quirks; these types carry
// units in their names (W, Wh, Hz, °C, cents, seconds) and times as epoch seconds (UTC).
// A field the server did not send is `undefined`, never a made-up 0: the views say "unknown".

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

/** The document's default host. The vendor's cloud is gone; the base URL is a setting. */
export const DEFAULT_BASE_URL = 'https://jbv1-api.emotorwerks.com';

/** A unit as listed by get_account_units / returned by add_unit and share_device. */
export interface AccountUnit {
  unitId: string;
  name: string;
  /** Per-unit device token: secret. Lives only in SecretStorage and in memory. */
  token: string;
}

/** What a box_api_secure call needs to address a unit. */
export interface UnitAuth {
  /** Per-unit token (secret). */
  token: string;
  /** The account token (secret); the document sends it with most unit commands. */
  accountToken?: string;
  /** For error messages and logs only (never the token). */
  unitId?: string;
}

/** J1772 states as the protocol names them, plus `unknown` for anything else a server sends. */
export type UnitState = 'standby' | 'plugged' | 'charging' | 'error' | 'disconnect' | 'unknown';

export interface Co2 {
  nonstop?: number;
  actual?: number;
}

export interface ChargingStatus {
  ampsLimit?: number;
  ampsCurrent?: number;
  voltageV?: number;
  /** Energy delivered in this session. */
  energyWh?: number;
  savingsCents?: number;
  powerW?: number;
  secondsCharging?: number;
  energyAtPluginWh?: number;
  energyToAddWh?: number;
  flags?: number;
  co2?: Co2;
}

export interface LifetimeStatus {
  energyWh?: number;
  savingsCents?: number;
  co2?: Co2;
}

/** get_state, normalised. */
export interface UnitStatus {
  unitId: string;
  state: UnitState;
  /** The state string exactly as the server sent it (for `unknown`). */
  rawState: string;
  infoTimestamp?: number;
  showOverride?: boolean;
  charging: ChargingStatus;
  lifetime: LifetimeStatus;
  chargingTimeLeftS?: number;
  plugUnplugTime?: number;
  targetTime?: number;
  /** Epoch seconds; in the past = charging now regardless of schedule; 0 = no override. */
  overrideTime?: number;
  defaultTargetTime?: number;
  timeLastPing?: number;
  utcTime?: number;
  unitTime?: number;
  /** Seconds between the unit's check-ins: the natural poll interval. */
  updateIntervalS?: number;
  temperatureC?: number;
  /** Grid frequency in Hz (the wire sends hundredths of a Hz: 5999 = 59.99 Hz). */
  frequencyHz?: number;
  triggersAll?: number;
  triggersBlocking?: number;
  carId?: number;
}

/** One day-type's time-of-use window, in minutes of the day (0..1440). end < start wraps midnight. */
export interface ScheduleWindow {
  start: number;
  end: number;
  carReadyBy: number;
}

export interface Schedule {
  /** 'disabled': charging unrestricted by time of day; 'custom': only inside the windows. */
  type: 'disabled' | 'custom';
  weekday: ScheduleWindow;
  weekend: ScheduleWindow;
  infoTimestamp?: number;
  unitId?: string;
}

/** One finished (or running) charging session from get_history. */
export interface HistorySession {
  /** Session id for get_plot; the document's own example omits it on some sessions. */
  id?: number;
  timeStart?: number;
  timeEnd?: number;
  /** The document's `duration`: time spent charging, which can differ from time_end - time_start. */
  durationS?: number;
  energyWh?: number;
  savingsCents?: number;
}

export interface HistoryPage {
  sessions: HistorySession[];
  /** Present when the server has more; pass back to read the next page. */
  continuityToken?: string;
}

/** One point of get_plot: time (epoch s) and the attribute's value (W for attribute "power"). */
export interface PlotPoint {
  t: number;
  v: number;
}

export interface CarModelInfo {
  modelId?: string;
  description?: string;
  make?: string;
  model?: string;
  year?: number;
  rangeM?: number;
  batterySizeWh?: number;
  chargingRateW?: number;
  images?: { charging?: string; default?: string; plugged?: string };
}

export interface Car {
  carId?: number;
  description?: string;
  batterySizeWh?: number;
  batteryRangeM?: number;
  chargingRateW?: number;
  modelId?: string;
  modelInfo?: CarModelInfo;
}

/**
 * get_info, normalised for display, plus `raw`: the reply's object with keys trimmed and every
 * unknown field kept, so that it can be edited and sent back through set_info losing nothing.
 */
export interface UnitInfo {
  name?: string;
  ampsWireRating?: number;
  ampsUnitRating?: number;
  infoTimestamp?: number;
  timeZoneId?: string;
  cars: Car[];
  policy?: { name?: string; userControlAllowed?: boolean; chargeControlType?: string };
  raw: Record<string, unknown>;
}

export const NOTIFICATION_EVENTS = [
  'charging_delayed_due_to_ToU',
  'start_charging',
  'stop_charging',
  'is_offline',
  'is_back_online',
  'is_not_plugged_in_by',
  'unplug',
  'plugin',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];
/**
 * Each event's key as the document writes it on the wire: its get_notifications reply and its
 * set_notifications request example both have "start_charging " and "stop_charging " with a
 * trailing space. (The set_notifications field table's "unplug " cell is padded like many of its
 * type cells, "Integer ", so that one is taken as a table artefact, not a key.)
 */
export const NOTIFICATION_WIRE_KEYS: Readonly<Record<NotificationEvent, string>> = {
  charging_delayed_due_to_ToU: 'charging_delayed_due_to_ToU',
  start_charging: 'start_charging ',
  stop_charging: 'stop_charging ',
  is_offline: 'is_offline',
  is_back_online: 'is_back_online',
  is_not_plugged_in_by: 'is_not_plugged_in_by',
  unplug: 'unplug',
  plugin: 'plugin',
};

/** get_plot's `intervals`: a whole number in this range (client check, and the simulator's limit). */
export const MIN_PLOT_INTERVALS = 1;
export const MAX_PLOT_INTERVALS = 10_000;

export interface Webhook {
  url?: string;
  method?: 'PUT' | 'POST';
  /** Secret: shown masked in the UI. */
  authorizationHeaders?: string;
}

export interface NotificationSetting {
  email: boolean;
  push: boolean;
  /** Only for is_not_plugged_in_by: minutes of the day. */
  time?: number;
  webhook?: Webhook;
}

/** Keys are the trimmed event names (the wire has "start_charging " with a space). */
export type NotificationSettings = Partial<Record<NotificationEvent, NotificationSetting>> & Record<string, NotificationSetting | undefined>;

export interface OverrideRequest {
  /** Epoch seconds: in the past (e.g. now) = charge now; 0 = cancel the override. */
  overrideTime: number;
  /**
   * The document's energy_at_plugin and energy_to_add (whole Wh, 0 or more). Every known client
   * sends all three fields; pass the unit's current values (get_state's charging.wh_energy_at_plugin
   * and wh_energy_to_add) to change only the override: src/state/unit-writes.ts does. A field left
   * undefined is not sent.
   */
  energyAtPluginWh?: number;
  energyToAddWh?: number;
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
