// JuiceNetClient against the JuiceNet simulator over real HTTP: every command's happy path (set, then
// read back), the simulator's error replies, and the retry rules under injected faults.
import { strict as assert } from 'node:assert';
import { JuiceNetClient } from '../../src/api/client';
import { AbortedError, ApiError, AuthError, HttpStatusError, NetworkError, ProtocolError } from '../../src/api/errors';
import type { AccountUnit } from '../../src/domain/model';
import type { UnitAuth } from '../../src/api/types';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';

describe('JuiceNetClient against the simulator', function () {
  let sim: RunningSimulator;
  let client: JuiceNetClient;
  let units: AccountUnit[];
  let unit: UnitAuth;

  before(async () => {
    sim = await startSimulator({ units: 3, seed: 11, manualClock: true, autoPlug: false, historyPageSize: 5 });
    client = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'sim-test', retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    units = await client.getAccountUnits(sim.accountToken);
    unit = { ...units[0], accountToken: sim.accountToken };
  });
  afterEach(() => {
    sim.clearFaults();
    sim.resetRequestCount();
  });
  after(async () => {
    await client.close();
    await sim.close();
  });

  it('get_account_units lists the account', () => {
    assert.deepEqual(
      units.map((u) => u.unitId),
      sim.units.map((u) => u.unitId),
    );
    assert.ok(units.every((u) => u.token.length > 0 && u.name.length > 0));
  });

  it('get_state reflects the server-side unit', async () => {
    const s = await client.getState(unit);
    const truth = sim.unit(unit.unitId!);
    assert.equal(s.unitId, unit.unitId);
    assert.equal(s.state, truth.reportedState);
    assert.equal(s.charging.ampsLimit, truth.ampsLimit);
    assert.equal(typeof s.frequencyHz, 'number');
    assert.ok(s.frequencyHz! > 40 && s.frequencyHz! < 70, `frequency ${s.frequencyHz} Hz`);
  });

  it('set_limit → get_state.amps_limit', async () => {
    await client.setLimit(unit, 16);
    assert.equal((await client.getState(unit)).charging.ampsLimit, 16);
    assert.equal(sim.unit(unit.unitId!).ampsLimit, 16);
    await client.setLimit(unit, 0);
    assert.equal((await client.getState(unit)).charging.ampsLimit, 0);
  });

  it('set_limit out of range → ApiError 422 with the server message', async () => {
    await assert.rejects(
      client.setLimit(unit, 500),
      (e: unknown) => e instanceof ApiError && !(e instanceof AuthError) && e.errorCode === 422 && /amperage/i.test(e.message),
    );
  });

  it('set_schedule → get_schedule (with a midnight wrap)', async () => {
    const schedule = { type: 'custom' as const, weekday: { start: 1380, end: 420, carReadyBy: 420 }, weekend: { start: 600, end: 1440, carReadyBy: 900 } };
    await client.setSchedule(unit, schedule);
    const back = await client.getSchedule(unit);
    assert.equal(back.type, 'custom');
    assert.deepEqual(back.weekday, schedule.weekday);
    assert.deepEqual(back.weekend, schedule.weekend);
    await client.setSchedule(unit, { ...schedule, type: 'disabled' });
    assert.equal((await client.getSchedule(unit)).type, 'disabled');
  });

  it('set_info → get_info, unknown fields surviving the round trip', async () => {
    const info = await client.getInfo(unit);
    assert.ok(info.name);
    const raw = { ...info.raw, name: 'Renamed by test', x_custom_field: { nested: [1, 2] } };
    await client.setInfo(unit, raw);
    const back = await client.getInfo(unit);
    assert.equal(back.name, 'Renamed by test');
    assert.deepEqual(back.raw.x_custom_field, { nested: [1, 2] });
    assert.deepEqual(back.cars, info.cars);
    assert.equal(sim.unit(unit.unitId!).info.name, 'Renamed by test');
  });

  it('set_notifications → get_notifications', async () => {
    const before = await client.getNotifications(unit);
    assert.ok(before.start_charging, 'trimmed keys');
    await client.setNotifications(unit, {
      ...before,
      start_charging: {
        email: true,
        push: true,
        webhook: { url: 'https://hooks.example/jb', method: 'POST', authorizationHeaders: 'Bearer s3cr3t-webhook-value' },
      },
      is_not_plugged_in_by: { email: true, push: false, time: 1320 },
    });
    const after = await client.getNotifications(unit);
    assert.deepEqual(after.start_charging, {
      email: true,
      push: true,
      webhook: { url: 'https://hooks.example/jb', method: 'POST', authorizationHeaders: 'Bearer s3cr3t-webhook-value' },
    });
    assert.deepEqual(after.is_not_plugged_in_by, { email: true, push: false, time: 1320 });
  });

  it('set_override (charge now, then cancel) → get_state.override_time', async () => {
    const now = Math.floor(sim.now());
    await client.setOverride(unit, { overrideTime: now - 10, energyToAddWh: 20000 });
    assert.equal((await client.getState(unit)).overrideTime, now - 10);
    await client.setOverride(unit, { overrideTime: 0 });
    assert.equal((await client.getState(unit)).overrideTime, 0);
  });

  it('set_charging_time reaches the unit', async () => {
    const t = Math.floor(sim.now()) + 3600;
    await client.setChargingTime(unit, t);
    assert.equal(sim.unit(unit.unitId!).chargingTime, t);
  });

  it('get_history follows continuity tokens (page size 5) and get_plot plots a session', async () => {
    const truth = sim.unit(unit.unitId!).sessions;
    assert.ok(truth.length > 5, 'the simulator has more than one page of history');
    sim.resetRequestCount();
    const all = await client.getHistory(unit);
    assert.equal(all.length, truth.length);
    assert.equal(sim.requestCount(), Math.ceil(truth.length / 5));
    assert.deepEqual(new Set(all.map((s) => s.id)), new Set(truth.map((s) => s.id)));
    const some = await client.getHistory(unit, { maxSessions: 7 });
    assert.equal(some.length, 7);
    const page = await client.getHistoryPage(unit);
    assert.equal(page.sessions.length, 5);
    assert.ok(page.continuityToken);

    const session = all.find((s) => (s.energyWh ?? 0) > 0)!;
    const points = await client.getPlot(unit, session.id!, 50);
    assert.ok(points.length > 0 && points.length <= 51);
    assert.ok(points.every((p, i) => i === 0 || p.t >= points[i - 1].t));
    assert.ok(points.some((p) => p.v > 0));
  });

  it('share PIN flow: get_share_pin on one account, share_device on another', async () => {
    const other = sim.createAccount();
    const pin = await client.getSharePin(unit);
    assert.match(pin, /^\d{4}$/);
    await assert.rejects(
      client.shareDevice(other, unit.unitId!, pin === '0000' ? '0001' : '0000'),
      (e: unknown) => e instanceof ApiError && !(e instanceof AuthError) && e.errorCode === 403,
    );
    const pin2 = await client.getSharePin(unit);
    const shared = await client.shareDevice(other, unit.unitId!, pin2, 'Second phone');
    assert.equal(shared.unitId, unit.unitId);
    assert.notEqual(shared.token, unit.token);
    const s = await client.getState({ token: shared.token, accountToken: other, unitId: shared.unitId });
    assert.equal(s.unitId, unit.unitId);
    assert.deepEqual(
      (await client.getAccountUnits(other)).map((u) => u.unitId),
      [unit.unitId],
    );
  });

  it('add_unit claims a spare unit', async () => {
    const spare = sim.spareUnitIds[0];
    const added = await client.addUnit(sim.accountToken, spare);
    assert.equal(added.unitId, spare);
    assert.ok((await client.getAccountUnits(sim.accountToken)).some((u) => u.unitId === spare));
    assert.equal((await client.getState({ token: added.token, accountToken: sim.accountToken, unitId: spare })).unitId, spare);
  });

  it('a bad token → AuthError; an unknown unit on add_unit → ApiError 404', async () => {
    await assert.rejects(client.getState({ ...unit, token: 'ffffffffffffffffffffffffffffffff' }), AuthError);
    await assert.rejects(client.getAccountUnits('00000000-0000-0000-0000-000000000000'), AuthError);
    await assert.rejects(client.addUnit(sim.accountToken, '9'.repeat(28)), (e: unknown) => e instanceof ApiError && e.errorCode === 404);
  });

  it('numbers sent as strings are read as numbers', async () => {
    sim.setFaults({ numbersAsStrings: true });
    const s = await client.getState(unit);
    assert.equal(typeof s.charging.ampsLimit, 'number');
    assert.equal(typeof (await client.getSchedule(unit)).weekday.start, 'number');
  });

  describe('faults and the retry rule (requests counted by the simulator)', () => {
    it('reads: HTTP 5xx on every request → 3 attempts, then HttpStatusError', async () => {
      sim.setFaults({ http5xxRate: 1 });
      await assert.rejects(client.getState(unit), HttpStatusError);
      assert.equal(sim.requestCount(), 3);
    });
    it('reads: malformed replies → retried, then ProtocolError', async () => {
      sim.setFaults({ malformedRate: 1 });
      await assert.rejects(client.getSchedule(unit), ProtocolError);
      assert.equal(sim.requestCount(), 3);
    });
    it('reads: dropped connections → retried, then NetworkError', async () => {
      sim.setFaults({ dropRate: 1 });
      await assert.rejects(client.getInfo(unit), NetworkError);
      assert.equal(sim.requestCount(), 3);
    });
    it('writes: a dropped reply is not retried, and the server did apply it', async () => {
      await client.setLimit(unit, 20);
      sim.resetRequestCount();
      sim.setFaults({ dropRate: 1 });
      await assert.rejects(client.setLimit(unit, 24), NetworkError);
      assert.equal(sim.requestCount(), 1);
      assert.equal(sim.unit(unit.unitId!).ampsLimit, 24);
    });
    it('writes: HTTP 5xx and temporary failures are not retried', async () => {
      sim.setFaults({ http5xxRate: 1 });
      await assert.rejects(client.setChargingTime(unit, Math.floor(sim.now()) + 600), HttpStatusError);
      assert.equal(sim.requestCount(), 1);
      sim.resetRequestCount();
      sim.setFaults({ http5xxRate: 0, failureRate: 1 });
      await assert.rejects(client.setLimit(unit, 16), (e: unknown) => e instanceof ApiError && e.errorCode === 500);
      assert.equal(sim.requestCount(), 1);
    });
    it('reads survive a 50% fault rate (most of the time within 2 retries)', async () => {
      sim.setFaults({ http5xxRate: 0.25, malformedRate: 0.25 });
      let ok = 0;
      for (let i = 0; i < 20; i++) {
        try {
          await client.getState(unit);
          ok++;
        } catch (e) {
          assert.ok(e instanceof HttpStatusError || e instanceof ProtocolError, String(e));
        }
      }
      assert.ok(ok >= 14, `${ok}/20 succeeded`);
      assert.ok(client.stats().retries > 0);
    });
    it('abort during server latency → AbortedError', async () => {
      sim.setFaults({ latencyMs: 2000 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      const t0 = Date.now();
      await assert.rejects(client.getState(unit, { signal: ac.signal }), AbortedError);
      assert.ok(Date.now() - t0 < 1500);
    });
  });

  it('keeps to a handful of sockets for 200 concurrent reads', async () => {
    const c = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'sim-test' });
    try {
      const before = sim.connectionCount();
      await Promise.all(Array.from({ length: 200 }, (_, i) => c.getState({ ...units[i % units.length], accountToken: sim.accountToken })));
      assert.ok(c.stats().socketsOpened <= 8, `opened ${c.stats().socketsOpened}`);
      assert.ok(sim.connectionCount() - before <= 8);
      assert.equal(c.stats().requests, 200);
    } finally {
      await c.close();
    }
  });
});
