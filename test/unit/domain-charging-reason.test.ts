import { strict as assert } from 'node:assert';
import { chargingReason, nextWindowStart, whenText, type ReasonInput } from '../../src/domain/charging-reason';
import type { Schedule } from '../../src/domain/model';

// Monday 30 Nov 2026, 12:00 in Berlin (11:00 UTC).
const NOW = new Date('2026-11-30T11:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const ZONE = 'Europe/Berlin';
const NIGHT: Schedule = { type: 'custom', weekday: { start: 22 * 60, end: 6 * 60, carReadyBy: 0 }, weekend: { start: 8 * 60, end: 20 * 60, carReadyBy: 0 } };
const MIDDAY: Schedule = { type: 'custom', weekday: { start: 10 * 60, end: 14 * 60, carReadyBy: 0 }, weekend: { start: 10 * 60, end: 14 * 60, carReadyBy: 0 } };
const OFF: Schedule = { ...NIGHT, type: 'disabled' };

function input(
  state: ReasonInput['status'] extends infer S ? (S extends { state: infer T } ? T : never) : never,
  extra: Partial<ReasonInput> = {},
  charging: Record<string, number> = {},
): ReasonInput {
  return { now: NOW, timeZone: ZONE, schedule: OFF, status: { state, overrideTime: 0, charging: { ampsLimit: 32, ...charging } }, ...extra };
}

describe('domain/charging-reason: why the car is (not) charging', () => {
  it('a plugged-in car at 0 A is stopped by you, even with an override running', () => {
    const r = chargingReason(input('plugged', { status: { state: 'plugged', overrideTime: NOW_S - 60, charging: { ampsLimit: 0 } } }));
    assert.equal(r.kind, 'stopped-by-limit');
    assert.equal(r.short, 'stopped by you (0 A)');
    assert.ok(r.actions.includes('startCharging') && r.actions.includes('setLimit'));
    assert.match(r.todo, /6 A or more/);
  });
  it('an override running while the car does not draw yet says "override" and offers Cancel, not Start', () => {
    const r = chargingReason(input('plugged', { schedule: NIGHT, status: { state: 'plugged', overrideTime: NOW_S - 5, charging: { ampsLimit: 32 } } }));
    assert.equal(r.kind, 'override-starting');
    assert.equal(r.short, 'override: charging allowed now, waiting for the car');
    assert.match(r.detail, /ignoring the schedule/);
    assert.deepEqual(r.actions, ['cancelOverride', 'stopCharging']);
    // Every reason that says "override" offers to cancel it.
    for (const x of [
      r,
      chargingReason(input('plugged', { status: { state: 'plugged', overrideTime: NOW_S + 3600, charging: { ampsLimit: 32 } } })),
      chargingReason(input('charging', { schedule: NIGHT, status: { state: 'charging', overrideTime: NOW_S - 5, charging: { ampsLimit: 32, powerW: 7000 } } })),
      chargingReason(input('charging', { status: { state: 'charging', overrideTime: NOW_S - 5, charging: { ampsLimit: 32, energyToAddWh: 40_000 } } })),
    ]) {
      assert.match(`${x.short} ${x.detail}`, /override/i, x.kind);
      assert.ok(x.actions.includes('cancelOverride'), x.kind);
    }
  });
  it('outside the time-of-use window: waiting, with the next start in the unit zone', () => {
    const r = chargingReason(input('plugged', { schedule: NIGHT }));
    assert.equal(r.kind, 'waiting-schedule');
    assert.equal(r.short, 'waiting for the schedule window (next 22:00)');
    assert.match(r.detail, /delayed by the time-of-use schedule/);
    assert.deepEqual(r.actions, ['startCharging', 'editSchedule']);
  });
  it('the next start is computed in the unit time zone, not this machine', () => {
    // 12:00 in Berlin is 03:00 in Los Angeles: a 10:00 window opens later today there.
    assert.equal(nextWindowStart(MIDDAY, NOW, 'Pacific Standard Time'), '10:00');
    // In Berlin the 10:00 window has opened already; tomorrow's is next.
    assert.equal(nextWindowStart(MIDDAY, NOW, ZONE), 'tomorrow 10:00');
    assert.equal(nextWindowStart(OFF, NOW, ZONE), undefined);
  });
  it('a Friday evening after the weekday window skips to the weekend window by name', () => {
    const friday = new Date('2026-12-04T20:00:00Z'); // 21:00 Berlin, Friday
    const s: Schedule = { type: 'custom', weekday: { start: 10 * 60, end: 14 * 60, carReadyBy: 0 }, weekend: { start: 8 * 60, end: 9 * 60, carReadyBy: 0 } };
    assert.equal(nextWindowStart(s, friday, ZONE), 'tomorrow 08:00');
    const empty: Schedule = { type: 'custom', weekday: { start: 60, end: 60, carReadyBy: 0 }, weekend: { start: 8 * 60, end: 9 * 60, carReadyBy: 0 } };
    assert.equal(nextWindowStart(empty, NOW, ZONE), 'Sat 08:00');
  });
  it('every window empty: the schedule allows no charging', () => {
    const none: Schedule = { type: 'custom', weekday: { start: 60, end: 60, carReadyBy: 0 }, weekend: { start: 60, end: 60, carReadyBy: 0 } };
    const r = chargingReason(input('plugged', { schedule: none }));
    assert.equal(r.kind, 'no-window');
    assert.ok(r.actions.includes('editSchedule'));
  });
  it('the hold this extension set is shown until it passes, then forgotten', () => {
    const held = chargingReason(input('plugged', { holdUntilS: Date.parse('2026-12-01T05:30:00Z') / 1000 }));
    assert.equal(held.kind, 'held');
    assert.equal(held.short, 'held until tomorrow 06:30');
    const today = chargingReason(input('plugged', { holdUntilS: NOW_S + 3600 }));
    assert.equal(today.short, 'held until 13:00');
    const passed = chargingReason(input('plugged', { holdUntilS: NOW_S - 1 }));
    assert.equal(passed.kind, 'car-not-taking');
  });
  it('the hold wins over the schedule; the limit wins over the hold', () => {
    assert.equal(chargingReason(input('plugged', { schedule: NIGHT, holdUntilS: NOW_S + 600 })).kind, 'held');
    const off = input('plugged', { holdUntilS: NOW_S + 600 });
    off.status!.charging.ampsLimit = 0;
    assert.equal(chargingReason(off).kind, 'stopped-by-limit');
  });
  it('charging outside the window because of an override: ignoring the schedule', () => {
    const r = chargingReason(
      input('charging', { schedule: NIGHT, status: { state: 'charging', overrideTime: NOW_S - 60, charging: { ampsLimit: 32, powerW: 7200 } } }),
    );
    assert.equal(r.kind, 'charging-override');
    assert.equal(r.short, 'charging now, ignoring the schedule · 7.2 kW');
    assert.ok(r.actions.includes('cancelOverride') && r.actions.includes('stopCharging'));
    assert.ok(!r.actions.includes('startCharging'), 'no Start while charging');
  });
  it('an override with energy to add says how much', () => {
    const r = chargingReason(input('charging', { status: { state: 'charging', overrideTime: NOW_S - 60, charging: { ampsLimit: 32, energyToAddWh: 20000 } } }));
    assert.equal(r.kind, 'override-energy');
    assert.equal(r.short, 'override: adding 20 kWh');
  });
  it('an override set for later says when it starts', () => {
    const r = chargingReason(input('plugged', { schedule: NIGHT, status: { state: 'plugged', overrideTime: NOW_S + 1800, charging: { ampsLimit: 32 } } }));
    assert.equal(r.kind, 'override-later');
    assert.equal(r.short, 'override: starts at 12:30');
  });
  it('charging inside the window says until when; never offers Start', () => {
    const r = chargingReason(input('charging', { schedule: MIDDAY }, { powerW: 3600 }));
    assert.equal(r.kind, 'charging');
    assert.equal(r.short, 'charging · 3.6 kW');
    assert.match(r.detail, /until 14:00/);
    assert.ok(r.actions.includes('stopCharging') && !r.actions.includes('startCharging'));
  });
  it('the error state says what to check', () => {
    const r = chargingReason(input('error'));
    assert.equal(r.short, 'error: check the plug and the cable');
    assert.match(r.todo, /breaker/);
  });
  it('unreachable since the first failure, with the last known reading', () => {
    const r = chargingReason(input('charging', { failure: { sinceMs: Date.parse('2026-11-30T13:02:00Z') } }, { powerW: 7200 }));
    assert.equal(r.kind, 'unreachable');
    assert.equal(r.short, 'unreachable since 14:02 (last known: charging · 7.2 kW)');
  });
  it('an HTTP 500 is the server failing, never the charger going offline', () => {
    const r = chargingReason(input('plugged', { failure: { sinceMs: NOW.getTime(), serverFailed: true } }));
    assert.equal(r.kind, 'server-failed');
    assert.equal(r.short, 'the server failed since 12:00 (last known: plugged in)');
    assert.doesNotMatch(`${r.short} ${r.detail}`, /offline/);
  });
  it('a charger the server lost says since when it was last heard from', () => {
    const r = chargingReason(input('disconnect', { status: { state: 'disconnect', timeLastPing: NOW_S - 3600, charging: {} } }));
    assert.equal(r.short, 'charger offline since 11:00');
    assert.match(r.todo, /breaker|Wi-Fi/);
  });
  it('no car: standby, and a 0 A limit is mentioned before plugging in', () => {
    assert.equal(chargingReason(input('standby')).short, 'no car plugged in');
    assert.equal(chargingReason(input('standby', {}, { ampsLimit: 0 })).short, 'no car plugged in · limit 0 A (off)');
  });
  it('not read yet, and an unknown state, say so', () => {
    assert.equal(chargingReason({ now: NOW }).kind, 'not-read');
    assert.equal(chargingReason(input('unknown')).kind, 'unknown');
  });
  it('every short line stays short and speaks no wire name', () => {
    const all: ReasonInput[] = [
      input('plugged'),
      input('plugged', { schedule: NIGHT }),
      input('charging', {
        schedule: NIGHT,
        status: { state: 'charging', overrideTime: NOW_S - 60, charging: { ampsLimit: 32, powerW: 7200, energyToAddWh: 20000 } },
      }),
      input('error'),
      input('standby', { failure: { sinceMs: NOW.getTime() } }),
    ];
    for (const i of all) {
      const r = chargingReason(i);
      assert.ok(r.short.split(/\s+/).length <= 12, r.short);
      assert.ok(`${r.detail} ${r.todo}`.split(/\s+/).length <= 50, r.detail);
      assert.doesNotMatch(`${r.short} ${r.detail} ${r.todo}`, /plugged\b(?! in)|_|override_time|amps_limit|disconnect/);
    }
  });
  it('times read as the owner says them: today, tomorrow, a weekday, a date', () => {
    assert.equal(whenText(NOW.getTime() + 3600_000, NOW, ZONE), '13:00');
    assert.equal(whenText(NOW.getTime() + 86_400_000, NOW, ZONE), 'tomorrow 12:00');
    assert.equal(whenText(NOW.getTime() + 3 * 86_400_000, NOW, ZONE), 'Thu 12:00');
    assert.equal(whenText(NOW.getTime() + 30 * 86_400_000, NOW, ZONE), '30 Dec 12:00');
  });
});
