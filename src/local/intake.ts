// Intake: every UDP datagram that reaches the server, and what the diagnostics read shows of it.
// A valid status report is stored (a sample, the box's session) and answered at once with the
// limit the server's rules allow now; garbage, bad checksums, encrypted reports and reports from
// an unexpected address never touch a box's state: they are counted, per serial where one is
// named, for the diagnostics read.
import { type JuiceBoxReport, type JuiceBoxState, REFUSAL_WORDS, decodeDatagram } from '../juicebox/codec';
import type { LocalDatabase } from './db';
import type { BoxHealth } from './health';
import type { BoxLimits } from './limits';
import type { BoxEvent, BoxRegistry, BoxStream, LocalBox } from './registry';
import { MAX_BOXES } from './registry';
import type { SessionBook } from './sessions';

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

export interface IntakeOptions {
  db: LocalDatabase;
  now: () => number;
  log: (line: string) => void;
  /** Take reports of a known box from any address (default: only from the address it first reported from). */
  allowAddressChange: boolean;
}

const DEBUG_LINES_KEPT = 20;
/** Serials whose diagnostics are kept at most (a flood of made-up ones is bounded). */
const MAX_DIAGNOSED = 10_000;

function emptyDiagnostics(): BoxDiagnostics {
  return { reports: 0, checksumFailures: 0, encryptedReports: 0, refusedFromOtherAddress: 0, debugLines: [], missCrc: 0 };
}

/** The address without an IPv4-mapped prefix ("::ffff:10.0.0.5" and "10.0.0.5" are one box). */
export function plainAddress(a: string): string {
  return a.replace(/^::ffff:/i, '');
}

export class Intake {
  private readonly diag = new Map<string, BoxDiagnostics>();
  /** Datagrams that were not reports of any box (no serial): counted, the last few kept. */
  readonly unattributed = { count: 0, recent: [] as string[] };
  private readonly warnedEncrypted = new Set<string>();

  constructor(
    private readonly opts: IntakeOptions,
    private readonly registry: BoxRegistry,
    private readonly sessions: SessionBook,
    private readonly limits: BoxLimits,
    private readonly health: BoxHealth,
  ) {
    for (const box of registry.all()) {
      const d = this.diagFor(box.unitId);
      d.firmware = box.firmware;
      d.protocolVersion = box.protocolVersion;
    }
  }

  private get db(): LocalDatabase {
    return this.opts.db;
  }

  /**
   * Takes one datagram from `address` (and, when known, the box's port and the server port it
   * arrived on); returns the command datagram to send back, or undefined when nothing is answered
   * (not a valid status report, or a refused one).
   */
  handleDatagram(data: Uint8Array | string, address: string, via: { port: number; localPort: number } = { port: 0, localPort: 0 }): string | undefined {
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
        const box = this.registry.get(d.serial);
        if (box && box.firmware !== d.boot.firmware) {
          box.firmware = d.boot.firmware;
          box.settings = { ...box.settings, info: { ...box.settings.info, firmware_version: d.boot.firmware } };
          this.db.transaction(() => {
            this.registry.saveFacts(box);
            this.registry.save(box);
          });
        }
      }
      return undefined;
    }
    let box = this.registry.get(d.serial);
    if (box && plainAddress(box.firstAddress) !== from && !this.opts.allowAddressChange) {
      g.refusedFromOtherAddress++;
      return undefined;
    }
    if (!box && this.registry.size >= MAX_BOXES) {
      this.unattributed.count++;
      this.unattributed.recent = [...this.unattributed.recent.slice(-9), `a new box ${d.serial} was not learned: ${MAX_BOXES} boxes are known already`];
      return undefined;
    }
    const now = this.opts.now();
    g.reports++;
    g.lastRawReport = d.raw;
    g.lastReportS = now;
    g.protocolVersion = d.protocolVersion;
    box ??= this.registry.learn(d, from, g.firmware);
    const active = this.health.followStream(box, { localPort: via.localPort, address: from, port: via.port }, now);
    return this.takeReport(box, d, active, now);
  }

  private diagFor(serial: string): BoxDiagnostics {
    let g = this.diag.get(serial);
    if (!g) {
      // Serials are the box's digits; a flood of made-up ones is bounded.
      if (this.diag.size >= MAX_DIAGNOSED) {
        const oldest = this.diag.keys().next().value as string;
        if (!this.registry.has(oldest)) this.diag.delete(oldest);
      }
      this.diag.set(serial, (g = emptyDiagnostics()));
    }
    return g;
  }

  /**
   * Stores a report and builds its reply. `stream`: where it came from and whether that is the
   * box's active stream (the only one answered); a monitor-only box is never answered.
   */
  private takeReport(box: LocalBox, r: JuiceBoxReport, stream: BoxStream & { active: boolean }, now: number): string | undefined {
    const prev = box.last;
    const state: JuiceBoxState = r.state === 'unknown' ? (prev?.state ?? 'standby') : r.state;
    const events: BoxEvent[] = this.health.reported(box, now);
    if (stream.active) this.health.observeLimit(box, r);
    let settingsChanged = false;
    if (r.protocolVersion !== box.protocolVersion && r.protocolVersion !== undefined) {
      box.protocolVersion = r.protocolVersion;
      box.settings = { ...box.settings, info: { ...box.settings.info, protocol_version: r.protocolVersion } };
      this.registry.saveFacts(box);
      settingsChanged = true;
    }
    this.db.transaction(() => {
      const step = this.sessions.take(box, r, state, prev, now);
      events.push(...step.events);
      settingsChanged ||= step.settingsChanged;
      if (step.opened && this.limits.onlineLimit(box, now) === 0 && box.settings.schedule.type === 'custom') events.push('charging_delayed_due_to_ToU');
      this.db.addSample({
        unit_id: box.unitId,
        t: now,
        session_id: step.sessionId ?? null,
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
      if (settingsChanged) this.registry.save(box);
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
      offlineLimitA: r.offlineLimitA,
      reportIntervalS: r.reportIntervalS,
    };
    const reply = stream.active ? this.limits.reply(box, r.protocolVersion, now) : undefined;
    for (const e of events) this.registry.notify(box, e, { state });
    const { active: _active, ...from } = stream;
    if (this.registry.events.has('report')) {
      this.registry.events.emit('report', { unitId: box.unitId, atS: now, report: r, state, stream: from, sentLimitA: reply?.onlineA });
    }
    return reply?.datagram;
  }

  /** Per serial, what arrived (copies). */
  diagnostics(): Map<string, BoxDiagnostics> {
    return this.diag;
  }
}
