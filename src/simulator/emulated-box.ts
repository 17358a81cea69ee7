// One emulated JuiceBox: its counters, the limits it obeys, and how it applies a limit to the
// simulated charger behind it (one change at a time, the latest wish winning). No sockets: the
// emulator (./juicebox-udp.ts) sends and receives for it.
import type { DecodedCommand } from '../juicebox/codec';
import { MIN_AMPS } from '../domain/amps';
import type { EmulatedProtocol, ReportingBox } from './juicebox-report';
import type { SimUnitSnapshot } from './model';

/** What a box did, for tests and diagnostics. */
export interface EmulatedBoxStatus {
  serial: string;
  protocol: EmulatedProtocol;
  /** The box's own UDP port (its source address is 127.0.0.1 or ::1 and this port). */
  sourcePort: number;
  reportsSent: number;
  debugSent: number;
  commandsObeyed: number;
  /** Replies refused for a bad checksum (each answered with a Miss CRC debug line). */
  badChecksumReplies: number;
  /** Replies that were not a command at all. */
  garbageReplies: number;
  /** Datagrams from any address other than the target (ignored). */
  foreignDatagrams: number;
  onlineLimitA: number;
  offlineLimitA: number;
  /** Times the offline limit changed (the box writes it to EEPROM). */
  offlineLimitWrites: number;
  /** The limit the simulated charger runs at now. */
  appliedLimitA: number;
  /** True while the box has had no reply for fallbackAfterS and runs on its offline limit. */
  fallenBack: boolean;
  lastCommand?: DecodedCommand;
  /** Virtual time of the last obeyed command. */
  lastReplyAtS?: number;
  /** The last datagram the box sent (text; encrypted boxes: rendered printable). */
  lastSent?: string;
  /** Failures to apply a limit to the simulated charger, and the last one's message. */
  limitErrors: number;
  lastLimitError?: string;
}

/** Sets the simulated charger's limit: at once, or by a promise (over HTTP). */
export type SetChargerLimit = (serial: string, amps: number) => void | Promise<void>;

/** The highest limit a box offers: the lower of its wire and unit ratings (40 A and 32 A when unknown). */
export function boxRatingA(info: Record<string, unknown>): number {
  const num = (v: unknown, f: number) => (typeof v === 'number' && Number.isFinite(v) ? v : f);
  return Math.min(num(info.amps_wire_rating, 40), num(info.amps_unit_rating, 32));
}

export class EmulatedBox implements EmulatedBoxStatus, ReportingBox {
  sourcePort = 0;
  reportsSent = 0;
  debugSent = 0;
  commandsObeyed = 0;
  badChecksumReplies = 0;
  garbageReplies = 0;
  foreignDatagrams = 0;
  onlineLimitA: number;
  offlineLimitA: number;
  offlineLimitWrites = 0;
  appliedLimitA: number;
  fallenBack = false;
  lastCommand?: DecodedCommand;
  lastReplyAtS?: number;
  lastSent?: string;
  limitErrors = 0;
  lastLimitError?: string;

  readonly ratingA: number;
  /** Virtual time the box started (its silence before any reply counts from here). */
  readonly startedS: number;
  counter: number;
  loopCounter: number;
  /** Virtual time of the next report. */
  nextReportS: number;
  /** Real time (performance.now) of the last report, to measure a reply's delay. */
  lastReportReal = performance.now();
  private settingLimit = false;
  private wantLimitA?: number;

  constructor(
    readonly index: number,
    readonly serial: string,
    public protocol: EmulatedProtocol,
    snap: SimUnitSnapshot,
    opts: { offlineLimitA?: number; startedS: number; firstReportS: number; counter: number; loopCounter: number },
  ) {
    this.startedS = opts.startedS;
    this.ratingA = boxRatingA(snap.info);
    this.onlineLimitA = snap.ampsLimit;
    this.appliedLimitA = snap.ampsLimit;
    this.offlineLimitA = Math.min(this.ratingA, opts.offlineLimitA ?? 16);
    this.nextReportS = opts.firstReportS;
    this.counter = opts.counter;
    this.loopCounter = opts.loopCounter;
  }

  /** A copy of what the box did (its public status only). */
  status(): EmulatedBoxStatus {
    return structuredClone({
      serial: this.serial,
      protocol: this.protocol,
      sourcePort: this.sourcePort,
      reportsSent: this.reportsSent,
      debugSent: this.debugSent,
      commandsObeyed: this.commandsObeyed,
      badChecksumReplies: this.badChecksumReplies,
      garbageReplies: this.garbageReplies,
      foreignDatagrams: this.foreignDatagrams,
      onlineLimitA: this.onlineLimitA,
      offlineLimitA: this.offlineLimitA,
      offlineLimitWrites: this.offlineLimitWrites,
      appliedLimitA: this.appliedLimitA,
      fallenBack: this.fallenBack,
      limitErrors: this.limitErrors,
      ...(this.lastCommand !== undefined ? { lastCommand: this.lastCommand } : {}),
      ...(this.lastReplyAtS !== undefined ? { lastReplyAtS: this.lastReplyAtS } : {}),
      ...(this.lastSent !== undefined ? { lastSent: this.lastSent } : {}),
      ...(this.lastLimitError !== undefined ? { lastLimitError: this.lastLimitError } : {}),
    });
  }

  /** Obeys a server's command received at `nowS`: its limits, a new offline limit written once. Returns the limit to apply now. */
  obey(cmd: DecodedCommand, nowS: number): number {
    this.commandsObeyed++;
    this.lastCommand = cmd;
    this.lastReplyAtS = nowS;
    this.fallenBack = false;
    if (cmd.offlineA !== this.offlineLimitA) {
      this.offlineLimitA = cmd.offlineA;
      this.offlineLimitWrites++;
    }
    this.onlineLimitA = cmd.onlineA;
    return cmd.onlineA;
  }

  /** Whether the box, silent server for `fallbackAfterS`, falls back to its offline limit now (once per silence). */
  fallsBack(nowS: number, fallbackAfterS: number): boolean {
    if (this.fallenBack || nowS - (this.lastReplyAtS ?? this.startedS) < fallbackAfterS) return false;
    this.fallenBack = true;
    return true;
  }

  /**
   * Runs the simulated charger at `amps` (0 = off; otherwise 6 A up to the box's rating). One
   * change is under way at a time; a newer wish is applied when it finishes. `changed` runs after each.
   */
  applyLimit(amps: number, setLimit: SetChargerLimit, changed: () => void, stopped: () => boolean): void {
    const want = amps <= 0 ? 0 : Math.min(this.ratingA, Math.max(MIN_AMPS, Math.round(amps)));
    this.wantLimitA = want;
    if (this.settingLimit || want === this.appliedLimitA) return;
    this.settingLimit = true;
    const done = (ok: boolean, err?: unknown) => {
      this.settingLimit = false;
      if (ok) this.appliedLimitA = want;
      else {
        this.limitErrors++;
        this.lastLimitError = err instanceof Error ? err.message : String(err);
      }
      changed();
      if (ok && this.wantLimitA !== undefined && this.wantLimitA !== this.appliedLimitA && !stopped())
        this.applyLimit(this.wantLimitA, setLimit, changed, stopped);
    };
    try {
      const r = setLimit(this.serial, want);
      if (r instanceof Promise)
        r.then(
          () => done(true),
          (e) => done(false, e),
        );
      else done(true);
    } catch (e) {
      done(false, e);
    }
  }
}
