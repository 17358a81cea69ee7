// JuiceNetClient: the protocol over HTTP with undici. One keep-alive Pool for the base URL's origin
// (a fixed number of sockets however many units are polled), a concurrency cap with a queue, per-call
// AbortSignal, connect/headers/body timeouts, and a retry rule that never repeats a write that may
// have reached the server. Every token handed to it is registered for redaction.
import { Pool } from 'undici';
import {
  AbortedError,
  ApiError,
  AuthError,
  BaseUrlError,
  HttpStatusError,
  InvalidInputError,
  JuiceNetError,
  NetworkError,
  ProtocolError,
  TimeoutError,
  toJuiceNetError,
} from './errors';
import { DEFAULT_MAX_REPLY_BYTES } from './lenient-json';
import { notificationWireKeys, parseReply, type ReplyDomainMap } from './normalise';
import { registerSecret } from './redact';
import { validateWindow } from '../domain/schedule';
import {
  MAX_PLOT_INTERVALS,
  MIN_PLOT_INTERVALS,
  type AccountUnit,
  type HistoryPage,
  type HistorySession,
  type NotificationSettings,
  type OverrideRequest,
  type PlotPoint,
  type Schedule,
  type ScheduleWindow,
  type UnitInfo,
  type UnitStatus,
} from '../domain/model';
import { DEFAULT_BASE_URL, endpointFor, isWriteCommand, type CallOptions, type Command, type JuiceNetApi, type UnitAuth } from './types';
import { NOTIFICATION_WIRE_KEYS } from './wire';
import { requestSchemas } from './wire';

export interface ClientTimeouts {
  /** TCP/TLS connection set-up. */
  connectMs: number;
  /** From sending the request to the reply's headers. */
  headersMs: number;
  /** Longest silence while reading the reply body. */
  bodyMs: number;
}

export interface RetryPolicy {
  /** Extra attempts for reads (writes: only when the request certainly never left). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** One attempt, for logs (never carries a token). */
export interface ClientEvent {
  cmd: Command;
  unitId?: string;
  attempt: number;
  ms: number;
  status?: number;
  /** Error class name when the attempt failed. */
  error?: string;
  willRetry?: boolean;
}

export interface JuiceNetClientOptions {
  baseUrl?: string;
  /** ID of this client device (the protocol's `device_id`). */
  deviceId?: string;
  /** Sent as `device_name` by add_unit/share_device when the call gives none. */
  deviceName?: string;
  timeouts?: Partial<ClientTimeouts>;
  /** Requests in flight at once; the rest queue (default 8). */
  maxConcurrent?: number;
  /** Sockets the pool may open (default: maxConcurrent, at most 8 unless set). */
  connections?: number;
  retry?: Partial<RetryPolicy>;
  maxReplyBytes?: number;
  /** Idle keep-alive sockets close after this (default 30 s). */
  keepAliveTimeoutMs?: number;
  onEvent?: (e: ClientEvent) => void;
}

export interface ClientStats {
  /** HTTP requests sent (attempts, retries included). */
  requests: number;
  /** Attempts that were retries. */
  retries: number;
  /** TCP connections opened by the pool. */
  socketsOpened: number;
}

export const DEFAULT_TIMEOUTS: ClientTimeouts = { connectMs: 10_000, headersMs: 15_000, bodyMs: 15_000 };
export const DEFAULT_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 200, maxDelayMs: 2_000 };
export const DEFAULT_DEVICE_ID = 'juicenet-vscode';

/** Loopback hosts, where plain http:// is acceptable (the simulator). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Parses and checks a base URL; throws a BaseUrlError that says what to fix. */
export function checkBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new BaseUrlError(`The JuiceNet base URL "${baseUrl}" is not a valid URL (expected e.g. ${DEFAULT_BASE_URL}).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BaseUrlError(`The JuiceNet base URL must start with https:// (got "${url.protocol}").`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new BaseUrlError(
      `Refusing plain http:// to ${url.hostname}: tokens would travel unencrypted. Use https://, or http:// only for a local simulator (localhost, 127.0.0.1, ::1).`,
    );
  }
  if (url.username || url.password) throw new BaseUrlError('The JuiceNet base URL must not contain a user name or password.');
  return url;
}

