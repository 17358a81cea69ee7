// Real JuiceBoxes as a source of units for the protocol server (src/server). The work is done by
// its parts, each in its own file: intake (datagrams and diagnostics), the box registry (boxes,
// settings and the events others listen to), session accounting, limits (the one place a limit is
// decided and set) and health (silent boxes, daily reminders). This class joins them and renders
// what the 16 commands read.
import { savingsPerWh, unitZone } from '../server/rules';
import { renderStateReply, type StateReply } from '../server/state-reply';
import type { OverrideRequest } from '../domain/model';
import type { ChargeInterval, SessionSummary, UnitSettings, UnitSource } from '../server/types';
import type { LocalDatabase } from './db';
import { BoxHealth } from './health';
import { type BoxDiagnostics, Intake } from './intake';
import { BoxLimits } from './limits';
import { BoxRegistry, type BoxEventMap } from './registry';
import { SessionBook } from './sessions';

export interface LocalSourceOptions {
  db: LocalDatabase;
  /** Epoch seconds. */
  now: () => number;
  /** Time zone of boxes that have none set yet (IANA or Windows name). */
  defaultTimeZone: string;
  /** Take reports of a known box from any address (default: only from the address it first reported from). */
  allowAddressChange: boolean;
  /** One line for the log (never a token). */
  log: (line: string) => void;
  /** Seconds of silence after which a box is offline (default: two report periods, at least 60 s). */
  offlineAfterS?: number;
  /** Boxes learned from now on are monitor-only (recorded and served, never sent a command). */
  monitorOnlyNewBoxes?: boolean;
}

/** One stream a box reported on lately. */
export interface StreamDiagnostics {
  /** This server's UDP port the reports arrive on. */
  udpPort: number;
  address: string;
  /** The box's own UDP port. */
  port: number;
  firstReportS: number;
  lastReportS: number;
  reports: number;
  /** The stream replies go to (the newest of those alive). */
  active: boolean;
}

/** A serial's diagnostics with what the registry knows of it (the watch fields only for known boxes). */
export type BoxDiagnosticsRead = BoxDiagnostics & {
  online?: boolean;
  firstAddress?: string;
  known: boolean;
  /** The server's UDP port the box reports to (its active stream). */
  udpPort?: number;
  /** The box's own UDP port on its active stream. */
  sourcePort?: number;
  streams?: StreamDiagnostics[];
  /** "unreachable since 14:05" (the box's zone) while it is silent. */
  unreachable?: string;
  unreachableSinceS?: number;
  monitorOnly?: boolean;
  /** The online limit the last reply carried, and the one the box reports. */
  sentLimitA?: number;
  reportedLimitA?: number;
  /** Reports in a row that ignored the server's limit; `ignoring`: the words once flagged. */
  ignoredReports?: number;
  ignoring?: string;
  /** The owner's offline limit, the one the box reports, and the replies that changed it (EEPROM writes). */
  offlineLimitA?: number;
  reportedOfflineLimitA?: number;
  offlineLimitWrites?: number;
};

export class LocalSource implements UnitSource {
  readonly historyQuirk = false;
  readonly registry: BoxRegistry;
  readonly sessions: SessionBook;
  readonly limits: BoxLimits;
  readonly health: BoxHealth;
  readonly intake: Intake;

  constructor(opts: LocalSourceOptions) {
    this.registry = new BoxRegistry(opts);
    this.sessions = new SessionBook(this.registry, opts.db);
    this.limits = new BoxLimits(this.registry, opts.now, opts.log);
    this.health = new BoxHealth(this.registry, opts);
    this.intake = new Intake(opts, this.registry, this.sessions, this.limits, this.health);
  }

  /** Listens to an event of every box (see BoxEventMap); returns the function that stops listening. */
  on<K extends keyof BoxEventMap & string>(name: K, listener: (event: BoxEventMap[K]) => void): () => void {
    return this.registry.on(name, listener);
  }

  // ---------------------------------------------------------------- UDP

  /** See Intake.handleDatagram. */
  handleDatagram(data: Uint8Array | string, address: string, via?: { port: number; localPort: number }): string | undefined {
    return this.intake.handleDatagram(data, address, via);
  }

