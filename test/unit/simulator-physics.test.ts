// The simulator's chargers: plug in -> charging under the limit, power = V x A, ToU gating with
// midnight wrap, override, charging-time hold, battery full, disconnect when offline, determinism.
import { strict as assert } from 'node:assert';
import { startSimulator, RunningSimulator } from '../../src/simulator';

/** Wed 18 Nov 2026 12:00 UTC = Wed 04:00 in the first unit's zone (Pacific Standard Time, UTC-8). */
const START = 1795003200;
const HOUR = 3600;

type Json = Record<string, unknown>;
async function post(sim: RunningSimulator, path: string, body: Json): Promise<Json> {
  const r = await fetch(sim.baseUrl + path, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(r.status, 200);
  return (await r.json()) as Json;
}

describe('simulator: charging physics', () => {
  let sim: RunningSimulator;
  let unitId: string;
  const api = (cmd: string, extra: Json = {}) =>
    post(sim, '/box_api_secure', { cmd, token: sim.units[0].token, account_token: sim.accountToken, device_id: 't', ...extra });
  const state = async (): Promise<Json & { ch: Record<string, number>; lt: Record<string, number> }> => {
    const s = await api('get_state');
    return { ...s, ch: s.charging as Record<string, number>, lt: s.lifetime as Record<string, number> };
  };

  beforeEach(async () => {
    sim = await startSimulator({ seed: 7, manualClock: true, startTime: START, autoPlug: false });
    unitId = sim.units[0].unitId;
  });
  afterEach(() => sim.close());

  it('plug in -> charging, current bounded by the car and the limit, power = V x A, energy grows', async () => {
    let s = await state();
    assert.equal(s.state, 'standby');
    assert.equal(s.ch.watt_power, 0);
    sim.plugIn(unitId, { energyToAddWh: 30000 });
    s = await state();
    assert.equal(s.state, 'charging');
    assert.equal(s.triggers_all, 1);
    assert.equal(s.triggers_blocking, 0);
    assert.equal(s.plug_unplug_time, START);
    // Bolt charges at 7200 W -> 30 A, under the 32 A limit.
    assert.equal(s.ch.amps_current, 30);
    assert.ok(s.ch.voltage >= 234 && s.ch.voltage <= 246, `voltage ${s.ch.voltage}`);
    assert.equal(s.ch.watt_power, s.ch.voltage * s.ch.amps_current);
    assert.ok((s.charging_time_left as number) > 3 * HOUR);
    const lifetime0 = s.lt.wh_energy;
    assert.equal((await api('set_limit', { amperage: 16 })).success, true);
    s = await state();
    assert.equal(s.ch.amps_current, 16);
    assert.equal(s.ch.watt_power, s.ch.voltage * 16);
    sim.advance(600);
    s = await state();
    assert.equal(s.ch.seconds_charging, 600);
    const expected = (16 * 240 * 600) / 3600;
    assert.ok(Math.abs(s.ch.wh_energy - expected) / expected < 0.03, `energy ${s.ch.wh_energy} vs ${expected}`);
    assert.ok(Math.abs(s.lt.wh_energy - lifetime0 - s.ch.wh_energy) <= 1);
    assert.ok(s.ch.savings > 0);
    assert.ok(((s.ch.co2 as unknown as Json).nonstop as number) > 0);
    assert.ok((s.temperature as number) > -10 && (s.temperature as number) < 60);
    const snap = sim.unit(unitId);
    assert.equal(snap.state, 'charging');
    assert.ok(snap.ampsCurrent <= snap.ampsLimit);
  });

  it('amps_limit 0 turns charging off (triggers 9/8) and nothing flows', async () => {
    sim.plugIn(unitId, { energyToAddWh: 30000 });
    await api('set_limit', { amperage: 0 });
    sim.advance(HOUR);
    const s = await state();
    assert.equal(s.state, 'plugged');
    assert.equal(s.ch.amps_current, 0);
    assert.equal(s.ch.wh_energy, 0);
    assert.equal(s.triggers_all, 9);
    assert.equal(s.triggers_blocking, 8);
  });

  it('the ToU schedule gates charging in the unit time zone, with the midnight wrap and weekends', async () => {
    await api('set_limit', { amperage: 6 });
    await api('set_schedule', { type: 'custom', weekday: { start: 1380, end: 420, car_ready_by: 420 }, weekend: { start: 1320, end: 480, car_ready_by: 480 } });
    sim.plugIn(unitId, { energyToAddWh: 200000 });
    // Wed 04:00 local: inside 23:00 -> 07:00.
    assert.equal((await state()).state, 'charging');
    sim.advance(3 * HOUR); // Wed 07:00
    let s = await state();
    assert.equal(s.state, 'plugged');
    assert.equal(s.triggers_all, 9);
    assert.equal(s.triggers_blocking, 1);
    assert.equal(s.show_override, true);
    assert.equal(s.target_time, START + 19 * HOUR, 'Wed 23:00 local');
    assert.equal(s.default_target_time, START + 19 * HOUR);
    const energyAt7 = s.ch.wh_energy;
    assert.ok(Math.abs(energyAt7 - 3 * 6 * 240) < 60, `3 h at 6 A: ${energyAt7}`);
    sim.advance(15 * HOUR + 59 * 60); // Wed 22:59
    s = await state();
    assert.equal(s.state, 'plugged');
    assert.equal(s.ch.wh_energy, energyAt7);
    sim.advance(2 * 60); // Wed 23:01
    assert.equal((await state()).state, 'charging');
    sim.advance(2 * HOUR); // Thu 01:01, after midnight
    assert.equal((await state()).state, 'charging');
    // Fri 23:30 (weekday window), Sat 07:30 (weekend window runs to 08:00), Sat 08:30 (closed), Sat 22:30 (weekend start 22:00).
    const wed4 = START;
    const at = async (localHoursAfterWed4: number) => {
      sim.advance(wed4 + localHoursAfterWed4 * HOUR - sim.now());
      return (await state()).state;
    };
    assert.equal(await at(2 * 24 + 19.5), 'charging');
    assert.equal(await at(3 * 24 + 3.5), 'charging');
    assert.equal(await at(3 * 24 + 4.5), 'plugged');
    assert.equal(await at(3 * 24 + 18.5), 'charging');
  });

  it('an override charges now regardless of the schedule; 0 cancels; a future override starts later', async () => {
    await api('set_schedule', { type: 'custom', weekday: { start: 1380, end: 420, car_ready_by: 0 }, weekend: { start: 1380, end: 420, car_ready_by: 0 } });
    sim.advance(4 * HOUR); // Wed 08:00 local: outside the window
    sim.plugIn(unitId, { energyToAddWh: 50000 });
    assert.equal((await state()).state, 'plugged');
    const now = Math.floor(sim.now());
    await api('set_override', { override_time: now - 1, energy_at_plugin: 0, energy_to_add: 50000 });
    let s = await state();
    assert.equal(s.state, 'charging');
    assert.equal(s.override_time, now - 1);
    assert.equal(s.show_override, true);
    sim.advance(600);
    assert.ok((await state()).ch.wh_energy > 0);
    await api('set_override', { override_time: 0 });
    s = await state();
    assert.equal(s.state, 'plugged');
    assert.equal(s.override_time, 0);
    await api('set_override', { override_time: Math.floor(sim.now()) + 300 });
    assert.equal((await state()).state, 'plugged');
    sim.advance(301);
    assert.equal((await state()).state, 'charging');
    // Unplugging ends the override.
    sim.unplug(unitId);
    assert.equal(sim.unit(unitId).overrideTime, 0);
  });

  it('set_charging_time holds default charging back until that time (an override still wins)', async () => {
    sim.plugIn(unitId, { energyToAddWh: 50000 });
    await api('set_charging_time', { charging_time: START + HOUR });
    let s = await state();
    assert.equal(s.state, 'plugged');
    assert.equal(s.triggers_blocking, 1);
    assert.equal(s.target_time, START + HOUR);
    sim.advance(HOUR - 1);
    assert.equal((await state()).state, 'plugged');
    sim.advance(2);
    s = await state();
    assert.equal(s.state, 'charging');
    assert.ok(s.ch.seconds_charging <= 2);
    await api('set_charging_time', { charging_time: START + 10 * HOUR });
    assert.equal((await state()).state, 'plugged');
    await api('set_override', { override_time: Math.floor(sim.now()) });
    assert.equal((await state()).state, 'charging');
    await api('set_override', { override_time: 0 });
    await api('set_charging_time', { charging_time: 0 });
    assert.equal((await state()).state, 'charging');
  });

  it('charging stops when the battery is full (energy_to_add reached), tapering before', async () => {
    sim.plugIn(unitId, { energyToAddWh: 2000, energyAtPluginWh: 30000 });
    let s = await state();
    assert.equal(s.ch.wh_energy_to_add, 2000);
    assert.equal(s.ch.wh_energy_at_plugin, 30000);
    const fullAmps = s.ch.amps_current;
    sim.advance(10 * 60);
    s = await state();
    assert.equal(s.state, 'charging');
    assert.ok(s.ch.amps_current < fullAmps, `taper: ${s.ch.amps_current} < ${fullAmps}`);
    assert.ok(s.ch.amps_current >= 6);
    sim.advance(2 * HOUR);
    s = await state();
    assert.equal(s.state, 'plugged');
    assert.equal(s.ch.wh_energy, 2000);
    assert.equal(s.ch.amps_current, 0);
    assert.equal(s.ch.watt_power, 0);
    assert.equal(s.charging_time_left, 0);
    assert.equal(s.triggers_all, 9);
    const secs = s.ch.seconds_charging;
    sim.advance(HOUR);
    assert.equal((await state()).ch.seconds_charging, secs);
  });

  it('a unit that stops checking in is reported as disconnect (frozen data), and comes back', async () => {
    sim.plugIn(unitId, { energyToAddWh: 50000 });
    sim.advance(60);
    const interval = sim.unit(unitId).updateIntervalS;
    sim.setUnitOffline(unitId, true);
    const frozen = await state();
    assert.equal(frozen.state, 'charging', 'not yet overdue');
    sim.advance(3 * interval + 1);
    let s = await state();
    assert.equal(s.state, 'disconnect');
    assert.equal(s.time_last_ping, frozen.time_last_ping);
    assert.equal(s.utc_time, Math.floor(sim.now()));
    assert.equal(s.ch.wh_energy, frozen.ch.wh_energy, 'last reported data');
    const truth = sim.unit(unitId);
    assert.equal(truth.state, 'charging');
    assert.equal(truth.reportedState, 'disconnect');
    assert.equal(truth.online, false);
    sim.setUnitOffline(unitId, false);
    s = await state();
    assert.equal(s.state, 'charging');
    assert.ok(s.ch.wh_energy > frozen.ch.wh_energy);
    assert.ok(sim.now() - (s.time_last_ping as number) < interval);
  });

  it('J1772 error state can be injected', async () => {
    sim.plugIn(unitId);
    sim.setUnitError(unitId, true);
    assert.equal((await state()).state, 'error');
    sim.setUnitError(unitId, false);
    assert.equal((await state()).state, 'charging');
  });

  it('info_timestamp grows on every change of info, schedule and limit', async () => {
    const ts: number[] = [(await state()).info_timestamp as number];
    for (const [cmd, extra] of [
      ['set_limit', { amperage: 20 }],
      ['set_schedule', { type: 'disabled', weekday: { start: 0, end: 0, car_ready_by: 0 }, weekend: { start: 0, end: 0, car_ready_by: 0 } }],
      ['set_info', { ecost: 15 }],
      ['set_limit', { amperage: 21 }],
    ] as const) {
      await api(cmd, extra);
      ts.push((await state()).info_timestamp as number);
    }
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i] > ts[i - 1], ts.join(','));
  });
});

