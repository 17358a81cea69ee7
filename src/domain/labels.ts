// The owner's words for everything the protocol names: one label per charger state, event, field
// and command, shared by the commands, the tree, the status bar, the settings and the panel. And
// the one function that turns a failure into a short sentence without protocol names.
// Pure (no vscode, no Node): the webview bundles it too.
import type { UnitState } from './model';

// ---- charger states ----

const STATE_LABELS: Record<UnitState, string> = {
  standby: 'standby',
  plugged: 'plugged in',
  charging: 'charging',
  error: 'error',
  disconnect: 'offline',
  unknown: 'unknown state',
};

/** "plugged in" for `plugged`, "offline" for `disconnect`; a state no label knows reads "unknown state". */
export function stateLabel(state: string | undefined): string {
  if (state === undefined) return 'not read yet';
  return (STATE_LABELS as Record<string, string>)[state] ?? 'unknown state';
}

// ---- events: the charger's notifications and the extension's alerts ----

/**
 * One label per event, whichever side names it: the notification keys of the protocol
 * (get/set_notifications) and the alerts the extension raises from the states it reads.
 */
const EVENT_LABELS: Record<string, string> = {
  // the protocol's notification events
  charging_delayed_due_to_ToU: 'Charging delayed by the time-of-use schedule',
  start_charging: 'Charging started',
  stop_charging: 'Charging stopped',
  is_offline: 'Charger offline',
  is_back_online: 'Charger back online',
  is_not_plugged_in_by: 'Not plugged in by …',
  unplug: 'Car unplugged',
  plugin: 'Car plugged in',
  // the extension's alerts (the same events in the same words, plus what only the extension sees)
  charging_started: 'Charging started',
  charging_stopped: 'Charging stopped',
  charging_finished: 'Charging finished',
  charger_fault: 'Charger fault',
  plugged_in: 'Car plugged in',
  unplugged: 'Car unplugged',
  went_offline: 'Charger offline',
  back_online: 'Charger back online',
  server_failed: 'Server failed',
  local_box_unreachable: 'Local box unreachable or back',
  local_box_ignores_commands: 'Local box ignores commands',
  local_box_stream: 'Local box changed stream',
};

/** The label of an event; an event no label knows is spelled out from its name ("new_event" → "New event"). */
export function eventLabel(event: string): string {
  return EVENT_LABELS[event.trim()] ?? spellOut(event);
}

// ---- fields ----

export interface FieldLabel {
  label: string;
  /** The unit of the value, when it has one ("A", "¢/kWh"). */
  unit?: string;
  /** One sentence for a hover or a settings description. */
  help?: string;
}

/** get_info's fields (what set_info sends back), by their wire names. */
export const INFO_FIELD_LABELS: Readonly<Record<string, FieldLabel>> = {
  name: { label: 'Name', help: 'The name shown for this charger.' },
  address: { label: 'Address' },
  city: { label: 'City' },
  zip: { label: 'ZIP code' },
  country_code: { label: 'Country', help: 'Two-letter country code, e.g. US.' },
  load_group_id: { label: 'Load group', help: 'Chargers in one load group share a circuit.' },
  unit_type_id: { label: 'Model number' },
  IP: { label: 'IP address' },
  gascost: { label: 'Gas price', unit: '¢/gallon', help: 'What a gallon of gas costs: used to count the savings.' },
  mpg: { label: 'Gas car mileage', unit: 'mpg', help: 'Miles per gallon of the gas car the EV replaces: used to count the savings.' },
  ecost: { label: 'Electricity price', unit: '¢/kWh', help: 'What a kWh costs: used to count the savings.' },
  whpermile: { label: 'EV consumption', unit: 'Wh/mile', help: 'Energy the car uses per mile.' },
  timeZoneId: { label: 'Time zone', help: 'The schedule runs in this time zone.' },
  amps_wire_rating: {
    label: 'Wire rating',
    unit: 'A',
    help: 'The most current the wiring to the charger can carry. It caps the limit: a wrong value is a safety risk.',
  },
  amps_unit_rating: { label: 'Charger rating', unit: 'A', help: 'The most current this charger model delivers.' },
  info_timestamp: { label: 'Last changed' },
  garage_id: { label: 'Garage' },
  cars: { label: 'Cars' },
  policy: { label: 'Charging policy' },
  restrictions: { label: 'Restrictions' },
  // inside cars[] and car.model_info
  car_id: { label: 'Car number' },
  description: { label: 'Description' },
  battery_size_wh: { label: 'Battery size', unit: 'Wh' },
  battery_range_m: { label: 'Range', unit: 'm' },
  charging_rate_w: { label: 'Charging rate', unit: 'W' },
  model_id: { label: 'Model' },
  model_info: { label: 'Model details' },
  make: { label: 'Make' },
  model: { label: 'Model' },
  year: { label: 'Year' },
  range_m: { label: 'Range', unit: 'm' },
  range_city_m: { label: 'City range', unit: 'm' },
  range_highway_m: { label: 'Highway range', unit: 'm' },
  images: { label: 'Pictures' },
  // inside policy
  user_control_allowed: { label: 'You may control charging' },
  charge_control_type: { label: 'Control type' },
};

