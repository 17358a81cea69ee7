// JuiceNetClient against the simulator over real HTTP: the protocol's wire details a review found
// missing (notification keys as the protocol spells them, the " wh_energy" history quirk, whole
// numbers checked before anything is sent). The simulator's `lastRequest` shows what it received.
import { strict as assert } from 'node:assert';
import { JuiceNetClient } from '../../src/api/client';
import { InvalidInputError } from '../../src/api/errors';
import type { UnitAuth } from '../../src/api/types';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';

/** Wed 18 Nov 2026 12:00 UTC. */
const START = 1795003200;
type Json = Record<string, unknown>;

describe('JuiceNetClient against the simulator: wire details', () => {
  let sim: RunningSimulator;
  let client: JuiceNetClient;
  let unit: UnitAuth;
  let unitId: string;

  beforeEach(async () => {
    sim = await startSimulator({ units: 2, seed: 21, manualClock: true, startTime: START, autoPlug: false, historyPageSize: 7 });
    client = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'wire-test', retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    const u = sim.units[0];
    unitId = u.unitId;
    unit = { token: u.token, accountToken: sim.accountToken, unitId };
  });
  afterEach(async () => {
    await client.close();
    await sim.close();
  });

  it('set_notifications sends "start_charging " / "stop_charging " as the protocol spells them (no reply seen yet)', async () => {
    await client.setNotifications(unit, {
      start_charging: { email: true, push: false },
      stop_charging: { email: false, push: true },
      is_offline: { email: true, push: true },
    });
    const sent = sim.lastRequest('set_notifications');
    assert.ok(sent, 'the simulator received set_notifications');
    assert.equal(sent.token, '(token)', 'captures never hold a token');
    assert.deepEqual(Object.keys(sent.notifications as Json).sort(), ['is_offline', 'start_charging ', 'stop_charging ']);
    // The simulator normalises keys in: the padded events are the ones that changed.
    const truth = sim.unit(unitId).notifications;
    assert.deepEqual(truth.start_charging, { email: true, push: false });
    assert.deepEqual(truth.stop_charging, { email: false, push: true });
  });

  it('after get_notifications, set_notifications writes each event under the key the server used', async () => {
    // The simulator answers in the protocol's spelling, trailing spaces included.
    const raw = (await (
      await fetch(`${sim.baseUrl}/box_api_secure`, {
        method: 'POST',
        body: JSON.stringify({ cmd: 'get_notifications', device_id: 'd', token: unit.token, account_token: sim.accountToken }),
      })
    ).json()) as { notifications: Json };
    const serverKeys = Object.keys(raw.notifications);
    assert.ok(serverKeys.includes('start_charging ') && serverKeys.includes('stop_charging '), serverKeys.join('|'));
    const settings = await client.getNotifications(unit);
    assert.ok(settings.start_charging && !('start_charging ' in settings), 'the normalised view has trimmed names');
    await client.setNotifications(unit, { ...settings, start_charging: { email: true, push: true }, plugin: { email: true, push: false } });
    const sent = sim.lastRequest('set_notifications')!.notifications as Json;
    // Every event the server listed goes back under its own key; plugin (not listed) in the protocol's.
    assert.deepEqual(Object.keys(sent).sort(), [...serverKeys, 'plugin'].sort());
    assert.deepEqual((await client.getNotifications(unit)).start_charging, { email: true, push: true });
  });

  it('get_history: sessions sent with the protocol\'s " wh_energy" key are read with their energy', async () => {
    const raw = (await (
      await fetch(`${sim.baseUrl}/box_api_secure`, {
        method: 'POST',
        body: JSON.stringify({ cmd: 'get_history', device_id: 'd', token: unit.token, account_token: sim.accountToken }),
      })
    ).json()) as { sessions: Json[] };
    const padded = raw.sessions.filter((s) => ' wh_energy' in s);
    assert.ok(padded.length >= 2 && padded.length < raw.sessions.length, `${padded.length} of ${raw.sessions.length} sessions padded`);
    const truth = new Map(sim.unit(unitId).sessions.map((s) => [s.id, s.energyWh]));
    const sessions = await client.getHistory(unit);
    assert.equal(sessions.length, truth.size, 'every page was read');
    for (const s of sessions) {
      assert.equal(typeof s.energyWh, 'number', `session ${s.id}`);
      assert.equal(s.energyWh, truth.get(s.id!), `session ${s.id}`);
    }
    assert.ok(sessions.some((s) => s.id! % 2 === 1) && sessions.some((s) => s.id! % 2 === 0));
  });

  it('set_override sends override_time, energy_at_plugin and energy_to_add when given', async () => {
    sim.plugIn(unitId, { energyToAddWh: 20000, energyAtPluginWh: 12000 });
    const now = Math.floor(sim.now());
    await client.setOverride(unit, { overrideTime: now - 1, energyAtPluginWh: 12000, energyToAddWh: 25000 });
    const sent = sim.lastRequest('set_override')!;
    assert.equal(sent.override_time, now - 1);
    assert.equal(sent.energy_at_plugin, 12000);
    assert.equal(sent.energy_to_add, 25000);
    const s = await client.getState(unit);
    assert.equal(s.charging.energyToAddWh, 25000, 'the goal is what was asked');
    assert.equal(s.overrideTime, now - 1);
  });

  it('refuses values the protocol cannot carry before sending: charging time, override, plot intervals', async () => {
    sim.resetRequestCount();
    const now = Math.floor(sim.now());
    for (const t of [0, -5, 1.5, NaN, Infinity]) await assert.rejects(client.setChargingTime(unit, t), InvalidInputError, `charging_time ${t}`);
    for (const req of [
      { overrideTime: -1 },
      { overrideTime: now + 0.5 },
      { overrideTime: NaN },
      { overrideTime: now, energyToAddWh: 10.5 },
      { overrideTime: now, energyToAddWh: -1 },
      { overrideTime: 0, energyAtPluginWh: -3 },
    ]) {
      await assert.rejects(client.setOverride(unit, req), InvalidInputError, JSON.stringify(req));
    }
    for (const n of [0, -1, 2.5, 10_001, NaN]) await assert.rejects(client.getPlot(unit, 100_001, n), InvalidInputError, `intervals ${n}`);
    await assert.rejects(client.getPlot(unit, 1.5, 10), InvalidInputError, 'session id 1.5');
    assert.equal(sim.requestCount(), 0, 'nothing reached the server');
    await assert.rejects(client.setChargingTime(unit, 1.5), /whole epoch seconds/);
    // The accepted forms still go through.
    await client.setChargingTime(unit, now + 60);
    await client.setOverride(unit, { overrideTime: 0, energyAtPluginWh: 0, energyToAddWh: 0 });
    const session = sim.unit(unitId).sessions[0];
    assert.equal((await client.getPlot(unit, session.id, 10_000)).length, 10_000);
    assert.equal(sim.requestCount(), 3);
  });
});