/** A FIFO concurrency limiter whose waiters can be cancelled. */
class Limiter {
  private active = 0;
  private readonly waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  constructor(private readonly max: number) {}
  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new AbortedError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next.resolve();
    else this.active--;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Keys that belong to the request envelope, not to a unit's info (stripped from set_info's raw). */
const ENVELOPE_KEYS = new Set(['success', 'cmd', 'token', 'account_token', 'device_id', 'error_code', 'error_message']);

export class JuiceNetClient implements JuiceNetApi {
  readonly baseUrl: string;
  readonly deviceId: string;
  readonly deviceName: string;
  private readonly basePath: string;
  private readonly timeouts: ClientTimeouts;
  private readonly retry: RetryPolicy;
  private readonly maxReplyBytes: number;
  private readonly limiter: Limiter;
  private readonly pool: Pool;
  private readonly onEvent?: (e: ClientEvent) => void;
  private closed = false;
  /**
   * Per unit token: trimmed event name -> the key the server used for it in its last
   * get_notifications reply ("start_charging " in the protocol), so set_notifications answers in
   * the server's own spelling.
   */
  private readonly notificationKeys = new Map<string, Readonly<Record<string, string>>>();
  private readonly counters: ClientStats = { requests: 0, retries: 0, socketsOpened: 0 };

  constructor(opts: JuiceNetClientOptions = {}) {
    const url = checkBaseUrl(opts.baseUrl ?? DEFAULT_BASE_URL);
    this.baseUrl = url.href.replace(/\/$/, '');
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.deviceId = opts.deviceId ?? DEFAULT_DEVICE_ID;
    this.deviceName = opts.deviceName ?? 'JuiceNet for VS Code';
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.maxReplyBytes = opts.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
    const maxConcurrent = Math.max(1, Math.floor(opts.maxConcurrent ?? 8));
    this.limiter = new Limiter(maxConcurrent);
    this.onEvent = opts.onEvent;
    this.pool = new Pool(url.origin, {
      connections: Math.max(1, Math.floor(opts.connections ?? Math.min(maxConcurrent, 8))),
      pipelining: 1,
      keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000,
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
      connect: { timeout: this.timeouts.connectMs },
    });
    // One 'connect' per new socket: the benchmark's socket count.
    this.pool.on('connect', () => {
      this.counters.socketsOpened++;
    });
  }

  stats(): ClientStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  // ---- box_pin ----

  async addUnit(accountToken: string, unitId: string, deviceName?: string, opts?: CallOptions): Promise<AccountUnit> {
    registerSecret(accountToken);
    const unit = await this.call(
      'add_unit',
      { cmd: 'add_unit', device_id: this.deviceId, device_name: deviceName ?? this.deviceName, account_token: accountToken, ID: unitId.trim() },
      opts,
      unitId,
    );
    registerSecret(unit.token);
    return unit;
  }

  async getAccountUnits(accountToken: string, opts?: CallOptions): Promise<AccountUnit[]> {
    registerSecret(accountToken);
    const units = await this.call('get_account_units', { cmd: 'get_account_units', device_id: this.deviceId, account_token: accountToken }, opts);
    for (const u of units) registerSecret(u.token);
    return units;
  }

  async shareDevice(accountToken: string, unitId: string, pin: string, deviceName?: string, opts?: CallOptions): Promise<AccountUnit> {
    registerSecret(accountToken);
    const unit = await this.call(
      'share_device',
      {
        cmd: 'share_device',
        device_id: this.deviceId,
        device_name: deviceName ?? this.deviceName,
        account_token: accountToken,
        ID: unitId.trim(),
        pin: String(pin).trim(),
      },
      opts,
      unitId,
    );
    registerSecret(unit.token);
    return unit;
  }

  // ---- box_api_secure ----

  getState(unit: UnitAuth, opts?: CallOptions): Promise<UnitStatus> {
    return this.unitCall('get_state', unit, {}, opts);
  }

