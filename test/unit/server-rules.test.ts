// The servers enforce a charger's schedule with the domain's rules (src/domain/schedule.ts), in the
// charger's zone; a charger without a zone uses the server's own zone (src/server/rules.ts).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { nextAllowedAt, scheduleAllowsAt, type ScheduleTimes } from '../../src/domain/schedule';
import { SERVER_TIME_ZONE, unitZone } from '../../src/server/rules';

const ROOT = join(__dirname, '..', '..');
/** 22:00 to 06:00 on weekdays, 08:00 to 12:00 at weekends. */
const NIGHTS: ScheduleTimes = { type: 'custom', weekday: { start: 1320, end: 360 }, weekend: { start: 480, end: 720 } };
const at = (iso: string) => Date.parse(iso) / 1000;

describe('server schedule rules (the domain’s, in the charger’s zone)', () => {
  it('allows charging inside the local window of the local day type, a wrapped window judged by its own day', () => {
    // Monday 2026-01-05 23:30 in New York = Tuesday 04:30 UTC.
    assert.equal(scheduleAllowsAt(NIGHTS, 'America/New_York', at('2026-01-06T04:30:00Z')), true);
    assert.equal(scheduleAllowsAt(NIGHTS, 'UTC', at('2026-01-06T04:30:00Z')), true, '04:30 UTC on a Tuesday is inside 22:00-06:00 too');
    assert.equal(scheduleAllowsAt(NIGHTS, 'Asia/Tokyo', at('2026-01-06T04:30:00Z')), false, '13:30 in Tokyo');
    // Saturday 03:00 local: the weekend window (08:00-12:00) decides, not Friday's wrapped one.
    assert.equal(scheduleAllowsAt(NIGHTS, 'Europe/Berlin', at('2026-01-10T02:00:00Z')), false);
    assert.equal(scheduleAllowsAt({ ...NIGHTS, type: 'disabled' }, 'UTC', 0), true);
  });

  it('finds the next allowed second: now when allowed, a window start, or a midnight where the day type changes', () => {
    const noonMonday = at('2026-01-05T12:00:00Z');
    assert.equal(nextAllowedAt(NIGHTS, 'UTC', noonMonday), at('2026-01-05T22:00:00Z'));
    assert.equal(nextAllowedAt(NIGHTS, 'America/Los_Angeles', noonMonday), noonMonday, '04:00 in Los Angeles: allowed now');
    assert.equal(nextAllowedAt(NIGHTS, 'America/Los_Angeles', at('2026-01-05T20:00:00Z')), at('2026-01-06T06:00:00Z'), 'from noon in Los Angeles: 22:00 there');
    assert.equal(nextAllowedAt(NIGHTS, 'UTC', at('2026-01-05T23:00:00.5Z')), at('2026-01-05T23:00:00Z'), 'allowed now: now, whole');
    // Friday 07:00 UTC: this morning's window has closed; tonight's opens at 22:00.
    assert.equal(nextAllowedAt(NIGHTS, 'UTC', at('2026-01-09T07:00:00Z')), at('2026-01-09T22:00:00Z'));
    assert.equal(nextAllowedAt({ type: 'custom', weekday: { start: 0, end: 0 }, weekend: { start: 0, end: 0 } }, 'UTC', noonMonday), undefined);
    assert.equal(nextAllowedAt({ ...NIGHTS, type: 'disabled' }, 'UTC', noonMonday), undefined);
  });

  it("a charger's zone comes from its info (Windows or IANA names); without one, the server's own zone", () => {
    assert.equal(unitZone({ timeZoneId: 'Pacific Standard Time' }), 'America/Los_Angeles');
    assert.equal(unitZone({ timeZoneId: 'Europe/Berlin' }), 'Europe/Berlin');
    assert.equal(unitZone({}), SERVER_TIME_ZONE);
    assert.equal(unitZone({ timeZoneId: '  ' }), SERVER_TIME_ZONE);
    assert.equal(unitZone({ timeZoneId: 'Mars/Olympus_Mons' }), SERVER_TIME_ZONE, 'a zone no one knows: the fallback too');
    assert.equal(unitZone({ timeZoneId: 'UTC' }), 'UTC');
    assert.equal(SERVER_TIME_ZONE, Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it("the server's zone is the runtime's: a server started in Tokyo enforces a zoneless charger's schedule in Tokyo", () => {
    const script = `
      const { unitZone } = require('./src/server/rules');
      const { scheduleAllowsAt } = require('./src/domain/schedule');
      const zone = unitZone({});
      // Monday 2026-01-05 14:00 UTC = 23:00 in Tokyo: inside 22:00-06:00 there, outside it in UTC.
      console.log(JSON.stringify({ zone, allowed: scheduleAllowsAt(${JSON.stringify(NIGHTS)}, zone, ${at('2026-01-05T14:00:00Z')}) }));`;
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'Asia/Tokyo' },
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(out.trim()), { zone: 'Asia/Tokyo', allowed: true });
    assert.equal(scheduleAllowsAt(NIGHTS, 'UTC', at('2026-01-05T14:00:00Z')), false);
  });
});
