// The box registry: every JuiceBox the server knows, learned from its first valid status report
// and kept in the database with the owner's settings. It is also where the server's parts (and
// plug-ins such as MQTT or smart charging) hear about boxes: `registry.on('report' | 'added' |
// 'renamed' | 'silent' | 'back' | 'disobeying' | 'obeying' | 'notification' | ..., listener)`.
import type { JuiceBoxReport, JuiceBoxState } from '../juicebox/codec';
import { ProtocolError } from '../server/rules';
import type { UnitSettings, WireNotification } from '../server/types';
import type { LocalDatabase } from './db';
import { Emitter } from './emitter';

/** Events a box's owner can be told about (the protocol's notification names). */
export type BoxEvent =
  'plugin' | 'unplug' | 'start_charging' | 'stop_charging' | 'is_offline' | 'is_back_online' | 'is_not_plugged_in_by' | 'charging_delayed_due_to_ToU';

/** Where a box's reports arrive: this server's UDP port, and the box's address and port. */
export interface BoxStream {
  /** The server's UDP port the report arrived on (8047, 8042, 9004, 8055, ...). */
  localPort: number;
  address: string;
  port: number;
}

/** A stream as the registry follows it: when it started and last reported. */
export interface StreamRecord extends BoxStream {
  /** Grows with each stream that starts (or starts again): the largest is the newest, even within one clock tick. */
  order: number;
  firstS: number;
  lastS: number;
  reports: number;
}

export interface LiveSession {
  id: number;
  timeStart: number;
  startLifetimeWh?: number;
  energyWh: number;
  durationS: number;
  goalReached: boolean;
  /** The box's own session counter at the last report (it resets when charging pauses). */
  lastSessionWh?: number;
}

/** What one box last told (from its report, or from the database after a restart). */
export interface LastReading {
  atS: number;
  state: JuiceBoxState;
  currentA?: number;
  voltageV?: number;
  lifetimeWh?: number;
  temperatureC?: number;
  frequencyHz?: number;
  onlineLimitA?: number;
  offlineLimitA?: number;
  reportIntervalS?: number;
}

export interface LocalBox {
  unitId: string;
  settings: UnitSettings;
  firstAddress: string;
  offlineLimitA: number;
  overrideEnergyWh: number;
  firmware?: string;
  protocolVersion?: string;
  last?: LastReading;
  session?: LiveSession;
  plugUnplugTime: number;
  online: boolean;
  /** Epoch seconds of the last report before the box went silent (while it is offline). */
  silentSinceS?: number;
  counter: number;
  notPluggedDay?: number;
  /** The streams the box reported on lately (at most a few), and the active one: replies go there. */
  streams: StreamRecord[];
  activeStream?: StreamRecord;
  /** Record and serve everything, but never send the box a command. */
  monitorOnly: boolean;
  /** The owner changed the offline limit and no reply has carried it yet. */
  offlinePending: boolean;
  /** Replies that carried a changed offline limit (each one an EEPROM write in the box). */
  offlineWrites: number;
  /** The online limit the last reply carried (undefined: none sent since the start). */
  lastSentA?: number;
  /** Reports in a row whose limit differs from the one the server had sent. */
  ignoredReports: number;
  /** Set once the box kept ignoring commands: the words said about it. */
  ignoring?: string;
}

/** Everything the registry tells its listeners, by event name. */
export interface BoxEventMap {
  [name: string]: unknown;
  /** A valid status report was stored and answered (`sentLimitA`: the online limit the reply carried; none in monitor-only). */
  report: { unitId: string; atS: number; report: JuiceBoxReport; state: JuiceBoxState; stream: BoxStream; sentLimitA?: number };
  /** A box reported for the first time (it waits to be added to an account). */
  added: { unitId: string; name: string; address: string; atS: number };
  renamed: { unitId: string; name: string; previousName: string };
  /** The owner's settings of a box changed (limit, schedule, override, hold, info, monitor-only). */
  settings: { unitId: string; settings: Readonly<UnitSettings> };
  /** A box stopped reporting (`words`: "unreachable since 14:05", in the box's zone). */
  silent: { unitId: string; name: string; sinceS: number; words: string };
  /** A silent box reports again. */
  back: { unitId: string; name: string; silentSinceS: number; atS: number; words: string };
  /** A box kept ignoring the limit the server sends; `words` says so with the likely causes. */
  disobeying: { unitId: string; name: string; sentA: number; reportedA: number; reports: number; words: string };
  /** A box that was ignoring commands obeys again. */
  obeying: { unitId: string; name: string; words: string };
  /** A box's reports moved to another stream (another port of this server, or of the box). */
  streamChanged: { unitId: string; from?: BoxStream; to: BoxStream; words: string };
  /** A notification event (plugin, unplug, ...) with the owner's notification settings for it. */
  notification: { unitId: string; event: BoxEvent; notification: WireNotification | undefined; details: Record<string, unknown> };
}