  /** Datagrams that were not reports of any box: counted, the last few kept. */
  get unattributed(): { count: number; recent: string[] } {
    return this.intake.unattributed;
  }

  /** Marks boxes offline that stopped reporting, and raises "not plugged in by" (call every few seconds). */
  tick(): void {
    this.health.tick();
  }

  // ---------------------------------------------------------------- facts for diagnostics

  unitIds(): string[] {
    return this.registry.ids();
  }

  diagnostics(): Record<string, BoxDiagnosticsRead> {
    const out: Record<string, BoxDiagnosticsRead> = {};
    for (const [serial, g] of this.intake.diagnostics()) {
      const box = this.registry.get(serial);
      const read: BoxDiagnosticsRead = {
        ...structuredClone(g),
        known: box !== undefined,
        online: box?.online,
        firstAddress: box?.firstAddress,
        firmware: g.firmware ?? box?.firmware,
      };
      if (box) {
        const active = box.activeStream;
        Object.assign(read, {
          udpPort: active?.localPort,
          sourcePort: active?.port,
          streams: box.streams.map((s) => ({
            udpPort: s.localPort,
            address: s.address,
            port: s.port,
            firstReportS: s.firstS,
            lastReportS: s.lastS,
            reports: s.reports,
            active: s === active,
          })),
          unreachable: this.health.unreachableWords(box),
          unreachableSinceS: box.online ? undefined : box.silentSinceS,
          monitorOnly: box.monitorOnly,
          sentLimitA: box.lastSentA,
          reportedLimitA: box.last?.onlineLimitA,
          ignoredReports: box.ignoredReports,
          ignoring: box.ignoring,
          offlineLimitA: box.offlineLimitA,
          reportedOfflineLimitA: box.last?.offlineLimitA,
          offlineLimitWrites: box.offlineWrites,
        });
      }
      out[serial] = read;
    }
    return out;
  }

  /** The online limit the box reported last (what it obeys). */
  reportedLimit(unitId: string): number | undefined {
    return this.registry.get(unitId)?.last?.onlineLimitA;
  }

  // ---------------------------------------------------------------- the unit source

  hasUnit(unitId: string): boolean {
    return this.registry.has(unitId);
  }

  prepare(): void {
    // Facts arrive with the reports: nothing to bring up to date.
  }

  settings(unitId: string): Readonly<UnitSettings> {
    return this.registry.require(unitId).settings;
  }

  update(unitId: string, patch: Partial<UnitSettings>): void {
    const box = this.registry.require(unitId);
    this.limits.checkWrite(box, patch);
    if (patch.info && 'offline_amps_limit' in patch.info && patch.info.offline_amps_limit !== box.settings.info.offline_amps_limit) {
      // The owner's only way to change what the box keeps in EEPROM; changed rarely, on purpose.
      this.limits.setOfflineLimit(box, patch.info.offline_amps_limit, patch.info);
    }
    const previousName = this.registry.nameOf(box);
    box.settings = { ...box.settings, ...structuredClone(patch) };
    this.registry.save(box, previousName);
  }

  setOverride(unitId: string, r: OverrideRequest): void {
    const box = this.registry.require(unitId);
    this.limits.checkWritable(box, 'its override');
    box.settings = { ...box.settings, overrideTime: r.overrideTime };
    this.sessions.setOverride(box, r);
    this.registry.save(box);
  }

  state(unitId: string, now: number): StateReply {
    const box = this.registry.require(unitId);
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
    const limitNow = this.limits.onlineLimit(box, now);
    // A monitor-only box keeps its own limit: show that one, not the owner's setting it is never sent.
    const ampsLimit = box.monitorOnly ? limitNow : s.ampsLimit;
    const overrideActive = s.overrideTime > 0 && s.overrideTime <= now;
    const waiting = session !== undefined && limitNow === 0 && ampsLimit > 0;
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
        blocking: limitNow === 0 ? (ampsLimit === 0 ? 'off' : 'schedule') : undefined,
        ampsLimit,
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
    return this.sessions.history(this.registry.require(unitId), beforeId, limit);
  }

  sessionIntervals(unitId: string, sessionId: number, now: number): { start: number; end: number; parts: ChargeInterval[] } | undefined {
    return this.sessions.intervals(unitId, sessionId, now);
  }

  historyKey(): string {
    return 'l';
  }
}