describe('simulator: time and determinism', () => {
  it('the outcome does not depend on how often a unit is looked at', async () => {
    const a = await startSimulator({ seed: 11, manualClock: true, startTime: START, units: 4 });
    const b = await startSimulator({ seed: 11, manualClock: true, startTime: START, units: 4 });
    try {
      const ids = a.units.map((u) => u.unitId);
      for (let m = 0; m < 36 * 60; m += 7) {
        a.advance(7 * 60);
        if (m % 49 === 0) for (const id of ids) a.unit(id);
      }
      b.advance(36 * 60 * 60);
      for (const id of ids) {
        const sa = a.unit(id);
        const sb = b.unit(id);
        assert.equal(sa.state, sb.state);
        assert.ok(Math.abs(sa.lifetimeEnergyWh - sb.lifetimeEnergyWh) < 1e-3, `${sa.lifetimeEnergyWh} vs ${sb.lifetimeEnergyWh}`);
        assert.deepEqual(
          sa.sessions.map((s) => [s.id, s.energyWh]),
          sb.sessions.map((s) => [s.id, s.energyWh]),
        );
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('cars plug in and out by themselves over time (autoPlug), finished sessions join the history', async () => {
    const sim = await startSimulator({ seed: 5, manualClock: true, startTime: START, units: 3 });
    try {
      const id = sim.units[0].unitId;
      const before = sim.unit(id);
      assert.equal(before.state, 'charging', 'the demo starts with the first unit charging');
      sim.advance(4 * 24 * HOUR);
      const after = sim.unit(id);
      assert.ok(after.sessions.length >= before.sessions.length + 2, `${before.sessions.length} -> ${after.sessions.length}`);
      assert.ok(after.lifetimeEnergyWh > before.lifetimeEnergyWh + 5000);
      assert.ok(after.sessions[0].timeEnd > START);
    } finally {
      await sim.close();
    }
  });

  it('with a real clock, time runs at `speed` virtual seconds per second', async () => {
    const sim = await startSimulator({ seed: 1, speed: 600, startTime: START });
    try {
      const t0 = sim.now();
      await new Promise((r) => setTimeout(r, 200));
      const dt = sim.now() - t0;
      assert.ok(dt >= 100 && dt < 400, `virtual ${dt} s in ~0.2 real s`);
    } finally {
      await sim.close();
    }
  });
});