/** get_state's fields, by their wire names. */
export const STATE_FIELD_LABELS: Readonly<Record<string, FieldLabel>> = {
  state: { label: 'State' },
  amps_limit: { label: 'Current limit', unit: 'A' },
  amps_current: { label: 'Current', unit: 'A' },
  voltage: { label: 'Voltage', unit: 'V' },
  wh_energy: { label: 'Session energy', unit: 'Wh' },
  savings: { label: 'Savings', unit: '¢' },
  watt_power: { label: 'Power', unit: 'W' },
  seconds_charging: { label: 'Time charging', unit: 's' },
  wh_energy_at_plugin: { label: 'Energy at plug-in', unit: 'Wh' },
  wh_energy_to_add: { label: 'Energy to add', unit: 'Wh' },
  charging_time_left: { label: 'Time left', unit: 's' },
  plug_unplug_time: { label: 'Plugged in or unplugged at' },
  target_time: { label: 'Charging starts at' },
  override_time: { label: 'Override' },
  default_target_time: { label: 'Usual start time' },
  time_last_ping: { label: 'Last heard from' },
  update_interval: { label: 'Report interval', unit: 's', help: 'How often the charger reports to the server.' },
  temperature: { label: 'Temperature', unit: '°C' },
  frequency: { label: 'Grid frequency', unit: 'Hz' },
  show_override: { label: 'Override available' },
  car_id: { label: 'Car' },
};

/** Schedule and notification fields, and the parameters of the writes, by their wire names. */
export const OTHER_FIELD_LABELS: Readonly<Record<string, FieldLabel>> = {
  type: { label: 'Schedule' },
  weekday: { label: 'Weekdays' },
  weekend: { label: 'Weekends' },
  start: { label: 'Start' },
  end: { label: 'End' },
  car_ready_by: { label: 'Car ready by' },
  amperage: { label: 'Current limit', unit: 'A' },
  charging_time: { label: 'Hold charging until' },
  energy_to_add: { label: 'Energy to add', unit: 'Wh' },
  energy_at_plugin: { label: 'Energy at plug-in', unit: 'Wh' },
  intervals: { label: 'Number of points' },
  attribute: { label: 'Measurement' },
  session_id: { label: 'Session' },
  continuity_token: { label: 'Page' },
  email: { label: 'Email' },
  push: { label: 'Push' },
  time: { label: 'Time' },
  webhook: { label: 'Webhook' },
  url: { label: 'Webhook URL' },
  method: { label: 'Method' },
  authorization_headers: { label: 'Authorization header' },
  pin: { label: 'Share PIN' },
  ID: { label: 'Charger ID' },
  unit_id: { label: 'Charger ID' },
  device_name: { label: 'Name' },
};

/**
 * The label of a field by its wire name (`amps_wire_rating` → "Wire rating"); a dotted path is
 * labelled by its last named part ("cars[0].battery_size_wh" → "Battery size"). A field no label
 * knows is spelled out ("garage_door" → "Garage door").
 */
export function fieldLabel(wireName: string): string {
  return fieldInfo(wireName).label;
}

/** The label, unit and help of a field by its wire name (see fieldLabel). */
export function fieldInfo(wireName: string): FieldLabel {
  const last = lastPathPart(wireName);
  return INFO_FIELD_LABELS[last] ?? STATE_FIELD_LABELS[last] ?? OTHER_FIELD_LABELS[last] ?? EVENT_FIELD(last) ?? { label: spellOut(last) };
}

function EVENT_FIELD(name: string): FieldLabel | undefined {
  const l = EVENT_LABELS[name];
  return l ? { label: l } : undefined;
}

function lastPathPart(path: string): string {
  const parts = path
    .trim()
    .split(/[.[\]]+/)
    .filter((p) => p !== '' && !/^\d+$/.test(p));
  return parts.length ? parts[parts.length - 1]! : path.trim();
}

/** "amps_wire_rating" → "Amps wire rating"; "IP" stays "IP". */
function spellOut(name: string): string {
  const t = name.trim().replace(/_+/g, ' ').replace(/\s+/g, ' ');
  if (t === '') return name;
  return t === t.toUpperCase() ? t : t[0]!.toUpperCase() + t.slice(1).toLowerCase();
}

