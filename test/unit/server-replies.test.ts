// The server's replies are typed as what the client's wire schemas read (src/api/wire,
// WireReplyBody): a field the client does not know, or a value of another type, does not compile.
// The `@ts-expect-error` lines below are checked by `tsc -p .` (npm run lint): if the type stopped
// catching them, the directive itself would fail the type check.
import * as assert from 'node:assert/strict';
import type { WireReplyBody } from '../../src/api/wire';
import { replySchemas } from '../../src/api/wire';
import { CO2_GRAMS_PER_WH, renderStateReply, type StateReply, type UnitReading } from '../../src/server/state-reply';

describe('typed server replies', () => {
  it('refuse a misspelt field, a wrong type and an unknown session field at compile time', () => {
    // @ts-expect-error "wh_enrgy" is no field of get_state's charging object
    const typo: StateReply = { success: true, charging: { wh_enrgy: 1 } };
    // @ts-expect-error temperature is a number
    const wrongType: StateReply = { success: true, temperature: '20' };
    // @ts-expect-error a history session has no "energy"
    const session: WireReplyBody<'get_history'> = { success: true, sessions: [{ id: 1, energy: 3 }] };
    // @ts-expect-error notification channels are booleans
    const notifications: WireReplyBody<'get_notifications'> = { success: true, notifications: { plugin: { email: 'yes', push: true } } };
    assert.ok(typo && wrongType && session && notifications);
  });

  it("get_state's one renderer: whole numbers, CO2 from the energy, the charger's zone in unit_time, what blocks charging", () => {
    const reading: UnitReading = {
      unitId: '0001',
      infoTimestamp: 100,
      state: 'plugged',
      showOverride: true,
      waiting: true,
      blocking: 'schedule',
      ampsLimit: 32,
      ampsCurrent: 0,
      voltageV: 241.4,
      powerW: 0,
      sessionWh: 1000.4,
      sessionSavingsCents: 12.6,
      secondsCharging: 60.2,
      energyAtPluginWh: 0,
      energyToAddWh: 20000,
      lifetimeWh: 1_000_000,
      lifetimeSavingsCents: 5000,
      chargingTimeLeftS: 0,
      plugUnplugTime: 50,
      overrideTime: 0,
      chargingTime: 0,
      schedule: { type: 'custom', weekday: { start: 0, end: 360, car_ready_by: 420 }, weekend: { start: 0, end: 360, car_ready_by: 420 } },
      zone: 'America/New_York',
      timeLastPing: 1000.7,
      updateIntervalS: 30,
      temperatureC: 21.6,
      frequencyHz: 59.99,
      carId: 7,
    };
    // 2026-01-05 (a Monday) 12:00 UTC = 07:00 in New York: outside the 00:00-06:00 window.
    const now = Date.UTC(2026, 0, 5, 12) / 1000;
    const reply = renderStateReply(reading, now);
    assert.equal(replySchemas.get_state.safeParse(reply).success, true);
    assert.equal(reply.charging?.wh_energy, 1000);
    assert.deepEqual(reply.charging?.co2, { nonstop: Math.round(1000.4 * CO2_GRAMS_PER_WH.nonstop), actual: Math.round(1000.4 * CO2_GRAMS_PER_WH.actual) });
    assert.deepEqual(reply.lifetime?.co2, { nonstop: 420_000, actual: 360_000 });
    assert.equal(reply.charging?.voltage, 241);
    assert.equal(reply.frequency, 5999);
    assert.equal(reply.unit_time, now - 5 * 3600);
    assert.equal(reply.triggers_blocking, 1);
    // Waiting for the window: the next one opens at midnight in New York (05:00 UTC the next day).
    assert.equal(reply.target_time, Date.UTC(2026, 0, 6, 5) / 1000);
    assert.equal(renderStateReply({ ...reading, blocking: 'off', waiting: false }, now).triggers_blocking, 8);
    assert.equal(renderStateReply({ ...reading, state: 'charging', blocking: undefined, waiting: false }, now).triggers_blocking, 0);
  });
});
