// JuiceNet Local on an MQTT broker (MQTT.js): the server's availability (retained "online", last
// will "offline"), per box its availability and values, Home Assistant discovery (re-sent when Home
// Assistant announces itself), and the owner's commands. Publishing never delays a box's reply:
// reports are queued and published on the next turn of the event loop. While the broker cannot be
// reached nothing is queued; on every (re)connection everything is published afresh.
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { LocalMqttStatus } from '../../api/local-contract';
import { runCommand, parseAmpsPayload, parseOnOff, type MqttCommand } from './commands';
import { boxConfigTopic, boxDiscovery, boxTopic, serverConfigTopic, serverDiscovery, serverStatusTopic, type DiscoveryTopics } from './discovery';
import type { LocalServerForMqtt, MqttBox } from './host';
import { jppCommand, jppCommandFilter, jppDevices, jppValues } from './jpp';
import { brokerAddress, DEFAULT_BASE_TOPIC, DEFAULT_DISCOVERY_PREFIX, type MqttOptions } from './options';
import { COMMAND_TOPICS, VALUE_TOPICS, readingValues } from './values';

/** The MQTT connection as the diagnostics (and the extension's Local server row) show it. */
export type MqttStatus = LocalMqttStatus;

export interface MqttBridgeOptions extends MqttOptions {
  log: (line: string) => void;
}

const COMMAND_SUFFIXES = new Map<string, 'maxCurrent' | 'enabled' | 'chargeNow' | 'cancelOverride'>(
  Object.entries(COMMAND_TOPICS).map(([k, v]) => [v, k as 'maxCurrent' | 'enabled' | 'chargeNow' | 'cancelOverride']),
);

/** A broker's refusal or a socket error, in words. */
export function connectionWords(e: Error & { code?: string | number }): string {
  const code = e.code;
  if (code === 'ECONNREFUSED') return 'the broker refused the connection (is it running, on that port?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the broker’s host name is not known';
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'the broker cannot be reached';
  // Mosquitto answers a wrong password with "not authorised" (5) as often as with "bad user name or password" (4).
  if (code === 4 || code === 5 || code === 134 || code === 135 || /bad user name or password|not authori[sz]ed/i.test(e.message))
    return 'the broker refused the user name or password (check --mqtt-user and the password)';
  if (/certificate|self.signed|CERT_/i.test(`${e.message} ${String(code)}`))
    return `the broker’s certificate was not accepted (${e.message}); give its CA with --mqtt-ca-file`;
  return e.message;
}

export class MqttBridge {
  private client?: MqttClient;
  private readonly topics: DiscoveryTopics;
  private readonly sent = new Map<string, string>();
  private readonly pending = new Set<string>();
  private flushScheduled = false;
  private boxes = new Map<string, MqttBox>();
  private jppDevice = new Map<string, string>();
  private readonly memory = new Map<string, number>();
  private unsubscribe?: () => void;
  private readonly st: MqttStatus;
  private closed = false;
  private readonly statusListeners = new Set<(s: MqttStatus) => void>();

  constructor(
    private readonly host: LocalServerForMqtt,
    private readonly opts: MqttBridgeOptions,
  ) {
    this.topics = { base: opts.baseTopic ?? DEFAULT_BASE_TOPIC, prefix: opts.discoveryPrefix ?? DEFAULT_DISCOVERY_PREFIX };
    this.st = { broker: brokerAddress(opts.url), connected: false, reason: 'connecting', sinceS: host.now(), boxes: 0, published: 0, commands: 0, refused: 0 };
  }

  get status(): MqttStatus {
    return { ...this.st, boxes: this.boxes.size };
  }

