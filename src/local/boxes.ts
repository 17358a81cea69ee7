// Real JuiceBoxes as a source of units for the protocol server. Each box is learned from its
// first valid status report; every valid report is answered at once with the limit the owner's
// settings allow now (limit, schedule, charging-time hold, override), and stored: a sample per
// report, sessions from plug-in to unplug with energy from lifetime-energy differences.
// Garbage, bad checksums, encrypted reports and reports from an unexpected address never touch
// a box's state; they are counted for the diagnostics read.
import { type JuiceBoxReport, type JuiceBoxState, REFUSAL_WORDS, decodeDatagram, encodeCommand, nextCommandCounter } from '../juicebox/codec';
import { MIN_AMPS, ProtocolError, ratingAmps, savingsPerWh, scheduleAllows, unitZone } from '../server/rules';
import { localTime } from '../server/timezone';
import { renderStateReply, type StateReply } from '../server/state-reply';
import type { ChargeInterval, OverrideRequest, SessionSummary, UnitSettings, UnitSource, WireNotification } from '../server/types';
import type { LocalDatabase, SessionRow } from './db';

/** Events a box's owner can be told about (the protocol's notification names). */
export type BoxEvent =
  'plugin' | 'unplug' | 'start_charging' | 'stop_charging' | 'is_offline' | 'is_back_online' | 'is_not_plugged_in_by' | 'charging_delayed_due_to_ToU';

export interface LocalSourceOptions {
  db: LocalDatabase;
  /** Epoch seconds. */
  now: () => number;
  /** Time zone of boxes that have none set yet (IANA or Windows name). */
  defaultTimeZone: string;
  /** Take reports of a known box from any address (default: only from the address it first reported from). */
  allowAddressChange: boolean;
  /** Called after the change is stored (never delays the reply: deliver asynchronously). */
  onEvent: (unitId: string, event: BoxEvent, notification: WireNotification | undefined, details: Record<string, unknown>) => void;
  /** One line for the log (never a token). */
  log: (line: string) => void;
  /** Seconds of silence after which a box is offline (default: two report periods, at least 60 s). */
  offlineAfterS?: number;
}

/** The smallest time a box must be silent before it is offline. */
export const MIN_OFFLINE_AFTER_S = 60;
const DEBUG_LINES_KEPT = 20;
/** Boxes learned at most (a flood of made-up serials must not fill the database). */
export const MAX_BOXES = 10_000;
/** The offline limit given to a box that does not report its own (v07, the old form). */
export const UNKNOWN_OFFLINE_LIMIT_A = 16;

interface LiveSession {
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
interface LastReading {
  atS: number;
  state: JuiceBoxState;
  currentA?: number;
  voltageV?: number;
  lifetimeWh?: number;
  temperatureC?: number;
  frequencyHz?: number;
  onlineLimitA?: number;
  reportIntervalS?: number;
}

/** Per serial: what the diagnostics read shows (also for serials that never sent a valid report). */
export interface BoxDiagnostics {
  reports: number;
  checksumFailures: number;
  encryptedReports: number;
  refusedFromOtherAddress: number;
  lastRawReport?: string;
  lastReportS?: number;
  protocolVersion?: string;
  firmware?: string;
  address?: string;
  debugLines: string[];
  missCrc: number;
}

interface LocalBox {
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
  counter: number;
  notPluggedDay?: number;
}

function emptyDiagnostics(): BoxDiagnostics {
  return { reports: 0, checksumFailures: 0, encryptedReports: 0, refusedFromOtherAddress: 0, debugLines: [], missCrc: 0 };
}

/** The address without an IPv4-mapped prefix ("::ffff:10.0.0.5" and "10.0.0.5" are one box). */
function plainAddress(a: string): string {
  return a.replace(/^::ffff:/i, '');
}

const PLUGGED: ReadonlySet<JuiceBoxState> = new Set(['plugged', 'charging']);

export class LocalSource implements UnitSource {
  readonly historyQuirk = false;
  private readonly boxes = new Map<string, LocalBox>();
  private readonly diag = new Map<string, BoxDiagnostics>();
  /** Datagrams that were not reports of any box (no serial): counted, the last few kept. */
  readonly unattributed = { count: 0, recent: [] as string[] };
  private warnedEncrypted = new Set<string>();

