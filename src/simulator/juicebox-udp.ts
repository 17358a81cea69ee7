// The JuiceBox emulator: the simulator's chargers speaking the box's own UDP protocol to a
// JuiceNet server on this machine. Each box has its own UDP socket (a real box has its own
// address, and the server answers to the address a report came from). A box sends a boot debug
// line, then status reports on the protocol's timing on the simulator's virtual clock (about every
// 9-10 s while charging, 30 s otherwise), obeys the command replies (the simulated charger's limit
// follows the online limit), falls back to its offline limit after 5 minutes without a reply, and
// answers a reply with a bad checksum with a `Miss CRC` debug line. Loopback targets only.
import dgram from 'node:dgram';
import { decodeCommand, encodeDebug, encodeReport, type DecodedCommand, type JuiceBoxField } from '../juicebox/codec';
import { EmulatedBox, type EmulatedBoxStatus } from './emulated-box';
import type { SimEngine } from './engine';
import { isLoopbackAddress, startSimulator } from './index';
import { EMULATED_PROTOCOLS, FIRMWARE, composeReport, reportIntervalS, type EmulatedProtocol } from './juicebox-report';
import { EMULATED_SERIAL_PREFIX, type RunningSimulator, type SimUnitSnapshot, type SimulatorOptions } from './model';
import { Prng, hashUnit } from './prng';

/** The device id the emulator's own limit changes carry. */
const EMULATOR_DEVICE_ID = 'juicebox-emulator';

/** Where the simulated chargers live, seen through public methods only. */
export interface EmulatedChargers {
  now(): number;
  unitIds(): string[];
  snapshot(unitId: string): SimUnitSnapshot;
  /** Sets the charger's current limit (0 = off). */
  setLimit(unitId: string, amps: number): void | Promise<void>;
  /** Takes the charger off the network (it stops reporting) or back. */
  setOnline(unitId: string, online: boolean): void;
}

/** Chargers of an in-process engine (no HTTP). `now` is the engine's virtual clock. */
export function engineChargers(engine: SimEngine, now: () => number): EmulatedChargers {
  const tokens = () => new Map(engine.accountUnits(engine.defaultAccountToken).map((e) => [e.unitId, e.token]));
  let cache = tokens();
  return {
    now,
    unitIds: () => [...(cache = tokens()).keys()],
    snapshot: (id) => engine.snapshot(id),
    setLimit: (id, amps) => {
      const token = cache.get(id) ?? (cache = tokens()).get(id);
      if (!token) throw new Error(`unknown unit ${id}`);
      const r = engine.execute('/box_api_secure', {
        cmd: 'set_limit',
        device_id: EMULATOR_DEVICE_ID,
        token,
        account_token: engine.defaultAccountToken,
        amperage: amps,
      });
      if (r.body.success !== true) throw new Error(`set_limit refused: ${JSON.stringify(r.body)}`);
    },
    setOnline: (id, online) => engine.setOffline(id, !online, 'manual'),
  };
}

/** Chargers of a running simulator; limits are set with its own set_limit over loopback HTTP. */
export function simulatorChargers(sim: RunningSimulator): EmulatedChargers {
  return {
    now: () => sim.now(),
    unitIds: () => sim.units.map((u) => u.unitId),
    snapshot: (id) => sim.unit(id),
    setLimit: async (id, amps) => {
      const entry = sim.units.find((u) => u.unitId === id);
      if (!entry) throw new Error(`unknown unit ${id}`);
      const res = await fetch(`${sim.baseUrl}/box_api_secure`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cmd: 'set_limit', device_id: EMULATOR_DEVICE_ID, token: entry.token, account_token: sim.accountToken, amperage: amps }),
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (!res.ok || body.success !== true) throw new Error(`set_limit refused (HTTP ${res.status})`);
    },
    setOnline: (id, online) => sim.setUnitOffline(id, !online),
  };
}