  async setLimit(unit: UnitAuth, amperage: number, opts?: CallOptions): Promise<void> {
    if (!Number.isInteger(amperage) || amperage < 0)
      throw new InvalidInputError(`The charging limit must be a whole number of amperes, 0 or more (got ${amperage}).`);
    await this.unitCall('set_limit', unit, { amperage }, opts);
  }

  getSchedule(unit: UnitAuth, opts?: CallOptions): Promise<Schedule> {
    return this.unitCall('get_schedule', unit, {}, opts);
  }

  async setSchedule(unit: UnitAuth, schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'>, opts?: CallOptions): Promise<void> {
    if (schedule.type !== 'disabled' && schedule.type !== 'custom')
      throw new InvalidInputError(`Schedule type must be "disabled" or "custom" (got ${JSON.stringify(schedule.type)}).`);
    const wire = (w: ScheduleWindow, name: string) => {
      const problems = validateWindow(w);
      if (problems.length > 0) throw new InvalidInputError(`The ${name} window is invalid: ${problems.join('; ')}.`);
      return { start: w.start, end: w.end, car_ready_by: w.carReadyBy };
    };
    await this.unitCall(
      'set_schedule',
      unit,
      { type: schedule.type, weekday: wire(schedule.weekday, 'weekday'), weekend: wire(schedule.weekend, 'weekend') },
      opts,
    );
  }

  async getHistory(unit: UnitAuth, opts: CallOptions & { maxSessions?: number } = {}): Promise<HistorySession[]> {
    const max = opts.maxSessions ?? Infinity;
    const sessions: HistorySession[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    while (sessions.length < max) {
      const page = await this.getHistoryPage(unit, token, opts);
      sessions.push(...page.sessions);
      token = page.continuityToken;
      if (!token) break;
      // A server that hands back a token it already gave would loop forever.
      if (seen.has(token)) throw new ProtocolError('continuity_token', 'the server repeated a continuity token (paging would never end)', 'get_history');
      seen.add(token);
      if (page.sessions.length === 0) break;
    }
    return sessions.length > max ? sessions.slice(0, max) : sessions;
  }

  getHistoryPage(unit: UnitAuth, continuityToken?: string, opts?: CallOptions): Promise<HistoryPage> {
    return this.unitCall('get_history', unit, continuityToken ? { continuity_token: continuityToken } : {}, opts);
  }

  async getPlot(unit: UnitAuth, sessionId: number, intervals: number, attribute = 'power', opts?: CallOptions): Promise<PlotPoint[]> {
    if (!Number.isInteger(intervals) || intervals < MIN_PLOT_INTERVALS || intervals > MAX_PLOT_INTERVALS) {
      throw new InvalidInputError(
        `The number of plot intervals must be a whole number from ${MIN_PLOT_INTERVALS} to ${MAX_PLOT_INTERVALS} (got ${intervals}).`,
      );
    }
    if (!Number.isSafeInteger(sessionId) || sessionId < 0)
      throw new InvalidInputError(`A session id is a whole number, 0 or more, as get_history lists it (got ${sessionId}).`);
    return this.unitCall('get_plot', unit, { attribute, intervals, session_id: sessionId }, opts);
  }

  getSharePin(unit: UnitAuth, opts?: CallOptions): Promise<string> {
    return this.unitCall('get_share_pin', unit, {}, opts);
  }

  getInfo(unit: UnitAuth, opts?: CallOptions): Promise<UnitInfo> {
    return this.unitCall('get_info', unit, {}, opts);
  }

  async setInfo(unit: UnitAuth, raw: Record<string, unknown>, opts?: CallOptions): Promise<void> {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new InvalidInputError('set_info needs the unit info object (as read by get_info).');
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) if (!ENVELOPE_KEYS.has(k.trim())) fields[k] = v;
    await this.unitCall('set_info', unit, fields, opts);
  }