  constructor(private readonly opts: LocalSourceOptions) {
    this.load();
  }

  private get db(): LocalDatabase {
    return this.opts.db;
  }

  /** Picks up boxes, open sessions and each box's last reading after a restart. */
  private load(): void {
    const now = this.opts.now();
    for (const row of this.db.boxes()) {
      const settings = JSON.parse(row.settings) as UnitSettings;
      this.boxes.set(row.unit_id, {
        unitId: row.unit_id,
        settings,
        firstAddress: row.first_address,
        offlineLimitA: row.offline_limit_a,
        overrideEnergyWh: row.override_energy_wh,
        firmware: row.firmware ?? undefined,
        protocolVersion: row.protocol_version ?? undefined,
        plugUnplugTime: row.first_seen_s,
        online: false,
        counter: 0,
      });
      const d = this.diagFor(row.unit_id);
      d.firmware = row.firmware ?? undefined;
      d.protocolVersion = row.protocol_version ?? undefined;
    }
    for (const s of this.db.openSessions()) {
      const box = this.boxes.get(s.unit_id);
      if (!box) continue;
      box.session = {
        id: s.id,
        timeStart: s.time_start,
        startLifetimeWh: s.start_lifetime_wh ?? undefined,
        energyWh: s.energy_wh,
        durationS: s.duration_s,
        goalReached: s.goal_reached === 1,
      };
      box.plugUnplugTime = s.time_start;
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
      if (box.session) box.session.lastSessionWh = s.session_wh ?? undefined;
      box.online = now - s.t <= this.offlineAfterS(box);
    }
  }

  // ---------------------------------------------------------------- UDP

  /**
   * Takes one datagram from `address`; returns the command datagram to send back, or undefined
   * when nothing is answered (not a valid status report, or a refused one).
   */
  handleDatagram(data: Uint8Array | string, address: string): string | undefined {
    const from = plainAddress(address);
    const d = decodeDatagram(data);
    if (d.kind === 'refused') {
      if (d.serial !== undefined && this.diag.has(d.serial)) {
        const g = this.diagFor(d.serial);
        if (d.reason === 'bad-checksum') g.checksumFailures++;
        g.lastRawReport = d.raw;
      } else this.unattributed.count++;
      this.unattributed.recent = [...this.unattributed.recent.slice(-9), `${REFUSAL_WORDS[d.reason]}: ${d.detail}`];
      return undefined;
    }
    const g = this.diagFor(d.serial);
    g.address = from;
    if (d.kind === 'encrypted') {
      g.encryptedReports++;
      g.protocolVersion = d.protocolVersion;
      g.lastRawReport = d.raw;
      if (!this.warnedEncrypted.has(d.serial)) {
        this.warnedEncrypted.add(d.serial);
        this.opts.log(
          `JuiceBox ${d.serial} sends encrypted reports (${d.protocolVersion}) that cannot be read. Block its access to directory-api.emotorwerks.com (DNS or firewall) and restart the box: it then reports in plain text.`,
        );
      }
      return undefined;
    }
    if (d.kind === 'debug') {
      g.debugLines = [...g.debugLines.slice(-(DEBUG_LINES_KEPT - 1)), `${d.level}: ${d.text}`];
      if (d.missCrc) g.missCrc++;
      if (d.boot) {
        g.firmware = d.boot.firmware;
        const box = this.boxes.get(d.serial);
        if (box && box.firmware !== d.boot.firmware) {
          box.firmware = d.boot.firmware;
          box.settings = { ...box.settings, info: { ...box.settings.info, firmware_version: d.boot.firmware } };
          this.db.transaction(() => {
            this.db.saveBoxFacts(box.unitId, box.firmware, box.protocolVersion);
            this.save(box);
          });
        }
      }
      return undefined;
    }
    let box = this.boxes.get(d.serial);
    if (box && plainAddress(box.firstAddress) !== from && !this.opts.allowAddressChange) {
      g.refusedFromOtherAddress++;
      return undefined;
    }
    if (!box && this.boxes.size >= MAX_BOXES) {
      this.unattributed.count++;
      this.unattributed.recent = [...this.unattributed.recent.slice(-9), `a new box ${d.serial} was not learned: ${MAX_BOXES} boxes are known already`];
      return undefined;
    }
    g.reports++;
    g.lastRawReport = d.raw;
    g.lastReportS = this.opts.now();
    g.protocolVersion = d.protocolVersion;
    box ??= this.learn(d, from);
    return this.takeReport(box, d);
  }

