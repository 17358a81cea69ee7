// The JuiceBox emulator: the simulator's chargers speaking the box's own UDP protocol to a
// JuiceNet server on this machine. Each box has its own UDP socket (a real box has its own
// address, and the server answers to the address a report came from). A box sends a boot debug
// line, then status reports on the protocol's timing on the simulator's virtual clock (about every
// 9-10 s while charging, 30 s otherwise), obeys the command replies (the simulated charger's limit
// follows the online limit), falls back to its offline limit after 5 minutes without a reply, and
// answers a reply with a bad checksum with a `Miss CRC` debug line. Loopback targets only.
import dgram from 'node:dgram';
import { decodeCommand, encodeDebug, encodeReport, type DecodedCommand, type JuiceBoxField } from '../juicebox/codec';
import { SimEngine } from './engine';
import { isLoopbackAddress, startSimulator } from './index';
import { RunningSimulator, SimUnitSnapshot, SimulatorOptions } from './model';
import { Prng, hashUnit } from './prng';

/** Report forms the emulator speaks: `legacy` is old firmware (no version, no `S`, no checksum). */
export type EmulatedProtocol = 'v09u' | 'v07' | 'legacy' | 'v09e';
export const EMULATED_PROTOCOLS: readonly EmulatedProtocol[] = ['v09u', 'v07', 'legacy', 'v09e'];

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
const MIN_AMPS = 6;
const FIRMWARE: Record<EmulatedProtocol, string> = {
  v09u: 'JuiceNet-Sim-2.1.0, 2026-01-01T00:00:00Z',
  v07: 'JuiceNet-Sim-1.7.0, 2026-01-01T00:00:00Z',
  legacy: 'JuiceNet-Sim-0.9.0, 2026-01-01T00:00:00Z',
  v09e: 'JuiceNet-Sim-2.2.0e, 2026-01-01T00:00:00Z',
};

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

interface Box extends EmulatedBoxStatus {
  index: number;
  socket: dgram.Socket;
  ratingA: number;
  nextReportS: number;
  counter: number;
  loopCounter: number;
  lastReportReal: number;
  startedS: number;
  settingLimit: boolean;
  wantLimitA?: number;
}