  async setOverride(unit: UnitAuth, req: OverrideRequest, opts?: CallOptions): Promise<void> {
    if (!req || !Number.isSafeInteger(req.overrideTime) || req.overrideTime < 0) {
      throw new InvalidInputError(`The override time must be whole epoch seconds, or 0 to cancel the override (got ${req?.overrideTime}).`);
    }
    for (const [name, v] of [
      ['energy at plug-in', req.energyAtPluginWh],
      ['energy to add', req.energyToAddWh],
    ] as const) {
      if (v !== undefined && (!Number.isSafeInteger(v) || v < 0))
        throw new InvalidInputError(`The ${name} must be a whole number of Wh, 0 or more (got ${v}).`);
    }
    const body: Record<string, unknown> = { override_time: req.overrideTime };
    if (req.energyAtPluginWh !== undefined) body.energy_at_plugin = req.energyAtPluginWh;
    if (req.energyToAddWh !== undefined) body.energy_to_add = req.energyToAddWh;
    await this.unitCall('set_override', unit, body, opts);
  }

  async setChargingTime(unit: UnitAuth, chargingTime: number, opts?: CallOptions): Promise<void> {
    if (!Number.isSafeInteger(chargingTime) || chargingTime <= 0) {
      throw new InvalidInputError(`The charging time must be a moment as whole epoch seconds, above 0 (got ${chargingTime}).`);
    }
    await this.unitCall('set_charging_time', unit, { charging_time: chargingTime }, opts);
  }

  async getNotifications(unit: UnitAuth, opts?: CallOptions): Promise<NotificationSettings> {
    const settings = await this.unitCall('get_notifications', unit, {}, opts);
    const keys = notificationWireKeys(settings);
    if (keys) this.notificationKeys.set(unit.token, keys);
    return settings;
  }

  async setNotifications(unit: UnitAuth, settings: NotificationSettings, opts?: CallOptions): Promise<void> {
    const serverKeys = unit && typeof unit.token === 'string' ? this.notificationKeys.get(unit.token) : undefined;
    const documentKeys: Readonly<Record<string, string>> = NOTIFICATION_WIRE_KEYS;
    const notifications: Record<string, unknown> = {};
    for (const [event, s] of Object.entries(settings)) {
      if (!s) continue;
      const n: Record<string, unknown> = { email: s.email, push: s.push };
      if (s.time !== undefined) n.time = s.time;
      if (s.webhook) {
        const w: Record<string, unknown> = {};
        if (s.webhook.url !== undefined) w.url = s.webhook.url;
        if (s.webhook.method !== undefined) w.method = s.webhook.method;
        if (s.webhook.authorizationHeaders !== undefined) {
          w.authorization_headers = s.webhook.authorizationHeaders;
          registerSecret(s.webhook.authorizationHeaders);
        }
        n.webhook = w;
      }
      // The server's own spelling when its last reply showed it, else the protocol's ("start_charging ").
      const name = event.trim();
      const key = (Object.hasOwn(serverKeys ?? {}, name) ? serverKeys![name] : undefined) ?? (Object.hasOwn(documentKeys, name) ? documentKeys[name] : name);
      notifications[key] = n;
    }
    await this.unitCall('set_notifications', unit, { notifications }, opts);
  }

  // ---- plumbing ----

  private unitCall<C extends Command>(cmd: C, unit: UnitAuth, fields: Record<string, unknown>, opts?: CallOptions): Promise<ReplyDomainMap[C]> {
    if (!unit || typeof unit.token !== 'string' || unit.token.trim() === '')
      throw new InvalidInputError(`${cmd} needs the unit's token; sign in again to fetch it.`);
    registerSecret(unit.token);
    registerSecret(unit.accountToken);
    const body: Record<string, unknown> = { ...fields, cmd, device_id: this.deviceId, token: unit.token };
    if (unit.accountToken) body.account_token = unit.accountToken;
    return this.call(cmd, body, opts, unit.unitId);
  }

