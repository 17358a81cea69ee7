// What the MQTT side needs from JuiceNet Local, and nothing more: the boxes on the owner's account,
// what each last reported, and the owner's commands, run through the server's own rules (the same
// path as set_limit and set_override over HTTP: rating, schedule, override, and whatever else the
// rules refuse). The bridge sees only this interface; serverForMqtt() builds it from the server.
import { parseReply } from '../../api/normalise';
import type { Schedule, UnitInfo, UnitStatus } from '../../api/types';
import { decodeDatagram, type JuiceBoxReport } from '../../juicebox/codec';
import type { JuiceNetProtocol } from '../../server/protocol';
import { ratingAmps } from '../../server/rules';
import type { UnitSource } from '../../server/types';

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
  info: UnitInfo;
  schedule: Schedule;
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
  source: UnitSource & { reportedLimit?(unitId: string): number | undefined };
  accountToken: string;
  now: () => number;
}

/**
 * The server side for the bridge: commands run as the protocol's set_limit / set_override with the
 * owner's unit token, so every rule HTTP applies applies here too. Reports and box changes are fed
 * in by the server (`reportReceived`, `commandRan`, `availabilityChanged`).
 */
export class ServerForMqtt implements LocalServerForMqtt {
  private readonly listeners = new Set<MqttServerListener>();
  /** The last accepted report of each box, kept as it came and read when published (never on the reply's path). */
  private readonly reports = new Map<string, { datagram: Uint8Array; atS: number; report?: JuiceBoxReport }>();
  private known = '';
  /** Unit id -> the owner's unit token, for the boxes on the account. */
  private tokens = new Map<string, string>();

  constructor(private readonly parts: ServerForMqttParts) {
    this.refreshTokens();
    this.known = this.boxKey();
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
    const status = parseReply('get_state', this.parts.source.state(unitId, now));
    const s = this.parts.source.settings(unitId);
    const info = parseReply('get_info', { ...s.info, info_timestamp: s.infoTimestamp, success: true });
    const schedule = parseReply('get_schedule', { ...s.schedule, success: true });
    const last = this.reports.get(unitId);
    if (last && !last.report) {
      const d = decodeDatagram(last.datagram);
      if (d.kind === 'report') last.report = d;
    }
    // A silent box is "disconnect" in get_state.
    return { status, info, schedule, report: last?.report, reportAtS: last?.atS, online: status.state !== 'disconnect' };
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
    return this.run(unitId, 'set_limit', { amperage: amps });
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

  /** A report of `unitId` (the datagram as received) was taken and answered. */
  reportReceived(unitId: string, datagram: Uint8Array): void {
    this.reports.set(unitId, { datagram, atS: this.parts.now() });
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
