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

function send(res: http.ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extraHeaders });
  res.end(text);
}

/** A failure reply: `success:false` with the code and the message, the protocol's way. */
function sendFailure(res: http.ServerResponse, status: number, message: string, extraHeaders: Record<string, string> = {}): void {
  send(res, status, { success: false, error_code: status, error_message: message }, extraHeaders);
}

/** The request's body as text, or tooLarge past `maxBodyBytes` (a body far past it is not read to the end). */
function readBody(req: http.IncomingMessage, maxBodyBytes: number): Promise<{ tooLarge: boolean; text: string }> {
  return new Promise((resolve, reject) => {
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
}

/** The JuiceNet HTTP server: routes a request, reads its JSON body, answers the protocol or an extra route. */
class JuiceNetHttpServer implements HttpServer {
  baseUrl = '';
  port = 0;
  host = '';
  private readonly server: http.Server;
  private readonly maxBodyBytes: number;
  private readonly routes: Record<string, ExtraRoute>;
  private readonly sockets = new Set<Socket>();
  private requests = 0;
  private connections = 0;
  private perCommand: Record<string, number> = {};
  private lastRequests = new Map<string, Record<string, unknown>>();
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: HttpServerOptions) {
    this.maxBodyBytes = opts.maxBodyBytes ?? 65536;
    this.routes = opts.routes ?? {};
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 10_000;
    this.server.headersTimeout = 15_000;
    this.server.on('connection', (s: Socket) => {
      this.connections++;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('clientError', (_e, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    if (!isLoopbackAddress(addr.address) && this.opts.publicWarning)
      process.stderr.write(`${this.opts.name}: warning: listening on ${addr.address}, reachable from other machines. ${this.opts.publicWarning}\n`);
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.baseUrl = `http://${host}:${addr.port}`;
    this.port = addr.port;
    this.host = addr.address;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (this.opts.streams && Object.hasOwn(this.opts.streams, path)) return this.opts.streams[path](req, res);
    const route = Object.hasOwn(this.routes, path) ? this.routes[path] : undefined;
    if (path !== this.opts.healthPath && (!route || route.counted)) this.requests++;
    try {
      if (path === this.opts.healthPath) return send(res, 200, { ok: true });
      if (!PROTOCOL_PATHS.has(path) && !route) {
        req.resume();
        return sendFailure(res, 404, `Not found: ${path}`);
      }
      if (req.method !== 'POST') {
        req.resume();
        return sendFailure(res, 405, `Method ${req.method} not allowed: use POST`, { allow: 'POST' });
      }
      const body = await this.readJsonObject(req, res);
      if (!body) return;
      if (route) return this.answerRoute(route, path, body, req, res);
      return await this.answerProtocol(path as Endpoint, body, req, res);
    } catch (e) {
      // Never the request body or a token: the error's own text only.
      process.stderr.write(`${this.opts.name}: internal error: ${(e as Error).stack ?? String(e)}\n`);
      return sendFailure(res, 500, `${this.opts.name}: internal error`);
    }
  }

  /** The request's body as a JSON object; undefined when it was refused (the reply is sent). */
  private async readJsonObject(req: http.IncomingMessage, res: http.ServerResponse): Promise<Record<string, unknown> | undefined> {
    const tooLarge = () => sendFailure(res, 413, `Request body too large (limit ${this.maxBodyBytes} bytes)`, { connection: 'close' });
    if (Number(req.headers['content-length'] ?? 0) > this.maxBodyBytes) return void tooLarge();
    const read = await readBody(req, this.maxBodyBytes);
    if (read.tooLarge) return void tooLarge();
    let body: unknown;
    try {
      body = JSON.parse(read.text);
    } catch (e) {
      return void sendFailure(res, 400, `Malformed JSON in request body: ${(e as Error).message}`);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return void sendFailure(res, 400, 'The request body must be a JSON object');
    return body as Record<string, unknown>;
  }

  private answerRoute(route: ExtraRoute, path: string, body: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse): void {
    if (route.loopbackOnly && !isLoopbackAddress(req.socket.remoteAddress ?? '')) {
      return sendFailure(res, 403, `${path} answers only loopback clients (127.0.0.1, ::1)`);
    }
    try {
      send(res, 200, { success: true, ...route.handle(body) });
    } catch (e) {
      const status = e instanceof ProtocolError && e.code >= 400 && e.code < 600 ? e.code : 400;
      sendFailure(res, status, (e as Error).message);
    }
  }

  /** One protocol command, through the fault injector when there is one. */
  private async answerProtocol(endpoint: Endpoint, body: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const cmd = requestCommand(body);
    const cmdName = cmd ?? '(none)';
    this.perCommand[cmdName] = (this.perCommand[cmdName] ?? 0) + 1;
    if (this.opts.captureRequests && (this.lastRequests.has(cmdName) || this.lastRequests.size < 64)) this.lastRequests.set(cmdName, captureRequest(body));
    // The protocol: a reply carries the command (`cmd`), failures included.
    const withCmd = (b: Record<string, unknown>) => (cmd === undefined ? b : { ...b, cmd });
    const f = this.opts.faults?.();
    if (f && f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
    if (f?.httpStatus) {
      return send(res, f.httpStatus, f.httpStatus === 500 ? 'Internal Server Error' : 'Service Unavailable', { 'content-type': 'text/plain' });
    }
    if (f?.failure) return send(res, 200, withCmd({ success: false, error_code: 500, error_message: 'Temporary failure' }));
    const reply = this.opts.execute(endpoint, body);
    if (f?.drop) {
      req.socket.destroy();
      return;
    }
    const out = f?.numbersAsStrings ? stringifyNumbers(withCmd(reply.body)) : withCmd(reply.body);
    if (f?.malformed) {
      const full = JSON.stringify(out);
      return send(res, reply.status, full.slice(0, Math.max(1, Math.floor(full.length / 2))));
    }
    send(res, reply.status, out);
  }

  requestCount(): number {
    return this.requests;
  }

  commandCounts(): Record<string, number> {
    return { ...this.perCommand };
  }

  lastRequest(cmd: string): Record<string, unknown> | undefined {
    const r = this.lastRequests.get(cmd);
    return r ? structuredClone(r) : undefined;
  }

  resetCounts(): void {
    this.requests = 0;
    this.connections = 0;
    this.perCommand = {};
    this.lastRequests = new Map();
  }

  connectionCount(): number {
    return this.connections;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const s of this.sockets) s.destroy();
    });
    return this.closing;
  }
}

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const server = new JuiceNetHttpServer(opts);
  await server.listen();
  return server;
}
