// JuiceNet Local on a real Mosquitto, end to end: emulated JuiceBoxes report over UDP, the server
// publishes Home Assistant discovery (retained, checked against the documented schema), states that
// follow the reports, availability; commands from MQTT reach the boxes (seen in what the emulator
// obeys and then reports), bad payloads change nothing, Home Assistant's birth message and a
// broker restart bring everything back.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeDatagram } from '../../src/juicebox/codec';
import { ratingAmps } from '../../src/server/rules';
import { startBroker, watch, type Broker, type Watcher } from '../mqtt-broker';
import { post, startRig, type LocalRig } from './local-helpers';

/** The keys Home Assistant requires of a device discovery payload and of its components. */
export function checkDeviceDiscovery(payload: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const device = payload.device as Record<string, unknown> | undefined;
  if (!device || !Array.isArray(device.identifiers) || device.identifiers.length === 0) problems.push('device.identifiers missing');
  const origin = payload.origin as Record<string, unknown> | undefined;
  if (!origin || typeof origin.name !== 'string') problems.push('origin.name missing');
  const comps = payload.components as Record<string, Record<string, unknown>> | undefined;
  if (!comps || Object.keys(comps).length === 0) return [...problems, 'components missing'];
  for (const [key, c] of Object.entries(comps)) {
    if (!/^[a-zA-Z0-9_-]+$/.test(key)) problems.push(`${key}: not a valid object id`);
    if (typeof c.platform !== 'string') problems.push(`${key}: platform missing`);
    if (typeof c.unique_id !== 'string' || !/^[a-zA-Z0-9_-]+$/.test(c.unique_id)) problems.push(`${key}: unique_id missing or not [a-zA-Z0-9_-]`);
    if (['sensor', 'binary_sensor', 'switch', 'number'].includes(c.platform as string) && typeof c.state_topic !== 'string')
      problems.push(`${key}: state_topic missing`);
    if (['switch', 'number', 'button'].includes(c.platform as string) && typeof c.command_topic !== 'string') problems.push(`${key}: command_topic missing`);
    if (c.platform === 'number' && !(typeof c.min === 'number' && typeof c.max === 'number' && typeof c.step === 'number' && c.min < c.max))
      problems.push(`${key}: min/max/step`);
    const dc = c.device_class;
    const unit = c.unit_of_measurement;
    const expected: Record<string, string[]> = {
      energy: ['Wh', 'kWh', 'MWh'],
      power: ['W', 'kW'],
      current: ['A'],
      voltage: ['V'],
      temperature: ['°C', '°F'],
      frequency: ['Hz'],
    };
    if (typeof dc === 'string' && expected[dc] && !expected[dc].includes(unit as string)) problems.push(`${key}: unit ${String(unit)} for ${dc}`);
    if (dc === 'energy' && c.state_class !== 'total' && c.state_class !== 'total_increasing')
      problems.push(`${key}: energy needs state_class total(_increasing)`);
    if (dc === 'power' && c.state_class !== 'measurement') problems.push(`${key}: power needs state_class measurement`);
  }
  return problems;
}

/** The README's evcc configurations: `key: value` lines of the yaml block that holds `marker`, by charger key. */
function readmeEvcc(marker: string): Map<string, Record<string, string>> {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes(marker));
  if (!block) throw new Error(`the README has no evcc block with ${marker}`);
  const out = new Map<string, Record<string, string>>();
  let key = '';
  for (const line of block.split('\n')) {
    const m = /^(\s*)(?:- )?([A-Za-z]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, indent, k, v] = m;
    if (indent.length === 4 && v === '') key = k;
    else if (indent.length === 6 && key) out.set(key, { ...out.get(key), [k]: v });
    else if (indent.length <= 4) out.set(k, { value: v });
  }
  return out;
}

/** Home Assistant's entity id for a discovered component: <platform>.<slug of "device name entity name">. */
function entityId(deviceName: string, c: { platform: string; name: string }): string {
  const slug = `${deviceName} ${c.name}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${c.platform}.${slug}`;
}

