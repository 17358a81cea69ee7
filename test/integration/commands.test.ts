// In-host tests of the unit commands: each command, run with test arguments, changes the
// simulator's state (checked through its server-side snapshot) and reports it (test API
// messages()); bad input, a server that is down and injected `success:false` give the right
// message and change nothing on the server.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { JuiceNetTestApi } from '../../src/test-api';
import { parseChargingTime } from '../../src/domain/charging-time';
import { localClock, unitTimeZone } from '../../src/domain/time-zone';
import { EXT_ID, waitFor } from './helpers';
import { faultedCalls, type FaultedCallsOptions } from '../fixtures/faulted-client';

describe('unit commands', function () {
  this.timeout(60000);
  let sim: RunningSimulator;
  let api: JuiceNetTestApi;
  let unitId: string;
  let accountId: string;

  const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(id, ...args);
  const last = () => {
    const m = api.messages();
    assert.ok(m.length > 0, 'a message was reported');
    return m[m.length - 1];
  };
  const count = (cmd: string) => sim.commandCounts()[cmd] ?? 0;

  before(async () => {
    sim = await startSimulator({ units: 3, seed: 11, manualClock: true });
    const ext = vscode.extensions.getExtension<JuiceNetTestApi>(EXT_ID);
    assert.ok(ext, 'extension installed');
    api = await ext.activate();
    await api.ready();
    await run('juicenet.signIn', { token: sim.accountToken, baseUrl: sim.baseUrl, label: 'Commands test' });
    unitId = sim.units[0].unitId;
    const view = await waitFor('the signed-in units', () => api.backend.getUnit(unitId));
    accountId = view.accountId;
  });
  after(async () => {
    await run('juicenet.signOut', accountId).then(undefined, () => undefined);
    await sim?.close();
  });
  beforeEach(() => {
    sim.clearFaults();
    api.clearMessages();
  });

  it('registers every unit command', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of [
      'setLimit',
      'startCharging',
      'stopCharging',
      'cancelOverride',
      'editSchedule',
      'setChargingTime',
      'addUnit',
      'getSharePin',
      'addSharedUnit',
      'editNotifications',
      'copyUnitId',
    ]) {
      assert.ok(all.includes(`juicenet.${id}`), `juicenet.${id} registered`);
    }
  });

  it('setLimit sets the limit, verifies and reports it; tree items work as the argument', async () => {
    await run('juicenet.setLimit', unitId, 16);
    assert.equal(sim.unit(unitId).ampsLimit, 16);
    assert.equal(last().level, 'info');
    assert.match(last().text, /limit set to 16 A/);
    await run('juicenet.setLimit', { unitId }, '12');
    assert.equal(sim.unit(unitId).ampsLimit, 12);
    await run('juicenet.setLimit', unitId, 16);
  });

  for (const bad of [5, 99, 'abc']) {
    it(`setLimit refuses ${JSON.stringify(bad)} naming the range, and sends nothing`, async () => {
      const before = count('set_limit');
      await run('juicenet.setLimit', unitId, bad);
      assert.equal(sim.unit(unitId).ampsLimit, 16);
      assert.equal(count('set_limit'), before, 'no set_limit reached the server');
      assert.equal(last().level, 'error');
      assert.match(last().text, /0 \(off\) or a whole number from 6 to \d+ A/);
    });
  }

  it('setLimit with the server answering success:false reports it and changes nothing', async () => {
    sim.setFaults({ failureRate: 1 });
    await run('juicenet.setLimit', unitId, 20);
    sim.clearFaults();
    assert.equal(sim.unit(unitId).ampsLimit, 16);
    assert.equal(last().level, 'error');
    assert.match(last().text, /setting the limit of .* failed\./);
  });

  it('a lost reply: reported set when the read-back shows it, else failed with what the charger reports', async () => {
    // The fault hits the write only: switched on for each set_* call of the extension's client and
    // off as soon as it settles, so the command's reads and its read-back see the server.
    const backend = api.backend;
    const original = backend.api;
    const faultWrites = (faults: Parameters<RunningSimulator['setFaults']>[0], o: Omit<FaultedCallsOptions, 'faults'> = {}) => {
      backend.api = (id: string) => {
        const a = original.call(backend, id);
        return a && { client: faultedCalls(a.client, sim, { ...o, faults }), auth: a.auth };
      };
    };
    try {
      faultWrites({ dropRate: 1 }); // applied, reply lost
      await run('juicenet.setLimit', unitId, 13);
      assert.equal(sim.unit(unitId).ampsLimit, 13);
      assert.equal(last().level, 'info');
      assert.match(last().text, /charging limit set to 13 A \(the server's reply was lost, but the charger reports the new limit\)\.$/);
      faultWrites({ http5xxRate: 1 }); // not applied, reply lost
      await run('juicenet.setLimit', unitId, 20);
      assert.equal(sim.unit(unitId).ampsLimit, 13);
      assert.equal(last().level, 'error');
      assert.match(last().text, /setting the limit of .* failed\. .*The server did not confirm the change: the charger reports a 13 A limit\. /);
      // Accepted, then the read-back fails: a warning that says so, not "failed".
      faultWrites({ http5xxRate: 1 }, { match: (m) => m === 'setLimit', when: 'after' });
      await run('juicenet.setLimit', unitId, 24);
      sim.clearFaults();
      assert.equal(sim.unit(unitId).ampsLimit, 24);
      assert.equal(last().level, 'warn');
      assert.match(last().text, /setting the limit of .*: the server accepted it, but the charger could not be read back\. Refresh in a moment/);
      assert.doesNotMatch(last().text, /failed\. /);
    } finally {
      sim.clearFaults();
      backend.api = original;
    }
    await run('juicenet.setLimit', unitId, 16);
    assert.equal(sim.unit(unitId).ampsLimit, 16);
  });

  it('stopCharging sets 0 A; startCharging restores the limit, with no override when nothing blocks charging', async () => {
    await run('juicenet.editSchedule', unitId, { type: 'disabled' });
    await run('juicenet.stopCharging', unitId);
    assert.equal(sim.unit(unitId).ampsLimit, 0);
    assert.match(last().text, /charging stopped .*restores the 16 A limit/);
    const overrides = count('set_override');
    await run('juicenet.startCharging', unitId);
    assert.equal(sim.unit(unitId).ampsLimit, 16);
    assert.equal(count('set_override'), overrides, 'no override: no schedule or hold blocks charging');
    assert.equal(last().level, 'info');
    assert.match(last().text, /may charge again: limit restored to 16 A; no schedule or hold blocks it/);
    assert.doesNotMatch(last().text, /override/);
    // The row shows the read-back at once: not "stopped by you" any more.
    assert.notEqual(api.backend.getUnit(unitId)?.status?.charging.ampsLimit, 0);
  });

  it('startCharging while the schedule blocks sends an override in the past, and says so with Cancel Override', async () => {
    // A window that is not now, in the charger's zone.
    const zone = unitTimeZone(sim.unit(unitId).info.timeZoneId as string);
    const m = localClock(zone, sim.now()).minuteOfDay;
    const w = { start: (m + 120) % 1440, end: (m + 180) % 1440 };
    await run('juicenet.editSchedule', unitId, { type: 'custom', weekday: w, weekend: w });
    await run('juicenet.stopCharging', unitId);
    const nowS = Math.floor(Date.now() / 1000);
    await run('juicenet.startCharging', unitId);
    const s = sim.unit(unitId);
    assert.equal(s.ampsLimit, 16);
    assert.ok(s.overrideTime > 0 && s.overrideTime <= nowS + 1, `override in the past (${s.overrideTime} vs ${nowS})`);
    assert.equal(last().level, 'info');
    assert.match(last().text, /will charge now, ignoring the schedule.*Limit restored to 16 A/);
    assert.deepEqual(last().actions, ['Cancel Override']);
    // All three documented parameters, the energies being the unit's own (read once, before the write).
    const sent = sim.lastRequest('set_override');
    assert.ok(sent && 'override_time' in sent && 'energy_at_plugin' in sent && 'energy_to_add' in sent, JSON.stringify(sent));
    // At once, from the read-back: the row has the override (and its Cancel) without waiting for a poll.
    assert.equal(api.backend.getUnit(unitId)?.status?.overrideTime, s.overrideTime);
  });

  it('startChargingWithAmount sends the energy to add with the override and says it', async () => {
    await run('juicenet.startChargingWithAmount', unitId, '12.5 kWh');
    const sent = sim.lastRequest('set_override') as Record<string, unknown> | undefined;
    assert.equal(Number(sent?.energy_to_add), 12_500, JSON.stringify(sent));
    assert.equal(last().level, 'info');
    assert.match(last().text, /will charge now, adding 12\.5 kWh/);
    api.clearMessages();
    await run('juicenet.startChargingWithAmount', unitId, '0');
    assert.match(last().text, /0 kWh is out of range/);
  });

  it('cancelOverride sets override_time 0', async () => {
    assert.ok(sim.unit(unitId).overrideTime > 0);
    await run('juicenet.cancelOverride', unitId);
    assert.equal(sim.unit(unitId).overrideTime, 0);
    assert.match(last().text, /override cancelled/);
  });

  it('editSchedule sends a custom schedule (HH:MM and minutes) and verifies it', async () => {
    await run('juicenet.editSchedule', unitId, {
      type: 'custom',
      weekday: { start: '23:00', end: '07:00' },
      weekend: { start: 960, end: 1260, carReadyBy: '18:00' },
    });
    const s = sim.unit(unitId).schedule;
    assert.equal(s.type, 'custom');
    assert.deepEqual(s.weekday, { start: 1380, end: 420, car_ready_by: 0 });
    assert.deepEqual(s.weekend, { start: 960, end: 1260, car_ready_by: 1080 });
    assert.equal(last().level, 'info');
    assert.match(last().text, /23:00 → 07:00 \(overnight\)/);
  });

  it('editSchedule refuses 25:00 and an empty window, sending nothing', async () => {
    const before = count('set_schedule');
    const was = sim.unit(unitId).schedule;
    await run('juicenet.editSchedule', unitId, { type: 'custom', weekday: { start: '25:00', end: '07:00' }, weekend: { start: '08:00', end: '09:00' } });
    assert.equal(last().level, 'error');
    assert.match(last().text, /weekday start: .*hours must be/);
    await run('juicenet.editSchedule', unitId, { type: 'custom', weekday: { start: '08:00', end: '08:00' }, weekend: { start: '08:00', end: '09:00' } });
    assert.match(last().text, /empty/);
    assert.equal(count('set_schedule'), before);
    assert.deepEqual(sim.unit(unitId).schedule, was);
  });

  it('editSchedule disabled', async () => {
    await run('juicenet.editSchedule', unitId, { type: 'disabled' });
    assert.equal(sim.unit(unitId).schedule.type, 'disabled');
    assert.match(last().text, /charge any time/);
  });

  it('setChargingTime holds charging until HH:MM (epoch seconds on the server); 25:00 is refused', async () => {
    // 23:45 on the charger's clock, as every time it shows.
    const expected = parseChargingTime('23:45', new Date(), unitTimeZone(sim.unit(unitId).info.timeZoneId as string));
    await run('juicenet.setChargingTime', unitId, '23:45');
    assert.equal(sim.unit(unitId).chargingTime, expected);
    assert.equal(last().level, 'info');
    const before = count('set_charging_time');
    await run('juicenet.setChargingTime', unitId, '25:00');
    assert.equal(count('set_charging_time'), before);
    assert.equal(sim.unit(unitId).chargingTime, expected);
    assert.equal(last().level, 'error');
    assert.match(last().text, /hours must be/);
  });

  it('editNotifications sends the picked events and time, read back equal', async () => {
    await run('juicenet.editNotifications', unitId, { picked: ['start_charging.email', 'is_offline.push'], notPluggedInBy: '21:30' });
    const n = sim.unit(unitId).notifications;
    assert.deepEqual({ email: n.start_charging.email, push: n.start_charging.push }, { email: true, push: false });
    assert.deepEqual({ email: n.is_offline.email, push: n.is_offline.push }, { email: false, push: true });
    assert.equal(n.stop_charging.email || n.stop_charging.push, false);
    assert.equal(n.is_not_plugged_in_by.time, 21 * 60 + 30);
    assert.equal(last().level, 'info');
    assert.match(last().text, /2 on, not plugged in by 21:30/);
  });

  it('editNotifications refuses an unknown event and a bad time', async () => {
    const before = count('set_notifications');
    await run('juicenet.editNotifications', unitId, { picked: ['bogus.email'] });
    assert.match(last().text, /"bogus.email" is not a notification/);
    await run('juicenet.editNotifications', unitId, { picked: [], notPluggedInBy: '25:00' });
    assert.match(last().text, /hours must be/);
    assert.equal(count('set_notifications'), before);
  });

  it('getSharePin shows the server PIN and copies it; copyUnitId copies the id', async () => {
    await run('juicenet.getSharePin', unitId);
    const pin = sim.unit(unitId).sharePin;
    assert.ok(pin, 'the server issued a PIN');
    assert.ok(last().text.includes(pin), 'PIN shown');
    assert.equal(await vscode.env.clipboard.readText(), pin);
    await run('juicenet.copyUnitId', unitId);
    assert.equal(await vscode.env.clipboard.readText(), unitId);
  });

  it('addUnit adds a spare unit to the account; a bad id is refused before any call', async () => {
    const spare = sim.spareUnitIds[0];
    const before = count('add_unit');
    await run('juicenet.addUnit', accountId, '12ab');
    assert.equal(count('add_unit'), before);
    assert.match(last().text, /digits only/);
    await run('juicenet.addUnit', accountId, spare);
    assert.equal(sim.unit(spare).accounts, 1);
    assert.ok(api.backend.getUnit(spare), 'the store shows the added unit');
    assert.equal(last().level, 'info');
    assert.match(last().text, new RegExp(`added .*${spare}`));
  });

  it('addSharedUnit: a wrong PIN changes nothing, the right one shares the unit', async () => {
    const shared = sim.units[1].unitId;
    await run('juicenet.getSharePin', shared);
    const pin = sim.unit(shared).sharePin!;
    const other = sim.createAccount();
    await run('juicenet.signIn', { token: other, baseUrl: sim.baseUrl, label: 'Second account' });
    const second = await waitFor('the second account', () => api.backend.accounts().find((a) => a.label === 'Second account'));
    const wrong = pin === '9999' ? '1111' : '9999';
    await run('juicenet.addSharedUnit', second.accountId, shared, wrong);
    assert.equal(last().level, 'error');
    assert.match(last().text, /failed/);
    assert.equal(sim.unit(shared).accounts, 1);
    await run('juicenet.addSharedUnit', second.accountId, shared, '12');
    assert.match(last().text, /4 or more digits/);
    await run('juicenet.getSharePin', shared);
    const fresh = sim.unit(shared).sharePin!;
    await run('juicenet.addSharedUnit', second.accountId, shared, fresh);
    assert.equal(sim.unit(shared).accounts, 2);
    assert.match(last().text, /shared charger .* added to Second account/);
    await run('juicenet.signOut', second.accountId).then(undefined, () => undefined);
  });

  it('a server that is down gives a message with a next step, and no token in any message', async () => {
    const down = await startSimulator({ units: 1, seed: 3 });
    const downUnit = down.units[0].unitId;
    await run('juicenet.signIn', { token: down.accountToken, baseUrl: down.baseUrl, label: 'Down test' });
    await waitFor('the down-test unit', () => api.backend.getUnit(downUnit));
    await down.close();
    api.clearMessages();
    await run('juicenet.setLimit', downUnit, 10);
    assert.equal(last().level, 'error');
    assert.match(last().text, /failed\. .+/);
    const tokens = [sim.accountToken, down.accountToken, ...sim.units.map((u) => u.token), ...down.units.map((u) => u.token)];
    for (const m of api.messages()) for (const t of tokens) assert.ok(!m.text.includes(t), 'no token in a message');
    const acc = api.backend.accounts().find((a) => a.label === 'Down test');
    if (acc) await run('juicenet.signOut', acc.accountId).then(undefined, () => undefined);
  });
});