// ---- commands: what the user was doing ----

/** Every command of the protocol (src/api/types lists them; a unit test checks that each has its words here). */
const COMMAND_ACTIONS: Readonly<Record<string, string>> = {
  add_unit: 'adding the charger',
  get_account_units: 'listing the chargers',
  share_device: 'adding the shared charger',
  get_state: 'reading the charger',
  set_limit: 'setting the current limit',
  get_schedule: 'reading the schedule',
  set_schedule: 'saving the schedule',
  get_history: 'reading the charging history',
  get_plot: "reading the session's power curve",
  get_share_pin: 'getting a share PIN',
  get_info: "reading the charger's details",
  set_info: "saving the charger's details",
  set_override: 'changing the override',
  set_charging_time: 'holding charging',
  get_notifications: 'reading the notifications',
  set_notifications: 'saving the notifications',
};

/** What a protocol command does, as the user would say it ("set_limit" → "setting the current limit"). */
export function commandAction(cmd: string): string {
  return COMMAND_ACTIONS[cmd.trim()] ?? spellOut(cmd).toLowerCase();
}

// ---- failures in words ----

/**
 * The parts of a failure this module reads. Structural, so that it takes the client's errors
 * (src/api/errors: userMessage, nextStep, status, cmd, errorMessage) without importing the client.
 */
export interface FailureLike {
  name?: string;
  message?: string;
  userMessage?: string;
  nextStep?: string;
  /** HTTP status (HttpStatusError). */
  status?: number;
  /** The protocol command that failed (ApiError). */
  cmd?: string;
  /** The server's own reason (ApiError). */
  errorMessage?: string;
}

export interface FailureText {
  /** One short sentence, no protocol names, no counts of points or codes. */
  short: string;
  /** What to do next, one sentence. */
  nextStep: string;
  /** Everything known, for the log (protocol names allowed there). */
  detail: string;
}

// ---- settings ----

/** The settings by their ids, as their titles read ("JuiceNet: Server URL"). */
export const SETTING_LABELS: Readonly<Record<string, string>> = {
  'juicenet.serverURL': 'Server URL',
  'juicenet.baseUrl': 'Server URL',
  'juicenet.pollInterval.minSeconds': 'Fastest refresh',
  'juicenet.pollInterval.maxSeconds': 'Slowest refresh',
  'juicenet.statusBar.enabled': 'Show in the status bar',
  'juicenet.alerts.enabled': 'Alerts',
  'juicenet.alerts.events': 'Alert me about',
  'juicenet.panel.allowRemoteImages': 'Show car pictures from the web',
  'juicenet.tariff.mode': 'Tariff: Mode',
  'juicenet.tariff.weekday': 'Tariff: Weekday',
  'juicenet.tariff.weekend': 'Tariff: Weekend',
  'juicenet.insights.co2GramsPerKwh': 'Grid CO2 per kWh',
};

/** "the JuiceNet: Server URL setting" for juicenet.baseUrl. */
export function settingName(id: string): string {
  return `JuiceNet: ${SETTING_LABELS[id] ?? spellOut(id.replace(/^juicenet\./, ''))}`;
}

/** Wire names that are one word ("ecost"): rewritten only when they stand alone. */
const ONE_WORD_WIRE_NAMES = ['ecost', 'gascost', 'whpermile', 'timeZoneId', 'amperage'];
/** The objects whose dotted paths appear in messages ("notifications.unplug.time"). */
const PATH_ROOTS = ['notifications', 'charging', 'lifetime', 'cars', 'policy', 'weekday', 'weekend', 'model_info', 'restrictions', 'info'];

/** A label inside a sentence: capitalised at its start, lower case elsewhere ("IP address" keeps its capitals). */
function inSentence(label: string, offset: number, text: string): string {
  const atStart = offset === 0 || /[.:!?]\s*$/.test(text.slice(0, offset));
  if (atStart) return label;
  return /^[A-Z]{2}/.test(label) ? label : label[0]!.toLowerCase() + label.slice(1);
}