export interface JuiceBoxEmulatorOptions {
  /** The server's UDP address; must be a loopback address (127.0.0.0/8, ::1 or "localhost"). */
  target: { host: string; port: number };
  /** One protocol for every box, or a list cycled over the boxes (default v09u). */
  protocol?: EmulatedProtocol | readonly EmulatedProtocol[];
  /** The chargers to emulate: a running simulator, an engine, or (neither) a new simulator made from `simulatorOptions`. */
  simulator?: RunningSimulator;
  engine?: { engine: SimEngine; now: () => number };
  chargers?: EmulatedChargers;
  /** Options of the simulator started when none is given (units, speed, seed, manualClock, ...). */
  simulatorOptions?: SimulatorOptions;
  /** Seconds between reports, for every state (default: 9-10 s charging, 30 s otherwise). */
  reportIntervalS?: number;
  /** Virtual seconds without a reply before a box falls back to its offline limit (default 300). */
  fallbackAfterS?: number;
  /** The offline limit each box starts with, in amps (default 16, at most the box's rating). */
  offlineLimitA?: number;
  /** Real milliseconds between scheduler ticks (default 50); 0: no timer, call tick() yourself. */
  tickMs?: number;
  /** Seed of the encrypted boxes' bytes and of report jitter (default 1). */
  seed?: number;
  /** Called for every command a box obeys, with the real time since its last report. */
  onCommand?: (serial: string, command: DecodedCommand, replyMs: number) => void;
}

export interface EmulatorStats {
  boxes: number;
  datagramsSent: number;
  reportsSent: number;
  commandsObeyed: number;
  badChecksumReplies: number;
  garbageReplies: number;
  foreignDatagrams: number;
  limitErrors: number;
  /** Boxes running on their offline limit now. */
  fallenBack: number;
}

export type EmulatorFault =
  /** Random bytes from a box's socket. */
  | { kind: 'garbage'; serial?: string; bytes?: number }
  /** A box's real report with a wrong checksum. */
  | { kind: 'bad-checksum'; serial?: string }
  /** A valid report for a box's serial, from another socket (another source port, or `fromHost`). */
  | { kind: 'spoofed'; serial?: string; fromHost?: string }
  /** A report longer than any real one. */
  | { kind: 'too-long'; serial?: string }
  /** An encrypted (v09e) report for a box's serial. */
  | { kind: 'encrypted'; serial?: string }
  /** Any text from a box's socket. */
  | { kind: 'raw'; serial?: string; text: string };

export interface JuiceBoxEmulator {
  readonly target: { host: string; port: number };
  /** Each box's status (copies). */
  readonly boxes: EmulatedBoxStatus[];
  box(serial: string): EmulatedBoxStatus;
  /** Datagrams sent by every box (reports, debug lines, faults). */
  readonly sentCount: number;
  /** Status reports sent by every box. */
  readonly reportCount: number;
  /** Totals over every box, without copying each box's status (cheap enough to poll with 1,000 boxes). */
  stats(): EmulatorStats;
  /** The simulator the emulator started (when it was not given chargers). */
  readonly simulator?: RunningSimulator;
  readonly chargers: EmulatedChargers;
  /** Virtual time now. */
  now(): number;
  /** Sends the reports that are due and applies fallbacks; returns the number of reports sent. */
  tick(): Promise<number>;
  /** Sends one status report of a box now (its schedule continues from now). */
  sendReport(serial: string): Promise<string>;
  /** Sends a fault datagram; resolves with what was sent. */
  sendFault(fault: EmulatorFault): Promise<Buffer>;
  /** Takes a box off the network (no reports) or back. */
  setBoxOnline(serial: string, online: boolean): void;
  /** Resolves when `predicate` is true (checked after every datagram and tick), or rejects after `timeoutMs` real ms. */
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_FALLBACK_S = 300;
/**
 * Datagrams sent before letting the event loop read sockets: a server in the same process (tests,
 * benchmarks) must get to read its socket, or a thousand reports at once overflow its buffer.
 */
const SEND_BATCH = 16;
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Parses and checks a target: loopback only, a port from 1 to 65535. */
export function loopbackTarget(host: string, port: number): { host: string; port: number } {
  const h = host === 'localhost' ? '127.0.0.1' : host.replace(/^\[(.*)\]$/, '$1');
  if (!isLoopbackAddress(h) || h.toLowerCase().startsWith('::ffff:')) {
    throw new Error(`the JuiceBox emulator only sends to this machine (127.0.0.1, ::1 or localhost), not to ${host}`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`the UDP port must be a whole number from 1 to 65535, got ${port}`);
  return { host: h, port };
}

/** "127.0.0.1:8047" or "[::1]:8047" to a checked loopback target. */
export function parseUdpTarget(text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text.trim());
  if (!m) throw new Error(`expected HOST:PORT (for example 127.0.0.1:8047), got ${JSON.stringify(text)}`);
  return loopbackTarget(m[1], Number(m[2]));
}

/** The report forms of the boxes, one or cycled, checked. */
function protocolsOf(p: JuiceBoxEmulatorOptions['protocol']): EmulatedProtocol[] {
  const protocols = typeof p === 'string' ? [p] : p && p.length > 0 ? [...p] : ['v09u' as const];
  for (const x of protocols)
    if (!EMULATED_PROTOCOLS.includes(x)) throw new Error(`unknown protocol ${JSON.stringify(x)}: use ${EMULATED_PROTOCOLS.join(', ')}`);
  return protocols;
}

/** Binds a socket to a free port of `host`. */
function bindFree(socket: dgram.Socket, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: host, port: 0, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

function sendTo(socket: dgram.Socket, bytes: Buffer, to: { host: string; port: number }): Promise<void> {
  return new Promise<void>((resolve, reject) => socket.send(bytes, to.port, to.host, (err) => (err ? reject(err) : resolve())));
}

/** Callers waiting for a condition, checked whenever the emulator does something (and every 10 ms). */
class Waiters {
  private readonly checks = new Set<() => void>();

  notify(): void {
    for (const check of [...this.checks]) check();
  }

  waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      // Checked on every emulator event, and every 10 ms for conditions outside it (a server's state).
      const finish = (err?: Error) => {
        clearTimeout(deadline);
        clearInterval(poll);
        this.checks.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (predicate()) finish();
      };
      const deadline = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      const poll = setInterval(check, 10);
      this.checks.add(check);
    });
  }
}