export interface BoxRegistryOptions {
  db: LocalDatabase;
  /** Epoch seconds. */
  now: () => number;
  /** Time zone of boxes that have none set yet (IANA or Windows name). */
  defaultTimeZone: string;
  log: (line: string) => void;
  /** Seconds of silence after which a box is offline (default: two report periods, at least 60 s). */
  offlineAfterS?: number;
  /** Boxes learned from now on are monitor-only (the server never sends them a command). */
  monitorOnlyNewBoxes?: boolean;
}

/** Keys of a box's server-side switches in the database's settings table. */
const key = {
  monitorOnly: (unitId: string) => `box.${unitId}.monitorOnly`,
  offlineCare: (unitId: string) => `box.${unitId}.offlineLimitCare`,
};

/** The smallest time a box must be silent before it is offline. */
export const MIN_OFFLINE_AFTER_S = 60;
/** Boxes learned at most (a flood of made-up serials must not fill the database). */
export const MAX_BOXES = 10_000;
/** The offline limit given to a box that does not report its own (v07, the old form). */
export const UNKNOWN_OFFLINE_LIMIT_A = 16;

export class BoxRegistry {
  private readonly boxes = new Map<string, LocalBox>();
  readonly events: Emitter<BoxEventMap>;

  constructor(private readonly opts: BoxRegistryOptions) {
    this.events = new Emitter<BoxEventMap>((name, e) => opts.log(`internal error in a listener of "${name}": ${e.message}`));
    this.load();
  }

  /** Listens to an event of every box; returns the function that stops listening. */
  on<K extends keyof BoxEventMap & string>(name: K, listener: (event: BoxEventMap[K]) => void): () => void {
    return this.events.on(name, listener);
  }

  get db(): LocalDatabase {
    return this.opts.db;
  }

  /** Boxes and their last reading after a restart (sessions are picked up by the session book). */
  private load(): void {
    const now = this.opts.now();
    for (const row of this.db.boxes()) {
      this.boxes.set(row.unit_id, {
        unitId: row.unit_id,
        settings: JSON.parse(row.settings) as UnitSettings,
        firstAddress: row.first_address,
        offlineLimitA: row.offline_limit_a,
        overrideEnergyWh: row.override_energy_wh,
        firmware: row.firmware ?? undefined,
        protocolVersion: row.protocol_version ?? undefined,
        plugUnplugTime: row.first_seen_s,
        online: false,
        counter: 0,
        streams: [],
        monitorOnly: this.db.getSetting(key.monitorOnly(row.unit_id)) === '1',
        offlinePending: false,
        offlineWrites: 0,
        ignoredReports: 0,
      });
      const care = this.db.getSetting(key.offlineCare(row.unit_id));
      if (care) {
        const c = JSON.parse(care) as { pending?: boolean; writes?: number };
        const box = this.boxes.get(row.unit_id)!;
        box.offlinePending = c.pending === true;
        box.offlineWrites = typeof c.writes === 'number' ? c.writes : 0;
      }
    }
    for (const box of this.boxes.values()) {
      const s = this.db.lastSample(box.unitId);
      if (!s) continue;
      box.last = {
        atS: s.t,
        state: s.state as JuiceBoxState,
        currentA: s.current_da === null ? undefined : s.current_da / 10,
        voltageV: s.voltage_dv === null ? undefined : s.voltage_dv / 10,
        lifetimeWh: s.lifetime_wh ?? undefined,
        temperatureC: s.temperature_c ?? undefined,
        frequencyHz: s.frequency_chz === null ? undefined : s.frequency_chz / 100,
        onlineLimitA: s.online_limit_a ?? undefined,
      };
      box.online = now - s.t <= this.offlineAfterS(box);
      if (!box.online) box.silentSinceS = s.t;
    }
  }

  get size(): number {
    return this.boxes.size;
  }

  has(unitId: string): boolean {
    return this.boxes.has(unitId);
  }

  get(unitId: string): LocalBox | undefined {
    return this.boxes.get(unitId);
  }

  /** The box, or the protocol's 404. */
  require(unitId: string): LocalBox {
    const b = this.boxes.get(unitId);
    if (!b) throw new ProtocolError(404, `Unknown unit ${unitId}`);
    return b;
  }

  ids(): string[] {
    return [...this.boxes.keys()];
  }

  all(): IterableIterator<LocalBox> {
    return this.boxes.values();
  }

  /** The box's name as the owner set it (or as it was learned). */
  nameOf(box: LocalBox): string {
    const n = box.settings.info.name;
    return typeof n === 'string' && n !== '' ? n : `JuiceBox ${box.unitId.slice(-4)}`;
  }

  offlineAfterS(box: LocalBox): number {
    return this.opts.offlineAfterS ?? Math.max(MIN_OFFLINE_AFTER_S, 2 * (box.last?.reportIntervalS ?? 30));
  }

