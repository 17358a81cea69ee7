// Webhook notifications: each event a box's owner asked for (set_notifications, `webhook`) is
// sent as a small JSON body to the configured URL, retried with growing delays when the receiver
// fails. Delivery runs on its own queue: a report's UDP reply never waits for it.
// Email and push need the vendor's cloud: they cannot be sent by a local server.
import type { WireNotification } from '../server/types';

export interface WebhookDelivery {
  unitId: string;
  event: string;
  url: string;
  method: 'PUT' | 'POST';
  status: 'delivered' | 'failed';
  attempts: number;
  lastError?: string;
}

export interface NotifierOptions {
  /** Delays between attempts (ms); one attempt more than there are delays. */
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
  /** One line for the log (never a header value). */
  log: (line: string) => void;
  /** Epoch seconds. */
  now: () => number;
}

/** Where a URL goes, without credentials, path or query (for log lines). */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export class Notifier {
  private readonly retryDelaysMs: readonly number[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<AbortController>();
  private closed = false;
  /** The latest deliveries, newest last. */
  readonly recent: WebhookDelivery[] = [];
  pending = 0;

  constructor(private readonly opts: NotifierOptions) {
    this.retryDelaysMs = opts.retryDelaysMs ?? [1000, 5000, 30_000, 120_000];
  }

  /** Queues the event for the notification's webhook, if it has one; returns at once. */
  notify(unitId: string, event: string, notification: WireNotification | undefined, details: Record<string, unknown>): void {
    const url = notification?.webhook?.url;
    if (this.closed || !url) return;
    const method = notification.webhook?.method ?? 'POST';
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const auth = notification.webhook?.authorization_headers;
    if (auth) headers.authorization = auth;
    const body = JSON.stringify({ event, unit_id: unitId, time: Math.floor(this.opts.now()), ...details });
    const d: WebhookDelivery = { unitId, event, url: origin(url), method, status: 'failed', attempts: 0 };
    this.pending++;
    const attempt = (): void => {
      if (this.closed) return;
      d.attempts++;
      const ac = new AbortController();
      this.inflight.add(ac);
      const timer = setTimeout(() => ac.abort(), this.opts.timeoutMs ?? 10_000);
      fetch(url, { method, headers, body, signal: ac.signal })
        .then(async (res) => {
          await res.arrayBuffer().catch(() => undefined);
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          d.status = 'delivered';
          this.finish(d);
        })
        .catch((e: unknown) => {
          d.lastError = (e as Error).name === 'AbortError' ? 'timed out' : (e as Error).message;
          const delay = this.retryDelaysMs[d.attempts - 1];
          if (delay === undefined || this.closed) {
            this.opts.log(`Webhook for ${event} of ${unitId} to ${d.url} failed after ${d.attempts} attempts: ${d.lastError}`);
            this.finish(d);
            return;
          }
          const t = setTimeout(() => {
            this.timers.delete(t);
            attempt();
          }, delay);
          this.timers.add(t);
        })
        .finally(() => {
          clearTimeout(timer);
          this.inflight.delete(ac);
        });
    };
    attempt();
  }

  private finish(d: WebhookDelivery): void {
    this.pending--;
    this.recent.push(d);
    if (this.recent.length > 50) this.recent.shift();
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const ac of this.inflight) ac.abort();
  }
}
