// The JuiceNet simulator: a real HTTP server speaking the protocol document's wire format,
// with believable chargers on a virtual clock and injectable faults. Plain Node, no vscode.
//
//   const sim = await startSimulator({ units: 3, seed: 1, manualClock: true });
//   fetch(`${sim.baseUrl}/box_pin`, { method: 'POST', body: JSON.stringify({ cmd: 'get_account_units', ... }) })
//
// Faults are decided by one seeded PRNG (seed-derived), which makes five draws for every protocol
// request in arrival order, whatever the rates: the same seed and request sequence give the same
// faults. Injected HTTP 5xx and `success:false` (500, "Temporary failure") are decided BEFORE the
// command runs and never apply it. Dropped connections and malformed replies are decided after:
// the command IS applied and only the reply is lost or corrupted (the dangerous case for a
// client; `unit()` shows the truth).
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SimEngine, SimError, EngineReply } from './engine';
import { Prng, childSeed } from './prng';
import { FaultConfig, NO_FAULTS, RunningSimulator, SimulatorOptions } from './model';

export * from './model';
export { SimEngine, SimError, inWindow, DISCONNECT_AFTER_INTERVALS } from './engine';

const PROTOCOL_PATHS = new Set(['/box_pin', '/box_api_secure']);
const CONTROL_PATH = '/_sim/control';
const HEALTH_PATH = '/_sim/health';

/** Virtual time: start + speed x real elapsed + advanced seconds (or only advanced, with a manual clock). */
class VirtualClock {
  private readonly realStartMs = Date.now();
  private advancedS = 0;
  constructor(
    private readonly startS: number,
    private readonly speed: number,
    private readonly manual: boolean,
  ) {}
  now(): number {
    const real = this.manual ? 0 : ((Date.now() - this.realStartMs) / 1000) * this.speed;
    return this.startS + real + this.advancedS;
  }
  advance(s: number): void {
    if (!Number.isFinite(s) || s < 0) throw new Error('advance() takes a number of virtual seconds, 0 or more');
    this.advancedS += s;
  }
}

/**
 * A socket address of this machine: 127/8 or ::1, also IPv4-mapped ("::ffff:127.0.0.1", as a
 * dual-stack listener reports an IPv4 peer). For peers, not URLs: the client's base-URL check
 * (isLoopbackHost in src/api/client.ts) stays stricter on purpose.
 */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/**
 * The command a request names: its `cmd` key, found by trimmed key like every other key ("cmd "
 * works; an exact "cmd" wins over a padded one). Undefined when there is no string command.
 */
export function requestCommand(body: Record<string, unknown>): string | undefined {
  if (typeof body.cmd === 'string') return body.cmd;
  for (const [k, v] of Object.entries(body)) if (k.trim() === 'cmd' && typeof v === 'string') return v;
  return undefined;
}

/** Keys whose values a captured request shows masked (tests read captures; tokens stay out). */
const SECRET_KEYS = new Set(['token', 'account_token']);

/** A deep copy of a request body as received (keys untrimmed), its tokens masked. */
function captureRequest(body: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(body);
  for (const k of Object.keys(copy)) if (SECRET_KEYS.has(k.trim()) && typeof copy[k] === 'string') copy[k] = '(token)';
  return copy;
}

function checkRate(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw new Error(`fault ${name} must be a number from 0 to 1`);
  return v;
}

function mergeFaults(base: FaultConfig, f: Partial<FaultConfig>): FaultConfig {
  const next = { ...base, ...f };
  for (const k of ['http5xxRate', 'dropRate', 'malformedRate', 'failureRate'] as const) checkRate(k, next[k]);
  if (typeof next.latencyMs !== 'number' || !Number.isFinite(next.latencyMs) || next.latencyMs < 0) throw new Error('fault latencyMs must be 0 or more');
  if (!Array.isArray(next.offlineUnits)) throw new Error('fault offlineUnits must be an array of unit ids');
  next.numbersAsStrings = Boolean(next.numbersAsStrings);
  next.offlineUnits = [...next.offlineUnits];
  return next;
}