describe('JuiceNet Local on MQTT (a real Mosquitto, emulated boxes)', function () {
  this.timeout(60_000);
  let broker: Broker;
  let rig: LocalRig;
  let w: Watcher;
  let ids: string[];
  const t = (id: string, v: string) => `juicenet/${id}/${v}`;

  before(async () => {
    broker = await startBroker();
    rig = await startRig({
      units: 2,
      reportIntervalS: 10,
      server: { offlineAfterS: 2, mqtt: { url: broker.url, reconnectMs: 200, compat: ['jpp'] } },
    });
    w = await watch(broker, ['juicenet/#', 'homeassistant/#', 'hmd/#']);
    await rig.addAll();
    ids = rig.sim.units.map((u) => u.unitId);
  });

  after(async () => {
    await w?.close();
    await rig?.stop();
    await broker?.dispose();
  });

  it('publishes the server as online (retained) and one discovery device per box, retained and as Home Assistant reads it', async () => {
    await w.waitValue('juicenet/status', (v) => v === 'online');
    for (const id of ids) await w.waitValue(`homeassistant/device/juicenet_${id}/config`, (v) => v.length > 0);
    // A subscriber that comes later finds them retained.
    const late = await watch(broker, ['homeassistant/device/+/config', 'juicenet/status']);
    try {
      const configs = new Map<string, Record<string, unknown>>();
      for (const id of ids) {
        const m = await late.waitFor((x) => x.topic === `homeassistant/device/juicenet_${id}/config`, 5000, `the retained config of ${id}`, 0);
        assert.equal(m.retain, true);
        configs.set(id, JSON.parse(m.payload) as Record<string, unknown>);
      }
      assert.equal((await late.waitFor((x) => x.topic === 'juicenet/status', 5000, 'status', 0)).payload, 'online');
      const uniqueIds = new Set<string>();
      for (const [id, c] of configs) {
        assert.deepEqual(checkDeviceDiscovery(c), []);
        const dev = c.device as Record<string, unknown>;
        assert.equal(dev.serial_number, id);
        assert.equal(dev.manufacturer, 'Enel X Way');
        assert.equal(dev.model, 'JuiceBox');
        assert.equal(dev.name, `JuiceBox ${id.slice(-4)}`);
        assert.match(String(dev.sw_version), /JuiceNet-Sim/);
        assert.equal(dev.via_device, 'juicenet_local_juicenet');
        const comps = c.components as Record<string, Record<string, unknown>>;
        for (const comp of Object.values(comps)) {
          assert.ok(!uniqueIds.has(comp.unique_id as string), `unique_id ${String(comp.unique_id)} twice`);
          uniqueIds.add(comp.unique_id as string);
        }
        assert.deepEqual(
          { dc: comps.lifetime_energy.device_class, u: comps.lifetime_energy.unit_of_measurement, sc: comps.lifetime_energy.state_class },
          { dc: 'energy', u: 'kWh', sc: 'total_increasing' },
        );
        const rating = ratingAmps(rig.server.source.settings(id).info);
        assert.deepEqual(
          { p: comps.max_current.platform, min: comps.max_current.min, max: comps.max_current.max, step: comps.max_current.step },
          { p: 'number', min: 6, max: rating, step: 1 },
        );
        assert.equal(comps.charging.platform, 'switch');
        assert.deepEqual(
          (c.availability as { topic: string }[]).map((a) => a.topic),
          ['juicenet/status', `juicenet/${id}/availability`],
        );
      }
      // The server's own device, that the boxes name as via_device.
      const server = await late.waitFor((x) => x.topic === 'homeassistant/device/juicenet_local_juicenet/config', 5000, 'the server device', 0);
      assert.deepEqual(checkDeviceDiscovery(JSON.parse(server.payload) as Record<string, unknown>), []);
      // Kept for the record: one box's retained payload as Home Assistant receives it.
      mkdirSync(join(__dirname, '..', '..', 'test-results'), { recursive: true });
      writeFileSync(join(__dirname, '..', '..', 'test-results', 'mqtt-discovery-box.json'), JSON.stringify(configs.get(ids[0]), null, 2) + '\n');
    } finally {
      await late.close();
    }
  });

  it('publishes each report: the state in words, figures in their units, as the box reported them', async () => {
    const id = ids[0];
    const words = { standby: 'disconnected', plugged: 'connected', charging: 'charging', error: 'error' } as Record<string, string>;
    // The box reports every half second: compare a publication with the report the box sent last,
    // once no newer report is on its way (a few tries at most).
    let seen = '';
    let r: ReturnType<typeof decodeDatagram> | undefined;
    for (let i = 0; i < 20; i++) {
      const m = await w.waitFor((x) => x.topic === t(id, 'last_report'), 10_000, 'a report');
      assert.ok(Date.parse(m.payload) > 0);
      r = decodeDatagram(rig.emu.box(id).lastSent!);
      if (r.kind !== 'report') continue;
      const expected = {
        voltage: String(Math.round(r.voltageV! * 10) / 10),
        lifetime_energy: String(Math.round(r.lifetimeEnergyWh!) / 1000),
        temperature: String(r.temperatureC),
        frequency: String(r.frequencyHz),
        limit: String(r.onlineLimitA),
        state: words[r.state],
        j1772: { disconnected: 'A', connected: 'B', charging: 'C', error: 'F' }[words[r.state]],
      };
      const got = Object.fromEntries(Object.keys(expected).map((k) => [k, w.last.get(t(id, k))]));
      seen = JSON.stringify({ expected, got });
      if (JSON.stringify(got) === JSON.stringify(expected)) break;
      r = undefined;
    }
    assert.ok(r && r.kind === 'report', `no publication matched the box's report: ${seen}`);
    assert.equal(w.last.get(t(id, 'availability')), 'online');
    assert.ok((w.last.get(t(id, 'reason')) ?? '').length > 3, 'the reason line');
    // The proxy's topics for the same box (two boxes: named by their own names).
    const dev = `JuiceBox-${id.slice(-4)}`;
    await w.waitValue(`hmd/sensor/${dev}/Voltage/state`, (v) => v === w.last.get(t(id, 'voltage')));
    assert.equal(
      w.last.get(`hmd/sensor/${dev}/Status/state`),
      { disconnected: 'Unplugged', connected: 'Plugged In', charging: 'Charging', error: 'Error' }[words[r.state]],
    );
    assert.equal(w.last.get(`hmd/sensor/${dev}/Energy--Lifetime-/state`), String(r.lifetimeEnergyWh));
  });

  it('a limit from MQTT reaches the box, and the state shows what the box then reports', async () => {
    const id = ids[0];
    await w.publish(t(id, 'max_current/set'), '12');
    await rig.emu.waitFor(() => rig.emu.box(id).onlineLimitA === 12, 10_000, 'the box to obey 12 A');
    await w.waitValue(t(id, 'limit'), (v) => v === '12');
    assert.equal(w.last.get(t(id, 'max_current')), '12');
    assert.equal(w.last.get(t(id, 'enabled')), 'true');
    // The same rules as set_limit over HTTP: get_state agrees.
    const st = await rig.api(id, 'get_state');
    assert.equal((st.charging as Record<string, unknown>).amps_limit, 12);
  });

  it('bad payloads change nothing and are logged in words', async () => {
    const id = ids[0];
    const before = rig.server.source.settings(id).ampsLimit;
    const bad: [string, string, RegExp][] = [
      ['max_current/set', 'sixteen', /"sixteen" is not a number of amps/],
      ['max_current/set', '99', /Invalid amperage 99: use 0 \(off\) or a whole number from 6 to \d+ A/],
      ['max_current/set', '7.5', /"7.5" is not a whole number of amps/],
      ['max_current/set', '3', /Invalid amperage 3/],
      ['enabled/set', 'maybe', /"maybe" is neither on nor off/],
      ['reboot/set', 'now', /not a command topic/],
    ];
    for (const [topic, payload, words] of bad) {
      const n = rig.logs.length;
      await w.publish(t(id, topic), payload);
      await rig.emu.waitFor(() => rig.logs.slice(n).some((l) => words.test(l)), 5000, `the refusal of ${payload}`);
      assert.match(
        rig.logs.slice(n).find((l) => words.test(l))!,
        /nothing changed/,
      );
    }
    assert.equal(rig.server.source.settings(id).ampsLimit, before);
    // A monitor-only box is never sent a command: MQTT is refused in words, as HTTP is.
    const monitor = (on: boolean) => post(rig.server.baseUrl, '/local/monitor-only', { account_token: rig.server.accountToken, unit_id: id, monitor_only: on });
    assert.equal((await monitor(true)).body.success, true);
    for (const [topic, payload] of [
      ['max_current/set', '10'],
      ['enabled/set', 'false'],
      ['charge_now/set', 'PRESS'],
    ]) {
      const n = rig.logs.length;
      await w.publish(t(id, topic), payload);
      await rig.emu.waitFor(() => rig.logs.slice(n).some((l) => /is monitor only/.test(l)), 5000, `the refusal of ${topic} in monitor-only mode`);
      assert.match(
        rig.logs.slice(n).find((l) => /is monitor only/.test(l))!,
        /nothing changed/,
      );
    }
    assert.equal(rig.server.source.settings(id).ampsLimit, before);
    assert.equal((await monitor(false)).body.success, true);
    await rig.emu.sendReport(id);
    await rig.emu.waitFor(() => rig.emu.box(id).onlineLimitA === before, 5000, 'the box to keep its limit');
  });

  it("plays evcc's sequence (current, then enable; disable; enable again) and the boxes obey each step", async () => {
    const id = ids[1];
    const box = () => rig.emu.box(id);
    await w.publish(t(id, 'enabled/set'), 'false');
    await rig.emu.waitFor(() => box().onlineLimitA === 0, 10_000, 'the box to stop (0 A)');
    await w.waitValue(t(id, 'enabled'), (v) => v === 'false');
    // evcc: maxcurrent, then enable.
    await w.publish(t(id, 'max_current/set'), '10');
    await w.waitValue(t(id, 'max_current'), (v) => v === '10');
    assert.equal(rig.server.source.settings(id).ampsLimit, 0, 'still off until enabled');
    await w.publish(t(id, 'enabled/set'), 'true');
    await rig.emu.waitFor(() => box().onlineLimitA === 10, 10_000, 'the box to charge at 10 A');
    await w.waitValue(t(id, 'enabled'), (v) => v === 'true');
    await w.waitValue(t(id, 'limit'), (v) => v === '10');
    // Disable, enable again: back at 10 A.
    await w.publish(t(id, 'enabled/set'), 'false');
    await rig.emu.waitFor(() => box().onlineLimitA === 0, 10_000, 'the box to stop again');
    await w.waitValue(t(id, 'enabled'), (v) => v === 'false');
    await w.waitValue(t(id, 'max_current'), (v) => v === '10');
    await w.publish(t(id, 'enabled/set'), 'true');
    await rig.emu.waitFor(() => box().onlineLimitA === 10, 10_000, 'the box to charge at 10 A again');
    await w.waitValue(t(id, 'limit'), (v) => v === '10');
    // The proxy's "online wanted" number (0 pauses) does the same.
    const dev = `JuiceBox-${id.slice(-4)}`;
    await w.publish(`hmd/number/${dev}/Max-Current-Online-Wanted-/command`, '16');
    await rig.emu.waitFor(() => box().onlineLimitA === 16, 10_000, 'the box to obey the proxy-style command');
    await w.waitValue(`hmd/number/${dev}/Max-Current-Online-Wanted-/state`, (v) => v === '16');
    // Its "offline wanted" number is the limit the box keeps for when no server answers.
    await w.publish(`hmd/number/${dev}/Max-Current-Offline-Wanted-/command`, '12');
    await rig.emu.waitFor(() => box().offlineLimitA === 12, 10_000, 'the box to keep 12 A as its offline limit');
    await w.waitValue(`hmd/sensor/${dev}/Max-Current-Offline-Device-/state`, (v) => v === '12');
  });

  it("the README's evcc configurations name our entities and topics, and evcc's sequence on them drives the box", async () => {
    const id = ids[1];
    const box = () => rig.emu.box(id);
    // Through Home Assistant: every entity the README names is one of the box named "Garage".
    await rig.api(id, 'set_info', { name: 'Garage' });
    const config = JSON.parse(await w.waitValue(`homeassistant/device/juicenet_${id}/config`, (v) => v.includes('"Garage"'))) as {
      device: { name: string };
      components: Record<string, { platform: string; name: string; state_topic?: string; command_topic?: string }>;
    };
    const entities = new Map(Object.values(config.components).map((c) => [entityId(config.device.name, c), c]));
    const ha = readmeEvcc('template: homeassistant');
    const named = ['status', 'enabled', 'enable', 'setMaxCurrent', 'power', 'energy'].map((k) => ha.get(k)?.value ?? '');
    for (const e of named) assert.ok(entities.has(e), `${e} is not an entity of the discovered device (${[...entities.keys()].join(', ')})`);
    const stateOf = (e: string) => entities.get(e)!.state_topic!;
    const commandOf = (e: string) => entities.get(e)!.command_topic!;
    assert.equal(entities.get(ha.get('enable')!.value)!.platform, 'switch');
    assert.equal(entities.get(ha.get('setMaxCurrent')!.value)!.platform, 'number');
    // Our own topics, as evcc's custom charger with MQTT plugins reads and writes them.
    const custom = readmeEvcc('type: custom');
    const topic = (k: string) => custom.get(k)!.topic.replace('<id>', id);
    const payload = (k: string, v: string) => custom.get(k)!.payload.replace(/\$\{\w+\}/, v);
    assert.match(await w.waitValue(topic('status'), () => true), /^[ABCF]$/);
    assert.match(await w.waitValue(topic('power'), () => true), /^\d+$/);
    assert.match(await w.waitValue(topic('energy'), () => true), /^\d+(\.\d+)?$/);
    assert.equal(stateOf(ha.get('energy')!.value), topic('energy'));
    // evcc: maxcurrent, then enable (custom topics); disable and enable again (the HA entities' topics).
    await w.publish(topic('enable'), payload('enable', 'false'));
    await rig.emu.waitFor(() => box().onlineLimitA === 0, 10_000, 'disabled');
    await w.waitValue(topic('enabled'), (v) => v === 'false');
    await w.publish(topic('maxcurrent'), payload('maxcurrent', '14'));
    await w.publish(topic('enable'), payload('enable', 'true'));
    await rig.emu.waitFor(() => box().onlineLimitA === 14, 10_000, 'enabled at 14 A');
    await w.waitValue(topic('enabled'), (v) => v === 'true');
    await w.publish(commandOf(ha.get('enable')!.value), 'false');
    await rig.emu.waitFor(() => box().onlineLimitA === 0, 10_000, 'disabled through the switch');
    await w.waitValue(stateOf(ha.get('enabled')!.value), (v) => v === 'false');
    await w.publish(commandOf(ha.get('setMaxCurrent')!.value), '12');
    await w.publish(commandOf(ha.get('enable')!.value), 'true');
    await rig.emu.waitFor(() => box().onlineLimitA === 12, 10_000, 'enabled through the switch at 12 A');
    await w.waitValue(stateOf(ha.get('status')!.value), (v) => ['charging', 'connected', 'disconnected', 'error'].includes(v));
  });

  it('charge now and cancel override go through the server (set_override)', async () => {
    const id = ids[0];
    await w.publish(t(id, 'charge_now/set'), 'PRESS');
    await rig.emu.waitFor(() => rig.server.source.settings(id).overrideTime > 0, 5000, 'the override');
    await w.publish(t(id, 'cancel_override/set'), 'PRESS');
    await rig.emu.waitFor(() => rig.server.source.settings(id).overrideTime === 0, 5000, 'the override cancelled');
  });

  it('a renamed box is re-announced under its new name without a restart', async () => {
    const id = ids[0];
    const from = w.mark();
    await rig.api(id, 'set_info', { name: 'Garage' });
    const m = await w.waitFor(
      (x) => x.topic === `homeassistant/device/juicenet_${id}/config` && (JSON.parse(x.payload) as { device: { name: string } }).device.name === 'Garage',
      5000,
      'the renamed device',
      from,
    );
    assert.ok(m);
  });

  it('re-publishes discovery when Home Assistant announces itself (homeassistant/status = online)', async () => {
    const id = ids[0];
    const from = w.mark();
    await w.publish('homeassistant/status', 'online');
    await w.waitFor((x) => x.topic === `homeassistant/device/juicenet_${id}/config` && x.payload.length > 0, 5000, 'discovery again', from);
  });

  it('a silent box turns offline, and online when it reports again', async () => {
    const id = ids[0];
    rig.emu.setBoxOnline(id, false);
    await w.waitValue(t(id, 'availability'), (v) => v === 'offline', 15_000);
    rig.emu.setBoxOnline(id, true);
    await rig.emu.sendReport(id);
    await w.waitValue(t(id, 'availability'), (v) => v === 'online', 10_000);
  });

  it('survives a broker restart: reconnects and publishes everything again', async () => {
    await w.close();
    await broker.stop();
    await broker.start();
    // The broker kept nothing (no persistence): what a new subscriber finds was published again.
    w = await watch(broker, ['juicenet/#', 'homeassistant/#', 'hmd/#']);
    await w.waitValue('juicenet/status', (v) => v === 'online', 15_000);
    for (const id of ids) await w.waitValue(`homeassistant/device/juicenet_${id}/config`, (v) => v.length > 0, 15_000);
    await w.waitValue(t(ids[0], 'availability'), (v) => v === 'online', 15_000);
    assert.equal(rig.server.mqtt?.status().connected, true);
    assert.match(rig.logs.join('\n'), /connection to 127\.0\.0\.1:\d+ lost/);
  });
});
