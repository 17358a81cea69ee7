// The protocol's nouns: what both programs (the extension and the JuiceNet servers) mean by a unit,
// its state, schedule, info, cars, sessions, plot and notifications. Imports nothing.
//
// The wire format (src/api/wire.ts) keeps the vendor's names and quirks; these types carry
// units in their names (W, Wh, Hz, °C, cents, seconds) and times as epoch seconds (UTC).
// A field the server did not send is `undefined`, never a made-up 0: the views say "unknown".

/** A unit as listed by get_account_units / returned by add_unit and share_device. */
export interface AccountUnit {
  unitId: string;
  name: string;
  /** Per-unit device token: secret. Lives only in SecretStorage and in memory. */
  token: string;
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
  /** Session id for get_plot; the protocol's own example omits it on some sessions. */
  id?: number;
  timeStart?: number;
  timeEnd?: number;
  /** The protocol's `duration`: time spent charging, which can differ from time_end - time_start. */
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

/** get_plot's `intervals`: a whole number in this range (client check, and the simulator's limit). */
export const MIN_PLOT_INTERVALS = 1;
export const MAX_PLOT_INTERVALS = 10_000;

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
   * The protocol's energy_at_plugin and energy_to_add (whole Wh, 0 or more). Every known client
   * sends all three fields; pass the unit's current values (get_state's charging.wh_energy_at_plugin
   * and wh_energy_to_add) to change only the override: src/state/unit-writes.ts does. A field left
   * undefined is not sent.
   */
  energyAtPluginWh?: number;
  energyToAddWh?: number;
}
