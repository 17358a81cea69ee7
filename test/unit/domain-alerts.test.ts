import { strict as assert } from 'node:assert';
import { alertsFor, DEFAULT_ALERT_EVENTS, ALERT_EVENTS, alertLabel, type AlertReading } from '../../src/domain/alerts';

const r = (state: AlertReading['state'], over: Partial<AlertReading> = {}): AlertReading => ({ state, failed: false, ampsLimit: 32, ...over });
const events = (a: AlertReading, b: AlertReading) => alertsFor(a, b).map((x) => x.event);

describe('domain/alerts: which changes raise an alert', () => {
  it('charging finished, charger fault and local boxes gone silent or ignoring commands exist and are the defaults', () => {
    assert.deepEqual([...DEFAULT_ALERT_EVENTS], ['charging_finished', 'charger_fault', 'local_box_unreachable', 'local_box_ignores_commands']);
    for (const e of ALERT_EVENTS) assert.doesNotMatch(alertLabel(e), /_/);
    assert.equal(alertLabel('charging_finished'), 'Charging finished');
  });
  it('the first reading raises nothing', () => {
    assert.deepEqual(events({ failed: false }, r('charging')), []);
  });
  it('events come in the order they happened: plugged in, then charging started', () => {
    assert.deepEqual(events(r('standby'), r('charging')), ['plugged_in', 'charging_started']);
    assert.deepEqual(events(r('charging'), r('standby')), ['charging_stopped', 'unplugged']);
  });
  it('charging finished when the car took what it asked for; stopped otherwise', () => {
    assert.deepEqual(events(r('charging'), r('plugged', { energyWh: 20000, energyToAddWh: 20000 })), ['charging_finished']);
    assert.deepEqual(events(r('charging'), r('plugged', { energyWh: 5000, energyToAddWh: 20000 })), ['charging_stopped']);
    assert.deepEqual(events(r('charging'), r('plugged', { ampsLimit: 0, energyWh: 20000, energyToAddWh: 20000 })), ['charging_stopped'], '0 A: stopped by you');
  });
  it('a fault is a charger fault', () => {
    assert.deepEqual(events(r('charging'), r('error')), ['charging_stopped', 'charger_fault']);
    assert.deepEqual(events(r('standby'), r('error')), ['charger_fault']);
  });
  it('an HTTP 500 is the server failing, never the charger going offline; said once', () => {
    const failing = r('charging', { failed: true, serverFailed: true });
    assert.deepEqual(events(r('charging'), failing), ['server_failed']);
    assert.deepEqual(events(failing, failing), []);
    assert.deepEqual(events(failing, r('charging')), [], 'back from a server failure: nothing changed at the charger');
    assert.deepEqual(events(failing, r('plugged', { energyWh: 1, energyToAddWh: 9 })), ['charging_stopped']);
  });
  it('unreachable: went offline, then back online, then what changed meanwhile', () => {
    const down = r('charging', { failed: true });
    assert.deepEqual(events(r('charging'), down), ['went_offline']);
    assert.deepEqual(events(down, down), []);
    assert.deepEqual(events(down, r('plugged', { energyWh: 20000, energyToAddWh: 20000 })), ['back_online', 'charging_finished']);
    assert.deepEqual(events(r('plugged'), r('disconnect')), ['went_offline']);
    assert.deepEqual(events(r('plugged', { failed: true, serverFailed: true }), r('plugged', { failed: true })), ['went_offline']);
  });
});
