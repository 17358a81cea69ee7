// The simulator's wire format against the protocol's details, over HTTP: `cmd` in every reply,
// padded keys (the command's own included), info_timestamp on every change, whole numbers where
// the protocol says Integer, typed set_info, known notification events, the schedule's optional
// windows, and a control endpoint that answers this machine only.
import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import { isLoopbackAddress, startSimulator, type RunningSimulator } from '../../src/simulator';

/** Wed 18 Nov 2026 12:00 UTC. */
const START = 1795003200;
type Json = Record<string, unknown>;

async function post(url: string, body: unknown): Promise<{ status: number; json: Json }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Json) : {} };
}

/** Runs `f` with process.stderr captured; resolves with its value and what it wrote. */
async function withStderr<T>(f: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await f(), stderr: written.join('') };
  } finally {
    process.stderr.write = write;
  }
}

describe("simulator: the protocol's wire details", () => {
  let sim: RunningSimulator;
  let unitToken: string;
  let unitId: string;
  const api = (cmd: string, extra: Json = {}) =>
    post(`${sim.baseUrl}/box_api_secure`, { cmd, device_id: 'd', token: unitToken, account_token: sim.accountToken, ...extra });
  const pin = (cmd: string, extra: Json = {}) => post(`${sim.baseUrl}/box_pin`, { cmd, device_id: 'd', account_token: sim.accountToken, ...extra });
  const infoTimestamp = async () => (await api('get_state')).json.info_timestamp as number;

  beforeEach(async () => {
    sim = await startSimulator({ seed: 3, manualClock: true, startTime: START, autoPlug: false });
    unitToken = sim.units[0].token;
    unitId = sim.units[0].unitId;
  });
  afterEach(() => sim.close());

  it('every reply to a request naming a command carries `cmd`: successes, 4xx codes, malformed requests, injected failures', async () => {
    const session = sim.unit(unitId).sessions[0];
    const requests: [string, () => Promise<{ status: number; json: Json }>][] = [
      ['get_account_units', () => pin('get_account_units')],
      ['add_unit', () => pin('add_unit', { ID: sim.spareUnitIds[0] })],
      ['share_device', () => pin('share_device', { ID: unitId, pin: '0000' })],
      ['get_state', () => api('get_state')],
      ['set_limit', () => api('set_limit', { amperage: 16 })],
      ['get_schedule', () => api('get_schedule')],
      ['set_schedule', () => api('set_schedule', { type: 'disabled' })],
      ['get_history', () => api('get_history')],
      ['get_plot', () => api('get_plot', { session_id: session.id, intervals: 5 })],
      ['get_share_pin', () => api('get_share_pin')],
      ['get_info', () => api('get_info')],
      ['set_info', () => api('set_info', { ecost: 15 })],
      ['set_override', () => api('set_override', { override_time: 0 })],
      ['set_charging_time', () => api('set_charging_time', { charging_time: START + 60 })],
      ['get_notifications', () => api('get_notifications')],
      ['set_notifications', () => api('set_notifications', { notifications: { is_offline: { email: true, push: false } } })],
      // Failures: a 422, a 401, a 404 code, a malformed request (HTTP 400), an unknown command.
      ['set_limit', () => api('set_limit', { amperage: 500 })],
      ['get_state', () => post(`${sim.baseUrl}/box_api_secure`, { cmd: 'get_state', device_id: 'd', token: 'f'.repeat(32) })],
      ['add_unit', () => pin('add_unit', { ID: '9'.repeat(28) })],
      ['set_limit', () => api('set_limit', { amperage: 'lots' })],
      ['make_coffee', () => api('make_coffee')],
    ];
    const seen = new Set<string>();
    for (const [cmd, send] of requests) {
      const { json } = await send();
      assert.equal(json.cmd, cmd, `${cmd}: ${JSON.stringify(json).slice(0, 200)}`);
      if (json.success === true) seen.add(cmd);
    }
    assert.equal(seen.size, 16, `all 16 commands answered with success: ${[...seen].join(', ')}`);
    sim.setFaults({ failureRate: 1 });
    const failed = await api('get_state');
    assert.deepEqual(failed.json, { success: false, error_code: 500, error_message: 'Temporary failure', cmd: 'get_state' });
  });

  it('a padded "cmd " key is read like every other padded key', async () => {
    const padded = await post(`${sim.baseUrl}/box_api_secure`, { 'cmd ': 'get_state', ' device_id': 'd', 'token ': unitToken });
    assert.equal(padded.status, 200, JSON.stringify(padded.json));
    assert.equal(padded.json.success, true);
    assert.equal(padded.json.ID, unitId);
    assert.equal(padded.json.cmd, 'get_state');
    const box = await post(`${sim.baseUrl}/box_pin`, { ' cmd': 'get_account_units', device_id: 'd', account_token: sim.accountToken });
    assert.equal(box.json.success, true);
    assert.equal(sim.commandCounts().get_state, 1, 'counted under the command it names');
    // An exact key wins over a padded duplicate; a request without any is still malformed.
    assert.equal((await post(`${sim.baseUrl}/box_api_secure`, { cmd: 'get_state', 'cmd ': 'set_limit', device_id: 'd', token: unitToken })).json.ID, unitId);
    const none = await post(`${sim.baseUrl}/box_api_secure`, { device_id: 'd', token: unitToken });
    assert.equal(none.status, 400);
    assert.match(none.json.error_message as string, /Missing field "cmd"/);
  });

  it('info_timestamp grows on every change: set_notifications, set_override, set_charging_time (and not on reads)', async () => {
    let last = await infoTimestamp();
    const changes: [string, Json][] = [
      ['set_notifications', { notifications: { is_offline: { email: true, push: true } } }],
      ['set_override', { override_time: START - 1, energy_at_plugin: 0, energy_to_add: 0 }],
      ['set_override', { override_time: 0 }],
      ['set_charging_time', { charging_time: START + 3600 }],
      ['set_limit', { amperage: 16 }],
    ];
    for (const [cmd, extra] of changes) {
      assert.equal((await api(cmd, extra)).json.success, true, cmd);
      const now = await infoTimestamp();
      assert.ok(now > last, `${cmd}: info_timestamp ${now} after ${last}`);
      last = now;
    }
    await api('get_notifications');
    await api('get_info');
    assert.equal(await infoTimestamp(), last, 'reads change nothing');
    // A refused write changes nothing either.
    assert.equal((await api('set_charging_time', { charging_time: -1 })).json.error_code, 422);
    assert.equal(await infoTimestamp(), last);
  });

  it('get_state sends whole numbers for every Integer field; wh_energy_to_add is the goal asked, not session energy + goal', async () => {
    sim.plugIn(unitId, { energyToAddWh: 20000, energyAtPluginWh: 9000 });
    sim.advance(1000.4);
    const before = (await api('get_state')).json;
    const sessionWh = (before.charging as Json).wh_energy as number;
    assert.ok(sessionWh > 0, 'the car took some energy');
    assert.ok(sim.unit(unitId).car!.sessionWh % 1 !== 0, 'the server holds a fractional session energy');
    assert.equal((await api('set_override', { override_time: Math.floor(sim.now()) - 1, energy_at_plugin: 9000, energy_to_add: 30000 })).json.success, true);
    sim.advance(7.3);
    const s = (await api('get_state')).json;
    const charging = s.charging as Json;
    assert.equal(charging.wh_energy_to_add, 30000);
    assert.equal(charging.wh_energy_at_plugin, 9000);
    const walk = (v: unknown, path: string): void => {
      if (typeof v === 'number') assert.ok(Number.isInteger(v), `${path} = ${v}`);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    };
    walk(s, 'get_state');
    // A goal below what the session already took ends the session's charging.
    await api('set_override', { override_time: Math.floor(sim.now()) - 1, energy_at_plugin: 9000, energy_to_add: 100 });
    assert.equal((await api('get_state')).json.state, 'plugged');
  });

  it('set_info refuses wrong types of the known get_info fields (422 naming the field) and applies nothing', async () => {
    const before = sim.unit(unitId).info;
    const cases: [Json, RegExp][] = [
      [{ unit_type_id: 'pro' }, /^unit_type_id must be a whole number, got "pro"$/],
      [{ IP: 5 }, /^IP must be a string, got 5$/],
      [{ garage_id: [] }, /^garage_id must be a string, got an array$/],
      [{ zip: 94070 }, /^zip must be a string, got 94070$/],
      [{ gascost: 3.5 }, /^gascost must be a whole number/],
      [{ restrictions: 'none' }, /^restrictions must be an object/],
      [{ policy: { user_control_allowed: 'yes' } }, /^policy\.user_control_allowed must be true or false, got "yes"$/],
      [{ cars: [{ car_id: 'x' }] }, /^cars\[0\]\.car_id must be a whole number, got "x"$/],
      [{ cars: [7] }, /^cars\[0\] must be an object, got 7$/],
      [{ cars: [{ model_info: { images: { default: 1 } } }] }, /^cars\[0\]\.model_info\.images\.default must be a string/],
      [{ name: null }, /^name must be a string, got null$/],
    ];
    for (const [bad, message] of cases) {
      const { status, json } = await api('set_info', { name: 'Renamed', ...bad });
      assert.equal(status, 200);
      assert.equal(json.error_code, 422, JSON.stringify(bad));
      assert.match(json.error_message as string, message);
    }
    assert.deepEqual(sim.unit(unitId).info, before, 'nothing applied');
    // Numbers may come as numeric strings (stored as numbers); unknown fields keep any type.
    assert.equal((await api('set_info', { unit_type_id: '2', mpg: '30', x_anything: [1, 'two'] })).json.success, true);
    const info = (await api('get_info')).json;
    assert.equal(info.unit_type_id, 2);
    assert.equal(info.mpg, 30);
    assert.deepEqual(info.x_anything, [1, 'two']);
  });

  it('set_notifications refuses unknown events (422 naming it), accepts both spellings of the padded ones', async () => {
    const bad = await api('set_notifications', { notifications: { is_offline: { email: true, push: true }, bogus_event: { email: true, push: false } } });
    assert.equal(bad.json.error_code, 422);
    assert.match(bad.json.error_message as string, /Unknown notification event "bogus_event"/);
    assert.deepEqual(sim.unit(unitId).notifications.is_offline, { email: false, push: true }, 'nothing applied');
    for (const key of ['start_charging ', 'start_charging', 'start_Charging']) {
      const push = key !== 'start_charging';
      assert.equal((await api('set_notifications', { notifications: { [key]: { email: true, push } } })).json.success, true, key);
      assert.deepEqual(sim.unit(unitId).notifications.start_charging, { email: true, push });
    }
    assert.equal(
      (await api('set_notifications', { notifications: { 'unplug ': { email: true, push: false }, plugin: { email: false, push: true } } })).json.success,
      true,
    );
    const n = (await api('get_notifications')).json.notifications as Json;
    assert.ok('start_charging ' in n && 'stop_charging ' in n && !('start_charging' in n), Object.keys(n).join('|'));
    assert.deepEqual(n.unplug, { email: true, push: false });
    assert.equal(Object.keys(n).length, new Set(Object.keys(n).map((k) => k.trim())).size, 'one key per event');
  });

  it('set_schedule: {type:"disabled"} alone keeps the stored windows; a window without car_ready_by means 0', async () => {
    const custom = { type: 'custom', weekday: { start: 1320, end: 360 }, weekend: { start: 60, end: 600, car_ready_by: 420 } };
    assert.equal((await api('set_schedule', custom)).json.success, true);
    assert.deepEqual(sim.unit(unitId).schedule.weekday, { start: 1320, end: 360, car_ready_by: 0 });
    const off = await api('set_schedule', { type: 'disabled' });
    assert.equal(off.status, 200);
    assert.equal(off.json.success, true, JSON.stringify(off.json));
    const back = (await api('get_schedule')).json;
    assert.equal(back.type, 'disabled');
    assert.deepEqual(back.weekday, { start: 1320, end: 360, car_ready_by: 0 });
    assert.deepEqual(back.weekend, custom.weekend);
  });
});

