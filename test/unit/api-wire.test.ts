// The wire schemas and the normaliser against the protocol document's own reply examples.
import { strict as assert } from 'node:assert';
import { parseReply } from '../../src/api/normalise';
import { ApiError, AuthError, ProtocolError } from '../../src/api/errors';
import { normaliseKeys, replySchemas, requestSchemas } from '../../src/api/wire';
import { BOX_API_COMMANDS, BOX_PIN_COMMANDS } from '../../src/api/types';
import { DOC_REPLIES } from '../fixtures/doc-replies';

describe('wire schemas', () => {
  it('have a request and a reply schema for each of the 16 commands', () => {
    const all = [...BOX_PIN_COMMANDS, ...BOX_API_COMMANDS];
    assert.equal(all.length, 16);
    for (const c of all) {
      assert.ok(requestSchemas[c], `request ${c}`);
      assert.ok(replySchemas[c], `reply ${c}`);
    }
  });
  it('trim keys recursively (replySchemas accept raw JSON values)', () => {
    const r = replySchemas.get_history.parse({ success: 'true', sessions: [{ ' wh_energy': '1799', 'id ': 3 }] });
    assert.equal(r.sessions[0].wh_energy, 1799);
    assert.equal(r.sessions[0].id, 3);
    assert.equal(r.success, true);
  });
  it('normaliseKeys keeps __proto__ as data and prefers an exact key over a padded twin', () => {
    const v = normaliseKeys(JSON.parse('{"__proto__": {"polluted": true}, "a ": 1, "a": 2}')) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.equal(v.a, 2);
  });
  it('keep unknown fields (loose objects)', () => {
    const r = replySchemas.get_info.parse({ success: true, name: 'x', future_field: { deep: [1] }, cars: [{ car_id: 1, extra: 'kept' }] });
    assert.deepEqual((r as Record<string, unknown>).future_field, { deep: [1] });
    assert.equal((r.cars?.[0] as Record<string, unknown>).extra, 'kept');
  });
});

