// The local server's push channel: server-sent events of state changes, so a client sees a box's
// report at once instead of at its next poll. GET /local/events with the owner's account token
// as a bearer token (never in the URL, which proxies and logs keep). Each event names the units
// whose reports (or diagnostics) changed; a burst is sent as one event after a short delay, and
// a comment line every 15 s keeps idle connections open through proxies.
import type * as http from 'node:http';
import { LOCAL_ALERT_EVENT, LOCAL_CHANGE_EVENT, type LocalAlertReply, type LocalChangeReply } from '../api/local-contract';

/** Changes within this many ms go out as one event. */
const COALESCE_MS = 25;
const KEEPALIVE_MS = 15_000;
/** Clients at once; more are refused (each is an open socket). */
const MAX_CLIENTS = 32;

export interface LocalEventsOptions {
  /** The owner's account token. */
  accountToken: string;
  log: (line: string) => void;
}

export class LocalEvents {
  private readonly clients = new Set<http.ServerResponse>();
  private pending = new Set<string>();
  private pendingAtS = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly keepalive: NodeJS.Timeout;
  private seq = 0;

  constructor(private readonly opts: LocalEventsOptions) {
    this.keepalive = setInterval(() => {
      for (const c of this.clients) c.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Answers GET /local/events: checks the token, then keeps the response open as an event stream. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const refuse = (status: number, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ success: false, error_code: status, error_message: message }));
    };
    if (req.method !== 'GET') return refuse(405, 'Use GET for the event stream');
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${this.opts.accountToken}`)
      return refuse(401, 'Invalid token: the event stream needs the account token as "Authorization: Bearer <token>"');
    if (this.clients.size >= MAX_CLIENTS) return refuse(503, 'Too many event stream clients; try again later');
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`retry: 2000\n: connected\n\n`);
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    req.on('close', drop);
    res.on('error', drop);
  }

  /** A report (or a datagram that changed the diagnostics) from `unitId` reached the server at `atS`. */
  changed(unitId: string | undefined, atS: number): void {
    if (this.clients.size === 0) return;
    if (unitId) this.pending.add(unitId);
    this.pendingAtS = Math.max(this.pendingAtS, atS);
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  /**
   * Something an owner should be told about a box (it went silent, came back, ignores commands,
   * moved to another stream), as an `alert` event with the words to show; sent at once.
   */
  alert(alert: LocalAlertReply): void {
    if (this.clients.size === 0) return;
    const text = `id: ${++this.seq}\nevent: ${LOCAL_ALERT_EVENT}\ndata: ${JSON.stringify(alert)}\n\n`;
    for (const c of this.clients) c.write(text);
  }

  private flush(): void {
    this.timer = undefined;
    const event: LocalChangeReply = { units: [...this.pending], atS: this.pendingAtS };
    this.pending = new Set();
    const text = `id: ${++this.seq}\nevent: ${LOCAL_CHANGE_EVENT}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const c of this.clients) c.write(text);
  }

  close(): void {
    clearInterval(this.keepalive);
    clearTimeout(this.timer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}

/** The serial a datagram names (the digits before its first colon), without decoding it again. */
export function serialOf(datagram: Uint8Array): string | undefined {
  const head = Buffer.from(datagram.subarray(0, 48)).toString('latin1');
  const m = /^(\d{6,40}):/.exec(head);
  return m?.[1];
}
