// The soak's judge (bench/lib/soak-truth.ts): a shown reading must equal one truth entry current
// during its read window; a write reported done must be held by the server.
import { strict as assert } from 'node:assert';
import type { UnitStatus } from '../../src/domain/model';
import type { SimUnitSnapshot } from '../../src/simulator/model';
import { startSimulator } from '../../src/simulator/index';
import { TruthLog, writeNotHeld, type ReportedTruth } from '../../bench/lib/soak-truth';

const schedule = { type: 'disabled' as const, weekday: { start: 0, end: 0, carReadyBy: 0 }, weekend: { start: 0, end: 0, carReadyBy: 0 } };
const truth = (state: string, ampsLimit: number, utcTime = 1000, overrideTime = 0): ReportedTruth => ({
  state,
  utcTime,
  ampsLimit,
  overrideTime,
  updateIntervalS: 30,
  schedule,
});
const shown = (state: string, ampsLimit: number | undefined, utcTime = 1000, overrideTime = 0): UnitStatus =>
  ({ unitId: 'u', state, rawState: state, utcTime, overrideTime, updateIntervalS: 30, charging: { ampsLimit }, lifetime: {} }) as UnitStatus;

describe('soak judge: TruthLog', () => {
  it('accepts what was real during the read window, refuses what was real only before it or never', () => {
    const log = new TruthLog();
    log.add('u', truth('plugged', 16)); // seq 1
    log.add('u', truth('charging', 16, 1010)); // seq 2
    log.add('u', truth('charging', 32, 1020)); // seq 3
    const during = { unitId: 'u', startSeq: 2, endSeq: 3 };
    assert.deepEqual(log.checkStatus(during, shown('charging', 16, 1010)).invented, []);
    assert.deepEqual(log.checkStatus(during, shown('charging', 32, 1020)).invented, []);
    assert.deepEqual(
      log.checkStatus(during, shown('plugged', 16, 1000)).invented,
      ['state', 'utcTime', 'ampsLimit'],
      'true before the read started: old news shown as new',
    );
    assert.deepEqual(log.checkStatus(during, shown('charging', 40, 1020)).invented, ['ampsLimit'], 'never real');
    assert.deepEqual(log.checkStatus(during, shown('charging', 32, 1010)).invented.length > 0, true, 'fields mixed from two moments');
    assert.deepEqual(log.checkStatus({ unitId: 'u', startSeq: 3, endSeq: 3 }, { ...shown('charging', 32, 1020), unitId: 'other' }).invented, ['unitId']);
  });

  it('counts a missing field as lost, not invented', () => {
    const log = new TruthLog();
    log.add('u', truth('plugged', 16));
    const v = log.checkStatus({ unitId: 'u', startSeq: 1, endSeq: 1 }, shown('plugged', undefined));
    assert.deepEqual(v, { invented: [], lost: ['ampsLimit'] });
  });

  it('stretches a read window to a write that started before the read ended (applied before its reply)', () => {
    const log = new TruthLog();
    log.add('u', truth('charging', 32)); // seq 1
    const span = log.beginWrite('u'); // starts at seq 1
    const read = { unitId: 'u', startSeq: 1, endSeq: 1 }; // the read ended before the write's reply came back
    log.add('other', truth('plugged', 6)); // seq 2: unrelated
    log.endWrite(span, truth('plugged', 0)); // seq 3
    assert.deepEqual(log.checkStatus(read, shown('plugged', 0)).invented, []);
    const later = new TruthLog();
    later.add('u', truth('charging', 32));
    assert.ok(later.checkStatus(read, shown('plugged', 0)).invented.length > 0, 'without the write, 0 A was never real');
  });

  it('an offline unit reports the limit it had when it went offline, not what was written since', async () => {
    const sim = await startSimulator({ units: 1, seed: 3, manualClock: true, autoPlug: false });
    try {
      const id = sim.units[0].unitId;
      const log = new TruthLog();
      const online = log.record(sim.unit(id));
      sim.setUnitOffline(id, true);
      const snap: SimUnitSnapshot = { ...sim.unit(id), ampsLimit: online.ampsLimit === 6 ? 7 : 6 }; // a write while offline
      const offline = log.record(snap);
      assert.equal(offline.ampsLimit, online.ampsLimit);
      assert.equal(snap.online, false);
    } finally {
      await sim.close();
    }
  });

  it('checks schedules against the same windows', () => {
    const log = new TruthLog();
    log.add('u', truth('plugged', 16));
    const custom = { type: 'custom' as const, weekday: { start: 1380, end: 420, carReadyBy: 0 }, weekend: { start: 0, end: 300, carReadyBy: 0 } };
    assert.equal(log.checkSchedule({ unitId: 'u', startSeq: 1, endSeq: 1 }, schedule), true);
    assert.equal(log.checkSchedule({ unitId: 'u', startSeq: 1, endSeq: 1 }, custom), false);
  });
});

