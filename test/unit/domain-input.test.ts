import { parseEnergyToAddKwh } from '../../src/domain/energy-to-add';
import { strict as assert } from 'node:assert';
import { ampsChoices, limitPlaceholder, maxAmpsOf, parseAmps, validateAmps } from '../../src/domain/amps';
import { buildNotificationSettings, needsNotPluggedInTime, notificationChoices, notificationMismatches } from '../../src/domain/notifications';
import { parseChargingTime, validateChargingTime } from '../../src/domain/charging-time';
import { sameSchedule, toMinutes, toWindow, validateHHMM, windowText } from '../../src/domain/schedule';
import { validatePin, validateUnitId } from '../../src/domain/ids';

describe('domain/amps', () => {
  it('max is min(wire, unit rating), undefined when neither is known', () => {
    assert.equal(maxAmpsOf({ ampsWireRating: 40, ampsUnitRating: 32 }), 32);
    assert.equal(maxAmpsOf({ ampsWireRating: 24, ampsUnitRating: undefined }), 24);
    assert.equal(maxAmpsOf({ ampsWireRating: undefined, ampsUnitRating: undefined }), undefined);
    assert.equal(maxAmpsOf(undefined), undefined);
    assert.equal(maxAmpsOf({ ampsWireRating: 0, ampsUnitRating: -3 }), undefined);
  });
  it('accepts 0 and 6..max, refuses the rest naming the range', () => {
    for (const ok of [0, 6, 16, 32, '16', ' 20 ', '20 A', '0']) assert.equal(validateAmps(ok, 32), undefined, String(ok));
    for (const bad of [5, 33, 99, -1, 1.5, '', 'abc', '16.5', '1e1']) {
      const m = validateAmps(bad, 32);
      assert.ok(m, `refused ${bad}`);
    }
    assert.match(validateAmps(5, 32)!, /0 \(off\) or a whole number from 6 to 32 A/);
    assert.match(validateAmps(99, 32)!, /99 A is out of range/);
    assert.match(validateAmps('abc', 32)!, /not a whole number/);
  });
  it('without a known max only the lower bound applies', () => {
    assert.equal(validateAmps(80, undefined), undefined);
    assert.match(validateAmps(5, undefined)!, /6 A or more/);
  });
  it('parseAmps reads what validateAmps accepted', () => {
    assert.equal(parseAmps(' 20 A'), 20);
    assert.equal(parseAmps(0), 0);
  });
  it('choices run from the max down to 6, then off, then custom; current marked', () => {
    const items = ampsChoices(32, 16);
    const amps = items.map((i) => i.amps);
    assert.deepEqual(amps, [32, 28, 24, 20, 16, 12, 10, 8, 6, 0, undefined]);
    assert.match(items.find((i) => i.amps === 16)!.description!, /current/);
    assert.match(items.find((i) => i.amps === 32)!.description!, /maximum/);
    assert.equal(items.at(-2)!.label, '0 A — turn charging off');
    assert.equal(items.at(-1)!.label, 'Custom…');
  });
  it('an odd max (e.g. 30) is included, the current off value marked, unknown max gives only off + custom', () => {
    assert.deepEqual(
      ampsChoices(30, 0)
        .map((i) => i.amps)
        .slice(0, 2),
      [30, 28],
    );
    assert.equal(ampsChoices(30, 0).find((i) => i.amps === 0)!.description, 'current');
    const unknown = ampsChoices(undefined, 13);
    assert.deepEqual(
      unknown.map((i) => i.amps),
      [0, undefined],
    );
    assert.match(unknown[1].description!, /current: 13 A/);
  });
});

describe('domain/ids: unit id and PIN', () => {
  it('unit ids are digits', () => {
    assert.equal(validateUnitId('0814081508141535522516012129'), undefined);
    assert.equal(validateUnitId('  0814081508141535522516012129 '), undefined);
    assert.match(validateUnitId('')!, /Type the unit ID/);
    assert.match(validateUnitId('08140815-0814')!, /digits only/);
    assert.match(validateUnitId('123')!, /6 to 40 digits/);
  });
  it('PINs are 4+ digits', () => {
    assert.equal(validatePin('8447'), undefined);
    assert.equal(validatePin('123456'), undefined);
    assert.match(validatePin('')!, /Get Share PIN/);
    assert.match(validatePin('123')!, /4 or more digits/);
    assert.match(validatePin('12a4')!, /4 or more digits/);
  });
});

