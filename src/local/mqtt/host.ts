// What the MQTT side needs from JuiceNet Local, and nothing more: the boxes on the owner's account,
// what each last reported, and the owner's commands, run through the server's own rules (the same
// path as set_limit and set_override over HTTP: rating, schedule, override, and whatever else the
// rules refuse). The bridge sees only this interface; serverForMqtt() builds it from the server.
import type { Car, Schedule, UnitState, UnitStatus } from '../../domain/model';
import type { JuiceBoxReport } from '../../juicebox/codec';
import type { JuiceNetProtocol } from '../../server/protocol';
import { ProtocolError, ratingAmps } from '../../server/rules';
import type { LocalSource } from '../source';

/** A box as the MQTT side names it. */
export interface MqttBox {
  unitId: string;
  name: string;
  /** The highest limit it may be given (A). */
  ratingA: number;
  firmware?: string;
  protocolVersion?: string;
}

/** What a box told last, with what the server knows of it (get_state and get_info, normalised). */
export interface MqttBoxReading {
  status: UnitStatus;
  /** The box's zone as its info gives it. */
  timeZoneId?: string;
  cars: Car[];
  schedule: Schedule;
  /** The offline limit the owner set (the box keeps it in its memory), if set. */
  offlineLimitA?: number;
  /** The last report itself (figures at the box's own precision); undefined after a restart until it reports. */
  report?: JuiceBoxReport;
  /** Epoch seconds (with fractions) the last report arrived at. */
  reportAtS?: number;
  /** The box reports and is answered (not silent). */
  online: boolean;
}

export type CommandOutcome = { ok: true } | { ok: false; message: string };

export interface MqttServerListener {
  /** A box on the account reported (its reading has changed). */
  report(unitId: string): void;
  /** The account's boxes changed: one added, renamed, re-rated or removed. */
  boxesChanged(): void;
  /** A box went silent (false) or reports again (true). */
  availability(unitId: string, online: boolean): void;
}

export interface LocalServerForMqtt {
  /** The boxes on the owner's account, in a stable order. */
  boxes(): MqttBox[];
  reading(unitId: string): MqttBoxReading | undefined;
  /** The owner's limit (A; 0 = off) as the server keeps it (what its replies carry when nothing else holds). */
  ownerLimit(unitId: string): number | undefined;
  setLimit(unitId: string, amps: number): CommandOutcome;
  /** Whether the box's limit may be changed at all (a monitor-only box is never sent a command). */
  limitWritable?(unitId: string): CommandOutcome;
  chargeNow(unitId: string): CommandOutcome;
  cancelOverride(unitId: string): CommandOutcome;
  /** The offline limit (the box keeps it in its memory; written only when the owner changes it). */
  setOfflineLimit?(unitId: string, amps: number): CommandOutcome;
  /** Epoch seconds. */
  now(): number;
  subscribe(listener: MqttServerListener): () => void;
}

export interface ServerForMqttParts {
  protocol: JuiceNetProtocol;
  source: LocalSource;
  accountToken: string;
  now: () => number;
}

/**
 * The server side for the bridge. A limit is set through the boxes' one limit function (the rules
 * set_limit applies: the rating, 0 = off); overrides and the offline limit run as the protocol's
 * set_override / set_info with the owner's unit token, exactly as over HTTP. Reports, renames,
 * settings and silence come from the box registry's events; the account's box list is checked
 * again after every command that writes (`commandRan`), which is how add_unit is seen.
 */
export class ServerForMqtt implements LocalServerForMqtt {
  private readonly listeners = new Set<MqttServerListener>();
  /** The last accepted report of each box. */
  private readonly reports = new Map<string, { report: JuiceBoxReport; atS: number }>();
  private readonly stops: (() => void)[] = [];
  private known = '';
  /** Unit id -> the owner's unit token, for the boxes on the account. */
  private tokens = new Map<string, string>();

  constructor(private readonly parts: ServerForMqttParts) {
    this.refreshTokens();
    this.known = this.boxKey();
    const src = parts.source;
    this.stops.push(
      src.on('report', (e) => this.reportReceived(e.unitId, e.report, e.atS)),
      src.on('renamed', () => this.commandRan()),
      src.on('settings', (e) => this.changed(e.unitId)),
      src.on('silent', (e) => this.availabilityChanged(e.unitId, false)),
      src.on('back', (e) => this.availabilityChanged(e.unitId, true)),
      // The notifications say it too (is_offline / is_back_online); a repeated publish is not sent twice.
      src.on('notification', (e) => {
        if (e.event === 'is_offline' || e.event === 'is_back_online') this.availabilityChanged(e.unitId, e.event === 'is_back_online');
      }),
    );
  }

  /** Stops listening to the boxes. */
  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private refreshTokens(): void {
    this.tokens = new Map(this.parts.protocol.accounts.unitsOf(this.parts.accountToken));
  }

  now(): number {
    return this.parts.now();
  }

  private tokenOf(unitId: string): string | undefined {
    return this.tokens.get(unitId);
  }

  boxes(): MqttBox[] {
    return this.parts.protocol.accountUnits(this.parts.accountToken).map((e) => {
      const info = this.parts.source.settings(e.unitId).info;
      const protocolVersion = typeof info.protocol_version === 'string' && info.protocol_version !== 'none' ? info.protocol_version : undefined;
      const firmware = typeof info.firmware_version === 'string' && info.firmware_version !== '' ? info.firmware_version : undefined;
      return { unitId: e.unitId, name: e.name || e.unitId, ratingA: ratingAmps(info), firmware, protocolVersion };
    });
  }

