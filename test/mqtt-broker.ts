// A real Mosquitto for the tests and the benchmark (Debian's `mosquitto`, installed by .ci/setup):
// started on a free loopback port with a temporary config (optionally with a password file made
// by mosquitto_passwd), stopped and restarted on the same port, and a small client that records
// what arrives on a topic filter. Nothing leaves 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { freeTcpPort } from './free-ports';

const MOSQUITTO_PATHS = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'];

export function mosquittoPath(): string {
  const found = MOSQUITTO_PATHS.find((p) => existsSync(p));
  if (!found) throw new Error('Mosquitto is not installed: run .ci/setup (Debian packages mosquitto and mosquitto-clients)');
  return found;
}

export interface Broker {
  port: number;
  /** mqtt://127.0.0.1:port, or mqtts:// for a broker started with `tls`. */
  url: string;
  /** With `tls`: the broker's self-signed certificate (PEM), to give clients as their CA. */
  caFile?: string;
  /** Set when the broker takes only users of its password file. */
  user?: { name: string; password: string };
  /** Everything the broker printed. */
  output(): string;
  /** Stops it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

export async function startBroker(opts: { user?: { name: string; password: string }; tls?: boolean } = {}): Promise<Broker> {
  const exe = mosquittoPath();
  const dir = mkdtempSync(join(tmpdir(), 'juicenet-mqtt-'));
  const cert = join(dir, 'broker-cert.pem');
  const key = join(dir, 'broker-key.pem');
  if (opts.tls) {
    // A self-signed certificate for 127.0.0.1, made for this run.
    const r = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`openssl could not make the broker's certificate: ${r.stderr || r.error?.message}`);
  }
  let out = '';
  let proc: ChildProcess | undefined;
  let port = 0;
  const config = () => {
    // Started as root, Mosquitto would switch to its own user, who cannot read this folder.
    const lines = [
      `listener ${port} 127.0.0.1`,
      ...(opts.tls ? [`certfile ${cert}`, `keyfile ${key}`] : []),
      `user ${userInfo().username}`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
    ];
    if (opts.user) {
      const pw = join(dir, 'passwords');
      writeFileSync(pw, '', { mode: 0o600 });
      const r = spawnSync('mosquitto_passwd', ['-b', pw, opts.user.name, opts.user.password], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr || r.error?.message}`);
      lines.push('allow_anonymous false', `password_file ${pw}`);
    } else lines.push('allow_anonymous true');
    writeFileSync(join(dir, 'mosquitto.conf'), lines.join('\n') + '\n');
  };
  const launch = async (): Promise<void> => {
    config();
    const p = spawn(exe, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    p.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    // Ready when it accepts a TCP connection; gone if it exits first (a port taken meanwhile).
    const deadline = Date.now() + 10_000;
    for (;;) {
      const state = await Promise.race([
        exited.then(() => 'exited' as const),
        new Promise<'up' | 'down'>((resolve) => {
          const s = net.connect(port, '127.0.0.1');
          s.once('connect', () => {
            s.destroy();
            resolve('up');
          });
          s.once('error', () => resolve('down'));
        }),
      ]);
      if (state === 'up') return;
      if (state === 'exited') throw new Error(`mosquitto exited: ${out}`);
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port} within 10 s: ${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  for (let attempt = 0; ; attempt++) {
    port = await freeTcpPort();
    try {
      await launch();
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    await gone;
  };
  return {
    port,
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    caFile: opts.tls ? cert : undefined,
    user: opts.user,
    output: () => out,
    stop,
    start: launch,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
  atMs: number;
}

/** A test client: records what arrives, waits for a topic's payload, publishes. */
export interface Watcher {
  client: MqttClient;
  messages: Received[];
  /** The last payload seen on each topic. */
  last: Map<string, string>;
  /** The count of messages so far: pass it to waitFor to look at what arrives from now on. */
  mark(): number;
  /** Resolves with the first message from index `from` on (default: those arriving from now) for which `match` holds. */
  waitFor(match: (m: Received) => boolean, timeoutMs?: number, what?: string, from?: number): Promise<Received>;
  /** Resolves once `topic` holds a payload for which `match` holds (already or later). */
  waitValue(topic: string, match: (payload: string) => boolean, timeoutMs?: number): Promise<string>;
  publish(topic: string, payload: string, opts?: { retain?: boolean; qos?: 0 | 1 }): Promise<void>;
  close(): Promise<void>;
}

export async function watch(broker: Broker, filters: string[], opts: { clientId?: string } = {}): Promise<Watcher> {
  const client = mqtt.connect(broker.url, {
    ...(broker.caFile ? { ca: readFileSync(broker.caFile) } : {}),
    clientId: opts.clientId ?? `test-${Math.random().toString(16).slice(2)}`,
    username: broker.user?.name,
    password: broker.user?.password,
    reconnectPeriod: 200,
  });
  const messages: Received[] = [];
  const last = new Map<string, string>();
  const waiters = new Set<() => void>();
  client.on('message', (topic, payload, packet) => {
    const m = { topic, payload: payload.toString('utf8'), retain: packet.retain, atMs: performance.now() };
    messages.push(m);
    last.set(topic, m.payload);
    for (const w of [...waiters]) w();
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(filters, { qos: 1 });
  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const tryIt = () => {
        const v = check();
        if (v === undefined) return false;
        waiters.delete(tryIt);
        clearTimeout(timer);
        resolve(v);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(tryIt);
        reject(new Error(`timed out waiting for ${what}; last values: ${JSON.stringify(Object.fromEntries([...last].slice(-30)))}`));
      }, timeoutMs);
      if (!tryIt()) waiters.add(tryIt);
    });
  return {
    client,
    messages,
    last,
    mark: () => messages.length,
    waitFor: (match, timeoutMs = 10_000, what = 'a message', from = messages.length) => until(() => messages.slice(from).find(match), timeoutMs, what),
    waitValue: (topic, match, timeoutMs = 10_000) =>
      until(
        () => {
          const v = last.get(topic);
          return v !== undefined && match(v) ? v : undefined;
        },
        timeoutMs,
        `a value on ${topic}`,
      ),
    publish: async (topic, payload, o = {}) => {
      await client.publishAsync(topic, payload, { retain: o.retain ?? false, qos: o.qos ?? 1 });
    },
    close: async () => {
      await client.endAsync(true);
    },
  };
}