describe('domain: typed times, schedule windows, charging time', () => {
  it('HH:MM through the schedule parser', () => {
    assert.equal(validateHHMM('07:30'), undefined);
    assert.match(validateHHMM('25:00')!, /hours must be/);
    assert.match(validateHHMM('7pm')!, /not a time/);
    assert.equal(toMinutes('23:00', 'x'), 1380);
    assert.equal(toMinutes(420, 'x'), 420);
    assert.throws(() => toMinutes(1500, 'weekday start'), /weekday start: 1500 is not a time/);
    assert.throws(() => toMinutes('25:00', 'weekday end'), /weekday end: .*hours must be/);
  });
  it('windows from HH:MM or minutes; overnight explained; empty and 24:00 starts refused', () => {
    assert.deepEqual(toWindow({ start: '23:00', end: '07:00' }, 'weekday'), { start: 1380, end: 420, carReadyBy: 0 });
    assert.deepEqual(toWindow({ start: 960, end: 1260, carReadyBy: '18:00' }, 'weekend'), { start: 960, end: 1260, carReadyBy: 1080 });
    assert.throws(() => toWindow({ start: '08:00', end: '08:00' }, 'weekday'), /empty/);
    assert.throws(() => toWindow({ start: '24:00', end: '08:00' }, 'weekday'), /start must be/);
    assert.throws(() => toWindow(undefined, 'weekend'), /needs a weekend window/);
    assert.equal(windowText({ start: 1380, end: 420, carReadyBy: 0 }), '23:00 → 07:00 (overnight)');
    assert.equal(windowText({ start: 960, end: 1260, carReadyBy: 1080 }), '16:00 → 21:00, car ready by 18:00');
  });
  it('sameSchedule ignores windows when disabled', () => {
    const w = { start: 1, end: 2, carReadyBy: 0 };
    const v = { start: 5, end: 6, carReadyBy: 0 };
    assert.ok(sameSchedule({ type: 'disabled', weekday: w, weekend: w }, { type: 'disabled', weekday: v, weekend: v }));
    assert.ok(!sameSchedule({ type: 'custom', weekday: w, weekend: w }, { type: 'custom', weekday: v, weekend: w }));
    assert.ok(!sameSchedule({ type: 'custom', weekday: w, weekend: w }, { type: 'disabled', weekday: w, weekend: w }));
  });
  it('charging time: HH:MM today or tomorrow, ISO date-times, past and garbage refused', () => {
    const now = new Date(2026, 10, 24, 10, 0, 0); // local 10:00
    const today = parseChargingTime('12:30', now);
    assert.equal(today, Math.floor(new Date(2026, 10, 24, 12, 30).getTime() / 1000));
    const tomorrow = parseChargingTime('07:00', now);
    assert.equal(tomorrow, Math.floor(new Date(2026, 10, 25, 7, 0).getTime() / 1000));
    assert.equal(parseChargingTime('2026-11-25T07:30', now), Math.floor(new Date(2026, 10, 25, 7, 30).getTime() / 1000));
    assert.equal(parseChargingTime('2026-11-25T07:30:00Z', now), Date.UTC(2026, 10, 25, 7, 30) / 1000);
    assert.throws(() => parseChargingTime('2020-01-01T00:00', now), /in the past/);
    assert.throws(() => parseChargingTime('25:00', now), /hours must be/);
    assert.throws(() => parseChargingTime('tomorrow', now), /not a time/);
    assert.throws(() => parseChargingTime('', now), /Type a time/);
    assert.throws(() => parseChargingTime('2028-01-01T00:00', now), /more than a year/);
    assert.match(validateChargingTime('24:00', now)!, /00:00 to 23:59/);
    assert.equal(validateChargingTime('23:59', now), undefined);
  });
  it("charging time: typed in the charger's zone, not this computer's", () => {
    const la = 'America/Los_Angeles';
    const now = new Date(Date.UTC(2026, 10, 24, 20, 0)); // 12:00 in Los Angeles
    assert.equal(parseChargingTime('13:15', now, la), Date.UTC(2026, 10, 24, 21, 15) / 1000);
    assert.equal(parseChargingTime('07:30', now, la), Date.UTC(2026, 10, 25, 15, 30) / 1000, 'passed today there: tomorrow');
    assert.equal(parseChargingTime('2026-11-25T07:30', now, la), Date.UTC(2026, 10, 25, 15, 30) / 1000);
    assert.equal(parseChargingTime('2026-11-25T07:30Z', now, la), Date.UTC(2026, 10, 25, 7, 30) / 1000, 'an explicit zone wins');
    assert.match(validateChargingTime('2026-11-24T11:00', now, la)!, /^24 Nov 2026, 11:00 is in the past/);
    assert.match(validateChargingTime('2026-02-30T11:00', now, la)!, /not a valid date/);
  });
});

