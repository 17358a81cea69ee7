// The JuiceNet HTTP layer: /box_pin and /box_api_secure over a JuiceNetProtocol, plus a few
// extra POST routes a server adds (the simulator's controls, the local server's diagnostics).
// Bodies are size-limited JSON objects; every failure is a JSON reply naming what was wrong.
// An optional fault injector (the simulator's) decides per request to delay, fail or lose replies.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Endpoint, ProtocolReply } from './protocol';
import { ProtocolError } from './rules';

const PROTOCOL_PATHS = new Set<string>(['/box_pin', '/box_api_secure']);

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

/** What the fault injector decided for one protocol request. */
export interface FaultDecision {
  latencyMs: number;
  /** Answer HTTP 500/503 without running the command. */
  httpStatus?: 500 | 503;
  /** Answer success:false "Temporary failure" without running the command. */
  failure: boolean;
  /** Run the command, then destroy the connection. */
  drop: boolean;
  /** Run the command, then send half the reply. */
  malformed: boolean;
  numbersAsStrings: boolean;
}

export interface ExtraRoute {
  /** Answered only to clients on this machine, whatever address the server listens on. */
  loopbackOnly: boolean;
  /** Counted with the protocol requests (requestCount). */
  counted?: boolean;
  /** The reply's fields after success:true; throw ProtocolError (its code is the HTTP status) or Error (400). */
  handle(body: Record<string, unknown>): Record<string, unknown>;
}

export interface HttpServerOptions {
  /** Who speaks in messages ("simulator", "juicenet-local"). */
  name: string;
  host?: string;
  port?: number;
  maxBodyBytes?: number;
  execute(endpoint: Endpoint, body: Record<string, unknown>): ProtocolReply;
  /** Extra POST routes by path. */
  routes?: Record<string, ExtraRoute>;
  /** Paths answered by their own handler (any method, uncounted), e.g. a long-lived event stream. */
  streams?: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>;
  /** A GET/POST path that answers {ok:true}, uncounted. */
  healthPath?: string;
  /** Called once per protocol request, in arrival order. */
  faults?: () => FaultDecision;
  /** Keep the last request of each command (tokens masked), for tests. */
  captureRequests?: boolean;
  /** Said on stderr when the server listens on an address other machines can reach. */
  publicWarning?: string;
}

export interface HttpServer {
  baseUrl: string;
  port: number;
  host: string;
  requestCount(): number;
  commandCounts(): Record<string, number>;
  lastRequest(cmd: string): Record<string, unknown> | undefined;
  resetCounts(): void;
  connectionCount(): number;
  close(): Promise<void>;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const maxBodyBytes = opts.maxBodyBytes ?? 65536;
  const routes = opts.routes ?? {};
  let requests = 0;
  let connections = 0;
  let perCommand: Record<string, number> = {};
  let lastRequests = new Map<string, Record<string, unknown>>();
  const sockets = new Set<Socket>();

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
    if (opts.streams && Object.hasOwn(opts.streams, path)) return opts.streams[path](req, res);
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (path !== opts.healthPath && (!route || route.counted)) requests++;
    try {
      if (path === opts.healthPath) return send(res, 200, { ok: true });
      if (!PROTOCOL_PATHS.has(path) && !route) {
        req.resume();
        return send(res, 404, { success: false, error_code: 404, error_message: `Not found: ${path}` });
      }
      if (req.method !== 'POST') {
        req.resume();
        return send(res, 405, { success: false, error_code: 405, error_message: `Method ${req.method} not allowed: use POST` }, { allow: 'POST' });
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > maxBodyBytes) {
        return send(
          res,
          413,
          { success: false, error_code: 413, error_message: `Request body too large (limit ${maxBodyBytes} bytes)` },
          { connection: 'close' },
        );
      }
      const { tooLarge, text } = await readBody(req);
      if (tooLarge) {
        return send(
          res,
          413,
          { success: false, error_code: 413, error_message: `Request body too large (limit ${maxBodyBytes} bytes)` },
          { connection: 'close' },
        );
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
      if (route) {
        if (route.loopbackOnly && !isLoopbackAddress(req.socket.remoteAddress ?? '')) {
          return send(res, 403, { success: false, error_code: 403, error_message: `${path} answers only loopback clients (127.0.0.1, ::1)` });
        }
        try {
          return send(res, 200, { success: true, ...route.handle(obj) });
        } catch (e) {
          const status = e instanceof ProtocolError && e.code >= 400 && e.code < 600 ? e.code : 400;
          return send(res, status, { success: false, error_code: status, error_message: (e as Error).message });
        }
      }
      const cmd = requestCommand(obj);
      const cmdName = cmd ?? '(none)';
      perCommand[cmdName] = (perCommand[cmdName] ?? 0) + 1;
      if (opts.captureRequests && (lastRequests.has(cmdName) || lastRequests.size < 64)) lastRequests.set(cmdName, captureRequest(obj));
      // The protocol: a reply carries the command (`cmd`), failures included.
      const withCmd = (b: Record<string, unknown>) => (cmd === undefined ? b : { ...b, cmd });
      const f = opts.faults?.();
      if (f && f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
      if (f?.httpStatus) {
        return send(res, f.httpStatus, f.httpStatus === 500 ? 'Internal Server Error' : 'Service Unavailable', { 'content-type': 'text/plain' });
      }
      if (f?.failure) return send(res, 200, withCmd({ success: false, error_code: 500, error_message: 'Temporary failure' }));
      const reply = opts.execute(path as Endpoint, obj);
      if (f?.drop) {
        req.socket.destroy();
        return;
      }
      const out = f?.numbersAsStrings ? stringifyNumbers(withCmd(reply.body)) : withCmd(reply.body);
      if (f?.malformed) {
        const full = JSON.stringify(out);
        return send(res, reply.status, full.slice(0, Math.max(1, Math.floor(full.length / 2))));
      }
      return send(res, reply.status, out);
    } catch (e) {
      // Never the request body or a token: the error's own text only.
      process.stderr.write(`${opts.name}: internal error: ${(e as Error).stack ?? String(e)}\n`);
      return send(res, 500, { success: false, error_code: 500, error_message: `${opts.name}: internal error` });
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
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
    });
    return closing;
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  if (!isLoopbackAddress(addr.address) && opts.publicWarning)
    process.stderr.write(`${opts.name}: warning: listening on ${addr.address}, reachable from other machines. ${opts.publicWarning}\n`);
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    baseUrl: `http://${host}:${addr.port}`,
    port: addr.port,
    host: addr.address,
    requestCount: () => requests,
    commandCounts: () => ({ ...perCommand }),
    lastRequest: (cmd) => {
      const r = lastRequests.get(cmd);
      return r ? structuredClone(r) : undefined;
    },
    resetCounts: () => {
      requests = 0;
      connections = 0;
      perCommand = {};
      lastRequests = new Map();
    },
    connectionCount: () => connections,
    close,
  };
}