describe("the protocol's own example replies", () => {
  it('add_unit', () => {
    assert.deepEqual(parseReply('add_unit', DOC_REPLIES.add_unit), {
      unitId: '0814081508141535522516012129',
      name: 'JB device name',
      token: '7bb8a909a4e14bf4b5c927e0669298b3',
    });
  });
  it('get_account_units (trailing comma after the last unit)', () => {
    const units = parseReply('get_account_units', DOC_REPLIES.get_account_units);
    assert.equal(units.length, 2);
    assert.deepEqual(units[1], { unitId: '0568901508141535522516012456', name: 'JB device name1', token: '1ee8a9101r5h14bf4b5c927e4567891b3' });
  });
  it('get_state (units in names, frequency in Hz)', () => {
    const s = parseReply('get_state', DOC_REPLIES.get_state);
    assert.equal(s.unitId, '0814081508141535522516012129');
    assert.equal(s.state, 'disconnect');
    assert.equal(s.rawState, 'disconnect');
    assert.equal(s.showOverride, false);
    assert.deepEqual(s.charging, {
      ampsLimit: 40,
      ampsCurrent: 0,
      voltageV: 215,
      energyWh: 4134,
      savingsCents: 140,
      powerW: 0,
      secondsCharging: 2464,
      energyAtPluginWh: 0,
      energyToAddWh: 0,
      flags: 0,
      co2: { nonstop: 0, actual: 0 },
    });
    assert.deepEqual(s.lifetime, { energyWh: 430000, savingsCents: 14620, co2: { nonstop: 0, actual: 0 } });
    assert.equal(s.frequencyHz, 59.99);
    assert.equal(s.temperatureC, 30);
    assert.equal(s.updateIntervalS, 3);
    assert.equal(s.chargingTimeLeftS, 11936);
    assert.equal(s.carId, 4025);
    assert.equal(s.overrideTime, 0);
  });
  it('acknowledgements: set_limit, set_schedule, set_charging_time, set_info', () => {
    for (const c of ['set_limit', 'set_schedule', 'set_charging_time', 'set_info'] as const) assert.equal(parseReply(c, DOC_REPLIES[c]), undefined);
  });
  it('set_override and set_notifications examples are refusals (success:false) → ApiError', () => {
    assert.throws(
      () => parseReply('set_override', DOC_REPLIES.set_override),
      (e: unknown) => e instanceof ApiError && !(e instanceof AuthError),
    );
    assert.throws(() => parseReply('set_notifications', DOC_REPLIES.set_notifications), ApiError);
  });
  it('get_schedule', () => {
    assert.deepEqual(parseReply('get_schedule', DOC_REPLIES.get_schedule), {
      type: 'custom',
      weekday: { start: 960, end: 1260, carReadyBy: 1080 },
      weekend: { start: 420, end: 1260, carReadyBy: 900 },
      infoTimestamp: 1487107276,
      unitId: '0814081508141535522516012129',
    });
  });
  it('get_history (" wh_energy" key, trailing commas, a session without id)', () => {
    assert.deepEqual(parseReply('get_history', DOC_REPLIES.get_history), {
      sessions: [
        { id: 1380, timeStart: 1478544800, timeEnd: 1478544913, durationS: 992, energyWh: 1799 },
        { timeStart: 1478544800, timeEnd: 1478544913, durationS: 777, energyWh: 13340 },
      ],
    });
  });
  it('get_plot', () => {
    assert.deepEqual(parseReply('get_plot', DOC_REPLIES.get_plot), [
      { t: 1470656838, v: 0 },
      { t: 1470656938, v: 0 },
    ]);
  });
  it('get_share_pin (smart quotes)', () => {
    assert.equal(parseReply('get_share_pin', DOC_REPLIES.get_share_pin), '8447');
  });
  it('share_device (smart quotes, padded unit id)', () => {
    assert.deepEqual(parseReply('share_device', DOC_REPLIES.share_device), {
      unitId: '0814081517181535522516012726',
      name: 'EMW Happy Hour JB 2.3 (#6)',
      token: '2739f8604e4c4e30a749fe07801d8575',
    });
  });
  it('get_info (no success field, restrictions block without its `{`), raw keeps everything', () => {
    const info = parseReply('get_info', DOC_REPLIES.get_info);
    assert.equal(info.name, 'EMW Happy Hour JB 2.3 (#6)');
    assert.equal(info.ampsWireRating, 60);
    assert.equal(info.ampsUnitRating, 32);
    assert.equal(info.timeZoneId, 'Pacific Standard Time');
    assert.equal(info.cars.length, 1);
    assert.equal(info.cars[0].carId, 6613);
    assert.equal(info.cars[0].modelInfo?.make, 'Volkswagen');
    assert.equal(info.cars[0].modelInfo?.images?.default, 'htps://dashboard.emotorworks.com/Content/carmodels/volkswagen-e-golf.jpg');
    assert.deepEqual(info.policy, { name: 'Default', userControlAllowed: false, chargeControlType: 'standby' });
    const restrictions = info.raw.restrictions as Record<string, { message: string }>;
    assert.deepEqual(Object.keys(restrictions), ['set_tou', 'set_notifications', 'set_override', 'history', 'get_share_pin']);
    assert.equal(info.raw.address, '850 Bransten Rd');
    assert.equal(info.raw.gascost, 350);
    assert.equal((info.raw.cars as Record<string, unknown>[])[0].battery_size_wh, 144841);
    assert.equal(((info.raw.cars as Record<string, unknown>[])[0].model_info as Record<string, unknown>).range_city_m, 143070);
  });
  it('get_notifications ("start_charging " keys trimmed)', () => {
    const n = parseReply('get_notifications', DOC_REPLIES.get_notifications);
    assert.deepEqual(Object.keys(n), [
      'charging_delayed_due_to_ToU',
      'start_charging',
      'stop_charging',
      'is_offline',
      'is_back_online',
      'is_not_plugged_in_by',
    ]);
    assert.deepEqual(n.start_charging, { email: false, push: false });
    assert.deepEqual(n.is_not_plugged_in_by, { email: false, push: false, time: 0 });
  });
});