export async function startJuiceBoxEmulator(opts: JuiceBoxEmulatorOptions): Promise<JuiceBoxEmulator> {
  const target = loopbackTarget(opts.target.host, opts.target.port);
  const family = target.host.includes(':') ? 'udp6' : 'udp4';
  const localHost = family === 'udp6' ? '::1' : '127.0.0.1';
  const protocols = typeof opts.protocol === 'string' ? [opts.protocol] : opts.protocol && opts.protocol.length > 0 ? [...opts.protocol] : ['v09u' as const];
  for (const p of protocols)
    if (!EMULATED_PROTOCOLS.includes(p)) throw new Error(`unknown protocol ${JSON.stringify(p)}: use ${EMULATED_PROTOCOLS.join(', ')}`);
  const fallbackAfterS = opts.fallbackAfterS ?? DEFAULT_FALLBACK_S;
  if (opts.reportIntervalS !== undefined && !(opts.reportIntervalS > 0)) throw new Error('reportIntervalS must be a positive number of seconds');

  let ownSim: RunningSimulator | undefined;
  let chargers: EmulatedChargers;
  if (opts.chargers) chargers = opts.chargers;
  else if (opts.engine) chargers = engineChargers(opts.engine.engine, opts.engine.now);
  else if (opts.simulator) chargers = simulatorChargers(opts.simulator);
  else {
    ownSim = await startSimulator(opts.simulatorOptions ?? {});
    chargers = simulatorChargers(ownSim);
  }

  const rng = new Prng(opts.seed ?? 1);
  let sent = 0;
  let reports = 0;
  let stopped = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };

  const boxes: Box[] = [];
  const bySerial = new Map<string, Box>();
  const now = () => chargers.now();

  const bind = (socket: dgram.Socket, host: string) =>
    new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: host, port: 0, exclusive: true }, () => {
        socket.off('error', reject);
        resolve();
      });
    });

  const sendBytes = (socket: dgram.Socket, bytes: Buffer, to = target) =>
    new Promise<void>((resolve, reject) => socket.send(bytes, to.port, to.host, (err) => (err ? reject(err) : resolve())));

  const send = async (box: Box, bytes: Buffer, printable: string) => {
    if (stopped) return;
    await sendBytes(box.socket, bytes);
    sent++;
    box.lastSent = printable;
    notify();
  };

  const sendDebug = async (box: Box, level: string, text: string) => {
    const d = encodeDebug(box.serial, level, text);
    box.debugSent++;
    await send(box, Buffer.from(d, 'latin1'), d);
  };

  const intervalFor = (box: Box, snap: SimUnitSnapshot) => opts.reportIntervalS ?? (snap.state === 'charging' ? 9 + (box.index % 2) : 30);

  function reportFor(box: Box, snap: SimUnitSnapshot, t: number): { bytes: Buffer; text: string; intervalS: number } {
    const intervalS = intervalFor(box, snap);
    box.counter = (box.counter + 1) % 1000;
    box.loopCounter += 1 + Math.floor(intervalS * 100 * hashUnit(box.index, box.counter, 7));
    const minute = Math.floor(t / 60);
    const amps = snap.state === 'charging' ? snap.ampsCurrent : 0;
    const volts = snap.voltageV;
    const sessionWh = Math.round(snap.car?.sessionWh ?? 0);
    const lifetimeWh = Math.round(snap.lifetimeEnergyWh);
    const tempC = Math.round(18 + amps / 6 + hashUnit(box.index, Math.floor(minute / 5), 3) * 4);
    const freq = 6000 + Math.round((hashUnit(box.index, minute, 2) - 0.5) * 4);
    const slot = Math.floor((((t % 86400) + 86400) % 86400) / 900);
    const stateCode = { standby: 0, plugged: 1, charging: 2, error: 5 }[snap.state];
    const pad = (n: number, w: number) => String(Math.max(0, Math.round(n))).padStart(w, '0');
    const fields: JuiceBoxField[] = [];
    switch (box.protocol) {
      case 'v09u':
        fields.push(
          ['v', '09u'],
          ['s', pad(box.counter, 3)],
          ['F', '10'],
          ['u', pad(box.loopCounter % 1e8, 8)],
          ['V', pad(volts * 10, 4)],
          ['L', pad(lifetimeWh, 11)],
        );
        fields.push(
          ['S', pad(stateCode, 2)],
          ['T', pad(tempC, 2)],
          ['M', pad(box.onlineLimitA, 4)],
          ['C', pad(box.offlineLimitA, 4)],
          ['m', pad(box.ratingA, 4)],
        );
        fields.push(['t', pad(intervalS, 2)], ['i', pad(slot, 2)], ['e', '00000'], ['f', pad(freq, 4)], ['r', '61'], ['b', '000'], ['B', '0000000']);
        fields.push(['A', pad(amps * 10, 5)], ['E', pad(sessionWh, 5)]);
        break;
      case 'v07':
        fields.push(
          ['v', '07'],
          ['s', String(box.counter)],
          ['V', pad(volts * 10, 4)],
          ['L', String(lifetimeWh)],
          ['S', String(stateCode)],
          ['T', String(tempC)],
        );
        fields.push(
          ['M', pad(box.onlineLimitA, 2)],
          ['m', pad(box.ratingA, 2)],
          ['t', String(intervalS)],
          ['i', String(slot)],
          ['e', '0'],
          ['f', String(freq)],
        );
        fields.push(['A', String(Math.round(amps * 10))], ['E', String(sessionWh)]);
        break;
      case 'legacy':
        // No version, no S, no checksum; A only with a car (A0 plugged in, above 0 charging); E twice.
        fields.push(['V', String(Math.round(volts))], ['L', String(lifetimeWh)], ['E', String(sessionWh)], ['T', String(tempC)]);
        if (snap.car) fields.push(['A', String(Math.round(amps * 10))]);
        fields.push(['E', String(sessionWh)], ['i', String(slot)], ['e', '1'], ['t', String(intervalS)]);
        break;
      case 'v09e': {
        const body = Buffer.alloc(48 + rng.int(0, 32));
        for (let i = 0; i < body.length; i++) body[i] = rng.int(0, 255);
        const bytes = Buffer.concat([Buffer.from(`${box.serial}:v09e`, 'latin1'), body]);
        return { bytes, text: `${box.serial}:v09e<${body.length} encrypted bytes>`, intervalS };
      }
    }
    const text = encodeReport(box.serial, fields, { checksum: box.protocol !== 'legacy' });
    return { bytes: Buffer.from(text, 'latin1'), text, intervalS };
  }

  async function report(box: Box): Promise<string | undefined> {
    const t = now();
    const snap = chargers.snapshot(box.serial);
    if (!snap.online) {
      box.nextReportS = t + intervalFor(box, snap);
      return undefined;
    }
    const r = reportFor(box, snap, t);
    box.nextReportS = t + r.intervalS;
    box.lastReportReal = performance.now();
    box.reportsSent++;
    reports++;
    await send(box, r.bytes, r.text);
    return r.text;
  }

  function applyLimit(box: Box, amps: number): void {
    const want = amps <= 0 ? 0 : Math.min(box.ratingA, Math.max(MIN_AMPS, Math.round(amps)));
    box.wantLimitA = want;
    if (box.settingLimit || want === box.appliedLimitA) return;
    box.settingLimit = true;
    const done = (ok: boolean, err?: unknown) => {
      box.settingLimit = false;
      if (ok) box.appliedLimitA = want;
      else {
        box.limitErrors++;
        box.lastLimitError = err instanceof Error ? err.message : String(err);
      }
      notify();
      if (box.wantLimitA !== undefined && box.wantLimitA !== box.appliedLimitA && ok && !stopped) applyLimit(box, box.wantLimitA);
    };
    try {
      const r = chargers.setLimit(box.serial, want);
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

  function onMessage(box: Box, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (stopped) return;
    if (rinfo.address !== target.host || rinfo.port !== target.port) {
      box.foreignDatagrams++;
      notify();
      return;
    }
    const cmd = decodeCommand(msg);
    if (cmd.kind === 'refused') {
      if (cmd.reason === 'bad-checksum') {
        box.badChecksumReplies++;
        void sendDebug(box, 'WRN', 'UDPC Miss CRC').catch(() => undefined);
      } else box.garbageReplies++;
      notify();
      return;
    }
    const replyMs = performance.now() - box.lastReportReal;
    box.commandsObeyed++;
    box.lastCommand = cmd;
    box.lastReplyAtS = now();
    box.fallenBack = false;
    if (cmd.offlineA !== box.offlineLimitA) {
      box.offlineLimitA = cmd.offlineA;
      box.offlineLimitWrites++;
    }
    box.onlineLimitA = cmd.onlineA;
    applyLimit(box, cmd.onlineA);
    opts.onCommand?.(box.serial, cmd, replyMs);
    notify();
  }

  const ids = chargers.unitIds();
  const t0 = now();
  try {
    for (let i = 0; i < ids.length; i++) {
      const serial = ids[i];
      const snap = chargers.snapshot(serial);
      const info = snap.info;
      const num = (v: unknown, f: number) => (typeof v === 'number' && Number.isFinite(v) ? v : f);
      const ratingA = Math.min(num(info.amps_wire_rating, 40), num(info.amps_unit_rating, 32));
      const socket = dgram.createSocket({ type: family, reuseAddr: false });
      const box: Box = {
        index: i,
        serial,
        protocol: protocols[i % protocols.length],
        socket,
        sourcePort: 0,
        reportsSent: 0,
        debugSent: 0,
        commandsObeyed: 0,
        badChecksumReplies: 0,
        garbageReplies: 0,
        foreignDatagrams: 0,
        onlineLimitA: snap.ampsLimit,
        offlineLimitA: Math.min(ratingA, opts.offlineLimitA ?? 16),
        offlineLimitWrites: 0,
        appliedLimitA: snap.ampsLimit,
        fallenBack: false,
        limitErrors: 0,
        ratingA,
        // Spread the first reports over the first 10 s so a thousand boxes do not report at once.
        nextReportS: t0 + hashUnit(i, 0, 11) * Math.min(10, opts.reportIntervalS ?? 10),
        counter: rng.int(0, 999),
        loopCounter: rng.int(0, 1_000_000),
        lastReportReal: performance.now(),
        startedS: t0,
        settingLimit: false,
      };
      socket.on('message', (msg, rinfo) => onMessage(box, msg, rinfo));
      socket.on('error', () => undefined);
      boxes.push(box);
      bySerial.set(serial, box);
      await bind(socket, localHost);
      box.sourcePort = socket.address().port;
    }
    // A box announces its boot first.
    const online = boxes.filter((b) => chargers.snapshot(b.serial).online);
    for (let i = 0; i < online.length; i += SEND_BATCH) {
      await Promise.all(online.slice(i, i + SEND_BATCH).map((b) => sendDebug(b, 'NFO', `BOT:${FIRMWARE[b.protocol]}`)));
      await yieldToIo();
    }
  } catch (e) {
    for (const b of boxes) b.socket.close();
    if (ownSim) await ownSim.close();
    throw e;
  }

  let ticking: Promise<number> | undefined;
  async function runTick(): Promise<number> {
    const t = now();
    let n = 0;
    let batch: Promise<unknown>[] = [];
    for (const box of boxes) {
      if (stopped) break;
      const since = box.lastReplyAtS ?? box.startedS;
      if (!box.fallenBack && t - since >= fallbackAfterS) {
        box.fallenBack = true;
        applyLimit(box, box.offlineLimitA);
      }
      if (box.nextReportS <= t) {
        batch.push(
          report(box).then(
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
    }
    await Promise.all(batch);
    notify();
    return n;
  }
  const tick = (): Promise<number> => {
    if (stopped) return Promise.resolve(0);
    // One tick at a time: a slow tick is not overlapped by the next.
    if (!ticking) ticking = runTick().finally(() => (ticking = undefined));
    return ticking;
  };

  const tickMs = opts.tickMs ?? 50;
  const timer = tickMs > 0 ? setInterval(() => void tick(), tickMs) : undefined;

  const boxOrThrow = (serial?: string): Box => {
    const b = serial === undefined ? boxes[0] : bySerial.get(serial);
    if (!b) throw new Error(serial === undefined ? 'the emulator has no boxes' : `no emulated box ${serial}`);
    return b;
  };
  const status = (b: Box): EmulatedBoxStatus => {
    const {
      index: _i,
      socket: _s,
      ratingA: _r,
      nextReportS: _n,
      counter: _c,
      loopCounter: _l,
      lastReportReal: _lr,
      startedS: _st,
      settingLimit: _sl,
      wantLimitA: _w,
      ...pub
    } = b;
    return structuredClone(pub);
  };

  const emulator: JuiceBoxEmulator = {
    target,
    get boxes() {
      return boxes.map(status);
    },
    box: (serial) => status(boxOrThrow(serial)),
    get sentCount() {
      return sent;
    },
    get reportCount() {
      return reports;
    },
    stats() {
      const st: EmulatorStats = {
        boxes: boxes.length,
        datagramsSent: sent,
        reportsSent: reports,
        commandsObeyed: 0,
        badChecksumReplies: 0,
        garbageReplies: 0,
        foreignDatagrams: 0,
        limitErrors: 0,
        fallenBack: 0,
      };
      for (const b of boxes) {
        st.commandsObeyed += b.commandsObeyed;
        st.badChecksumReplies += b.badChecksumReplies;
        st.garbageReplies += b.garbageReplies;
        st.foreignDatagrams += b.foreignDatagrams;
        st.limitErrors += b.limitErrors;
        if (b.fallenBack) st.fallenBack++;
      }
      return st;
    },
    simulator: ownSim,
    chargers,
    now,
    tick,
    async sendReport(serial) {
      const box = boxOrThrow(serial);
      const r = await report(box);
      if (r === undefined) throw new Error(`box ${serial} is offline: it sends no report`);
      return r;
    },
    async sendFault(fault) {
      const box = boxOrThrow(fault.serial);
      const snap = chargers.snapshot(box.serial);
      let bytes: Buffer;
      switch (fault.kind) {
        case 'garbage': {
          bytes = Buffer.alloc(fault.bytes ?? 64);
          for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
          break;
        }
        case 'bad-checksum': {
          const saved = box.protocol;
          if (box.protocol === 'legacy' || box.protocol === 'v09e') box.protocol = 'v09u';
          const text = reportFor(box, snap, now()).text;
          box.protocol = saved;
          const bang = text.lastIndexOf('!');
          const good = text.slice(bang + 1, bang + 4);
          const wrong = good === '000' ? '001' : '000';
          bytes = Buffer.from(`${text.slice(0, bang + 1)}${wrong}:`, 'latin1');
          break;
        }
        case 'spoofed': {
          const text = reportFor(box, snap, now()).bytes;
          const host = fault.fromHost ?? localHost;
          loopbackTarget(host, 1);
          const other = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
          try {
            await bind(other, host);
            await sendBytes(other, text);
          } finally {
            other.close();
          }
          sent++;
          notify();
          return text;
        }
        case 'too-long':
          bytes = Buffer.from(
            encodeReport(
              box.serial,
              Array.from({ length: 400 }, (_, i): JuiceBoxField => ['X', String(i)]),
            ),
            'latin1',
          );
          break;
        case 'encrypted': {
          const saved = box.protocol;
          box.protocol = 'v09e';
          bytes = reportFor(box, snap, now()).bytes;
          box.protocol = saved;
          break;
        }
        case 'raw':
          bytes = Buffer.from(fault.text, 'latin1');
          break;
      }
      await send(box, bytes, bytes.toString('latin1'));
      return bytes;
    },
    setBoxOnline(serial, online) {
      chargers.setOnline(boxOrThrow(serial).serial, online);
    },
    waitFor(predicate, timeoutMs = 5000, what = 'the condition') {
      if (predicate()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        // Checked on every emulator event, and every 10 ms for conditions outside it (a server's state).
        const finish = (err?: Error) => {
          clearTimeout(deadline);
          clearInterval(poll);
          waiters.delete(check);
          if (err) reject(err);
          else resolve();
        };
        const check = () => {
          if (predicate()) finish();
        };
        const deadline = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
        const poll = setInterval(check, 10);
        waiters.add(check);
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await ticking?.catch(() => undefined);
      await Promise.all(boxes.map((b) => new Promise<void>((resolve) => b.socket.close(() => resolve()))));
      if (ownSim) await ownSim.close();
    },
  };
  return emulator;
}