  /** Validates the request, sends it (with the retry rule), and parses the reply. */
  private async call<C extends Command>(cmd: C, body: Record<string, unknown>, opts: CallOptions | undefined, unitId?: string): Promise<ReplyDomainMap[C]> {
    if (this.closed) throw new Error('JuiceNetClient is closed');
    const check = requestSchemas[cmd].safeParse(body);
    if (!check.success) {
      const issue = check.error.issues[0];
      throw new InvalidInputError(`${cmd}: ${issue.path.map(String).join('.') || 'request'}: ${issue.message}`);
    }
    const json = JSON.stringify(body);
    const signal = opts?.signal;
    const write = isWriteCommand(cmd);
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new AbortedError();
      const started = Date.now();
      let status: number | undefined;
      try {
        const text = await this.send(cmd, json, signal, (s) => (status = s));
        const value = parseReply(cmd, text, { unitId, maxReplyBytes: this.maxReplyBytes });
        this.onEvent?.({ cmd, unitId, attempt, ms: Date.now() - started, status });
        return value;
      } catch (e) {
        const err = signal?.aborted ? new AbortedError() : toJuiceNetError(e, { timeouts: this.timeouts });
        const retry = attempt < this.retry.retries && this.shouldRetry(err, write);
        this.onEvent?.({ cmd, unitId, attempt, ms: Date.now() - started, status, error: err.name, willRetry: retry });
        if (!retry) throw err;
        this.counters.retries++;
        // Exponential backoff with full jitter: spreads retries of many units over time.
        const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
        await sleep(Math.random() * cap, signal);
      }
    }
  }

  /**
   * Reads retry on network errors, timeouts, HTTP 5xx, malformed replies and server-side temporary
   * failures (success:false with a 5xx code). Writes retry only when the request certainly never
   * reached the server (connection refused / connect timeout): repeating a write could apply it twice.
   */
  private shouldRetry(err: JuiceNetError, write: boolean): boolean {
    if (err instanceof AbortedError) return false;
    if (write) {
      if (err instanceof NetworkError) return !err.mayHaveReachedServer;
      if (err instanceof TimeoutError) return !err.mayHaveReachedServer;
      return false;
    }
    if (err instanceof NetworkError || err instanceof TimeoutError || err instanceof ProtocolError) return true;
    if (err instanceof HttpStatusError) return err.status >= 500;
    if (err instanceof ApiError) return err.errorCode !== undefined && err.errorCode >= 500 && err.errorCode <= 599 && !(err instanceof AuthError);
    return false;
  }

  /** One HTTP exchange under the concurrency cap; returns the 2xx body text. */
  private async send(cmd: Command, json: string, signal: AbortSignal | undefined, onStatus: (s: number) => void): Promise<string> {
    await this.limiter.acquire(signal);
    try {
      this.counters.requests++;
      const res = await this.pool.request({
        path: this.basePath + endpointFor(cmd),
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'juicenet-vscode' },
        body: json,
        signal,
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.bodyMs,
      });
      onStatus(res.statusCode);
      if (res.statusCode < 200 || res.statusCode > 299) {
        const excerpt = await readLimited(res.body, 4096, false);
        throw new HttpStatusError(res.statusCode, excerpt, cmd);
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > this.maxReplyBytes) {
        res.body.destroy();
        throw new ProtocolError('(body)', `reply is larger than ${this.maxReplyBytes} bytes (${declared} declared)`, cmd);
      }
      const text = await readLimited(res.body, this.maxReplyBytes, true);
      if (text === undefined) throw new ProtocolError('(body)', `reply is larger than ${this.maxReplyBytes} bytes`, cmd);
      return text;
    } finally {
      this.limiter.release();
    }
  }
}

type Body = AsyncIterable<Buffer | Uint8Array | string> & { destroy(err?: Error): unknown };

/**
 * Reads at most `limit` bytes of a body. Over the limit: with `strict`, the body is destroyed and
 * undefined returned (never buffering more than the limit); otherwise the first `limit` bytes.
 */
async function readLimited(body: Body, limit: number, strict: true): Promise<string | undefined>;
async function readLimited(body: Body, limit: number, strict: false): Promise<string>;
async function readLimited(body: Body, limit: number, strict: boolean): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    const chunk = typeof c === 'string' ? Buffer.from(c) : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      if (strict) return undefined;
      chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
      return Buffer.concat(chunks).toString('utf8');
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
}