/** The chargers the options name: given, an engine's, a running simulator's, or a new simulator's (with emulated serials). */
async function chargersFor(opts: JuiceBoxEmulatorOptions): Promise<{ chargers: EmulatedChargers; ownSim?: RunningSimulator }> {
  if (opts.chargers) return { chargers: opts.chargers };
  if (opts.engine) return { chargers: engineChargers(opts.engine.engine, opts.engine.now) };
  if (opts.simulator) return { chargers: simulatorChargers(opts.simulator) };
  const ownSim = await startSimulator({ serialPrefix: EMULATED_SERIAL_PREFIX, ...opts.simulatorOptions });
  return { chargers: simulatorChargers(ownSim), ownSim };
}

/** The emulated boxes on their sockets: reports on their timing, the replies obeyed, faults on demand. */
class UdpJuiceBoxEmulator implements JuiceBoxEmulator {
  private readonly boxList: EmulatedBox[] = [];
  private readonly bySerial = new Map<string, EmulatedBox>();
  private readonly sockets = new Map<EmulatedBox, dgram.Socket>();
  private readonly rng: Prng;
  private readonly family: 'udp4' | 'udp6';
  private readonly localHost: string;
  private readonly protocols: EmulatedProtocol[];
  private readonly fallbackAfterS: number;
  private readonly waiters = new Waiters();
  private sent = 0;
  private reports = 0;
  private stopped = false;
  private ticking: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly target: { host: string; port: number },
    readonly chargers: EmulatedChargers,
    readonly simulator: RunningSimulator | undefined,
    private readonly opts: JuiceBoxEmulatorOptions,
  ) {
    this.family = target.host.includes(':') ? 'udp6' : 'udp4';
    this.localHost = this.family === 'udp6' ? '::1' : '127.0.0.1';
    this.protocols = protocolsOf(opts.protocol);
    this.fallbackAfterS = opts.fallbackAfterS ?? DEFAULT_FALLBACK_S;
    this.rng = new Prng(opts.seed ?? 1);
  }

  /** Opens a socket per charger, announces each box's boot, and starts the ticks. */
  async open(): Promise<void> {
    const ids = this.chargers.unitIds();
    const t0 = this.now();
    try {
      for (let i = 0; i < ids.length; i++) await this.addBox(i, ids[i], t0);
      // A box announces its boot first.
      const online = this.boxList.filter((b) => this.chargers.snapshot(b.serial).online);
      for (let i = 0; i < online.length; i += SEND_BATCH) {
        await Promise.all(online.slice(i, i + SEND_BATCH).map((b) => this.sendDebug(b, 'NFO', `BOT:${FIRMWARE[b.protocol]}`)));
        await yieldToIo();
      }
    } catch (e) {
      for (const b of this.boxList) this.sockets.get(b)?.close();
      throw e;
    }
    const tickMs = this.opts.tickMs ?? 50;
    if (tickMs > 0) this.timer = setInterval(() => void this.tick(), tickMs);
  }

  private async addBox(index: number, serial: string, t0: number): Promise<void> {
    const box = new EmulatedBox(index, serial, this.protocols[index % this.protocols.length], this.chargers.snapshot(serial), {
      offlineLimitA: this.opts.offlineLimitA,
      startedS: t0,
      // Spread the first reports over the first 10 s so a thousand boxes do not report at once.
      firstReportS: t0 + hashUnit(index, 0, 11) * Math.min(10, this.opts.reportIntervalS ?? 10),
      counter: this.rng.int(0, 999),
      loopCounter: this.rng.int(0, 1_000_000),
    });
    const socket = dgram.createSocket({ type: this.family, reuseAddr: false });
    socket.on('message', (msg, rinfo) => this.onMessage(box, msg, rinfo));
    socket.on('error', () => undefined);
    this.boxList.push(box);
    this.bySerial.set(serial, box);
    this.sockets.set(box, socket);
    await bindFree(socket, this.localHost);
    box.sourcePort = socket.address().port;
  }

  now(): number {
    return this.chargers.now();
  }

  get boxes(): EmulatedBoxStatus[] {
    return this.boxList.map((b) => b.status());
  }

  box(serial: string): EmulatedBoxStatus {
    return this.boxOrThrow(serial).status();
  }

  get sentCount(): number {
    return this.sent;
  }

  get reportCount(): number {
    return this.reports;
  }

  stats(): EmulatorStats {
    const st: EmulatorStats = {
      boxes: this.boxList.length,
      datagramsSent: this.sent,
      reportsSent: this.reports,
      commandsObeyed: 0,
      badChecksumReplies: 0,
      garbageReplies: 0,
      foreignDatagrams: 0,
      limitErrors: 0,
      fallenBack: 0,
    };
    for (const b of this.boxList) {
      st.commandsObeyed += b.commandsObeyed;
      st.badChecksumReplies += b.badChecksumReplies;
      st.garbageReplies += b.garbageReplies;
      st.foreignDatagrams += b.foreignDatagrams;
      st.limitErrors += b.limitErrors;
      if (b.fallenBack) st.fallenBack++;
    }
    return st;
  }

  private boxOrThrow(serial?: string): EmulatedBox {
    const b = serial === undefined ? this.boxList[0] : this.bySerial.get(serial);
    if (!b) throw new Error(serial === undefined ? 'the emulator has no boxes' : `no emulated box ${serial}`);
    return b;
  }

  private async send(box: EmulatedBox, bytes: Buffer, printable: string): Promise<void> {
    if (this.stopped) return;
    await sendTo(this.sockets.get(box)!, bytes, this.target);
    this.sent++;
    box.lastSent = printable;
    this.waiters.notify();
  }

  private async sendDebug(box: EmulatedBox, level: string, text: string): Promise<void> {
    const d = encodeDebug(box.serial, level, text);
    box.debugSent++;
    await this.send(box, Buffer.from(d, 'latin1'), d);
  }

  /** Sends the box's status report now, unless its charger is off the network; schedules the next. */
  private async report(box: EmulatedBox): Promise<string | undefined> {
    const t = this.now();
    const snap = this.chargers.snapshot(box.serial);
    const intervalS = reportIntervalS(box, snap, this.opts.reportIntervalS);
    box.nextReportS = t + intervalS;
    if (!snap.online) return undefined;
    const r = composeReport(box, snap, t, intervalS, this.rng);
    box.lastReportReal = performance.now();
    box.reportsSent++;
    this.reports++;
    await this.send(box, r.bytes, r.text);
    return r.text;
  }

  private applyLimit(box: EmulatedBox, amps: number): void {
    box.applyLimit(
      amps,
      (serial, a) => this.chargers.setLimit(serial, a),
      () => this.waiters.notify(),
      () => this.stopped,
    );
  }

  private onMessage(box: EmulatedBox, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.stopped) return;
    if (rinfo.address !== this.target.host || rinfo.port !== this.target.port) {
      box.foreignDatagrams++;
      this.waiters.notify();
      return;
    }
    const cmd = decodeCommand(msg);
    if (cmd.kind === 'refused') {
      if (cmd.reason === 'bad-checksum') {
        box.badChecksumReplies++;
        void this.sendDebug(box, 'WRN', 'UDPC Miss CRC').catch(() => undefined);
      } else box.garbageReplies++;
      this.waiters.notify();
      return;
    }
    const replyMs = performance.now() - box.lastReportReal;
    this.applyLimit(box, box.obey(cmd, this.now()));
    this.opts.onCommand?.(box.serial, cmd, replyMs);
    this.waiters.notify();
  }

  /** Sends the reports that are due and applies fallbacks; returns the number of reports sent. */
  tick(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    // One tick at a time: a slow tick is not overlapped by the next.
    if (!this.ticking) this.ticking = this.runTick().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async runTick(): Promise<number> {
    const t = this.now();
    let n = 0;
    let batch: Promise<unknown>[] = [];
    for (const box of this.boxList) {
      if (this.stopped) break;
      if (box.fallsBack(t, this.fallbackAfterS)) this.applyLimit(box, box.offlineLimitA);
      if (box.nextReportS > t) continue;
      batch.push(
        this.report(box).then(
          (r) => (r !== undefined ? n++ : undefined),
          () => undefined,
        ),
      );
      if (batch.length >= SEND_BATCH) {
        await Promise.all(batch);
        batch = [];
        await yieldToIo();
      }
    }
    await Promise.all(batch);
    this.waiters.notify();
    return n;
  }

  async sendReport(serial: string): Promise<string> {
    const r = await this.report(this.boxOrThrow(serial));
    if (r === undefined) throw new Error(`box ${serial} is offline: it sends no report`);
    return r;
  }

  /** A report of the box in another form (a fault), leaving the box's own form as it is. */
  private reportAs(box: EmulatedBox, protocol: EmulatedProtocol): { bytes: Buffer; text: string } {
    const snap = this.chargers.snapshot(box.serial);
    const own = box.protocol;
    box.protocol = protocol;
    try {
      return composeReport(box, snap, this.now(), reportIntervalS(box, snap, this.opts.reportIntervalS), this.rng);
    } finally {
      box.protocol = own;
    }
  }

  async sendFault(fault: EmulatorFault): Promise<Buffer> {
    const box = this.boxOrThrow(fault.serial);
    if (fault.kind === 'spoofed') {
      const bytes = this.reportAs(box, box.protocol).bytes;
      const host = fault.fromHost ?? this.localHost;
      loopbackTarget(host, 1);
      const other = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
      try {
        await bindFree(other, host);
        await sendTo(other, bytes, this.target);
      } finally {
        other.close();
      }
      this.sent++;
      this.waiters.notify();
      return bytes;
    }
    const bytes = this.faultBytes(box, fault);
    await this.send(box, bytes, bytes.toString('latin1'));
    return bytes;
  }

  private faultBytes(box: EmulatedBox, fault: Exclude<EmulatorFault, { kind: 'spoofed' }>): Buffer {
    switch (fault.kind) {
      case 'garbage': {
        const bytes = Buffer.alloc(fault.bytes ?? 64);
        for (let i = 0; i < bytes.length; i++) bytes[i] = this.rng.int(0, 255);
        return bytes;
      }
      case 'bad-checksum': {
        const text = this.reportAs(box, box.protocol === 'legacy' || box.protocol === 'v09e' ? 'v09u' : box.protocol).text;
        const bang = text.lastIndexOf('!');
        const wrong = text.slice(bang + 1, bang + 4) === '000' ? '001' : '000';
        return Buffer.from(`${text.slice(0, bang + 1)}${wrong}:`, 'latin1');
      }
      case 'too-long':
        return Buffer.from(
          encodeReport(
            box.serial,
            Array.from({ length: 400 }, (_, i): JuiceBoxField => ['X', String(i)]),
          ),
          'latin1',
        );
      case 'encrypted':
        return this.reportAs(box, 'v09e').bytes;
      case 'raw':
        return Buffer.from(fault.text, 'latin1');
    }
  }

  setBoxOnline(serial: string, online: boolean): void {
    this.chargers.setOnline(this.boxOrThrow(serial).serial, online);
  }

  waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'the condition'): Promise<void> {
    return this.waiters.waitFor(predicate, timeoutMs, what);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking?.catch(() => undefined);
    await Promise.all([...this.sockets.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    if (this.simulator) await this.simulator.close();
  }
}

export async function startJuiceBoxEmulator(opts: JuiceBoxEmulatorOptions): Promise<JuiceBoxEmulator> {
  const target = loopbackTarget(opts.target.host, opts.target.port);
  protocolsOf(opts.protocol);
  if (opts.reportIntervalS !== undefined && !(opts.reportIntervalS > 0)) throw new Error('reportIntervalS must be a positive number of seconds');
  const { chargers, ownSim } = await chargersFor(opts);
  const emulator = new UdpJuiceBoxEmulator(target, chargers, ownSim, opts);
  try {
    await emulator.open();
  } catch (e) {
    if (ownSim) await ownSim.close();
    throw e;
  }
  return emulator;
}