  /** A box reporting for the first time: stored with what it tells, waiting to be added to an account. */
  learn(r: JuiceBoxReport, address: string, firmware: string | undefined): LocalBox {
    const now = this.opts.now();
    const rating = r.ratingA && r.ratingA > 0 ? r.ratingA : 40;
    const online = r.onlineLimitA !== undefined && r.onlineLimitA > 0 ? Math.min(r.onlineLimitA, rating) : rating;
    // v07 and older boxes do not report their offline limit: the first reply sets it once to a
    // value every charger and wire can take, and it stays unless the owner changes it.
    const offline = r.offlineLimitA ?? Math.min(UNKNOWN_OFFLINE_LIMIT_A, rating);
    const settings: UnitSettings = {
      info: {
        name: `JuiceBox ${r.serial.slice(-4)}`,
        unit_type_id: 1,
        IP: address,
        gascost: 350,
        mpg: 25,
        ecost: 12,
        whpermile: 300,
        timeZoneId: this.opts.defaultTimeZone,
        amps_wire_rating: rating,
        amps_unit_rating: rating,
        cars: [],
        protocol_version: r.protocolVersion ?? 'none',
        ...(firmware ? { firmware_version: firmware } : {}),
      },
      infoTimestamp: Math.floor(now),
      ampsLimit: online,
      schedule: { type: 'disabled', weekday: { start: 1380, end: 420, car_ready_by: 420 }, weekend: { start: 1380, end: 420, car_ready_by: 480 } },
      notifications: {},
      overrideTime: 0,
      chargingTime: 0,
    };
    const box: LocalBox = {
      unitId: r.serial,
      settings,
      firstAddress: address,
      offlineLimitA: offline,
      overrideEnergyWh: 0,
      protocolVersion: r.protocolVersion,
      firmware,
      plugUnplugTime: Math.floor(now),
      online: true,
      counter: 0,
      streams: [],
      monitorOnly: this.opts.monitorOnlyNewBoxes === true,
      offlinePending: false,
      offlineWrites: 0,
      ignoredReports: 0,
    };
    this.db.addBox({
      unit_id: box.unitId,
      first_address: address,
      first_seen_s: Math.floor(now),
      settings: JSON.stringify(settings),
      offline_limit_a: offline,
      firmware: box.firmware ?? null,
      protocol_version: box.protocolVersion ?? null,
    });
    if (box.monitorOnly) this.db.putSetting(key.monitorOnly(box.unitId), '1');
    this.boxes.set(box.unitId, box);
    this.opts.log(
      `New JuiceBox ${box.unitId} reporting from ${address} (protocol ${r.protocolVersion ?? 'without version'}): add it with its unit ID to use it` +
        (box.monitorOnly ? ' (monitor only: it is recorded, never sent a command)' : ''),
    );
    this.events.emit('added', { unitId: box.unitId, name: this.nameOf(box), address, atS: now });
    return box;
  }

  /** Stores the owner's settings of a box (and tells listeners; a new name is also a rename). */
  save(box: LocalBox, previousName?: string): void {
    this.db.saveSettings(box.unitId, box.settings, box.offlineLimitA, box.overrideEnergyWh);
    if (previousName !== undefined && previousName !== this.nameOf(box)) {
      this.events.emit('renamed', { unitId: box.unitId, name: this.nameOf(box), previousName });
    }
    this.events.emit('settings', { unitId: box.unitId, settings: box.settings });
  }

  /** Turns monitor-only on or off for a box (stored; told to listeners as a settings change). */
  setMonitorOnly(unitId: string, on: boolean): void {
    const box = this.require(unitId);
    if (box.monitorOnly === on) return;
    box.monitorOnly = on;
    box.lastSentA = undefined;
    box.ignoredReports = 0;
    box.ignoring = undefined;
    this.db.putSetting(key.monitorOnly(unitId), on ? '1' : '0');
    this.opts.log(
      on
        ? `${this.nameOf(box)} (${unitId}) is monitor only: its reports are recorded, and it is sent no command`
        : `${this.nameOf(box)} (${unitId}) is controlled again: its reports are answered with the limit the owner's settings allow`,
    );
    this.events.emit('settings', { unitId, settings: box.settings });
  }

  /** Stores the offline limit's bookkeeping (a change waiting to be sent, the writes so far). */
  saveOfflineCare(box: LocalBox): void {
    this.db.putSetting(key.offlineCare(box.unitId), JSON.stringify({ pending: box.offlinePending, writes: box.offlineWrites }));
  }

  /** Stores what the box tells of itself (firmware, protocol version). */
  saveFacts(box: LocalBox): void {
    this.db.saveBoxFacts(box.unitId, box.firmware, box.protocolVersion);
  }

  /** Tells listeners (and, through the server, the owner's webhooks) about a notification event. */
  notify(box: LocalBox, event: BoxEvent, details: Record<string, unknown>): void {
    this.events.emit('notification', {
      unitId: box.unitId,
      event,
      notification: box.settings.notifications[event],
      details: { unit_id: box.unitId, name: box.settings.info.name, ...details },
    });
  }
}
