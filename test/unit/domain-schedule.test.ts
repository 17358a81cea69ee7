import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  describeWindow,
  isSameTime,
  isChargingAllowed,
  isMinuteInWindow,
  minutesToHHMM,
  parseHHMM,
  validateWindow,
  windowDurationMinutes,
} from '../../src/domain/schedule';
import type { Schedule } from '../../src/domain/model';

describe('domain/schedule: schedule maths', () => {
  it('compares typed text with minutes, whatever the spelling; a non-time is never the same', () => {
    assert.equal(isSameTime('07:00', 420), true);
    assert.equal(isSameTime(' 7:00 ', 420), true);
    assert.equal(isSameTime('07:01', 420), false);
    assert.equal(isSameTime('', 0), false);
    assert.equal(isSameTime('soon', 420), false);
  });
  it('formats and parses HH:MM, including 24:00 as 1440', () => {
    assert.equal(minutesToHHMM(0), '00:00');
    assert.equal(minutesToHHMM(420), '07:00');
    assert.equal(minutesToHHMM(1439), '23:59');
    assert.equal(minutesToHHMM(1440), '24:00');
    assert.equal(parseHHMM('7:05'), 425);
    assert.equal(parseHHMM(' 23:00 '), 1380);
    assert.equal(parseHHMM('24:00'), 1440);
    assert.throws(() => minutesToHHMM(1441), RangeError);
    assert.throws(() => minutesToHHMM(1.5), RangeError);
  });
  it('refuses bad times with a message saying what is expected', () => {
    for (const bad of ['', '7', '25:00', '24:01', '12:60', 'noon', '7pm']) assert.throws(() => parseHHMM(bad), /HH:MM|hours|minutes/);
  });
  it('round-trips every minute of the day', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1440 }), (m) => parseHHMM(minutesToHHMM(m)) === m));
  });
  it('validates windows (start 0..1439, end 0..1440, whole minutes)', () => {
    assert.deepEqual(validateWindow({ start: 1380, end: 420, carReadyBy: 0 }), []);
    assert.deepEqual(validateWindow({ start: 0, end: 1440, carReadyBy: 1440 }), []);
    assert.equal(validateWindow({ start: 1440, end: 0, carReadyBy: 0 }).length, 1);
    assert.equal(validateWindow({ start: -1, end: 1441, carReadyBy: 2.5 }).length, 3);
  });
  it('measures durations with the midnight wrap; start == end is empty', () => {
    assert.equal(windowDurationMinutes({ start: 960, end: 1260, carReadyBy: 0 }), 300);
    assert.equal(windowDurationMinutes({ start: 1380, end: 420, carReadyBy: 0 }), 480);
    assert.equal(windowDurationMinutes({ start: 0, end: 1440, carReadyBy: 0 }), 1440);
    assert.equal(windowDurationMinutes({ start: 600, end: 600, carReadyBy: 0 }), 0);
  });
  it('duration equals the number of minutes inside the window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1440 }), (start, end) => {
        const w = { start, end, carReadyBy: 0 };
        let inside = 0;
        for (let m = 0; m < 1440; m++) if (isMinuteInWindow(w, m)) inside++;
        return inside === windowDurationMinutes(w);
      }),
      { numRuns: 200 },
    );
  });
  it('describes windows', () => {
    assert.equal(describeWindow({ start: 960, end: 1260, carReadyBy: 0 }), '16:00 → 21:00');
    assert.equal(describeWindow({ start: 1380, end: 420, carReadyBy: 0 }), '23:00 → 07:00 (overnight)');
    assert.match(describeWindow({ start: 480, end: 480, carReadyBy: 0 }), /empty/);
  });

  describe('isChargingAllowed', () => {
    const overnight: Schedule = {
      type: 'custom',
      weekday: { start: 1380, end: 420, carReadyBy: 0 }, // 23:00 → 07:00
      weekend: { start: 600, end: 960, carReadyBy: 0 }, // 10:00 → 16:00
    };
    // 2026-11-24 is a Tuesday; 2026-11-28 a Saturday.
    it("is always true for a 'disabled' schedule", () => {
      assert.equal(isChargingAllowed({ ...overnight, type: 'disabled' }, new Date('2026-11-24T12:00:00Z'), 'UTC'), true);
    });
    it('uses the weekday window on weekdays, in the given time zone, with the wrap', () => {
      assert.equal(isChargingAllowed(overnight, new Date('2026-11-24T23:30:00Z'), 'UTC'), true);
      assert.equal(isChargingAllowed(overnight, new Date('2026-11-24T03:00:00Z'), 'UTC'), true);
      assert.equal(isChargingAllowed(overnight, new Date('2026-11-24T07:00:00Z'), 'UTC'), false); // end is exclusive
      assert.equal(isChargingAllowed(overnight, new Date('2026-11-24T12:00:00Z'), 'UTC'), false);
      // 12:00 UTC is 04:00 in Los Angeles (PST): inside the overnight window there.
      assert.equal(isChargingAllowed(overnight, new Date('2026-11-24T12:00:00Z'), 'America/Los_Angeles'), true);
    });
    it("uses the weekend window on Saturday and Sunday, judging early morning by today's window", () => {
      assert.equal(isChargingAllowed(overnight, new Date('2026-11-28T12:00:00Z'), 'UTC'), true);
      // Saturday 03:00: Friday's overnight window is not consulted (documented simplification).
      assert.equal(isChargingAllowed(overnight, new Date('2026-11-28T03:00:00Z'), 'UTC'), false);
      // Saturday 03:00 UTC is still Friday 19:00 in Los Angeles → weekday window → outside 23:00-07:00.
      assert.equal(isChargingAllowed(overnight, new Date('2026-11-28T03:00:00Z'), 'America/Los_Angeles'), false);
      // Saturday 08:00 UTC = Saturday 00:00 LA → weekend window → outside.
      assert.equal(isChargingAllowed(overnight, new Date('2026-11-28T18:00:00Z'), 'America/Los_Angeles'), true);
    });
    it('treats start == end as no charging', () => {
      const empty: Schedule = { type: 'custom', weekday: { start: 0, end: 0, carReadyBy: 0 }, weekend: { start: 0, end: 0, carReadyBy: 0 } };
      assert.equal(isChargingAllowed(empty, new Date('2026-11-24T12:00:00Z'), 'UTC'), false);
    });
    it('throws for an unknown time zone', () => {
      assert.throws(() => isChargingAllowed(overnight, new Date(), 'Mars/Olympus'), RangeError);
    });
  });
});
