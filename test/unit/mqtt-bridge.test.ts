// The MQTT bridge on a real Mosquitto that takes only the users of its password file, over a
// server side kept in memory (the box list changes at will): the right password connects and shows
// in no log line, a wrong one is said in words, a box removed from the account disappears from
// Home Assistant (empty retained config, values cleared), a new one appears, and a retained
// command waiting on the broker is never acted on.
import * as assert from 'node:assert/strict';
import type { UnitStatus } from '../../src/domain/model';
import { MqttBridge } from '../../src/local/mqtt/bridge';
import type { CommandOutcome, LocalServerForMqtt, MqttBox, MqttBoxReading, MqttServerListener } from '../../src/local/mqtt/host';
import { startBroker, watch, type Broker } from '../mqtt-broker';

class MemoryServer implements LocalServerForMqtt {
  list: MqttBox[] = [];
  limits = new Map<string, number>();
  calls: string[] = [];
  private listeners = new Set<MqttServerListener>();
  boxes(): MqttBox[] {
    return this.list;
  }
  reading(unitId: string): MqttBoxReading | undefined {
    if (!this.list.some((b) => b.unitId === unitId)) return undefined;
    const status: UnitStatus = {
      unitId,
      state: 'plugged',
      rawState: 'plugged',
      charging: { ampsLimit: this.limits.get(unitId) ?? 16, ampsCurrent: 0, voltageV: 240, energyWh: 1200, powerW: 0 },
      lifetime: { energyWh: 123456 },
      timeLastPing: 1_760_000_000,
    };
    const day = { start: 0, end: 0, carReadyBy: 0 };
    return { status, timeZoneId: 'UTC', cars: [], schedule: { type: 'disabled', weekday: day, weekend: day }, online: true };
  }
  ownerLimit(unitId: string): number {
    return this.limits.get(unitId) ?? 16;
  }
  setLimit(unitId: string, amps: number): CommandOutcome {
    this.calls.push(`${unitId} ${amps}`);
    this.limits.set(unitId, amps);
    return { ok: true };
  }
  chargeNow(): CommandOutcome {
    return { ok: true };
  }
  cancelOverride(): CommandOutcome {
    return { ok: true };
  }
  now(): number {
    return Date.now() / 1000;
  }
  subscribe(l: MqttServerListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  changed(): void {
    for (const l of this.listeners) l.boxesChanged();
  }
}

const box = (unitId: string, name: string): MqttBox => ({ unitId, name, ratingA: 40 });

describe('MQTT bridge (Mosquitto with a password file)', function () {
  this.timeout(30_000);
  const user = { name: 'juicenet', password: 'pw-Zq8!never-logged' };
  let broker: Broker;
  const bridges: MqttBridge[] = [];

  before(async () => {
    broker = await startBroker({ user });
  });
  after(async () => {
    for (const b of bridges) await b.close();
    await broker?.dispose();
  });

  const start = (host: LocalServerForMqtt, logs: string[], password = user.password) => {
    const b = new MqttBridge(host, { url: broker.url, username: user.name, password, reconnectMs: 200, log: (l) => logs.push(l) });
    bridges.push(b);
    b.start();
    return b;
  };
  const until = async (cond: () => boolean, what: string, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('a wrong password is said in words and the bridge is not connected; the password is in no log line', async () => {
    const logs: string[] = [];
    const b = start(new MemoryServer(), logs, 'wrong-password-123');
    await until(() => /refused the user name or password/.test(b.status.reason ?? ''), 'the refusal');
    assert.equal(b.status.connected, false);
    assert.match(logs.join('\n'), /cannot connect to 127\.0\.0\.1:\d+: the broker refused the user name or password/);
    assert.ok(!logs.join('\n').includes('wrong-password-123'));
    await b.close();
  });

  it('connects with the password, ignores a retained command, adds and removes boxes in Home Assistant', async () => {
    const w = await watch(broker, ['homeassistant/#', 'juicenet/#']);
    try {
      // A command left retained on the broker, before the bridge subscribes: never acted on.
      await w.publish('juicenet/1111222233/max_current/set', '6', { retain: true });
      const host = new MemoryServer();
      host.list = [box('1111222233', 'Drive'), box('4444555566', 'Garage')];
      const logs: string[] = [];
      const b = start(host, logs);
      await w.waitValue('homeassistant/device/juicenet_4444555566/config', (v) => v.includes('"Garage"'));
      await w.waitValue('juicenet/1111222233/state', (v) => v === 'connected');
      assert.equal(b.status.connected, true);
      await until(() => logs.some((l) => /retained message on juicenet\/1111222233\/max_current\/set/.test(l)), 'the retained command to be refused');
      assert.deepEqual(host.calls, []);
      await w.publish('juicenet/1111222233/max_current/set', '', { retain: true });
      // A live command is taken.
      await w.publish('juicenet/1111222233/max_current/set', '20');
      await until(() => host.calls.includes('1111222233 20'), 'the live command');

      // Removed from the account: an empty retained config removes the device; values are cleared.
      const from = w.mark();
      host.list = [box('4444555566', 'Garage'), box('7777888899', 'Carport')];
      host.changed();
      await w.waitFor((m) => m.topic === 'homeassistant/device/juicenet_1111222233/config' && m.payload === '', 5000, 'the removal', from);
      await w.waitFor((m) => m.topic === 'juicenet/1111222233/state' && m.payload === '', 5000, 'the cleared state', from);
      await w.waitValue('homeassistant/device/juicenet_7777888899/config', (v) => v.includes('"Carport"'));
      const late = await watch(broker, ['homeassistant/device/+/config']);
      try {
        await late.waitValue('homeassistant/device/juicenet_7777888899/config', (v) => v.length > 0);
        assert.equal(late.last.get('homeassistant/device/juicenet_1111222233/config'), undefined, 'no retained config is left for the removed box');
      } finally {
        await late.close();
      }
      assert.ok(!logs.join('\n').includes(user.password), 'the password is in no log line');
      assert.ok(!broker.output().includes(user.password));
    } finally {
      await w.close();
    }
  });
});

describe('MQTT bridge over TLS (mqtts://, Mosquitto with a self-signed certificate)', function () {
  this.timeout(30_000);
  let broker: Broker;
  const bridges: MqttBridge[] = [];
  before(async () => {
    broker = await startBroker({ tls: true });
  });
  after(async () => {
    for (const b of bridges) await b.close();
    await broker?.dispose();
  });
  const until = async (cond: () => boolean, what: string) => {
    const end = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it("connects with the broker's CA (--mqtt-ca-file) and publishes; without it, says the certificate was not accepted", async () => {
    const host = new MemoryServer();
    host.list = [box('1212343456', 'Garage')];
    const w = await watch(broker, ['homeassistant/device/+/config']);
    try {
      const logs: string[] = [];
      const ok = new MqttBridge(host, { url: broker.url, caFile: broker.caFile, reconnectMs: 200, log: (l) => logs.push(l) });
      bridges.push(ok);
      ok.start();
      await w.waitValue('homeassistant/device/juicenet_1212343456/config', (v) => v.includes('"Garage"'));
      assert.equal(ok.status.connected, true);
      const refused = new MqttBridge(new MemoryServer(), { url: broker.url, clientId: 'no-ca', reconnectMs: 200, log: (l) => logs.push(l) });
      bridges.push(refused);
      refused.start();
      await until(() => /certificate was not accepted/.test(refused.status.reason ?? ''), 'the refusal of the certificate');
      assert.match(refused.status.reason ?? '', /give its CA with --mqtt-ca-file/);
    } finally {
      await w.close();
    }
  });
});
