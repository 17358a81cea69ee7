// Shared by the local server's tests: a JuiceNet Local server, emulated JuiceBoxes reporting to it
// over loopback UDP, and a tiny JSON client for its HTTP API. Everything stays on 127.0.0.1.
import * as dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DecodedCommand, type JuiceBoxField, decodeCommand, encodeReport } from '../../src/juicebox/codec';
import { startLocalServer, type LocalServerOptions, type RunningLocalServer } from '../../src/local/server';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator';
import type { EmulatedProtocol } from '../../src/simulator/juicebox-report';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';

export function tempDir(prefix = 'juicenet-local-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** POSTs a JSON body; returns the HTTP status and the parsed reply. */
export async function post(baseUrl: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface LocalRig {
  sim: RunningSimulator;
  server: RunningLocalServer;
  emu: JuiceBoxEmulator;
  logs: string[];
  dataDir: string;
  /** Runs a box_api_secure command on a unit (its token for the owner's account) and expects success. */
  api(unitId: string, cmd: string, fields?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Runs a command and returns the reply whatever it says. */
  apiRaw(unitId: string, cmd: string, fields?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Adds every emulated box to the owner's account (after their first reports). */
  addAll(): Promise<void>;
  tokens: Map<string, string>;
  stop(): Promise<void>;
}

export async function startRig(opts: {
  units?: number;
  protocol?: EmulatedProtocol | EmulatedProtocol[];
  server?: Partial<LocalServerOptions>;
  sim?: SimulatorOptions;
  dataDir?: string;
  reportIntervalS?: number;
}): Promise<LocalRig> {
  const tmp = opts.dataDir ? undefined : tempDir();
  const dataDir = opts.dataDir ?? tmp!.dir;
  const logs: string[] = [];
  const server = await startLocalServer({
    dataDir,
    udpPort: 0,
    udpHost: '127.0.0.1',
    httpPort: 0,
    tickMs: 50,
    webhookRetryDelaysMs: [50, 100],
    log: (l) => logs.push(l),
    ...opts.server,
  });
  // Virtual time runs 20x: reports every 30 virtual s arrive every 1.5 real s (every 0.5 s while charging).
  const sim = await startSimulator({ units: opts.units ?? 2, seed: 11, speed: 20, autoPlug: false, spareUnits: 0, ...opts.sim });
  const emu = await startJuiceBoxEmulator({
    target: { host: '127.0.0.1', port: server.udpPort },
    simulator: sim,
    protocol: opts.protocol ?? 'v09u',
    tickMs: 20,
    reportIntervalS: opts.reportIntervalS,
  });
  const tokens = new Map<string, string>();
  const apiRaw = async (unitId: string, cmd: string, fields: Record<string, unknown> = {}) => {
    const token = tokens.get(unitId);
    if (!token) throw new Error(`unit ${unitId} is not on the account`);
    return (await post(server.baseUrl, '/box_api_secure', { cmd, device_id: 'test', token, account_token: server.accountToken, ...fields })).body;
  };
  const rig: LocalRig = {
    sim,
    server,
    emu,
    logs,
    dataDir,
    tokens,
    apiRaw,
    api: async (unitId, cmd, fields) => {
      const r = await apiRaw(unitId, cmd, fields);
      if (r.success !== true) throw new Error(`${cmd} failed: ${JSON.stringify(r)}`);
      return r;
    },
    addAll: async () => {
      for (const u of sim.units) {
        await emu.waitFor(() => server.source.hasUnit(u.unitId), 10_000, `the first report of ${u.unitId}`);
        const r = await post(server.baseUrl, '/box_pin', { cmd: 'add_unit', device_id: 'test', account_token: server.accountToken, ID: u.unitId });
        if (r.body.success !== true) throw new Error(`add_unit failed: ${JSON.stringify(r.body)}`);
        tokens.set(u.unitId, r.body.token as string);
      }
    },
    stop: async () => {
      await emu.stop();
      await sim.close();
      await server.close();
      tmp?.remove();
    },
  };
  return rig;
}

/** The fields of a hand-made v09u status report (the protocol note's example by default). */
export interface ReportFields {
  /** State: 0 unplugged, 1 plugged in, 2 charging. */
  S?: number;
  /** Current, 0.1 A. */
  A?: number;
  /** Lifetime energy, Wh. */
  L?: number;
  /** Session energy, Wh. */
  E?: number;
  /** Online limit the box has, A. */
  M?: number;
  /** Offline limit the box keeps, A. */
  C?: number;
  /** Rating, A. */
  m?: number;
}

/** A v09u status report of `serial` with a valid checksum. */
export function v09uReport(serial: string, f: ReportFields = {}): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const fields: JuiceBoxField[] = [
    ['v', '09u'],
    ['s', '627'],
    ['V', '2414'],
    ['L', pad(f.L ?? 4555804, 11)],
    ['S', pad(f.S ?? 1, 2)],
    ['T', '08'],
    ['M', pad(f.M ?? 40, 4)],
    ['C', pad(f.C ?? 24, 4)],
    ['m', pad(f.m ?? 40, 4)],
    ['t', '29'],
    ['A', pad(f.A ?? 0, 5)],
    ['E', pad(f.E ?? 0, 5)],
    ['f', '5999'],
  ];
  return encodeReport(serial, fields);
}

/** A reply a hand-driven box got, and the server port it came from. */
export interface ManualBoxReply {
  command: DecodedCommand;
  fromPort: number;
}

/**
 * A JuiceBox driven by hand over loopback UDP: each report is sent when the test says, to the
 * server port it names, with the fields it gives (a box that ignores commands keeps reporting
 * its own limit). Every reply is kept with the port it came from.
 */
export class ManualBox {
  readonly replies: ManualBoxReply[] = [];
  /** Datagrams that were not commands. */
  readonly garbage: string[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly serial: string,
    private readonly socket: dgram.Socket,
  ) {
    socket.on('message', (msg, rinfo) => {
      const c = decodeCommand(msg);
      if (c.kind === 'command') this.replies.push({ command: c, fromPort: rinfo.port });
      else this.garbage.push(msg.toString('latin1'));
      for (const w of [...this.waiters]) w();
    });
  }

  static async open(serial: string): Promise<ManualBox> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new ManualBox(serial, socket);
  }

  get sourcePort(): number {
    return this.socket.address().port;
  }

  /** Sends a report (or any text) to a server port on 127.0.0.1. */
  send(port: number, fields: ReportFields | string = {}): Promise<void> {
    const text = typeof fields === 'string' ? fields : v09uReport(this.serial, fields);
    return new Promise((resolve, reject) => this.socket.send(text, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }

  /** Resolves once the box has more than `count` replies. */
  waitForReplies(count: number, timeoutMs = 5000): Promise<void> {
    if (this.replies.length > count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.replies.length <= count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`box ${this.serial}: no reply within ${timeoutMs} ms (${this.replies.length} so far)`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Sends a report and resolves with the reply it gets. */
  async exchange(port: number, fields: ReportFields = {}, timeoutMs = 5000): Promise<ManualBoxReply> {
    const before = this.replies.length;
    await this.send(port, fields);
    await this.waitForReplies(before, timeoutMs);
    return this.replies[before];
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** A JuiceNet Local server alone (no emulator): boxes are driven by hand with ManualBox. */
export interface BareServer {
  server: RunningLocalServer;
  logs: string[];
  dataDir: string;
  /** Adds a box to the owner's account; returns a function running a box_api_secure command on it. */
  add(unitId: string): Promise<(cmd: string, fields?: Record<string, unknown>) => Promise<Record<string, unknown>>>;
  /** The diagnostics read (the owner's token). */
  diagnostics(): Promise<{ server: Record<string, unknown>; boxes: Record<string, Record<string, unknown>> }>;
  /** Closes the server; removes its data folder unless `keepData` (or the folder was given). */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/** Starts a server on free loopback ports (one UDP port unless `extra` says otherwise), boxes' zone UTC, logging into `logs`. */
export async function startBareServer(extra: Partial<LocalServerOptions> = {}, dataDir?: string): Promise<BareServer> {
  const tmp = dataDir ? undefined : tempDir();
  const dir = dataDir ?? tmp!.dir;
  const logs: string[] = [];
  const server = await startLocalServer({
    dataDir: dir,
    udpPort: 0,
    udpHost: '127.0.0.1',
    httpPort: 0,
    timeZone: 'UTC',
    tickMs: 50,
    log: (l) => logs.push(l),
    ...extra,
  });
  return {
    server,
    logs,
    dataDir: dir,
    add: async (unitId) => {
      const r = await post(server.baseUrl, '/box_pin', { cmd: 'add_unit', device_id: 't', account_token: server.accountToken, ID: unitId });
      if (r.body.success !== true) throw new Error(`add_unit failed: ${JSON.stringify(r.body)}`);
      const token = r.body.token as string;
      return async (cmd, fields = {}) =>
        (await post(server.baseUrl, '/box_api_secure', { cmd, device_id: 't', token, account_token: server.accountToken, ...fields })).body;
    },
    diagnostics: async () => {
      const r = await post(server.baseUrl, '/local/diagnostics', { account_token: server.accountToken });
      if (r.status !== 200) throw new Error(`diagnostics answered HTTP ${r.status}`);
      return r.body as { server: Record<string, unknown>; boxes: Record<string, Record<string, unknown>> };
    },
    stop: async (opts = {}) => {
      await server.close();
      if (!opts.keepData) tmp?.remove();
    },
  };
}