/** Every number in a reply as a string, as some vendor endpoints sent them. */
function stringifyNumbers(v: unknown): unknown {
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map(stringifyNumbers);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = stringifyNumbers(x);
    return out;
  }
  return v;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = opts.seed ?? 1;
  const speed = opts.speed ?? 1;
  if (!Number.isFinite(speed) || speed <= 0) throw new Error('speed must be a positive number');
  const unitCount = opts.units ?? 3;
  if (!Number.isInteger(unitCount) || unitCount < 0 || unitCount > 100_000) throw new Error('units must be a whole number from 0 to 100000');
  if (opts.historyDays !== undefined && (!Number.isInteger(opts.historyDays) || opts.historyDays < 0 || opts.historyDays > 3660)) throw new Error('historyDays must be a whole number of days from 0 to 3660');
  const clock = new VirtualClock(opts.startTime ?? Math.floor(Date.now() / 1000), speed, opts.manualClock ?? false);
  const engine = new SimEngine({
    seed,
    startTime: opts.startTime ?? Math.floor(Date.now() / 1000),
    units: unitCount,
    spareUnits: opts.spareUnits ?? 5,
    accountToken: opts.accountToken,
    autoPlug: opts.autoPlug ?? true,
    historyPageSize: opts.historyPageSize ?? 20,
    historyDays: opts.historyDays,
    speed: opts.manualClock ? 1 : speed,
    now: () => clock.now(),
  });
  const maxBodyBytes = opts.maxBodyBytes ?? 65536;
  let faults = mergeFaults(NO_FAULTS, opts.faults ?? {});
  engine.setFaultOffline(faults.offlineUnits);
  const faultRng = new Prng(childSeed(seed, 0, 9));
  let requests = 0;
  let connections = 0;
  let perCommand: Record<string, number> = {};
  /** The last protocol request per command (as received, tokens masked), for tests. */
  let lastRequests = new Map<string, Record<string, unknown>>();
  const sockets = new Set<Socket>();

  const setFaults = (f: Partial<FaultConfig>) => {
    faults = mergeFaults(faults, f);
    engine.setFaultOffline(faults.offlineUnits);
  };
  const clearFaults = () => {
    faults = mergeFaults(NO_FAULTS, {});
    engine.setFaultOffline([]);
  };
  const knownUnit = (id: unknown): string => {
    if (typeof id !== 'string' || !engine.hasUnit(id)) throw new Error(`unknown unit ${String(id)}`);
    return id;
  };

  const sim: RunningSimulator = {
    baseUrl: '',
    port: 0,
    accountToken: engine.defaultAccountToken,
    get units() {
      return engine.accountUnits(engine.defaultAccountToken);
    },
    get spareUnitIds() {
      return [...engine.spareUnitIds];
    },
    setFaults,
    clearFaults,
    faults: () => structuredClone(faults),
    advance: (s) => clock.advance(s),
    now: () => clock.now(),
    unit: (id) => engine.snapshot(knownUnit(id)),
    plugIn: (id, o) => engine.plugIn(knownUnit(id), o?.energyToAddWh, o?.energyAtPluginWh),
    unplug: (id) => engine.unplug(knownUnit(id)),
    setUnitOffline: (id, offline) => engine.setOffline(knownUnit(id), offline, 'manual'),
    setUnitError: (id, error) => engine.setError(knownUnit(id), error),
    createAccount: (t) => engine.createAccount(t),
    addUnitToAccount: (t, id) => engine.attach(t, knownUnit(id)),
    requestCount: () => requests,
    commandCounts: () => ({ ...perCommand }),
    lastRequest: (cmd) => {
      const r = lastRequests.get(cmd);
      return r ? structuredClone(r) : undefined;
    },
    resetRequestCount: () => {
      requests = 0;
      connections = 0;
      perCommand = {};
      lastRequests = new Map();
    },
    connectionCount: () => connections,
    close: () => close(),
  };

  function control(body: Record<string, unknown>): Record<string, unknown> {
    switch (body.action) {
      case 'faults':
        setFaults((body.faults ?? {}) as Partial<FaultConfig>);
        return { faults };
      case 'clear_faults':
        clearFaults();
        return { faults };
      case 'advance':
        clock.advance(Number(body.seconds));
        return { now: clock.now() };
      case 'plug':
        if (body.plugged === false) sim.unplug(body.unitId as string);
        else sim.plugIn(body.unitId as string, { energyToAddWh: body.energyToAddWh as number | undefined });
        return { unit: sim.unit(body.unitId as string) };
      case 'offline':
        sim.setUnitOffline(body.unitId as string, body.offline !== false);
        return { unit: sim.unit(body.unitId as string) };
      case 'error':
        sim.setUnitError(body.unitId as string, body.error !== false);
        return { unit: sim.unit(body.unitId as string) };
      case 'snapshot':
        return { unit: sim.unit(body.unitId as string) };
      case 'reset_counts':
        sim.resetRequestCount();
        return {};
      case 'counts':
        return { requests, connections, commands: perCommand };
      case 'create_account':
        return { accountToken: sim.createAccount(body.accountToken as string | undefined) };
      case 'info':
        return { now: clock.now(), accountToken: sim.accountToken, units: sim.units, spareUnitIds: sim.spareUnitIds, faults };
    }
    throw new Error(`unknown action ${JSON.stringify(body.action)}`);
  }

  const send = (res: http.ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}) => {
    if (res.writableEnded || res.destroyed) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extraHeaders });
    res.end(text);
  };

  const readBody = (req: http.IncomingMessage): Promise<{ tooLarge: boolean; text: string }> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBodyBytes) {
          tooLarge = true;
          chunks.length = 0;
          // Stop buffering; a huge body is not worth reading to the end.
          if (size > maxBodyBytes * 16) req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolve({ tooLarge, text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8') }));
      req.on('error', reject);
    });

  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const isControl = path === CONTROL_PATH || path === HEALTH_PATH;
    if (!isControl) requests++;
    try {
      if (path === HEALTH_PATH) return send(res, 200, { ok: true });
      if (!PROTOCOL_PATHS.has(path) && path !== CONTROL_PATH) {
        req.resume();
        return send(res, 404, { success: false, error_code: 404, error_message: `Not found: ${path}` });
      }
      if (req.method !== 'POST') {
        req.resume();
        return send(res, 405, { success: false, error_code: 405, error_message: `Method ${req.method} not allowed: use POST` }, { allow: 'POST' });
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > maxBodyBytes) {
        return send(res, 413, { success: false, error_code: 413, error_message: `Request body too large (limit ${maxBodyBytes} bytes)` }, { connection: 'close' });
      }
      const { tooLarge, text } = await readBody(req);
      if (tooLarge) {
        return send(res, 413, { success: false, error_code: 413, error_message: `Request body too large (limit ${maxBodyBytes} bytes)` }, { connection: 'close' });
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (e) {
        return send(res, 400, { success: false, error_code: 400, error_message: `Malformed JSON in request body: ${(e as Error).message}` });
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        return send(res, 400, { success: false, error_code: 400, error_message: 'The request body must be a JSON object' });
      }
      const obj = body as Record<string, unknown>;
      if (path === CONTROL_PATH) {
        // The controls hand out every token and can rewrite any unit: only for this machine, even
        // when the protocol endpoints listen on the network (--host 0.0.0.0).
        if (!isLoopbackAddress(req.socket.remoteAddress ?? '')) {
          return send(res, 403, { success: false, error_code: 403, error_message: `${CONTROL_PATH} answers only loopback clients (127.0.0.1, ::1)` });
        }
        try {
          return send(res, 200, { success: true, ...control(obj) });
        } catch (e) {
          return send(res, 400, { success: false, error_code: 400, error_message: (e as Error).message });
        }
      }
      const cmd = requestCommand(obj);
      const cmdName = cmd ?? '(none)';
      perCommand[cmdName] = (perCommand[cmdName] ?? 0) + 1;
      if (lastRequests.has(cmdName) || lastRequests.size < 64) lastRequests.set(cmdName, captureRequest(obj));
      // The document: a reply carries the command (`cmd`), failures included.
      const withCmd = (b: Record<string, unknown>) => (cmd === undefined ? b : { ...b, cmd });
      // Five draws per request whatever the rates, so a seed reproduces the fault sequence.
      const f = faults;
      const dDrop = faultRng.next();
      const d5xx = faultRng.next();
      const dMalformed = faultRng.next();
      const dFailure = faultRng.next();
      const dWhich = faultRng.next();
      if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
      if (d5xx < f.http5xxRate) {
        const status = dWhich < 0.5 ? 500 : 503;
        return send(res, status, status === 500 ? 'Internal Server Error' : 'Service Unavailable', { 'content-type': 'text/plain' });
      }
      if (dFailure < f.failureRate) return send(res, 200, withCmd({ success: false, error_code: 500, error_message: 'Temporary failure' }));
      let reply: EngineReply;
      try {
        reply = engine.execute(path as '/box_pin' | '/box_api_secure', obj);
      } catch (e) {
        if (!(e instanceof SimError)) throw e;
        reply = { status: 200, body: { success: false, error_code: e.code, error_message: e.message } };
      }
      if (dDrop < f.dropRate) {
        req.socket.destroy();
        return;
      }
      const out = f.numbersAsStrings ? stringifyNumbers(withCmd(reply.body)) : withCmd(reply.body);
      if (dMalformed < f.malformedRate) {
        const full = JSON.stringify(out);
        return send(res, reply.status, full.slice(0, Math.max(1, Math.floor(full.length / 2))));
      }
      return send(res, reply.status, out);
    } catch (e) {
      console.error('simulator: internal error', e);
      return send(res, 500, { success: false, error_code: 500, error_message: 'Simulator internal error' });
    }
  });
  server.keepAliveTimeout = 10_000;
  server.headersTimeout = 15_000;
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
    });
    return closing;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  if (!isLoopbackAddress(addr.address)) {
    process.stderr.write(
      `simulator: warning: listening on ${addr.address}, reachable from other machines. The protocol endpoints take anyone who has a token; ${CONTROL_PATH} still answers loopback clients only.\n`,
    );
  }
  sim.port = addr.port;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  sim.baseUrl = `http://${host}:${addr.port}`;
  return sim;
}