  private diagFor(serial: string): BoxDiagnostics {
    let g = this.diag.get(serial);
    if (!g) {
      // Serials are the box's digits; a flood of made-up ones is bounded.
      if (this.diag.size >= 10_000) {
        const oldest = this.diag.keys().next().value as string;
        if (!this.boxes.has(oldest)) this.diag.delete(oldest);
      }
      this.diag.set(serial, (g = emptyDiagnostics()));
    }
    return g;
  }

  /** A box reporting for the first time: stored with what it tells, waiting to be added to an account. */
  private learn(r: JuiceBoxReport, address: string): LocalBox {
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
        ...(this.diag.get(r.serial)?.firmware ? { firmware_version: this.diag.get(r.serial)?.firmware } : {}),
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
      firmware: this.diag.get(r.serial)?.firmware,
      plugUnplugTime: Math.floor(now),
      online: true,
      counter: 0,
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
    this.boxes.set(box.unitId, box);
    this.opts.log(
      `New JuiceBox ${box.unitId} reporting from ${address} (protocol ${r.protocolVersion ?? 'without version'}): add it with its unit ID to use it`,
    );
    return box;
  }

  private offlineAfterS(box: LocalBox): number {
    return this.opts.offlineAfterS ?? Math.max(MIN_OFFLINE_AFTER_S, 2 * (box.last?.reportIntervalS ?? 30));
  }

  /** The limit the replies carry now: the owner's limit unless a schedule, a hold or a reached goal says 0. */
  onlineLimit(box: LocalBox, now: number): number {
    const s = box.settings;
    const limit = Math.min(s.ampsLimit, ratingAmps(s.info));
    if (box.session?.goalReached) return 0;
    if (s.overrideTime > 0 && s.overrideTime <= now) return limit;
    if (s.chargingTime > now) return 0;
    if (!scheduleAllows(s.schedule, unitZone(s.info), now)) return 0;
    return limit;
  }