/** Rewrites protocol names inside a sentence to the owner's words. */
export function withoutWireNames(text: string): string {
  let out = text;
  // setting ids: "the juicenet.baseUrl setting", "JuiceNet › Base URL (juicenet.baseUrl)"
  out = out.replace(
    /(?:\bthe )?(?:setting )?(?:JuiceNet › [^(]*\()?\b(juicenet\.[A-Za-z.]+[A-Za-z])\)?(?: setting)?/g,
    (_f: string, id: string) => `the ${settingName(id)} setting`,
  );
  // dotted paths like notifications.unplug.time: the last part in words
  const roots = PATH_ROOTS.join('|');
  out = out.replace(new RegExp(`\\b(?:${roots})(?:\\.[A-Za-z_ ]+?|\\[\\d+\\])+(?=$|[^A-Za-z_.\\[])`, 'g'), (path: string, offset: number, whole: string) =>
    inSentence(fieldLabel(path), offset, whole),
  );
  // command and field names with underscores, quoted or bare: "add_unit" → adding the charger
  out = out.replace(/"?\b([A-Za-z]+(?:_[A-Za-z]+)+)\b"?/g, (found: string, name: string, offset: number, whole: string) => {
    if (name in COMMAND_ACTIONS) return commandAction(name);
    const f = INFO_FIELD_LABELS[name] ?? STATE_FIELD_LABELS[name] ?? OTHER_FIELD_LABELS[name];
    if (f) return inSentence(f.label, offset, whole);
    if (EVENT_LABELS[name]) return `"${EVENT_LABELS[name]}"`;
    return found;
  });
  out = out.replace(new RegExp(`"?\\b(${ONE_WORD_WIRE_NAMES.join('|')})\\b"?`, 'g'), (_f: string, name: string, offset: number, whole: string) =>
    inSentence(fieldLabel(name), offset, whole),
  );
  // counts and codes meant for the log: "(509 points)", "(code 422)", "(HTTP 500)"
  out = out.replace(/\s*\((?:\d+ points?|code \d+|HTTP \d{3})\)/gi, '');
  out = out.replace(/\bJuiceNet server\b/g, 'server');
  return out.replace(/\s+/g, ' ').trim();
}

/** At most `max` words: longer text is cut at a sentence end when one is near, else with "…". */
export function limitWords(text: string, max = 25): string {
  const words = text.trim().split(/\s+/);
  if (words.length <= max) return text.trim();
  const cut = words.slice(0, max).join(' ');
  const end = cut.lastIndexOf('. ');
  return end > cut.length / 2 ? cut.slice(0, end + 1) : `${cut.replace(/[,;:]$/, '')}…`;
}

/**
 * A message of about 25 words (30 at most): the parts in order, each whole while it fits; the first
 * one that does not is cut (at a sentence end when it can) if there is room left, and the rest dropped.
 */
export function shortMessage(...parts: string[]): string {
  const words = (t: string) => t.trim().split(/\s+/).filter(Boolean).length;
  const max = 30;
  const out: string[] = [];
  let used = 0;
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    const n = words(part);
    if (used + n <= max) {
      out.push(part);
      used += n;
      continue;
    }
    if (max - used >= 6 || out.length === 0) out.push(limitWords(part, Math.max(6, max - used)));
    break;
  }
  return out.join(' ');
}

/**
 * A failure as the owner reads it: "The server failed while saving the schedule." (HTTP 5xx),
 * "The server refused the current limit: 40 A is out of range." (a refusal), never a wire name,
 * never "went offline" for a server error. `action` (e.g. "saving the schedule") overrides the
 * action named by the failure's command.
 */
export function describeFailure(e: unknown, action?: string): FailureText {
  const f: FailureLike = typeof e === 'object' && e !== null ? (e as FailureLike) : { message: String(e) };
  const cmd = f.cmd ?? Object.keys(COMMAND_ACTIONS).find((c) => new RegExp(`\\b${c}\\b`).test(f.message ?? ''));
  const doing = action ?? (cmd ? commandAction(cmd) : undefined);
  const whileDoing = doing ? ` while ${doing}` : '';
  const detail = [f.message, f.userMessage && f.userMessage !== f.message ? f.userMessage : undefined].filter(Boolean).join(' — ') || String(e);
  let short: string;
  let nextStep = f.nextStep ? withoutWireNames(f.nextStep) : 'Try again; the log has the details.';
  if (typeof f.status === 'number' && f.status >= 500) {
    short = `The server failed${whileDoing}.`;
    nextStep = 'Try again in a moment.';
  } else if (f.name === 'AuthError' || f.status === 401 || f.status === 403) {
    short = `The server refused the sign-in${whileDoing}.`;
  } else if (f.errorMessage !== undefined || f.name === 'ApiError') {
    const why = f.errorMessage ? `: ${withoutWireNames(f.errorMessage).replace(/\.$/, '')}` : '';
    short = `The server refused ${doing ?? 'the request'}${why}.`;
  } else if (f.userMessage) {
    short = withoutWireNames(f.userMessage);
    if (doing && !/\bwhile\b/.test(short)) short = `${short.replace(/\.$/, '')}${whileDoing}.`;
  } else {
    short = withoutWireNames(f.message ?? String(e));
  }
  return { short: limitWords(short), nextStep: limitWords(nextStep), detail };
}
