// The simulator over real HTTP: all 16 commands, every error reply, sharing, history, plots, scale.
import { strict as assert } from 'node:assert';
import { startSimulator, RunningSimulator } from '../../src/simulator';

/** Wed 18 Nov 2026 12:00 UTC (04:00 in the first unit's Pacific time zone). */
const START = 1795003200;

type Json = Record<string, unknown>;
async function post(sim: RunningSimulator, path: string, body: unknown): Promise<{ status: number; json: Json }> {
  const r = await fetch(sim.baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Json) : {} };
}

describe('simulator: protocol over HTTP', () => {
  let sim: RunningSimulator;
  let unitToken: string;
  let unitId: string;
  const api = (cmd: string, extra: Json = {}, token = unitToken) =>
    post(sim, '/box_api_secure', { cmd, device_id: 'test-device', token, account_token: sim.accountToken, ...extra });
  const pin = (cmd: string, extra: Json = {}) => post(sim, '/box_pin', { cmd, device_id: 'test-device', account_token: sim.accountToken, ...extra });

  beforeEach(async () => {
    sim = await startSimulator({ seed: 7, manualClock: true, startTime: START, autoPlug: false });
    unitToken = sim.units[0].token;
    unitId = sim.units[0].unitId;
  });
  afterEach(() => sim.close());

  it('listens on a free port on 127.0.0.1 and has believable accounts, units and tokens', async () => {
    assert.match(sim.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(sim.port > 0);
    assert.match(sim.accountToken, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const { status, json } = await pin('get_account_units');
    assert.equal(status, 200);
    assert.equal(json.success, true);
    const units = json.units as { name: string; token: string; unit_id: string }[];
    assert.equal(units.length, 3);
    assert.deepEqual(
      units.map((u) => u.name),
      ['Garage', 'Driveway', 'Carport'],
    );
    for (const u of units) {
      assert.match(u.token, /^[0-9a-f]{32}$/);
      assert.match(u.unit_id, /^\d{28}$/);
    }
    assert.equal(new Set(units.map((u) => u.token)).size, 3);
    assert.equal(sim.spareUnitIds.length, 5);
  });

  it('is deterministic for a seed: same ids, tokens and account token', async () => {
    const other = await startSimulator({ seed: 7, manualClock: true, startTime: START, autoPlug: false });
    const third = await startSimulator({ seed: 8, manualClock: true, startTime: START, autoPlug: false });
    try {
      assert.deepEqual(other.units, sim.units);
      assert.equal(other.accountToken, sim.accountToken);
      assert.deepEqual(other.spareUnitIds, sim.spareUnitIds);
      assert.notEqual(third.units[0].unitId, sim.units[0].unitId);
    } finally {
      await other.close();
      await third.close();
    }
  });

  it("get_state has the protocol's fields, nested charging/lifetime/co2", async () => {
    const { status, json } = await api('get_state');
    assert.equal(status, 200);
    assert.equal(json.success, true);
    assert.equal(json.ID, unitId);
    assert.equal(json.state, 'standby');
    for (const k of [
      'info_timestamp',
      'charging_time_left',
      'plug_unplug_time',
      'target_time',
      'override_time',
      'default_target_time',
      'time_last_ping',
      'utc_time',
      'unit_time',
      'update_interval',
      'temperature',
      'frequency',
      'triggers_all',
      'triggers_blocking',
      'car_id',
    ]) {
      assert.equal(typeof json[k], 'number', k);
    }
    assert.equal(json.utc_time, START);
    assert.equal(json.unit_time, START - 8 * 3600, 'Pacific Standard Time in November');
    const ch = json.charging as Json;
    for (const k of [
      'amps_limit',
      'amps_current',
      'voltage',
      'wh_energy',
      'savings',
      'watt_power',
      'seconds_charging',
      'wh_energy_at_plugin',
      'wh_energy_to_add',
      'flags',
    ]) {
      assert.equal(typeof ch[k], 'number', `charging.${k}`);
    }
    assert.deepEqual(Object.keys(ch.co2 as Json).sort(), ['actual', 'nonstop']);
    const lt = json.lifetime as Json;
    assert.ok((lt.wh_energy as number) > 1_000_000);
    assert.ok((lt.savings as number) > 0);
    assert.ok(((lt.co2 as Json).nonstop as number) > 0);
    const f = json.frequency as number;
    assert.ok(f >= 5997 && f <= 6003, `frequency ${f}`);
    const ui = json.update_interval as number;
    assert.ok(ui >= 3 && ui <= 30);
    assert.ok(START - (json.time_last_ping as number) < ui);
  });

  it('set_limit stores the limit and bumps info_timestamp; 0 means off', async () => {
    const before = (await api('get_state')).json.info_timestamp as number;
    sim.advance(5);
    assert.deepEqual((await api('set_limit', { amperage: 16 })).json, { success: true, cmd: 'set_limit' });
    let st = (await api('get_state')).json;
    assert.equal((st.charging as Json).amps_limit, 16);
    assert.ok((st.info_timestamp as number) > before);
    assert.equal(sim.unit(unitId).ampsLimit, 16);
    // The simulator validates with the client's own request schemas: a numeric string is a malformed request.
    assert.equal((await api('set_limit', { amperage: '0' })).status, 400);
    assert.equal((await api('set_limit', { amperage: 0 })).json.success, true);
    st = (await api('get_state')).json;
    assert.equal((st.charging as Json).amps_limit, 0);
  });

  it('set_limit out of range -> 422 naming the range; non-numbers -> HTTP 400', async () => {
    // Unit 0: wire 40 A, unit 32 A -> 6..32.
    for (const amperage of [33, 5, 1, -1, 16.5]) {
      const { status, json } = await api('set_limit', { amperage });
      assert.equal(status, 200);
      assert.equal(json.success, false);
      assert.equal(json.error_code, 422);
      assert.match(json.error_message as string, /6 to 32/);
    }
    const bad = await api('set_limit', { amperage: 'lots' });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error_message as string, /amperage/);
    const missing = await api('set_limit', {});
    assert.equal(missing.status, 400);
    assert.match(missing.json.error_message as string, /amperage/);
    assert.equal(sim.unit(unitId).ampsLimit, 32, 'nothing applied');
  });

  it('get_schedule / set_schedule round-trip with ID and info_timestamp', async () => {
    const sched = { type: 'custom', weekday: { start: 1380, end: 420, car_ready_by: 0 }, weekend: { start: 1380, end: 480, car_ready_by: 0 } };
    sim.advance(3);
    assert.equal((await api('set_schedule', sched)).json.success, true);
    const { json } = await api('get_schedule');
    assert.equal(json.success, true);
    assert.equal(json.ID, unitId);
    assert.equal(json.type, 'custom');
    assert.deepEqual(json.weekday, sched.weekday);
    assert.deepEqual(json.weekend, sched.weekend);
    assert.equal(json.info_timestamp, START + 3);
    assert.equal((await api('set_schedule', { ...sched, type: 'disabled' })).json.success, true);
    const again = (await api('get_schedule')).json;
    assert.equal(again.type, 'disabled');
    assert.deepEqual(again.weekday, sched.weekday);
  });

  it('set_schedule rejects minutes outside 0..1440, unknown types and a custom schedule without both windows (422), applying nothing', async () => {
    const good = { start: 60, end: 120, car_ready_by: 0 };
    const cases: Json[] = [
      { type: 'custom', weekday: { ...good, start: 1441 }, weekend: good },
      { type: 'custom', weekday: good, weekend: { ...good, end: -1 } },
      { type: 'custom', weekday: { ...good, car_ready_by: 2000 }, weekend: good },
      { type: 'sometimes', weekday: good, weekend: good },
    ];
    for (const c of cases) {
      const { status, json } = await api('set_schedule', c);
      assert.equal(status, 200);
      assert.equal(json.error_code, 422, JSON.stringify(c));
      assert.equal(json.success, false);
    }
    assert.match((await api('set_schedule', cases[0])).json.error_message as string, /0\.\.1440/);
    assert.match((await api('set_schedule', cases[3])).json.error_message as string, /schedule type/);
    // The protocol marks no field required, but a custom schedule means nothing without its windows.
    const missing = await api('set_schedule', { type: 'custom', weekday: good });
    assert.equal(missing.status, 200);
    assert.equal(missing.json.error_code, 422);
    assert.match(missing.json.error_message as string, /"weekend" is missing/);
    assert.equal(sim.unit(unitId).schedule.type, 'disabled');
    // A window of the wrong shape is still a malformed request (HTTP 400) naming the field.
    const shape = await api('set_schedule', { type: 'custom', weekday: good, weekend: { start: 'x', end: 1 } });
    assert.equal(shape.status, 400);
    assert.match(shape.json.error_message as string, /weekend\.start/);
  });

  it("get_info returns the protocol's fields; set_info stores the whole object, keeps unknown fields, renames", async () => {
    const info = (await api('get_info')).json;
    assert.equal(info.success, true);
    for (const k of ['name', 'timeZoneId', 'amps_wire_rating', 'amps_unit_rating', 'info_timestamp', 'cars', 'policy', 'restrictions', 'ecost', 'gascost']) {
      assert.ok(k in info, k);
    }
    const car = (info.cars as Json[])[0];
    assert.ok(car.car_id && car.battery_size_wh && car.charging_rate_w && car.model_info);
    sim.advance(10);
    const edited: Json = { ...info, name: 'Garage (left)', my_custom_field: { nested: [1, 2] } };
    // The reply's envelope (success, and cmd: "get_info") is not part of the info.
    assert.equal(edited.cmd, 'get_info');
    delete edited.success;
    delete edited.cmd;
    assert.equal((await api('set_info', edited)).json.success, true);
    const after = (await api('get_info')).json;
    assert.equal(after.name, 'Garage (left)');
    assert.deepEqual(after.my_custom_field, { nested: [1, 2] });
    assert.equal(after.info_timestamp, START + 10);
    assert.equal('token' in after, false, 'auth keys are not stored');
    const units = (await pin('get_account_units')).json.units as Json[];
    assert.equal(units[0].name, 'Garage (left)');
  });

  it('set_info refuses nonsense ratings (422) and applies nothing', async () => {
    for (const bad of [
      { amps_wire_rating: -5 },
      { amps_unit_rating: 7.5 },
      { amps_wire_rating: 'lots' },
      { amps_unit_rating: 0 },
      { name: '' },
      { cars: 'none' },
    ]) {
      const { json } = await api('set_info', bad);
      assert.equal(json.error_code, 422, JSON.stringify(bad));
    }
    assert.equal(sim.unit(unitId).info.amps_wire_rating, 40);
    // Lowering a rating below the limit pulls the limit down with it.
    assert.equal((await api('set_info', { amps_unit_rating: 24 })).json.success, true);
    assert.equal(sim.unit(unitId).ampsLimit, 24);
    assert.match((await api('set_limit', { amperage: 30 })).json.error_message as string, /6 to 24/);
  });

  it('notifications: keys normalised in, document style (trailing spaces) out', async () => {
    const n0 = (await api('get_notifications')).json;
    assert.ok('start_charging ' in (n0.notifications as Json));
    const set = await api('set_notifications', {
      notifications: {
        start_charging: { email: true, push: false },
        'stop_charging ': { email: false, push: true },
        is_not_plugged_in_by: { email: true, push: true, time: 1320 },
        plugin: { email: false, push: true, webhook: { url: 'https://example.test/hook', method: 'POST', authorization_headers: 'Bearer x' } },
      },
    });
    assert.equal(set.json.success, true);
    const n = (await api('get_notifications')).json.notifications as Json;
    assert.deepEqual(n['start_charging '], { email: true, push: false });
    assert.deepEqual(n['stop_charging '], { email: false, push: true });
    assert.equal('start_charging' in n, false);
    assert.deepEqual(n.is_not_plugged_in_by, { email: true, push: true, time: 1320 });
    assert.equal((n.plugin as Json).webhook && ((n.plugin as Json).webhook as Json).method, 'POST');
    assert.deepEqual(sim.unit(unitId).notifications.start_charging, { email: true, push: false });
    const bad = await api('set_notifications', { notifications: { is_not_plugged_in_by: { email: true, push: true, time: 2000 } } });
    assert.equal(bad.json.error_code, 422);
    const badHook = await api('set_notifications', { notifications: { plugin: { email: true, push: true, webhook: { method: 'GET' } } } });
    assert.equal(badHook.json.error_code, 422);
    const shape = await api('set_notifications', { notifications: { plugin: { email: 'yes', push: true } } });
    assert.equal(shape.status, 400);
  });

  it('set_override and set_charging_time are stored (0 cancels); negative values -> 422', async () => {
    assert.equal((await api('set_override', { override_time: START - 1, energy_at_plugin: 0, energy_to_add: 20000 })).json.success, true);
    assert.equal(sim.unit(unitId).overrideTime, START - 1);
    assert.equal((await api('get_state')).json.override_time as number, START - 1);
    assert.equal((await api('set_override', { override_time: 0 })).json.success, true);
    assert.equal(sim.unit(unitId).overrideTime, 0);
    assert.equal((await api('set_override', { override_time: -4 })).json.error_code, 422);
    assert.equal((await api('set_charging_time', { charging_time: START + 3600 })).json.success, true);
    assert.equal(sim.unit(unitId).chargingTime, START + 3600);
    assert.equal((await api('set_charging_time', { charging_time: -1 })).json.error_code, 422);
    assert.equal((await api('set_charging_time', {})).status, 400);
  });

  it('error replies: bad account token, bad unit token, mismatched account, unknown command, wrong endpoint', async () => {
    const badAcc = await post(sim, '/box_pin', { cmd: 'get_account_units', device_id: 'd', account_token: '00000000-0000-4000-8000-000000000000' });
    assert.equal(badAcc.status, 200);
    assert.deepEqual(badAcc.json, { success: false, error_code: 401, error_message: 'Invalid token', cmd: 'get_account_units' });
    const badUnit = await api('get_state', {}, 'ffffffffffffffffffffffffffffffff');
    assert.deepEqual(badUnit.json, { success: false, error_code: 401, error_message: 'Invalid token', cmd: 'get_state' });
    const other = sim.createAccount();
    const mismatch = await post(sim, '/box_api_secure', { cmd: 'get_state', device_id: 'd', token: unitToken, account_token: other });
    assert.equal(mismatch.json.error_code, 401);
    // Without an account token the unit token alone is enough.
    assert.equal((await post(sim, '/box_api_secure', { cmd: 'get_state', device_id: 'd', token: unitToken })).json.success, true);
    const unknown = await api('make_coffee');
    assert.equal(unknown.status, 200);
    assert.equal(unknown.json.error_code, 400);
    assert.match(unknown.json.error_message as string, /Unknown command/);
    const wrongEndpoint = await post(sim, '/box_pin', { cmd: 'get_state', device_id: 'd', token: unitToken, account_token: sim.accountToken });
    assert.equal(wrongEndpoint.json.error_code, 400);
    assert.match(wrongEndpoint.json.error_message as string, /box_api_secure/);
    const noCmd = await post(sim, '/box_api_secure', { device_id: 'd', token: unitToken });
    assert.equal(noCmd.status, 400);
    const noToken = await post(sim, '/box_api_secure', { cmd: 'get_state', device_id: 'd' });
    assert.equal(noToken.status, 400);
    assert.match(noToken.json.error_message as string, /token/);
  });

  it('HTTP level: bad JSON 400, non-object 400, wrong method 405, unknown path 404, body too large 413', async () => {
    const badJson = await fetch(`${sim.baseUrl}/box_api_secure`, { method: 'POST', body: '{"cmd": "get_state",' });
    assert.equal(badJson.status, 400);
    assert.match(((await badJson.json()) as Json).error_message as string, /Malformed JSON/);
    assert.equal((await post(sim, '/box_api_secure', '[1,2]')).status, 400);
    const get = await fetch(`${sim.baseUrl}/box_api_secure`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    await get.arrayBuffer();
    const nf = await fetch(`${sim.baseUrl}/nope`, { method: 'POST', body: '{}' });
    assert.equal(nf.status, 404);
    await nf.arrayBuffer();
    const big = await fetch(`${sim.baseUrl}/box_api_secure`, {
      method: 'POST',
      body: JSON.stringify({ cmd: 'set_info', token: unitToken, pad: 'x'.repeat(70_000) }),
    });
    assert.equal(big.status, 413);
    await big.arrayBuffer();
    assert.equal(sim.unit(unitId).info.pad, undefined);
  });

  it('counts requests and keeps connections alive', async () => {
    // Warm up fetch's pool (undici may open a second socket while the first is released).
    for (let i = 0; i < 3; i++) await api('get_state');
    sim.resetRequestCount();
    for (let i = 0; i < 10; i++) await api('get_state');
    assert.equal(sim.requestCount(), 10);
    assert.equal(sim.commandCounts().get_state, 10);
    assert.ok(sim.connectionCount() <= 1, `new connections ${sim.connectionCount()}`);
  });

  it('add_unit claims a spare unit (idempotent), refuses unknown, malformed and owned ids', async () => {
    const spare = sim.spareUnitIds[0];
    const { json } = await pin('add_unit', { ID: spare, device_name: 'laptop' });
    assert.equal(json.success, true);
    assert.equal(json.unit_id, spare);
    assert.match(json.token as string, /^[0-9a-f]{32}$/);
    assert.ok((json.name as string).length > 0);
    assert.equal(sim.spareUnitIds.includes(spare), false);
    const again = (await pin('add_unit', { ID: spare })).json;
    assert.equal(again.token, json.token);
    assert.equal(((await pin('get_account_units')).json.units as Json[]).length, 4);
    // The new token works.
    assert.equal((await api('get_state', {}, json.token as string)).json.ID, spare);
    assert.equal((await pin('add_unit', { ID: '1'.repeat(28) })).json.error_code, 404);
    assert.equal((await pin('add_unit', { ID: '12345' })).json.error_code, 422);
    const other = sim.createAccount();
    const owned = await post(sim, '/box_pin', { cmd: 'add_unit', device_id: 'd', account_token: other, ID: unitId });
    assert.equal(owned.json.error_code, 403);
    assert.match(owned.json.error_message as string, /share PIN/);
  });

  it('share flow: PIN from one account lets another add the unit once, with its own token', async () => {
    const pinReply = (await api('get_share_pin')).json;
    assert.equal(pinReply.success, true);
    assert.match(pinReply.pin as string, /^\d{4}$/);
    const other = sim.createAccount();
    const share = (body: Json) =>
      post(sim, '/box_pin', { cmd: 'share_device', device_id: 'd', device_name: 'phone', account_token: other, ID: unitId, ...body });
    const wrongPin = pinReply.pin === '0000' ? '0001' : '0000';
    assert.equal((await share({ pin: wrongPin })).json.error_code, 403);
    const ok = (await share({ pin: pinReply.pin })).json;
    assert.equal(ok.success, true);
    assert.equal(ok.unit_id, unitId);
    assert.notEqual(ok.token, unitToken, 'tokens are per account');
    assert.equal((await post(sim, '/box_api_secure', { cmd: 'get_state', device_id: 'd', token: ok.token, account_token: other })).json.ID, unitId);
    assert.equal(sim.unit(unitId).accounts, 2);
    // PIN is single use: a third account cannot reuse it.
    const third = sim.createAccount();
    const reuse = await post(sim, '/box_pin', { cmd: 'share_device', device_id: 'd', account_token: third, ID: unitId, pin: pinReply.pin });
    assert.equal(reuse.json.error_code, 403);
    // PINs expire.
    const pin2 = (await api('get_share_pin')).json.pin as string;
    sim.advance(16 * 60);
    const late = await post(sim, '/box_pin', { cmd: 'share_device', device_id: 'd', account_token: third, ID: unitId, pin: pin2 });
    assert.equal(late.json.error_code, 403);
    assert.match(late.json.error_message as string, /new one/);
  });

  it('get_history pages newest first with a continuity_token and ends without one', async () => {
    const all: Json[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { json } = await api('get_history', token ? { continuity_token: token } : {});
      assert.equal(json.success, true);
      const sessions = json.sessions as Json[];
      assert.ok(sessions.length <= 20 && sessions.length > 0);
      all.push(...sessions);
      token = json.continuity_token as string | undefined;
      pages++;
    } while (token && pages < 10);
    assert.equal(token, undefined);
    const truth = sim.unit(unitId).sessions;
    assert.ok(truth.length >= 30 && truth.length <= 60, `${truth.length} seeded sessions`);
    assert.equal(all.length, truth.length);
    assert.equal(pages, Math.ceil(truth.length / 20));
    assert.equal(new Set(all.map((s) => s.id)).size, all.length);
    for (let i = 1; i < all.length; i++) assert.ok((all[i - 1].time_start as number) > (all[i].time_start as number));
    for (const s of all) {
      assert.ok((s.time_end as number) > (s.time_start as number));
      assert.ok((s.duration as number) <= (s.time_end as number) - (s.time_start as number));
      // The protocol's quirk: sessions with an odd id carry " wh_energy" (leading space).
      const energyKey = (s.id as number) % 2 === 1 ? ' wh_energy' : 'wh_energy';
      assert.deepEqual(
        Object.keys(s).filter((k) => k.trim() === 'wh_energy'),
        [energyKey],
        `session ${String(s.id)}`,
      );
      assert.ok((s[energyKey] as number) > 0 && (s.savings as number) > 0, `session ${String(s.id)} energy`);
      assert.ok((s.time_end as number) < START);
    }
    assert.ok((all[all.length - 1].time_start as number) > START - 75 * 86400, 'recent weeks');
    const bad = await api('get_history', { continuity_token: 'garbage' });
    assert.equal(bad.json.error_code, 400);
  });

  it('a finished live session appears at the top of get_history and can be plotted', async () => {
    sim.plugIn(unitId, { energyToAddWh: 5000 });
    sim.advance(2 * 3600);
    sim.unplug(unitId);
    const top = ((await api('get_history')).json.sessions as Json[])[0];
    assert.equal(top[(top.id as number) % 2 === 1 ? ' wh_energy' : 'wh_energy'], 5000);
    assert.equal(top.time_end, START + 7200);
    const pts = (await api('get_plot', { session_id: top.id, intervals: 24, attribute: 'power' })).json.points as { t: number; v: number }[];
    assert.equal(pts.length, 24);
    const width = 7200 / 24;
    const wh = pts.reduce((s, p) => s + (p.v * width) / 3600, 0);
    assert.ok(Math.abs(wh - 5000) < 30, `plot energy ${wh}`);
    assert.ok(
      pts.some((p) => p.v === 0),
      'idle after the battery is full',
    );
  });

  it('get_plot returns `intervals` points consistent with the session energy; unknown session -> 404', async () => {
    const s = sim.unit(unitId).sessions[3];
    for (const intervals of [1, 10, 100]) {
      const { json } = await api('get_plot', { session_id: s.id, intervals, attribute: 'power' });
      const pts = json.points as { t: number; v: number }[];
      assert.equal(pts.length, intervals);
      assert.equal(pts[0].t, s.timeStart);
      const width = (s.timeEnd - s.timeStart) / intervals;
      const wh = pts.reduce((sum, p) => sum + (p.v * width) / 3600, 0);
      assert.ok(Math.abs(wh - s.energyWh) <= intervals * 0.5 * (width / 3600) + 1, `intervals ${intervals}: ${wh} vs ${s.energyWh}`);
      for (let i = 1; i < pts.length; i++) assert.ok(pts[i].t > pts[i - 1].t);
      assert.ok(pts.every((p) => p.v >= 0 && p.v <= 32 * 250));
    }
    assert.equal((await api('get_plot', { session_id: 999, intervals: 10, attribute: 'power' })).json.error_code, 404);
    assert.equal((await api('get_plot', { session_id: s.id, intervals: 0 })).json.error_code, 422);
    assert.equal((await api('get_plot', { session_id: s.id, intervals: 10, attribute: 'colour' })).json.error_code, 422);
  });

  it('the control endpoint drives the same controls over HTTP', async () => {
    const ctl = (body: Json) => post(sim, '/_sim/control', body);
    assert.equal((await ctl({ action: 'plug', unitId, plugged: true })).json.success, true);
    assert.equal(sim.unit(unitId).state, 'charging');
    await ctl({ action: 'advance', seconds: 600 });
    assert.equal(sim.now(), START + 600);
    const snap = (await ctl({ action: 'snapshot', unitId })).json.unit as Json;
    assert.ok(((snap.car as Json).sessionWh as number) > 0);
    await ctl({ action: 'offline', unitId, offline: true });
    assert.equal(sim.unit(unitId).online, false);
    await ctl({ action: 'faults', faults: { numbersAsStrings: true } });
    assert.equal(sim.faults().numbersAsStrings, true);
    await ctl({ action: 'clear_faults' });
    assert.equal(sim.faults().numbersAsStrings, false);
    await api('get_state');
    await ctl({ action: 'reset_counts' });
    assert.equal(sim.requestCount(), 0);
    assert.equal((await ctl({ action: 'fly' })).status, 400);
    assert.equal((await ctl({ action: 'snapshot', unitId: 'nope' })).status, 400);
  });
});

describe('simulator: scale', () => {
  it('serves 1,000 units on one account, advancing time lazily', async function () {
    this.timeout(60_000);
    const sim = await startSimulator({ units: 1000, seed: 3, manualClock: true, startTime: START });
    try {
      const units = (await post(sim, '/box_pin', { cmd: 'get_account_units', device_id: 'd', account_token: sim.accountToken })).json.units as Json[];
      assert.equal(units.length, 1000);
      assert.equal(new Set(units.map((u) => u.unit_id)).size, 1000);
      sim.advance(6 * 3600);
      const states = new Map<string, number>();
      for (let i = 0; i < units.length; i += 50) {
        const batch = units.slice(i, i + 50);
        const replies = await Promise.all(
          batch.map((u) => post(sim, '/box_api_secure', { cmd: 'get_state', device_id: 'd', token: u.token, account_token: sim.accountToken })),
        );
        for (const r of replies) {
          assert.equal(r.json.success, true);
          states.set(r.json.state as string, (states.get(r.json.state as string) ?? 0) + 1);
        }
      }
      assert.ok((states.get('charging') ?? 0) > 0 && (states.get('standby') ?? 0) > 0, JSON.stringify([...states]));
    } finally {
      await sim.close();
    }
  });
});
