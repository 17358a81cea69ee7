// src/state/unit-writes.ts (the commands' write-and-verify steps) against the simulator over real
// HTTP: each write is confirmed only by what the server reads back, never by what was sent.
import { strict as assert } from 'node:assert';
import { JuiceNetClient } from '../../src/api/client';
import {
  AbortedError,
  ApiError,
  AuthError,
  HttpStatusError,
  InvalidInputError,
  NetworkError,
  ProtocolError,
  TimeoutError,
  UncertainWriteError,
  UnverifiedWriteError,
  writeOutcomeUncertain,
} from '../../src/api/errors';
import type { UnitStatus } from '../../src/domain/model';
import type { JuiceNetApi } from '../../src/api/types';
import { PanelRouter } from '../../src/panel/router';
import type { HostMessage } from '../../src/protocol/messages';
import { startSimulator, type FaultConfig, type RunningSimulator } from '../../src/simulator/index';
import { faultedCalls } from '../fixtures/faulted-client';
import {
  chargeNowConfirmed,
  chargeNowOverrideTime,
  chargeNowRequest,
  writeCancelOverride,
  writeChargingTime,
  writeInfo,
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
    const { after, ...r } = await writeLimit(t, 16);
    assert.deepEqual(r, { previous: before, readBack: 16, confirmed: true, replyLost: false });
    assert.equal(after?.charging.ampsLimit, 16, 'the read-back, for the views to show at once');
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

  it("chargeNowRequest: the override by the unit's clock, the limit to restore, and the energies of the reading (whole Wh)", () => {
    const state = { utcTime: 500, charging: { energyAtPluginWh: 1200.4, energyToAddWh: 8000 } } as UnitStatus;
    assert.deepEqual(chargeNowRequest(state, 24), { overrideTime: 499, restoreAmps: 24, energyAtPluginWh: 1200, energyToAddWh: 8000 });
    const bare = chargeNowRequest({ utcTime: 500, charging: {} } as UnitStatus);
    assert.deepEqual([bare.overrideTime, bare.restoreAmps, 'energyAtPluginWh' in bare, 'energyToAddWh' in bare], [499, undefined, false, false]);
  });

  it('writeStartCharging / writeCancelOverride send all three set_override fields, the energies unchanged', async () => {
    // The protocol lists energy_at_plugin and energy_to_add with override_time and every known
    // client sends the three: "charge now" must not zero or re-aim the driver's energy goal.
    sim.plugIn(id, { energyToAddWh: 20000, energyAtPluginWh: 15000 });
    sim.advance(1234.5); // mid-minute: the session's energy is fractional on the server
    const state = await client.getState(t.auth);
    assert.equal(state.charging.energyToAddWh, 20000);
    const overrideTime = chargeNowOverrideTime(state);
    const r = await writeStartCharging(t, { overrideTime }, undefined);
    assert.equal(r.confirmed, true);
    const sent = sim.lastRequest('set_override')!;
    assert.deepEqual(
      { override_time: sent.override_time, energy_at_plugin: sent.energy_at_plugin, energy_to_add: sent.energy_to_add },
      { override_time: overrideTime, energy_at_plugin: 15000, energy_to_add: 20000 },
    );
    assert.equal(r.after.charging.energyToAddWh, 20000, 'get_state: wh_energy_to_add not changed by a plain charge now');
    assert.equal(sim.unit(id).car!.energyToAddWh, 20000);
    assert.equal(sim.unit(id).car!.energyAtPluginWh, 15000);

    const c = await writeCancelOverride(t);
    assert.equal(c.confirmed, true);
    const cancel = sim.lastRequest('set_override')!;
    assert.deepEqual([cancel.override_time, cancel.energy_at_plugin, cancel.energy_to_add], [0, 15000, 20000]);
    assert.equal(sim.unit(id).car!.energyToAddWh, 20000);

    // The caller's own values win over the unit's.
    await writeStartCharging(t, { overrideTime, energyToAddWh: 30000, energyAtPluginWh: 15000 }, undefined);
    assert.equal(sim.lastRequest('set_override')!.energy_to_add, 30000);
    assert.equal((await client.getState(t.auth)).charging.energyToAddWh, 30000);
  });

  it('writeStartCharging whose read of the energies fails sends nothing', async () => {
    sim.setFaults({ http5xxRate: 1 });
    sim.resetRequestCount();
    await assert.rejects(writeStartCharging(t, { overrideTime: Math.floor(sim.now()) - 1 }, undefined), HttpStatusError);
    sim.clearFaults();
    assert.equal(sim.commandCounts().set_override, undefined, 'set_override never sent');
    assert.equal(sim.unit(id).overrideTime, 0);
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
    // Every request fails, the read-back too: the outcome is unknown, and the error says so.
    await assert.rejects(
      writeLimit(t, before === 16 ? 20 : 16),
      (e: unknown) => e instanceof UncertainWriteError && e.cause instanceof HttpStatusError && /may or may not/.test(e.readBackSummary),
    );
    assert.equal(sim.commandCounts().set_limit, 1, 'a write is sent once');
    assert.equal(sim.unit(id).ampsLimit, before);
  });

  it('a lost reply (dropped socket) whose read-back fails too: an error that says the change may have been applied', async () => {
    const before = sim.unit(id).ampsLimit;
    const amps = before === 16 ? 20 : 16;
    sim.setFaults({ dropRate: 1 });
    const err = await writeLimit(t, amps).then(
      () => assert.fail('a write nobody could confirm was reported done'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof UncertainWriteError && err.cause instanceof NetworkError, `the original error, wrapped: ${String(err)}`);
    assert.match(err.readBackSummary, /may or may not have been applied/);
    assert.equal(sim.unit(id).ampsLimit, amps, 'applied: the error must not claim that nothing changed');
  });

  it('a write the server accepted whose read-back fails: UnverifiedWriteError (accepted, state unknown), not a failure', async () => {
    const before = sim.unit(id).ampsLimit;
    const amps = before === 16 ? 20 : 16;
    // The simulator fails every request from the moment set_limit has been answered.
    const afterWrite = faultedCalls(client, sim, { match: (m) => m === 'setLimit', faults: { http5xxRate: 1 }, when: 'after' });
    try {
      const err = await writeLimit({ client: afterWrite, auth: t.auth }, amps).then(
        () => assert.fail('a write nobody could read back was reported confirmed'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof UnverifiedWriteError && err.cause instanceof HttpStatusError, String(err));
      assert.match(err.userMessage, /accepted the change, but reading the charger back failed/);
      assert.equal(sim.unit(id).ampsLimit, amps, 'the server holds the write');
    } finally {
      sim.clearFaults();
    }
  });

  describe('lost replies: the read-back decides (the fault hits the write only)', () => {
    /** The fault hits each write call (set_*) only: the reads before and after it see the server. */
    const faultedWrites = (c: JuiceNetApi, faults: Partial<FaultConfig>) => faultedCalls(c, sim, { faults });
    const faulted = (faults: Partial<FaultConfig>): UnitTarget => ({ client: faultedWrites(client, faults), auth: t.auth });
    /** The rejection of `p`, which must reject. */
    const rejection = (p: Promise<unknown>) =>
      p.then(
        (v) => assert.fail(`resolved: ${JSON.stringify(v)}`),
        (e: unknown) => e,
      );

    it('writeLimit, reply dropped after the server applied it: reported set, replyLost, confirmed by get_state; sent once', async () => {
      const before = sim.unit(id).ampsLimit;
      const amps = before === 16 ? 20 : 16;
      const sets = sim.commandCounts().set_limit ?? 0;
      const { after, ...r } = await writeLimit(faulted({ dropRate: 1 }), amps);
      assert.deepEqual(r, { previous: before, readBack: amps, confirmed: true, replyLost: true });
      assert.equal(after?.charging.ampsLimit, amps);
      assert.equal(sim.unit(id).ampsLimit, amps);
      assert.equal((sim.commandCounts().set_limit ?? 0) - sets, 1, 'a write whose reply was lost is not repeated');
    });

    it('writeLimit, malformed reply after the server applied it: reported set, replyLost', async () => {
      const r = await writeLimit(faulted({ malformedRate: 1 }), 13);
      assert.equal(r.confirmed, true);
      assert.equal(r.replyLost, true);
      assert.equal(sim.unit(id).ampsLimit, 13);
    });

    it('writeLimit, HTTP 5xx and the server did not apply it: the original error, with what the charger reports', async () => {
      const before = sim.unit(id).ampsLimit;
      const err = await rejection(writeLimit(faulted({ http5xxRate: 1 }), before === 16 ? 20 : 16));
      assert.ok(err instanceof UncertainWriteError, String(err));
      assert.ok(err.cause instanceof HttpStatusError && err.cause.status >= 500, 'the original error is the cause');
      assert.equal(err.userMessage, err.cause.userMessage);
      assert.equal(err.nextStep, err.cause.nextStep);
      assert.equal(err.readBackSummary, `the charger reports a ${before} A limit`);
      assert.equal(sim.unit(id).ampsLimit, before, 'nothing changed, and nothing says it did');
    });

    it('Stop on an offline unit whose last check-in said 0 A, the server holding 24 A, HTTP 5xx (not applied): not reported done', async () => {
      // Found by the soak: the frozen reading said 0 A before the write and after it, so the
      // read-back "showed" the value sent although the refused write changed nothing.
      await writeLimit(t, 0);
      sim.setUnitOffline(id, true);
      assert.equal((await writeLimit(t, 24)).confirmed, false, 'the server takes 24 A; the unit still reports 0 A');
      assert.equal(sim.unit(id).ampsLimit, 24);
      const err = await rejection(writeLimit(faulted({ http5xxRate: 1 }), 0));
      assert.ok(err instanceof UncertainWriteError, String(err));
      assert.match(err.readBackSummary, /0 A limit before the write and after it.*may or may not/);
      assert.equal(sim.unit(id).ampsLimit, 24, 'the server kept 24 A');
    });

    it('Cancel on an offline unit whose last check-in had no override, the server holding one, HTTP 5xx: not reported done', async () => {
      sim.setUnitOffline(id, true);
      await client.setOverride(t.auth, { overrideTime: Math.floor(sim.now()) - 10 });
      assert.notEqual(sim.unit(id).overrideTime, 0);
      const err = await rejection(writeCancelOverride(faulted({ http5xxRate: 1 })));
      assert.ok(err instanceof UncertainWriteError, String(err));
      assert.match(err.readBackSummary, /may or may not/);
      assert.notEqual(sim.unit(id).overrideTime, 0, 'the override is still there');
    });

    it('a refusal (success:false) is not a lost reply: thrown as is, with no read-back', async () => {
      const before = sim.unit(id).ampsLimit;
      const reads = sim.commandCounts().get_state ?? 0;
      const err = await rejection(writeLimit(faulted({ failureRate: 1 }), before === 16 ? 20 : 16));
      assert.ok(err instanceof ApiError && !(err instanceof UncertainWriteError), String(err));
      assert.equal((sim.commandCounts().get_state ?? 0) - reads, 1, 'only the read of the limit before the write');
    });

    it('a timeout: the write lands after the read-back, which therefore does not confirm it (and says so)', async () => {
      const before = sim.unit(id).ampsLimit;
      const amps = before === 16 ? 20 : 16;
      const slow = new JuiceNetClient({
        baseUrl: sim.baseUrl,
        deviceId: 'writes-test',
        timeouts: { headersMs: 200 },
        retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      });
      try {
        // The simulator waits latencyMs, then applies the write: long after the client gave up.
        const err = await rejection(writeLimit({ client: faultedWrites(slow, { latencyMs: 1500 }), auth: t.auth }, amps));
        assert.ok(err instanceof UncertainWriteError && err.cause instanceof TimeoutError, String(err));
        assert.equal(err.readBackSummary, `the charger reports a ${before} A limit`);
        assert.equal(sim.unit(id).ampsLimit, before);
        // The request was still on its way: the server applies it later. The message said "did not
        // confirm" and what the charger reported then, never "nothing changed".
        await new Promise((r) => setTimeout(r, 1700));
        assert.equal(sim.unit(id).ampsLimit, amps);
      } finally {
        await slow.close();
      }
    });

    it('writeStartCharging, override reply dropped (applied): confirmed, replyLost', async () => {
      await writeLimit(t, 24);
      const overrideTime = chargeNowOverrideTime(await client.getState(t.auth));
      const r = await writeStartCharging(faulted({ dropRate: 1 }), { overrideTime });
      assert.equal(r.confirmed, true);
      assert.equal(r.replyLost, true);
      assert.equal(sim.unit(id).overrideTime, overrideTime);
    });

    it("writeStartCharging, the restored limit's reply dropped: the override is not sent, and the error says what the charger reports", async () => {
      await writeLimit(t, 0);
      const overrideTime = chargeNowOverrideTime(await client.getState(t.auth));
      const overrides = sim.commandCounts().set_override ?? 0;
      const err = await rejection(writeStartCharging(faulted({ dropRate: 1 }), { overrideTime, restoreAmps: 24 }));
      assert.ok(err instanceof UncertainWriteError && err.cause instanceof NetworkError, String(err));
      assert.match(err.readBackSummary, /^the charger reports (no override|another override) and a 24 A limit$/);
      assert.equal(sim.commandCounts().set_override ?? 0, overrides);
      assert.equal(sim.unit(id).ampsLimit, 24, 'the limit was restored, as the summary says');
    });

    it('writeStartCharging, HTTP 5xx (not applied): UncertainWriteError naming the override and limit reported', async () => {
      await writeLimit(t, 0);
      const overrideTime = chargeNowOverrideTime(await client.getState(t.auth));
      const err = await rejection(writeStartCharging(faulted({ http5xxRate: 1 }), { overrideTime, restoreAmps: 24 }));
      assert.ok(err instanceof UncertainWriteError, String(err));
      assert.match(err.readBackSummary, /^the charger reports (no override|another override) and a 0 A limit$/);
      assert.equal(sim.unit(id).ampsLimit, 0);
    });

    it('writeCancelOverride: dropped reply (applied) confirmed; HTTP 5xx (not applied) says the override is still there', async () => {
      await client.setOverride(t.auth, { overrideTime: Math.floor(sim.now()) - 10 });
      const err = await rejection(writeCancelOverride(faulted({ http5xxRate: 1 })));
      assert.ok(err instanceof UncertainWriteError, String(err));
      assert.equal(err.readBackSummary, 'the charger still reports an override');
      assert.notEqual(sim.unit(id).overrideTime, 0);
      const r = await writeCancelOverride(faulted({ dropRate: 1 }));
      assert.deepEqual([r.confirmed, r.replyLost], [true, true]);
      assert.equal(sim.unit(id).overrideTime, 0);
    });

    it('writeSchedule: dropped reply (applied) confirmed; HTTP 5xx (not applied) names the schedule the charger kept', async () => {
      const kept = sim.unit(id).schedule;
      const schedule = { type: 'custom' as const, weekday: { start: 1380, end: 420, carReadyBy: 0 }, weekend: { start: 60, end: 300, carReadyBy: 240 } };
      const err = await rejection(writeSchedule(faulted({ http5xxRate: 1 }), schedule));
      assert.ok(err instanceof UncertainWriteError, String(err));
      assert.match(err.readBackSummary, /^the charger reports (no schedule|the schedule weekdays \d\d:\d\d → )/);
      assert.deepEqual(sim.unit(id).schedule, kept);
      const r = await writeSchedule(faulted({ dropRate: 1 }), schedule);
      assert.deepEqual([r.confirmed, r.replyLost], [true, true]);
      assert.deepEqual(sim.unit(id).schedule.weekday, { start: 1380, end: 420, car_ready_by: 0 });
    });

    it('writeInfo: dropped reply (applied) confirmed; HTTP 5xx (not applied) names the fields that differ', async () => {
      const { raw } = await client.getInfo(t.auth);
      const err = await rejection(writeInfo(faulted({ http5xxRate: 1 }), { ...raw, name: 'Renamed', gascost: '410' }));
      assert.ok(err instanceof UncertainWriteError, String(err));
      assert.equal(err.readBackSummary, 'the charger reports other values for: name, gascost');
      assert.equal((await client.getInfo(t.auth)).name, raw.name);
      const r = await writeInfo(faulted({ dropRate: 1 }), { ...raw, name: 'Renamed', gascost: '410' });
      assert.deepEqual([r.confirmed, r.replyLost, r.mismatches], [true, true, []]);
      assert.equal(r.readBack.name, 'Renamed');
      assert.equal(r.readBack.raw.gascost, 410, 'the numeric string is stored as a number and still confirms');
    });

    it('writeNotifications: malformed reply (applied) confirmed; HTTP 5xx (not applied) names the events that differ', async () => {
      const was = sim.unit(id).notifications.start_charging.email;
      const settings = { start_charging: { email: !was, push: true } };
      const err = await rejection(writeNotifications(faulted({ http5xxRate: 1 }), settings));
      assert.ok(err instanceof UncertainWriteError, String(err));
      assert.equal(err.readBackSummary, 'the charger reports other settings for: start_charging');
      assert.equal(sim.unit(id).notifications.start_charging.email, was);
      const r = await writeNotifications(faulted({ malformedRate: 1 }), settings);
      assert.deepEqual([r.confirmed, r.replyLost, r.mismatches], [true, true, []]);
      assert.equal(sim.unit(id).notifications.start_charging.email, !was);
    });

    it('writeChargingTime has no getter: a lost reply is an error saying the time may have been set (it was)', async () => {
      const epochS = Math.floor(sim.now()) + 3600;
      const err = await rejection(writeChargingTime(faulted({ dropRate: 1 }), epochS));
      assert.ok(err instanceof UncertainWriteError && err.cause instanceof NetworkError, String(err));
      assert.match(err.readBackSummary, /may or may not have been set/);
      assert.equal(sim.unit(id).chargingTime, epochS);
    });

    it("the panel's schedule and notification writes go through the same verified writes", async () => {
      const posted: HostMessage[] = [];
      const backend = {
        getUnit: () => undefined,
        units: () => [],
        onDidChangeUnits: () => ({ dispose: () => undefined }),
        api: () => t,
        holdVisible: () => ({ dispose: () => undefined }),
        refresh: async () => undefined,
      };
      const quiet = { trace: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
      const router = new PanelRouter(id, backend, quiet, { post: (m) => void posted.push(m) });
      const schedule = { type: 'custom' as const, weekday: { start: 1320, end: 360, carReadyBy: 0 }, weekend: { start: 0, end: 1440, carReadyBy: 0 } };
      // HTTP 5xx on the write only: refused with what the charger reports.
      backend.api = () => faulted({ http5xxRate: 1 });
      await router.handle({ kind: 'request', id: 1, method: 'setSchedule', params: schedule });
      const refused = posted.pop();
      assert.ok(refused?.kind === 'reply' && refused.id === 1 && !refused.ok, JSON.stringify(refused));
      // In words: the server's failure and what the charger reports; the HTTP code stays in the log.
      assert.match(refused.error.message, /server .*\. The server did not confirm the change: the charger reports /);
      assert.ok(!/HTTP \d{3}/.test(refused.error.message), refused.error.message);
      // A dropped reply after the server applied it: saved, with the server's schedule.
      backend.api = () => faulted({ dropRate: 1 });
      await router.handle({ kind: 'request', id: 2, method: 'setSchedule', params: schedule });
      const saved = posted.pop();
      assert.ok(saved?.kind === 'reply' && saved.ok, JSON.stringify(saved));
      assert.deepEqual((saved.result as { weekday: unknown }).weekday, schedule.weekday);
      await router.handle({ kind: 'request', id: 3, method: 'setNotifications', params: { settings: { is_offline: { email: true, push: true } } } });
      const n = posted.pop();
      assert.ok(n?.kind === 'reply' && n.ok, JSON.stringify(n));
      assert.deepEqual((n.result as Record<string, { email: boolean }>).is_offline.email, true);
      assert.equal(sim.unit(id).notifications.is_offline.email, true);
      // A refused message's id is echoed only when the webview could take it back (a safe integer).
      await router.handle({ kind: 'request', id: Number.MAX_SAFE_INTEGER + 2, method: 'nope' });
      await router.handle({ kind: 'request', id: 9, method: 'nope' });
      assert.deepEqual(
        posted.map((m) => m.kind === 'reply' && m.id),
        [9],
      );
    });
  });

  it('writeOutcomeUncertain: only errors after which the request may have been applied', () => {
    assert.equal(writeOutcomeUncertain(new NetworkError('reset', { code: 'ECONNRESET' })), true);
    assert.equal(writeOutcomeUncertain(new NetworkError('refused', { code: 'ECONNREFUSED', mayHaveReachedServer: false })), false);
    assert.equal(writeOutcomeUncertain(new TimeoutError('headers', 10)), true);
    assert.equal(writeOutcomeUncertain(new TimeoutError('body', 10)), true);
    assert.equal(writeOutcomeUncertain(new TimeoutError('connect', 10)), false);
    assert.equal(writeOutcomeUncertain(new HttpStatusError(503, '')), true);
    assert.equal(writeOutcomeUncertain(new HttpStatusError(404, '')), false);
    assert.equal(writeOutcomeUncertain(new ProtocolError('(body)', 'not JSON')), true);
    for (const e of [
      new ApiError('no', 422),
      new AuthError('Invalid token', 401),
      new InvalidInputError('bad'),
      new AbortedError(),
      new Error('x'),
      undefined,
    ]) {
      assert.equal(writeOutcomeUncertain(e), false, String(e));
    }
  });
});
