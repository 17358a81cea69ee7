// The meter sources of solar charging: the grid power (import positive, export negative) from an
// HTTP JSON endpoint polled every few seconds, or from an MQTT topic. The value's path in the JSON
// and its sign are the owner's to set. A source only reports readings and problems in words; what
// a silent or nonsensical meter means for the boxes is decided by the solar rules.
import mqtt from 'mqtt';
import { meterValue, plausibleGridW } from '../../domain/smart/solar';
import type { LocalMeterConfig } from '../../api/local-contract';

export interface MeterListener {
  reading(gridW: number, atS: number): void;
  /** A problem in words (undefined once readings arrive again). */
  problem(words: string | undefined): void;
}

export interface MeterSource {
  close(): Promise<void>;
}

/** Where a meter reads, for the status: the address without user name or password. */
export function meterWhere(c: LocalMeterConfig): string | undefined {
  if (c.kind === 'none') return undefined;
  let where = c.url;
  try {
    const u = new URL(c.url);
    u.username = '';
    u.password = '';
    where = u.toString();
  } catch {
    // Not a URL: shown as typed (it is refused when started).
  }
  return c.kind === 'mqtt' ? `${where} topic ${c.topic}` : where;
}

/** The grid power in a payload, or a problem in words. */
function parse(body: string, path: string, sign: 1 | -1): { gridW: number } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { problem: `the meter sent something that is not JSON (${JSON.stringify(body.slice(0, 40))})` };
  }
  const v = meterValue(json, path, sign);
  if (v === undefined) return { problem: path ? `the meter's reply has no number at "${path}"` : "the meter's reply is not a number" };
  if (!plausibleGridW(v)) return { problem: `the meter sent ${v} W, which cannot be a household's grid power` };
  return { gridW: v };
}

export function startMeter(c: LocalMeterConfig, listener: MeterListener, now: () => number, log: (line: string) => void): MeterSource | undefined {
  if (c.kind === 'none') return undefined;
  if (c.kind === 'http') return startHttpMeter(c, listener, now);
  return startMqttMeter(c, listener, now, log);
}

function startHttpMeter(c: Extract<LocalMeterConfig, { kind: 'http' }>, listener: MeterListener, now: () => number): MeterSource {
  const url = new URL(c.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the meter's address must start with http:// or https:// (got ${url.protocol})`);
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: AbortController | undefined;
  const poll = async () => {
    inFlight = new AbortController();
    const timeout = setTimeout(() => inFlight?.abort(), Math.max(1000, c.intervalS * 1000));
    try {
      const res = await fetch(url, { signal: inFlight.signal, headers: { accept: 'application/json' } });
      const body = await res.text();
      if (!res.ok) listener.problem(`the meter answers HTTP ${res.status}`);
      else {
        const r = parse(body, c.path, c.sign);
        if ('problem' in r) listener.problem(r.problem);
        else {
          listener.problem(undefined);
          listener.reading(r.gridW, now());
        }
      }
    } catch (e) {
      if (!closed)
        listener.problem(
          `the meter at ${meterWhere(c)} cannot be reached (${(e as Error).name === 'AbortError' ? 'no answer in time' : (e as Error).message})`,
        );
    } finally {
      clearTimeout(timeout);
      inFlight = undefined;
      if (!closed) timer = setTimeout(() => void poll(), c.intervalS * 1000);
    }
  };
  void poll();
  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      inFlight?.abort();
    },
  };
}

function startMqttMeter(c: Extract<LocalMeterConfig, { kind: 'mqtt' }>, listener: MeterListener, now: () => number, log: (line: string) => void): MeterSource {
  const client = mqtt.connect(c.url, {
    username: c.username,
    password: c.password,
    reconnectPeriod: 5000,
    connectTimeout: 10_000,
    clientId: `juicenet-local-meter-${Math.random().toString(16).slice(2, 10)}`,
  });
  let subscribed = false;
  client.on('connect', () => {
    client.subscribe(c.topic, { qos: 0 }, (err) => {
      if (err) listener.problem(`the broker refused the meter's topic ${c.topic}: ${err.message}`);
      else if (!subscribed) {
        subscribed = true;
        log(`Solar meter: reading ${meterWhere(c)}`);
      }
    });
  });
  client.on('message', (topic, payload) => {
    if (topic !== c.topic) return;
    const r = parse(payload.toString('utf8'), c.path, c.sign);
    if ('problem' in r) listener.problem(r.problem);
    else {
      listener.problem(undefined);
      listener.reading(r.gridW, now());
    }
  });
  client.on('error', (e) =>
    listener.problem(
      /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET/.test(e.message)
        ? `the meter's broker at ${meterWhere(c)} cannot be reached`
        : /authori[sz]|password|user ?name/i.test(e.message)
          ? `the meter's broker at ${meterWhere(c)} refused the user name or password`
          : `the meter's broker at ${meterWhere(c)} says: ${e.message}`,
    ),
  );
  client.on('offline', () => listener.problem(`the meter's broker at ${meterWhere(c)} cannot be reached`));
  return { close: () => new Promise<void>((resolve) => client.end(true, {}, () => resolve())) };
}