  /** Called on every change of the connection. */
  onStatus(listener: (s: MqttStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(connected: boolean, reason?: string): void {
    if (this.st.connected === connected && this.st.reason === reason) return;
    this.st.connected = connected;
    this.st.reason = reason;
    this.st.sinceS = this.host.now();
    for (const l of this.statusListeners) l(this.status);
  }

  private get log(): (line: string) => void {
    return this.opts.log;
  }

  /** Connects in the background (the server serves its boxes whether the broker is there or not). */
  start(): void {
    this.syncBoxes(false);
    this.unsubscribe = this.host.subscribe({
      report: (unitId) => this.queue(unitId),
      availability: (unitId) => this.queue(unitId),
      boxesChanged: () => this.syncBoxes(true),
    });
    const o: IClientOptions = {
      clientId: this.opts.clientId ?? `juicenet-local-${this.topics.base.replace(/[^A-Za-z0-9_-]/g, '_')}`,
      username: this.opts.username,
      password: this.opts.password,
      clean: true,
      reconnectPeriod: this.opts.reconnectMs ?? 2000,
      connectTimeout: 10_000,
      keepalive: 30,
      resubscribe: false,
      queueQoSZero: false,
      will: { topic: serverStatusTopic(this.topics), payload: Buffer.from('offline'), qos: 1, retain: true },
      ...(this.opts.caFile ? { ca: readFileSync(this.opts.caFile) } : {}),
      ...(this.opts.insecure ? { rejectUnauthorized: false } : {}),
    };
    const client = (this.client = mqtt.connect(this.opts.url, o));
    client.on('connect', () => this.connected());
    client.on('message', (topic, payload, packet) => this.message(topic, payload.toString('utf8'), packet.retain));
    client.on('error', (e) => {
      const words = connectionWords(e as Error & { code?: string | number });
      if (this.st.reason !== words) this.log(`MQTT: cannot connect to ${this.st.broker}: ${words}`);
      this.setStatus(false, words);
    });
    client.on('close', () => {
      if (this.st.connected) this.log(`MQTT: connection to ${this.st.broker} lost; trying again every ${(o.reconnectPeriod ?? 2000) / 1000} s`);
      if (!this.closed) this.setStatus(false, this.st.connected ? 'connection lost; reconnecting' : (this.st.reason ?? 'not connected'));
    });
  }

  private connected(): void {
    const client = this.client;
    if (!client) return;
    this.log(`MQTT: connected to ${this.st.broker}; topics under ${this.topics.base}/`);
    this.setStatus(true);
    this.sent.clear();
    const filters = [`${this.topics.base}/+/+/set`];
    if (this.topics.prefix) filters.push(`${this.topics.prefix}/status`);
    if (this.opts.compat?.includes('jpp')) filters.push(jppCommandFilter());
    client.subscribe(filters, { qos: 1 }, (err) => {
      if (err) this.log(`MQTT: the broker refused the command topics (${err.message}); commands from MQTT will not arrive`);
    });
    this.publish(serverStatusTopic(this.topics), 'online', 1);
    this.publishAll();
  }

  /** Discovery, availability and values of every box. */
  private publishAll(): void {
    if (this.topics.prefix) {
      this.publish(serverConfigTopic(this.topics), JSON.stringify(serverDiscovery(this.topics)), 1, true);
      for (const box of this.boxes.values()) this.publish(boxConfigTopic(this.topics, box.unitId), JSON.stringify(boxDiscovery(this.topics, box)), 1, true);
    }
    for (const id of this.boxes.keys()) this.pending.add(id);
    this.flush();
  }

  /** Takes the account's box list: new boxes are announced, renamed ones re-announced, removed ones removed. */
  private syncBoxes(publish: boolean): void {
    const next = new Map(this.host.boxes().map((b) => [b.unitId, b]));
    const before = this.boxes;
    this.boxes = next;
    this.jppDevice = this.opts.compat?.includes('jpp') ? jppDevices([...next.values()], this.opts.compatDeviceName) : new Map();
    if (!publish || !this.client?.connected) return;
    for (const [id, old] of before) {
      if (next.has(id)) continue;
      this.log(`MQTT: ${old.name} (${id}) removed from the account: removing it from Home Assistant`);
      if (this.topics.prefix) this.publish(boxConfigTopic(this.topics, id), '', 1, true);
      for (const v of [...VALUE_TOPICS, 'availability']) this.publish(boxTopic(this.topics, id, v), '', 0, true);
      this.memory.delete(id);
    }
    for (const [id, box] of next) {
      const old = before.get(id);
      if (old && JSON.stringify(old) === JSON.stringify(box)) continue;
      if (!old) this.log(`MQTT: ${box.name} (${id}) published${this.topics.prefix ? ' with Home Assistant discovery' : ''}`);
      if (this.topics.prefix) this.publish(boxConfigTopic(this.topics, id), JSON.stringify(boxDiscovery(this.topics, box)), 1, true);
      this.pending.add(id);
    }
    this.scheduleFlush();
  }

  private queue(unitId: string): void {
    if (!this.boxes.has(unitId)) return;
    this.pending.add(unitId);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (!this.client?.connected) {
      this.pending.clear();
      return;
    }
    const ids = [...this.pending];
    this.pending.clear();
    for (const id of ids) {
      const box = this.boxes.get(id);
      if (!box) continue;
      try {
        this.publishBox(box);
      } catch (e) {
        this.log(`MQTT: could not publish ${box.name} (${id}): ${(e as Error).message}`);
      }
    }
  }

  private publishBox(box: MqttBox): void {
    const r = this.host.reading(box.unitId);
    if (!r) return;
    const owner = this.host.ownerLimit(box.unitId) ?? 0;
    const values = readingValues(r, { ownerLimitA: owner, restoreLimitA: this.memory.get(box.unitId) ?? box.ratingA, nowS: this.host.now() });
    this.publish(boxTopic(this.topics, box.unitId, 'availability'), r.online ? 'online' : 'offline', 1);
    for (const [k, v] of Object.entries(values)) this.publish(boxTopic(this.topics, box.unitId, k), v, 0);
    const device = this.jppDevice.get(box.unitId);
    if (device) for (const [topic, v] of jppValues(device, values, r, owner)) this.publish(topic, v, 0);
  }

  /** Publishes retained; unchanged payloads are not sent again (unless `force`). */
  private publish(topic: string, payload: string, qos: 0 | 1, force = false): void {
    const client = this.client;
    if (!client?.connected) return;
    if (!force && this.sent.get(topic) === payload) return;
    this.sent.set(topic, payload);
    this.st.published++;
    client.publish(topic, payload, { qos, retain: true }, (err) => {
      if (err && !this.closed) {
        this.sent.delete(topic);
        this.log(`MQTT: publishing ${topic} failed: ${err.message}`);
      }
    });
  }

  private message(topic: string, payload: string, retained: boolean): void {
    if (this.topics.prefix && topic === `${this.topics.prefix}/status`) {
      if (payload.trim() === 'online' && !retained) {
        this.log('MQTT: Home Assistant started: publishing discovery again');
        this.sent.clear();
        this.publishAll();
      }
      return;
    }
    if (retained) {
      // A retained command would run again at every reconnection: never act on one.
      this.log(`MQTT: ignored a retained message on ${topic}: commands must not be retained`);
      return;
    }
    const jpp = this.opts.compat?.includes('jpp') ? jppCommand(topic, payload) : undefined;
    if (jpp) {
      const unitId = [...this.jppDevice].find(([, d]) => d === jpp.device)?.[0];
      if (!unitId) return this.refuse(topic, `no box is published as ${jpp.device}`);
      return this.command(this.boxes.get(unitId)!, topic, jpp.parsed);
    }
    const base = `${this.topics.base}/`;
    if (!topic.startsWith(base)) return;
    const rest = topic.slice(base.length);
    const slash = rest.indexOf('/');
    const unitId = rest.slice(0, slash);
    const which = COMMAND_SUFFIXES.get(rest.slice(slash + 1));
    const box = this.boxes.get(unitId);
    if (!box) return this.refuse(topic, `no box ${unitId} on the account`);
    if (!which) return this.refuse(topic, 'not a command topic (use max_current/set, enabled/set, charge_now/set or cancel_override/set)');
    let parsed: { ok: true; command: MqttCommand } | { ok: false; message: string };
    if (which === 'maxCurrent') {
      const a = parseAmpsPayload(payload);
      parsed = a.ok ? { ok: true, command: { kind: 'limit', amps: a.amps } } : a;
    } else if (which === 'enabled') {
      const on = parseOnOff(payload);
      parsed =
        on === undefined
          ? { ok: false, message: `${JSON.stringify(payload.slice(0, 40))} is neither on nor off (send true or false)` }
          : { ok: true, command: { kind: 'enable', on } };
    } else parsed = { ok: true, command: { kind: which } };
    this.command(box, topic, parsed);
  }

  private refuse(topic: string, why: string): void {
    this.st.refused++;
    this.log(`MQTT: command on ${topic} refused: ${why}; nothing changed`);
  }

  private command(box: MqttBox, topic: string, parsed: { ok: true; command: MqttCommand } | { ok: false; message: string }): void {
    if (!parsed.ok) return this.refuse(topic, `${box.name}: ${parsed.message}`);
    const r = runCommand(this.host, box, parsed.command, this.memory);
    if (!r.outcome.ok) return this.refuse(topic, `${box.name}: ${r.said}: ${r.outcome.message}`);
    this.st.commands++;
    this.log(`MQTT: ${box.name} (${box.unitId}): ${r.said}`);
    // The number shows what "on" would give back while off: publish it now; the rest follows the box's next report.
    this.queue(box.unitId);
  }

  /** Publishes "offline" (the last will covers a crash) and disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    const client = this.client;
    if (!client) return;
    const within = (ms: number, p: Promise<void>) => Promise.race([p, new Promise<void>((r) => setTimeout(r, ms).unref())]);
    if (client.connected) {
      await within(2000, new Promise<void>((resolve) => client.publish(serverStatusTopic(this.topics), 'offline', { qos: 1, retain: true }, () => resolve())));
    }
    await within(2000, new Promise<void>((resolve) => client.end(false, {}, () => resolve())));
    if (!client.disconnected) client.end(true);
  }
}
