// In the host, as an owner meets the product: a charger shared between two signed-in accounts,
// why a car is (not) charging in the tree and the status bar, the hold that is remembered, the
// fault alert, Sign Out that asks first, and the closed vendor cloud named as such.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { NetworkError } from '../../src/api/errors';
import { DEFAULT_BASE_URL } from '../../src/api/types';
import { signInFailure } from '../../src/commands/sign-in';
import { localDayAndMinute, minutesToHHMM } from '../../src/domain/schedule';
import { toIanaZone } from '../../src/domain/time-zone';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { JuiceNetTestApi, TreeSnapshotNode } from '../../src/test-api';
import { extensionApi, waitFor } from './helpers';

describe("the owner's first minutes", function () {
  this.timeout(60000);
  let sim: RunningSimulator;
  let t: JuiceNetTestApi;
  const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(id, ...args);
  const rows = (nodes: TreeSnapshotNode[]): TreeSnapshotNode[] => nodes.flatMap((n) => (n.contextValue?.startsWith('unit.') ? [n] : rows(n.children ?? [])));
  const rowOf = async (name: string, account?: string) => {
    const root = await t.treeSnapshot();
    const scope = account ? (root.find((n) => n.label === account)?.children ?? []) : root;
    return rows(scope).find((r) => r.label.replace(/ \(stale\)$/, '') === name);
  };

  before(async () => {
    sim = await startSimulator({ units: 3, seed: 21, manualClock: true });
    t = await extensionApi();
    await run('juicenet.signOut', { all: true });
  });
  after(async () => {
    await run('juicenet.signOut', { all: true }).then(undefined, () => undefined);
    await sim?.close();
  });
  /** Every message shown during this suite (each test starts with an empty record). */
  const seen: { text: string }[] = [];
  beforeEach(() => {
    sim.clearFaults();
    t.clearMessages();
  });
  afterEach(() => void seen.push(...t.messages()));

  it('a charger in two accounts shows under each, acts with each account, and counts once', async () => {
    const neighbour = sim.createAccount();
    const shared = sim.units[0];
    sim.addUnitToAccount(neighbour, shared.unitId);
    await run('juicenet.signIn', { token: sim.accountToken, baseUrl: sim.baseUrl, label: 'Home' });
    await run('juicenet.signIn', { token: neighbour, baseUrl: sim.baseUrl, label: 'Neighbour' });
    const root = await t.treeSnapshot();
    assert.deepEqual(
      root.map((n) => n.label),
      ['Home', 'Neighbour'],
    );
    assert.equal(rows(root[0].children ?? []).length, 3, 'no account node goes empty: Home keeps all its chargers');
    assert.equal(rows(root[1].children ?? []).length, 1);
    const views = t.backend.units().filter((u) => u.unitId === shared.unitId);
    assert.equal(views.length, 2);
    const theirs = views.find((v) => v.accountLabel === 'Neighbour')!;
    assert.equal(t.backend.api(theirs.key)?.auth.accountToken, neighbour, "the neighbour's row uses the neighbour's credentials");

    // A command given the neighbour's row acts through the neighbour's account.
    await run('juicenet.setLimit', { unitKey: theirs.key, unitId: shared.unitId }, 12);
    assert.equal(sim.unit(shared.unitId).ampsLimit, 12);
    await run('juicenet.refresh');
    assert.ok(
      t.backend
        .units()
        .filter((u) => u.unitId === shared.unitId)
        .every((u) => u.status?.charging.ampsLimit === 12),
      'both rows read the new limit',
    );

    // The status bar counts the charger once (one server, one unit ID), on one line naming both accounts.
    const bar = t.statusBarSnapshot();
    assert.ok(bar.tooltip.includes(`${shared.name} (Home, Neighbour): `), bar.tooltip);
    assert.equal(bar.tooltip.split('\n').filter((l) => l.startsWith(`${shared.name} `)).length, 1, bar.tooltip);
    const charging = new Set(
      t.backend
        .units()
        .filter((u) => u.status?.state === 'charging')
        .map((u) => u.unitId),
    ).size;
    if (charging > 1) assert.match(bar.text, new RegExp(`^\\$\\(zap\\) ${charging} charging`));

    // Signing the neighbour out leaves Home's row of the charger as it was.
    await run('juicenet.signOut', theirs.accountId);
    assert.equal(t.backend.units().filter((u) => u.unitId === shared.unitId).length, 1);
    assert.ok(await rowOf(shared.name), "Home's row stays");
    assert.equal(t.backend.units().length, 3);
  });

  it('the row, its tooltip and the status bar say why the car is not charging: 0 A, a hold, a fault', async () => {
    const unit = sim.units[1];
    if (sim.unit(unit.unitId).reportedState === 'standby') sim.plugIn(unit.unitId, { energyToAddWh: 30000 });
    await run('juicenet.editSchedule', unit.unitId, { type: 'disabled' });
    await run('juicenet.setLimit', unit.unitId, 0);
    sim.advance(60);
    await run('juicenet.refresh', unit.unitId);
    const off = await waitFor('the 0 A reason', async () => {
      const r = await rowOf(unit.name);
      return r?.description?.startsWith('stopped by you (0 A)') ? r : undefined;
    });
    assert.match(off.tooltip ?? '', /current limit is 0 A/);
    assert.ok(off.contextValue!.includes('.off'), off.contextValue);
    assert.ok(t.statusBarSnapshot().tooltip.includes(`${unit.name}: stopped by you (0 A)`), 'the status bar tooltip gives the reason');

    // Outside the time-of-use window: waiting, with the next start in the unit's time zone.
    await run('juicenet.setLimit', unit.unitId, 16);
    const zone = toIanaZone(t.backend.getUnit(unit.unitId)!.info?.timeZoneId);
    const { minute } = localDayAndMinute(new Date(sim.now() * 1000), zone);
    const start = (minute + 120) % 1440;
    const window = { start, end: (start + 60) % 1440 };
    await run('juicenet.editSchedule', unit.unitId, { type: 'custom', weekday: window, weekend: window });
    sim.advance(60);
    await run('juicenet.refresh', unit.unitId);
    const waiting = await waitFor('the schedule reason', async () => {
      const r = await rowOf(unit.name);
      return r?.description?.startsWith('waiting for the schedule window') ? r : undefined;
    });
    assert.match(waiting.description!, new RegExp(`^waiting for the schedule window \\(next (tomorrow )?${minutesToHHMM(start)}\\)`));
    assert.match(waiting.tooltip ?? '', /time\\?-of\\?-use schedule/);
    assert.ok(waiting.contextValue!.startsWith('unit.plugged'), 'plugged in: the menu offers Start Charging');
    await run('juicenet.editSchedule', unit.unitId, { type: 'disabled' });

    // Hold Charging Until: remembered (per account and unit) and shown until it passes.
    await run('juicenet.setChargingTime', unit.unitId, Math.floor(sim.now()) + 3 * 3600);
    sim.advance(60);
    await run('juicenet.refresh', unit.unitId);
    const held = await waitFor('the hold reason', async () => {
      const r = await rowOf(unit.name);
      return r?.description?.startsWith('held until') ? r : undefined;
    });
    assert.match(held.description!, /^held until (tomorrow )?\d\d:\d\d/);
    assert.match(held.tooltip ?? '', /Hold Charging Until/);
    const holds = t.globalStateSnapshot()['juicenet.holds'] as Record<string, number>;
    const key = t.backend.getUnit(unit.unitId)!.key;
    assert.ok(holds[key] > Date.now() / 1000, 'the hold kept in plain storage by account and unit');
    assert.ok(!JSON.stringify(holds).includes(sim.accountToken));

    // A fault: the row says what to check, and the default alert tells the owner.
    sim.setUnitError(unit.unitId, true);
    sim.advance(60);
    await run('juicenet.refresh', unit.unitId);
    const fault = await waitFor('the fault reason', async () => {
      const r = await rowOf(unit.name);
      return r?.description?.startsWith('error: check the plug and the cable') ? r : undefined;
    });
    assert.match(fault.tooltip ?? '', /breaker/);
    const alert = await waitFor('the charger fault alert', () => t.messages().find((m) => /reports a fault/.test(m.text)));
    assert.equal(alert.level, 'warn');
    sim.setUnitError(unit.unitId, false);
    await run('juicenet.setChargingTime', unit.unitId, Math.floor(sim.now()) + 60);
  });

  it('an HTTP 500 is the server failing, never the charger going offline', async () => {
    sim.setFaults({ http5xxRate: 1 });
    await run('juicenet.refresh');
    sim.clearFaults();
    const all = rows(await t.treeSnapshot());
    assert.ok(
      all.every((r) => /^the server failed since \d\d:\d\d/.test(r.description ?? '')),
      all.map((r) => r.description).join(' | '),
    );
    assert.ok(!t.messages().some((m) => /offline/i.test(m.text)), 'no "offline" alert');
    await run('juicenet.refresh');
  });

  it('Sign Out asks first; Cancel keeps the account', async () => {
    const account = t.backend.accounts()[0];
    t.answerNextMessage(Promise.resolve(undefined));
    const no = await run('juicenet.signOut', { kind: 'account', accountId: account.accountId });
    assert.equal(no, false);
    const asked = t.messages().find((m) => m.level === 'confirm');
    assert.ok(asked, 'a confirmation was asked');
    assert.match(asked.text, /^Sign out of Home\?$/);
    assert.deepEqual(asked.actions, ['Sign Out']);
    assert.equal(t.backend.accounts().length, 1, 'Cancel keeps the account');
    t.answerNextMessage(Promise.resolve('Sign Out'));
    const yes = await run('juicenet.signOut', { kind: 'account', accountId: account.accountId });
    assert.equal(yes, true);
    assert.equal(t.backend.accounts().length, 0);
  });

  it('the closed vendor cloud is named as such, with Try the Demo and Open Settings', () => {
    const refused = new NetworkError('ENOTFOUND jbv1-api.emotorwerks.com', { code: 'ENOTFOUND', mayHaveReachedServer: false });
    const cloud = signInFailure(refused, DEFAULT_BASE_URL);
    assert.match(cloud.text, /JuiceNet cloud was closed/);
    assert.deepEqual(cloud.actions, ['Try the Demo', 'Open Settings']);
    assert.ok(cloud.text.split(/\s+/).length <= 25);
    const own = signInFailure(refused, 'https://juicenet.example.com');
    assert.match(own.text, /could not reach/);
    assert.deepEqual(own.actions, ['Retry', 'Open Settings']);
  });

  it('signs in to the server of "JuiceNet: Server URL"; its former name still works alone', async () => {
    const cfg = () => vscode.workspace.getConfiguration('juicenet');
    const global = vscode.ConfigurationTarget.Global;
    await cfg().update('baseUrl', sim.baseUrl, global);
    await cfg().update('serverURL', 'http://192.168.1.5:8080', global);
    try {
      assert.equal(await run('juicenet.signIn', { token: sim.accountToken }), false);
      const refused = t.messages().find((m) => m.level === 'error');
      assert.match(refused?.text ?? '', /192\.168\.1\.5/, 'the Server URL setting wins');
      await cfg().update('serverURL', undefined, global);
      assert.equal(await run('juicenet.signIn', { token: sim.accountToken, label: 'Former setting' }), true);
      assert.ok(t.backend.accounts().some((a) => a.label === 'Former setting'));
    } finally {
      await cfg().update('serverURL', undefined, global);
      await cfg().update('baseUrl', undefined, global);
      await run('juicenet.signOut', { all: true });
    }
  });

  it('every message of this suite is short and speaks no protocol name', () => {
    assert.ok(seen.length >= 8, `messages were shown (${seen.length})`);
    for (const m of seen) {
      assert.ok(m.text.split(/\s+/).length <= 30, `short: ${m.text}`);
      assert.doesNotMatch(m.text, /\b[a-z]+_[a-z_]+\b/, `no protocol name: ${m.text}`);
    }
  });
});
