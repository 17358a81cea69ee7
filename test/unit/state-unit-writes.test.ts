// src/state/unit-writes.ts (the commands' write-and-verify steps) against the simulator over real
// HTTP: each write is confirmed only by what the server reads back, never by what was sent.
import { strict as assert } from 'node:assert';
import { JuiceNetClient } from '../../src/api/client';
import { HttpStatusError, NetworkError } from '../../src/api/errors';
import type { UnitStatus } from '../../src/api/types';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';
import {
  chargeNowConfirmed,
  chargeNowOverrideTime,
  writeCancelOverride,
  writeChargingTime,
  writeLimit,
  writeNotifications,
  writeSchedule,
  writeStartCharging,
  type UnitTarget,
} from '../../src/state/unit-writes';

describe('unit writes (write, read back, confirm) against the simulator', function () {
  let sim: RunningSimulator;
  let client: JuiceNetClient;
  let t: UnitTarget;
  let id: string;

  beforeEach(async () => {
    sim = await startSimulator({ units: 2, seed: 5, manualClock: true, autoPlug: false });
    client = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'writes-test', retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const u = sim.units[0];
    id = u.unitId;
    t = { client, auth: { token: u.token, accountToken: sim.accountToken, unitId: id } };
  });
  afterEach(async () => {
    await client.close();
    await sim.close();
  });

  it('writeLimit: confirmed by get_state, with the limit it had before', async () => {
    const before = sim.unit(id).ampsLimit;
    const r = await writeLimit(t, 16);
    assert.deepEqual(r, { previous: before, readBack: 16, confirmed: true });
    assert.equal(sim.unit(id).ampsLimit, 16);
  });

  it('writeLimit on an offline unit: sent, but not confirmed (it reports its last check-in)', async () => {
    const before = sim.unit(id).ampsLimit;
    sim.setUnitOffline(id, true);
    const r = await writeLimit(t, before === 16 ? 20 : 16);
    assert.equal(r.confirmed, false);
    assert.equal(r.readBack, before);
    assert.notEqual(sim.unit(id).ampsLimit, before, 'the server took it');
  });

  it('writeStartCharging: restores the limit, sets a started override, confirmed by get_state', async () => {
    await writeLimit(t, 0);
    const state = await client.getState(t.auth);
    const overrideTime = chargeNowOverrideTime(state);
    assert.ok(overrideTime < (state.utcTime ?? Infinity));
    const r = await writeStartCharging(t, { overrideTime, restoreAmps: 24 }, undefined);
    assert.equal(r.confirmed, true);
    assert.equal(sim.unit(id).overrideTime, overrideTime);
    assert.equal(sim.unit(id).ampsLimit, 24);
  });

  it('writeStartCharging on an offline unit holding an older override and 0 A on the server: not confirmed', async () => {
    // Found by the soak: the old check accepted any active override in the read-back, and an
    // offline unit reports its last check-in (an older override, the old limit), so "charging now"
    // was reported while the server had 0 A.
    await client.setOverride(t.auth, { overrideTime: Math.floor(sim.now()) - 3600 });
    await writeLimit(t, 32);
    sim.setUnitOffline(id, true);
    sim.advance(60);
    assert.equal((await writeLimit(t, 0)).confirmed, false);
    const state = await client.getState(t.auth);
    assert.equal(state.charging.ampsLimit, 32, 'the frozen reading still says 32 A');
    const overrideTime = chargeNowOverrideTime(state);
    const r = await writeStartCharging(t, { overrideTime }, undefined);
    assert.equal(r.confirmed, false);
    assert.equal(sim.unit(id).ampsLimit, 0, 'nothing can charge: the report must not say it will');
  });

  it('chargeNowConfirmed needs the sent override, started, and the restored limit', () => {
    const s = (overrideTime: number | undefined, ampsLimit: number | undefined, utcTime = 1000): UnitStatus =>
      ({ unitId: 'u', state: 'plugged', rawState: 'plugged', overrideTime, utcTime, charging: { ampsLimit }, lifetime: {} }) as UnitStatus;
    assert.equal(chargeNowConfirmed(s(999, 16), { overrideTime: 999 }), true);
    assert.equal(chargeNowConfirmed(s(500, 16), { overrideTime: 999 }), false, 'another (older) override');
    assert.equal(chargeNowConfirmed(s(999, 0), { overrideTime: 999 }), false, '0 A charges nothing');
    assert.equal(chargeNowConfirmed(s(999, 16), { overrideTime: 999, restoreAmps: 24 }), false, 'not the restored limit');
    assert.equal(chargeNowConfirmed(s(1001, 16), { overrideTime: 1001 }), false, 'in the future by the server clock');
    assert.equal(chargeNowConfirmed(s(undefined, 16), { overrideTime: 999 }), false);
    assert.equal(chargeNowOverrideTime({ utcTime: 500 }, 1000), 499, "the server's clock when it is behind");
    assert.equal(chargeNowOverrideTime({ utcTime: 5000 }, 1000), 999);
    assert.equal(chargeNowOverrideTime({}, 1000), 999);
  });

  it('writeCancelOverride: confirmed by override_time 0', async () => {
    await client.setOverride(t.auth, { overrideTime: Math.floor(sim.now()) - 10 });
    const r = await writeCancelOverride(t);
    assert.equal(r.confirmed, true);
    assert.equal(r.after.overrideTime, 0);
    assert.equal(sim.unit(id).overrideTime, 0);
  });

  it('writeSchedule: confirmed by get_schedule', async () => {
    const schedule = { type: 'custom' as const, weekday: { start: 1380, end: 420, carReadyBy: 0 }, weekend: { start: 60, end: 300, carReadyBy: 240 } };
    const r = await writeSchedule(t, schedule);
    assert.equal(r.confirmed, true);
    assert.deepEqual(sim.unit(id).schedule.weekend, { start: 60, end: 300, car_ready_by: 240 });
  });

  it('writeChargingTime: sent (no getter to confirm it), get_state read back', async () => {
    const epochS = Math.floor(sim.now()) + 7200;
    const r = await writeChargingTime(t, epochS);
    assert.equal(r.after.unitId, id);
    assert.equal(sim.unit(id).chargingTime, epochS);
  });

  it('writeNotifications: confirmed by get_notifications, mismatches named', async () => {
    const r = await writeNotifications(t, { start_charging: { email: true, push: true }, is_not_plugged_in_by: { email: false, push: true, time: 1260 } });
    assert.equal(r.confirmed, true);
    assert.deepEqual(r.mismatches, []);
    assert.equal(sim.unit(id).notifications.start_charging.email, true);
    assert.equal(sim.unit(id).notifications.is_not_plugged_in_by.time, 1260);
  });

  it('a refused write (HTTP 5xx) throws and changes nothing; it is not retried', async () => {
    const before = sim.unit(id).ampsLimit;
    sim.setFaults({ http5xxRate: 1 });
    sim.resetRequestCount();
    await assert.rejects(writeLimit(t, before === 16 ? 20 : 16), HttpStatusError);
    assert.equal(sim.commandCounts().set_limit, 1, 'a write is sent once');
    assert.equal(sim.unit(id).ampsLimit, before);
  });

  it('a lost reply (dropped socket) throws although the server applied the write: never reported done', async () => {
    const before = sim.unit(id).ampsLimit;
    const amps = before === 16 ? 20 : 16;
    sim.setFaults({ dropRate: 1 });
    await assert.rejects(writeLimit(t, amps), NetworkError);
    assert.equal(sim.unit(id).ampsLimit, amps, 'applied: the error must not claim that nothing changed');
  });
});