describe('simulator: the control endpoint answers loopback clients only', () => {
  it('isLoopbackAddress knows loopback socket addresses, IPv4-mapped ones included', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.2']) assert.equal(isLoopbackAddress(a), true, a);
    for (const a of ['0.0.0.0', '::', '192.0.2.7', '::ffff:192.0.2.7', '10.127.0.1', '', 'localhost', '127.0.0.1.evil'])
      assert.equal(isLoopbackAddress(a), false, a);
  });

  it('on 0.0.0.0: warns, serves the protocol to the network, refuses /_sim/control from a non-loopback address', async function () {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) this.skip(); // a machine with no network interface has no non-loopback peer to test with
    const { value: sim, stderr } = await withStderr(() => startSimulator({ host: '0.0.0.0', seed: 3, manualClock: true, autoPlug: false }));
    try {
      assert.match(stderr, /warning: listening on 0\.0\.0\.0, reachable from other machines/);
      const viaNetwork = `http://${external!.address}:${sim.port}`;
      const refused = await post(`${viaNetwork}/_sim/control`, { action: 'info' });
      assert.equal(refused.status, 403);
      assert.match(refused.json.error_message as string, /loopback/);
      assert.equal('accountToken' in refused.json, false, 'no token in the refusal');
      const units = await post(`${viaNetwork}/box_pin`, { cmd: 'get_account_units', device_id: 'd', account_token: sim.accountToken });
      assert.equal(units.json.success, true, 'the protocol itself is served to the network');
      const local = await post(`http://127.0.0.1:${sim.port}/_sim/control`, { action: 'info' });
      assert.equal(local.status, 200);
      assert.equal(local.json.accountToken, sim.accountToken);
    } finally {
      await sim.close();
    }
  });

  it('on 127.0.0.1 it prints no warning', async () => {
    const { value: sim, stderr } = await withStderr(() => startSimulator({ seed: 3, manualClock: true, autoPlug: false }));
    await sim.close();
    assert.equal(stderr.includes('warning'), false);
  });
});