  private boxKey(): string {
    return JSON.stringify(this.boxes());
  }

  reading(unitId: string): MqttBoxReading | undefined {
    if (!this.parts.source.hasUnit(unitId)) return undefined;
    const now = this.parts.now();
    const status = statusOf(unitId, this.parts.source.state(unitId, now));
    const s = this.parts.source.settings(unitId);
    const w = (x: { start: number; end: number; car_ready_by: number }) => ({ start: x.start, end: x.end, carReadyBy: x.car_ready_by });
    const schedule: Schedule = { type: s.schedule.type, weekday: w(s.schedule.weekday), weekend: w(s.schedule.weekend) };
    const cars: Car[] = (Array.isArray(s.info.cars) ? (s.info.cars as Record<string, unknown>[]) : []).map((c) => ({ batterySizeWh: num(c.battery_size_wh) }));
    const last = this.reports.get(unitId);
    return {
      status,
      timeZoneId: typeof s.info.timeZoneId === 'string' ? s.info.timeZoneId : undefined,
      cars,
      schedule,
      offlineLimitA: num(s.info.offline_amps_limit),
      report: last?.report,
      reportAtS: last?.atS,
      // A silent box is "disconnect" in get_state.
      online: status.state !== 'disconnect',
    };
  }

  ownerLimit(unitId: string): number | undefined {
    return this.parts.source.hasUnit(unitId) ? this.parts.source.settings(unitId).ampsLimit : undefined;
  }

  private run(unitId: string, cmd: string, fields: Record<string, unknown>): CommandOutcome {
    const token = this.tokenOf(unitId);
    if (!token) return { ok: false, message: 'the box is not on the account' };
    const r = this.parts.protocol.execute('/box_api_secure', { cmd, device_id: 'mqtt', token, account_token: this.parts.accountToken, ...fields });
    if (r.body.success === true) {
      this.commandRan();
      return { ok: true };
    }
    return { ok: false, message: typeof r.body.error_message === 'string' ? r.body.error_message : `the server refused ${cmd}` };
  }

  setLimit(unitId: string, amps: number): CommandOutcome {
    if (!this.tokenOf(unitId)) return { ok: false, message: 'the box is not on the account' };
    try {
      this.parts.source.limits.setLimit(unitId, amps, 'mqtt');
      return { ok: true };
    } catch (e) {
      if (e instanceof ProtocolError) return { ok: false, message: e.message };
      throw e;
    }
  }

  limitWritable(unitId: string): CommandOutcome {
    try {
      this.parts.source.limits.checkWritable(this.parts.source.registry.require(unitId), 'its current limit');
      return { ok: true };
    } catch (e) {
      if (e instanceof ProtocolError) return { ok: false, message: e.message };
      throw e;
    }
  }

  chargeNow(unitId: string): CommandOutcome {
    // "In the past" by the server's clock: charge now, whatever the schedule says.
    return this.run(unitId, 'set_override', { override_time: Math.floor(this.parts.now()) - 1 });
  }

  cancelOverride(unitId: string): CommandOutcome {
    return this.run(unitId, 'set_override', { override_time: 0 });
  }

  setOfflineLimit(unitId: string, amps: number): CommandOutcome {
    return this.run(unitId, 'set_info', { offline_amps_limit: amps });
  }

  subscribe(listener: MqttServerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A report of `unitId` was taken and answered. */
  private reportReceived(unitId: string, report: JuiceBoxReport, atS: number): void {
    this.reports.set(unitId, { report, atS });
    this.changed(unitId);
  }

  /** Something of a box changed: its listeners publish it (on a later turn, never on the reply's path). */
  private changed(unitId: string): void {
    if (this.listeners.size === 0 || !this.tokenOf(unitId)) return;
    for (const l of this.listeners) l.report(unitId);
  }

  /** A command ran (over HTTP or here): the account's boxes or their names may have changed. */
  commandRan(): void {
    this.refreshTokens();
    const key = this.boxKey();
    if (key === this.known) return;
    this.known = key;
    for (const l of this.listeners) l.boxesChanged();
  }

  availabilityChanged(unitId: string, online: boolean): void {
    for (const l of this.listeners) l.availability(unitId, online);
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const STATES: readonly UnitState[] = ['standby', 'plugged', 'charging', 'error', 'disconnect'];

/** get_state's reply, as the server builds it, in the domain's nouns (what the reason line and "full at" read). */
function statusOf(unitId: string, body: Record<string, unknown>): UnitStatus {
  const c = (body.charging ?? {}) as Record<string, unknown>;
  const l = (body.lifetime ?? {}) as Record<string, unknown>;
  const raw = typeof body.state === 'string' ? body.state : '';
  const frequency = num(body.frequency);
  return {
    unitId,
    state: (STATES as readonly string[]).includes(raw) ? (raw as UnitState) : 'unknown',
    rawState: raw,
    charging: {
      ampsLimit: num(c.amps_limit),
      ampsCurrent: num(c.amps_current),
      voltageV: num(c.voltage),
      energyWh: num(c.wh_energy),
      powerW: num(c.watt_power),
      energyAtPluginWh: num(c.wh_energy_at_plugin),
      energyToAddWh: num(c.wh_energy_to_add),
    },
    lifetime: { energyWh: num(l.wh_energy) },
    overrideTime: num(body.override_time),
    timeLastPing: num(body.time_last_ping),
    temperatureC: num(body.temperature),
    frequencyHz: frequency === undefined ? undefined : frequency / 100,
    updateIntervalS: num(body.update_interval),
  };
}
