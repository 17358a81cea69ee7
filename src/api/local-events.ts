// The client of a JuiceNet Local server's push channel (GET /local/events, server-sent events):
// calls onChange with the unit ids whose reports arrived, and onAlert with what happened to a box
// (gone silent, back, ignoring commands, obeying again, on another stream) in the server's words. Reconnects with a growing delay; a
// server without the channel (the cloud, the simulator, an older local server) or a refused token
// ends the subscription, and the caller keeps polling. No vscode; the token travels in a header.
import { LOCAL_ALERT_EVENT, LOCAL_CHANGE_EVENT, LOCAL_PATHS, localAlertSchema, localChangeSchema, type LocalAlert, type LocalChange } from './local-contract';

export interface LocalEventHandlers {
  onChange(change: LocalChange): void;
  /** A box went silent, came back, ignores or obeys again the server's commands, or moved stream (the words to show). */
  onAlert?(alert: LocalAlert): void;
  /** Connected, or not (with why, and whether it will try again). */
  onStatus?(connected: boolean, detail?: { reason: string; retrying: boolean }): void;
}

export interface LocalEventSubscription {
  readonly connected: boolean;
  close(): void;
}

/** Splits an event stream into its events; returns the events and the unfinished rest. */
export function parseEventStream(buffer: string): { events: { event: string; data: string }[]; rest: string } {
  const events: { event: string; data: string }[] = [];
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || !line) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

function asChange(data: string): LocalChange | undefined {
  try {
    const parsed = localChangeSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** One `alert` event's data, or undefined when it is not one (an unknown kind, no words). */
export function asLocalAlert(data: string): LocalAlert | undefined {
  try {
    const parsed = localAlertSchema.safeParse(JSON.parse(data));
    return parsed.success && parsed.data.words.trim() ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function subscribeLocalEvents(
  baseUrl: string,
  accountToken: string,
  h: LocalEventHandlers,
  opts: { minRetryMs?: number; maxRetryMs?: number } = {},
): LocalEventSubscription {
  const url = new URL(LOCAL_PATHS.events, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  let closed = false;
  let connected = false;
  let ac: AbortController | undefined;
  let retryMs = opts.minRetryMs ?? 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = (c: boolean, detail?: { reason: string; retrying: boolean }) => {
    connected = c;
    h.onStatus?.(c, detail);
  };
  const again = (reason: string) => {
    if (closed) return;
    status(false, { reason, retrying: true });
    timer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, opts.maxRetryMs ?? 30_000);
  };
  const connect = async () => {
    if (closed) return;
    ac = new AbortController();
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${accountToken}`, accept: 'text/event-stream' }, signal: ac.signal });
    } catch (e) {
      return again(`not reachable (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name})`);
    }
    if (res.status === 404 || res.status === 405 || res.status === 401 || !res.body || !/text\/event-stream/.test(res.headers.get('content-type') ?? '')) {
      await res.body?.cancel().catch(() => undefined);
      status(false, { reason: res.status === 401 ? 'the server refused the token' : 'the server has no push channel', retrying: false });
      return;
    }
    if (!res.ok) {
      await res.body.cancel().catch(() => undefined);
      return again(`HTTP ${res.status}`);
    }
    retryMs = opts.minRetryMs ?? 1000;
    status(true);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        if (buffer.length > 1_000_000) throw new Error('an event larger than 1 MB');
        const parsed = parseEventStream(buffer);
        buffer = parsed.rest;
        for (const e of parsed.events) {
          if (e.event === LOCAL_ALERT_EVENT) {
            const alert = asLocalAlert(e.data);
            if (alert) h.onAlert?.(alert);
            continue;
          }
          const change = e.event === LOCAL_CHANGE_EVENT ? asChange(e.data) : undefined;
          if (change) h.onChange(change);
        }
      }
      again('the server closed the stream');
    } catch (e) {
      again(closed ? 'closed' : `stream broken (${(e as Error).message})`);
    }
  };
  void connect();
  return {
    get connected() {
      return connected;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      ac?.abort();
      connected = false;
    },
  };
}