describe('soak judge: writeNotHeld', () => {
  const base = {
    ampsLimit: 16,
    overrideTime: 0,
    chargingTime: 0,
    virtualNowS: 2000,
    schedule: { type: 'custom', weekday: { start: 1380, end: 420, car_ready_by: 0 }, weekend: { start: 0, end: 300, car_ready_by: 0 } },
    notifications: { start_charging: { email: true, push: false } },
  } as unknown as SimUnitSnapshot;
  const snap = (o: Partial<SimUnitSnapshot>) => ({ ...base, ...o }) as SimUnitSnapshot;

  it('passes what the server holds and names what it does not', () => {
    assert.equal(writeNotHeld({ kind: 'limit', amps: 16 }, base), undefined);
    assert.match(writeNotHeld({ kind: 'limit', amps: 20 }, base) ?? '', /amps_limit is 16/);
    assert.equal(writeNotHeld({ kind: 'start', overrideTime: 1999 }, snap({ overrideTime: 1999 })), undefined);
    assert.ok(writeNotHeld({ kind: 'start', overrideTime: 1999 }, snap({ overrideTime: 1500 })));
    assert.ok(writeNotHeld({ kind: 'start', overrideTime: 1999 }, snap({ overrideTime: 1999, ampsLimit: 0 })), '0 A: nothing charges');
    assert.ok(writeNotHeld({ kind: 'start', overrideTime: 1999, restoreAmps: 24 }, snap({ overrideTime: 1999 })));
    assert.equal(writeNotHeld({ kind: 'cancel' }, base), undefined);
    assert.ok(writeNotHeld({ kind: 'cancel' }, snap({ overrideTime: 5 })));
    const custom = { type: 'custom' as const, weekday: { start: 1380, end: 420, carReadyBy: 0 }, weekend: { start: 0, end: 300, carReadyBy: 0 } };
    assert.equal(writeNotHeld({ kind: 'schedule', schedule: custom }, base), undefined);
    assert.ok(writeNotHeld({ kind: 'schedule', schedule: { ...custom, weekend: { start: 0, end: 301, carReadyBy: 0 } } }, base));
    assert.ok(writeNotHeld({ kind: 'schedule', schedule: { ...custom, type: 'disabled' } }, base));
    assert.equal(writeNotHeld({ kind: 'chargingTime', epochS: 0 }, base), undefined);
    assert.ok(writeNotHeld({ kind: 'chargingTime', epochS: 9 }, base));
    assert.equal(writeNotHeld({ kind: 'notifications', settings: { start_charging: { email: true, push: false } } }, base), undefined);
    assert.ok(writeNotHeld({ kind: 'notifications', settings: { start_charging: { email: true, push: true } } }, base));
    assert.ok(writeNotHeld({ kind: 'notifications', settings: { unplug: { email: true, push: true } } }, base), 'missing event');
  });
});