describe('parseReply: leniency and errors', () => {
  it('accepts numbers as strings and "true"/"false"', () => {
    const s = parseReply('get_state', { success: 'true', ID: '1', state: 'charging', frequency: '6001', charging: { amps_limit: '16' } });
    assert.equal(s.charging.ampsLimit, 16);
    assert.equal(s.frequencyHz, 60.01);
  });
  it('maps an unknown state to unknown and keeps the raw string', () => {
    const s = parseReply('get_state', { success: true, ID: '1', state: 'overheated' });
    assert.equal(s.state, 'unknown');
    assert.equal(s.rawState, 'overheated');
  });
  it('leaves missing fields undefined (never a made-up 0)', () => {
    const s = parseReply('get_state', { success: true, ID: '1', state: 'standby' });
    assert.equal(s.frequencyHz, undefined);
    assert.equal(s.charging.ampsLimit, undefined);
    assert.ok(!('temperatureC' in s));
  });
  it('names the bad field: charging.amps_limit: expected number, got "abc"', () => {
    assert.throws(
      () => parseReply('get_state', '{"success":true,"charging":{"amps_limit":"abc"}}'),
      (e: unknown) => e instanceof ProtocolError && e.path === 'charging.amps_limit' && /charging\.amps_limit: expected number, got "abc"/.test(e.message),
    );
    assert.throws(
      () => parseReply('get_plot', { success: true, points: [{ t: 1, v: 2 }, { t: 'x' }] }),
      (e: unknown) => e instanceof ProtocolError && e.path === 'points.1.t',
    );
    assert.throws(
      () => parseReply('add_unit', { success: true, unit_id: '1' }),
      (e: unknown) => e instanceof ProtocolError && /token: missing/.test(e.message),
    );
    assert.throws(
      () => parseReply('get_schedule', { success: true, type: 'sometimes', weekday: { start: 1, end: 2 }, weekend: { start: 1, end: 2 } }),
      (e: unknown) => e instanceof ProtocolError && e.path === 'type',
    );
  });
  it('requires success (except for get_info, whose document example has none)', () => {
    assert.throws(
      () => parseReply('get_state', { ID: '1' }),
      (e: unknown) => e instanceof ProtocolError && e.path === 'success',
    );
    assert.throws(
      () => parseReply('set_limit', { success: 'maybe' }),
      (e: unknown) => e instanceof ProtocolError && e.path === 'success',
    );
  });
  it('refuses non-objects without crashing', () => {
    for (const v of [null, 42, 'null', '[1,2]', '"x"', [], true]) assert.throws(() => parseReply('get_state', v), ProtocolError);
  });
  it('success:false → ApiError with message/code; 401/403 or an invalid-token message → AuthError', () => {
    assert.throws(
      () => parseReply('set_limit', { success: false, error_code: 422, error_message: 'Amperage out of range' }),
      (e: unknown) => e instanceof ApiError && !(e instanceof AuthError) && e.errorCode === 422 && e.errorMessage === 'Amperage out of range',
    );
    assert.throws(() => parseReply('get_state', { success: false, error_code: 401, error_message: 'Invalid token' }), AuthError);
    assert.throws(() => parseReply('get_state', { success: false, error_code: '403' }), AuthError);
    assert.throws(() => parseReply('get_state', { success: false, error_message: 'Token expired' }), AuthError);
    assert.throws(
      () => parseReply('get_state', { success: false, error_code: 404, error_message: 'Unknown unit' }),
      (e: unknown) => e instanceof ApiError && !(e instanceof AuthError),
    );
  });
  it('never puts a token into a ProtocolError message', () => {
    const token = '90f1efd7c1de4fdcb65b155cd7a58569';
    assert.throws(
      () => parseReply('get_state', { success: true, charging: { amps_limit: token } }),
      (e: unknown) => e instanceof ProtocolError && !e.message.includes(token) && /‹redacted›/.test(e.message),
    );
  });
});