  private takeReport(box: LocalBox, r: JuiceBoxReport): string {
    const now = this.opts.now();
    const prev = box.last;
    const state: JuiceBoxState = r.state === 'unknown' ? (prev?.state ?? 'standby') : r.state;
    const events: BoxEvent[] = [];
    if (!box.online) {
      box.online = true;
      if (prev) events.push('is_back_online');
    }
    let settingsChanged = false;
    if (r.protocolVersion !== box.protocolVersion && r.protocolVersion !== undefined) {
      box.protocolVersion = r.protocolVersion;
      box.settings = { ...box.settings, info: { ...box.settings.info, protocol_version: r.protocolVersion } };
      this.db.saveBoxFacts(box.unitId, box.firmware, box.protocolVersion);
      settingsChanged = true;
    }
    const plugged = PLUGGED.has(state);
    const wasPlugged = box.session !== undefined;
    let closed: LiveSession | undefined;
    let opened = false;
    this.db.transaction(() => {
      if (!wasPlugged && plugged) {
        const id = this.db.openSession(box.unitId, now, r.lifetimeEnergyWh);
        box.session = {
          id,
          timeStart: Math.floor(now),
          startLifetimeWh: r.lifetimeEnergyWh,
          energyWh: 0,
          durationS: 0,
          goalReached: false,
          lastSessionWh: r.sessionEnergyWh,
        };
        box.plugUnplugTime = Math.floor(now);
        opened = true;
        events.push('plugin');
      }
      const s = box.session;
      if (s) {
        if (opened) {
          // The box counts energy since its own plug-in; a session starting here starts at 0.
        } else if (s.startLifetimeWh !== undefined && r.lifetimeEnergyWh !== undefined) {
          s.energyWh = Math.max(s.energyWh, r.lifetimeEnergyWh - s.startLifetimeWh);
        } else if (r.sessionEnergyWh !== undefined) {
          // Without a lifetime counter: the session counter's growth, across its resets on pauses.
          const last = s.lastSessionWh ?? 0;
          s.energyWh += r.sessionEnergyWh >= last ? r.sessionEnergyWh - last : r.sessionEnergyWh;
        }
        s.lastSessionWh = r.sessionEnergyWh;
        if (prev?.state === 'charging' && !opened) s.durationS += Math.max(0, Math.min(now - prev.atS, 3 * (r.reportIntervalS ?? 30)));
        const st = box.settings;
        if (box.overrideEnergyWh > 0 && st.overrideTime > 0 && st.overrideTime <= now && s.energyWh >= box.overrideEnergyWh && !s.goalReached) {
          // The override asked for this much: it ends, and the session stops charging.
          s.goalReached = true;
          box.settings = { ...st, overrideTime: 0 };
          settingsChanged = true;
        }
        if (plugged) this.db.updateSession(s.id, s.energyWh, s.durationS, s.goalReached);
      }
      if (wasPlugged && state === 'standby' && s) {
        this.db.closeSession(s.id, now, s.energyWh, s.durationS);
        closed = s;
        box.session = undefined;
        box.plugUnplugTime = Math.floor(now);
        events.push('unplug');
        if (box.settings.overrideTime !== 0 || box.overrideEnergyWh !== 0) {
          // An override lasts until the car is unplugged.
          box.settings = { ...box.settings, overrideTime: 0 };
          box.overrideEnergyWh = 0;
          settingsChanged = true;
        }
      }
      if (prev?.state !== 'charging' && state === 'charging') events.push('start_charging');
      if (prev?.state === 'charging' && state !== 'charging') events.push('stop_charging');
      const limit = this.onlineLimit(box, now);
      if (opened && limit === 0 && box.settings.schedule.type === 'custom') events.push('charging_delayed_due_to_ToU');
      this.db.addSample({
        unit_id: box.unitId,
        t: now,
        session_id: box.session?.id ?? closed?.id ?? null,
        state,
        current_da: r.currentA === undefined ? null : Math.round(r.currentA * 10),
        voltage_dv: r.voltageV === undefined ? null : Math.round(r.voltageV * 10),
        power_w: r.powerW ?? null,
        session_wh: r.sessionEnergyWh ?? null,
        lifetime_wh: r.lifetimeEnergyWh ?? null,
        temperature_c: r.temperatureC ?? null,
        frequency_chz: r.frequencyHz === undefined ? null : Math.round(r.frequencyHz * 100),
        online_limit_a: r.onlineLimitA ?? null,
      });
      if (settingsChanged) this.save(box);
    });
    box.last = {
      atS: now,
      state,
      currentA: r.currentA,
      voltageV: r.voltageV,
      lifetimeWh: r.lifetimeEnergyWh ?? prev?.lifetimeWh,
      temperatureC: r.temperatureC,
      frequencyHz: r.frequencyHz,
      onlineLimitA: r.onlineLimitA,
      reportIntervalS: r.reportIntervalS,
    };
    const online = this.onlineLimit(box, now);
    const lt = localTime(unitZone(box.settings.info), now);
    const local = new Date((Math.floor(now) + lt.offsetS) * 1000);
    box.counter = nextCommandCounter(box.counter);
    const reply = encodeCommand({
      protocolVersion: r.protocolVersion,
      dayOfWeek: local.getUTCDay(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      onlineA: online,
      offlineA: box.offlineLimitA,
      counter: box.counter,
    });
    for (const e of events) this.emit(box, e, { state });
    return reply;
  }

  private emit(box: LocalBox, event: BoxEvent, details: Record<string, unknown>): void {
    this.opts.onEvent(box.unitId, event, box.settings.notifications[event], { unit_id: box.unitId, name: box.settings.info.name, ...details });
  }

  /** Marks boxes offline that stopped reporting, and raises "not plugged in by" (call every few seconds). */
  tick(): void {
    const now = this.opts.now();
    for (const box of this.boxes.values()) {
      if (box.online && box.last && now - box.last.atS > this.offlineAfterS(box)) {
        box.online = false;
        this.emit(box, 'is_offline', { last_report: Math.floor(box.last.atS) });
      }
      const n = box.settings.notifications.is_not_plugged_in_by;
      if (n && typeof n.time === 'number' && n.time > 0 && !box.session) {
        const lt = localTime(unitZone(box.settings.info), now);
        const day = Math.floor((now + lt.offsetS) / 86400);
        if (lt.minuteOfDay >= n.time && box.notPluggedDay !== day) {
          box.notPluggedDay = day;
          this.emit(box, 'is_not_plugged_in_by', {});
        }
      }
    }
  }

  private save(box: LocalBox): void {
    this.db.saveSettings(box.unitId, box.settings, box.offlineLimitA, box.overrideEnergyWh);
  }

  // ---------------------------------------------------------------- facts for diagnostics

  unitIds(): string[] {
    return [...this.boxes.keys()];
  }

  diagnostics(): Record<string, BoxDiagnostics & { online?: boolean; firstAddress?: string; known: boolean }> {
    const out: Record<string, BoxDiagnostics & { online?: boolean; firstAddress?: string; known: boolean }> = {};
    for (const [serial, g] of this.diag) {
      const box = this.boxes.get(serial);
      out[serial] = {
        ...structuredClone(g),
        known: box !== undefined,
        online: box?.online,
        firstAddress: box?.firstAddress,
        firmware: g.firmware ?? box?.firmware,
      };
    }
    return out;
  }

  /** The online limit the box reported last (what it obeys). */
  reportedLimit(unitId: string): number | undefined {
    return this.boxes.get(unitId)?.last?.onlineLimitA;
  }

  // ---------------------------------------------------------------- the unit source

  private box(unitId: string): LocalBox {
    const b = this.boxes.get(unitId);
    if (!b) throw new ProtocolError(404, `Unknown unit ${unitId}`);
    return b;
  }

  hasUnit(unitId: string): boolean {
    return this.boxes.has(unitId);
  }

  prepare(): void {
    // Facts arrive with the reports: nothing to bring up to date.
  }

  settings(unitId: string): Readonly<UnitSettings> {
    return this.box(unitId).settings;
  }

  update(unitId: string, patch: Partial<UnitSettings>): void {
    const box = this.box(unitId);
    if (patch.info && 'offline_amps_limit' in patch.info && patch.info.offline_amps_limit !== box.settings.info.offline_amps_limit) {
      // The owner's only way to change what the box keeps in EEPROM; changed rarely, on purpose.
      const v = patch.info.offline_amps_limit;
      const max = ratingAmps(patch.info);
      if (typeof v !== 'number' || !Number.isInteger(v) || (v !== 0 && (v < MIN_AMPS || v > max))) {
        throw new ProtocolError(422, `offline_amps_limit must be 0 or a whole number from ${MIN_AMPS} to ${max} A`);
      }
      box.offlineLimitA = v;
    }
    box.settings = { ...box.settings, ...structuredClone(patch) };
    this.save(box);
  }

  setOverride(unitId: string, r: OverrideRequest): void {
    const box = this.box(unitId);
    box.settings = { ...box.settings, overrideTime: r.overrideTime };
    box.overrideEnergyWh = r.overrideTime > 0 && r.energyToAddWh !== undefined ? r.energyToAddWh : 0;
    // A new goal (or a cancel) lets a session that had reached the old goal charge again.
    if (box.session && box.session.goalReached) {
      box.session.goalReached = r.overrideTime > 0 && box.overrideEnergyWh > 0 && box.session.energyWh >= box.overrideEnergyWh;
      this.db.updateSession(box.session.id, box.session.energyWh, box.session.durationS, box.session.goalReached);
    }
    this.save(box);
  }

  state(unitId: string, now: number): StateReply {
    const box = this.box(unitId);
    const s = box.settings;
    const last = box.last;
    const info = s.info;
    const reported = last?.state ?? 'standby';
    const state = !box.online ? 'disconnect' : reported === 'unknown' ? 'standby' : reported;
    const amps = box.online && last?.currentA !== undefined ? last.currentA : 0;
    const volts = last?.voltageV ?? 0;
    const powerW = Math.round(amps * volts);
    const session = box.session;
    const energyWh = session?.energyWh ?? 0;
    const perWh = savingsPerWh(info);
    const limitNow = this.onlineLimit(box, now);
    const overrideActive = s.overrideTime > 0 && s.overrideTime <= now;
    const waiting = session !== undefined && limitNow === 0 && s.ampsLimit > 0;
    const lifetimeWh = last?.lifetimeWh ?? 0;
    const cars = Array.isArray(info.cars) ? (info.cars as Record<string, unknown>[]) : [];
    const remaining = box.overrideEnergyWh > energyWh ? box.overrideEnergyWh - energyWh : 0;
    return renderStateReply(
      {
        unitId: box.unitId,
        infoTimestamp: s.infoTimestamp,
        state,
        showOverride: overrideActive || waiting,
        waiting,
        blocking: limitNow === 0 ? (s.ampsLimit === 0 ? 'off' : 'schedule') : undefined,
        ampsLimit: s.ampsLimit,
        ampsCurrent: amps,
        voltageV: volts,
        powerW,
        sessionWh: energyWh,
        sessionSavingsCents: energyWh * perWh,
        secondsCharging: session?.durationS ?? 0,
        energyAtPluginWh: 0,
        energyToAddWh: box.overrideEnergyWh,
        lifetimeWh,
        lifetimeSavingsCents: lifetimeWh * perWh,
        chargingTimeLeftS: remaining > 0 && powerW > 0 ? Math.round((remaining * 3600) / powerW) : 0,
        plugUnplugTime: box.plugUnplugTime,
        overrideTime: s.overrideTime,
        chargingTime: s.chargingTime,
        schedule: s.schedule,
        zone: unitZone(info),
        timeLastPing: last?.atS ?? 0,
        updateIntervalS: last?.reportIntervalS ?? 30,
        temperatureC: last?.temperatureC ?? 0,
        frequencyHz: last?.frequencyHz ?? 0,
        carId: typeof cars[0]?.car_id === 'number' ? cars[0].car_id : 0,
      },
      now,
    );
  }

  history(unitId: string, beforeId: number, limit: number): { sessions: SessionSummary[]; more: boolean } {
    const perWh = savingsPerWh(this.box(unitId).settings.info);
    const rows = this.db.history(unitId, beforeId, limit + 1);
    const more = rows.length > limit;
    return { sessions: rows.slice(0, limit).map((r) => summary(r, perWh)), more };
  }

  sessionIntervals(unitId: string, sessionId: number, now: number): { start: number; end: number; parts: ChargeInterval[] } | undefined {
    const row = this.db.session(unitId, sessionId);
    if (!row) return undefined;
    const samples = this.db.sessionSamples(sessionId);
    const parts: ChargeInterval[] = [];
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1];
      const b = samples[i];
      if (b.t <= a.t) continue;
      // Energy between two reports: the lifetime counter's growth, else the power the first one reported.
      const wh = a.lifetime_wh !== null && b.lifetime_wh !== null ? Math.max(0, b.lifetime_wh - a.lifetime_wh) : ((a.power_w ?? 0) * (b.t - a.t)) / 3600;
      if (wh > 0) parts.push([a.t, b.t, wh]);
    }
    return { start: row.time_start, end: row.time_end ?? Math.max(row.time_start, Math.floor(now)), parts };
  }

  historyKey(): string {
    return 'l';
  }
}

function summary(r: SessionRow, perWh: number): SessionSummary {
  return {
    id: r.id,
    timeStart: r.time_start,
    timeEnd: r.time_end ?? r.time_start,
    durationS: Math.round(r.duration_s),
    energyWh: Math.round(r.energy_wh),
    savingsCents: Math.round(r.energy_wh * perWh),
  };
}