describe('domain/notifications', () => {
  const current = {
    start_charging: { email: true, push: false },
    is_offline: { email: false, push: true },
    is_not_plugged_in_by: { email: false, push: false, time: 1260 },
    charging_delayed_due_to_ToU: { email: false, push: false, webhook: { url: 'https://example.test/h', method: 'POST' as const } },
  };
  it('offers events × {email, push} with the current ones pre-selected', () => {
    const items = notificationChoices(current);
    assert.equal(items.length, 16);
    assert.deepEqual(
      items.filter((i) => i.picked).map((i) => `${i.event}.${i.channel}`),
      ['start_charging.email', 'is_offline.push'],
    );
    for (const i of items) assert.doesNotMatch(`${i.label} ${i.description}`, /_/, 'no protocol name in a row');
    assert.equal(items[0].label, 'Charging delayed by the time-of-use schedule — email');
  });
  it('asks the "not plugged in by" time only when that event is on', () => {
    assert.equal(needsNotPluggedInTime([{ event: 'start_charging' }]), false);
    assert.equal(needsNotPluggedInTime([{ event: 'is_not_plugged_in_by' }]), true);
  });
  it('builds every event from the picked set, keeps webhooks, sets the time', () => {
    const s = buildNotificationSettings(current, [{ event: 'stop_charging', channel: 'push' }], 1320);
    assert.deepEqual(s.stop_charging, { email: false, push: true });
    assert.deepEqual(s.start_charging, { email: false, push: false });
    assert.equal(s.is_not_plugged_in_by!.time, 1320);
    assert.deepEqual(s.charging_delayed_due_to_ToU!.webhook, current.charging_delayed_due_to_ToU.webhook);
    assert.equal(Object.keys(s).length, 8);
    assert.equal(buildNotificationSettings(current, [], undefined).is_not_plugged_in_by!.time, 1260);
  });
  it('finds mismatches in the read-back, skipping events the server does not list', () => {
    const sent = buildNotificationSettings(current, [{ event: 'is_offline', channel: 'email' }], 600);
    assert.deepEqual(notificationMismatches(sent, sent), []);
    const back = structuredClone(sent);
    back.is_offline = { email: false, push: false };
    delete back.unplug;
    assert.deepEqual(notificationMismatches(sent, back), ['is_offline']);
    back.is_not_plugged_in_by = { email: false, push: false, time: 0 };
    assert.equal(notificationMismatches(sent, back).length, 2);
  });

  it('a limit picker opened while the charger is unreachable says the value is the last known one', () => {
    assert.match(limitPlaceholder(16, true), /^Last known: 16 A — the charger cannot be reached now\./);
    assert.match(limitPlaceholder(16, false), /^Now 16 A\./);
    assert.match(limitPlaceholder(undefined, true), /cannot be reached/);
    const items = ampsChoices(32, 16, true);
    assert.equal(items.find((i) => i.amps === 16)?.description, 'last known');
    assert.ok(!items.some((i) => i.description?.includes('current')));
  });
});

describe('domain/energy-to-add: the amount Start Charging adds', () => {
  it('reads kWh as typed, with or without the unit, and refuses what is not a session', () => {
    assert.deepEqual(parseEnergyToAddKwh('10'), { wh: 10_000 });
    assert.deepEqual(parseEnergyToAddKwh(' 12,5 kWh '), { wh: 12_500 });
    assert.deepEqual(parseEnergyToAddKwh(0.25), { wh: 250 });
    for (const bad of ['', 'ten', '-3', '0', '999'])
      assert.ok('problem' in parseEnergyToAddKwh(bad) && /kWh/.test((parseEnergyToAddKwh(bad) as { problem: string }).problem), bad);
  });
});
