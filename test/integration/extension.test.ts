// The extension inside the real VS Code extension host: sign in/out, what lands where, the tree and
// status bar for simulated units, state changes, error messages and the demo.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startSimulator, RunningSimulator } from '../../src/simulator';
import type { JuiceNetTestApi, TreeSnapshotNode } from '../../src/test-api';
import { waitFor, extensionApi } from './helpers';

const api = extensionApi;

function flatten(nodes: TreeSnapshotNode[]): TreeSnapshotNode[] {
  return nodes.flatMap((n) => [n, ...(n.children && !n.contextValue?.startsWith('unit.') ? flatten(n.children) : [])]);
}
const unitRows = (nodes: TreeSnapshotNode[]) => flatten(nodes).filter((n) => n.contextValue?.startsWith('unit.'));

describe('JuiceNet extension (in the host)', function () {
  this.timeout(60000);
  let sim: RunningSimulator;
  let t: JuiceNetTestApi;

  before(async () => {
    sim = await startSimulator({ units: 3, seed: 3, manualClock: true });
    t = await api();
    await vscode.workspace.getConfiguration('juicenet').update('baseUrl', sim.baseUrl, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.commands.executeCommand('juicenet.signOut', { all: true });
    await vscode.workspace.getConfiguration('juicenet').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await sim.close();
  });
  beforeEach(async () => {
    await vscode.commands.executeCommand('juicenet.signOut', { all: true });
    t.clearMessages();
  });

  it('contributes its commands and starts signed out', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['juicenet.signIn', 'juicenet.signOut', 'juicenet.tryDemo', 'juicenet.refresh', 'juicenet.showLog']) assert.ok(all.includes(c), c);
    assert.deepEqual(await t.treeSnapshot(), []);
    assert.equal(t.statusBarSnapshot().visible, false);
  });

  it('a unit command with nothing signed in offers Sign In and Try the Demo, and a button runs its command', async () => {
    t.clearMessages();
    let answer!: (choice: string) => void;
    t.answerNextMessage(new Promise<string>((r) => (answer = r)));
    await vscode.commands.executeCommand('juicenet.setLimit');
    const m = t.messages().at(-1);
    assert.ok(m && m.level === 'warn', 'a warning');
    assert.match(m.text, /no account is signed in/);
    assert.deepEqual(m.actions, ['Sign In', 'Try the Demo']);
    // "Try the Demo" runs the demo command: a simulator starts and its account signs in.
    answer('Try the Demo');
    await waitFor('the demo account', () => t.backend.accounts().find((a) => a.demo), 20000);
    await vscode.commands.executeCommand('juicenet.signOut', { all: true });
    assert.equal(t.backend.accounts().length, 0);
  });

  it('a rejected token gets its own message and stores nothing', async () => {
    const ok = await vscode.commands.executeCommand('juicenet.signIn', { token: 'wrong-token-0000' });
    assert.equal(ok, false);
    const m = t.messages().find((x) => x.level === 'error');
    assert.ok(m, 'an error message');
    assert.match(m.text, /rejected this account token/);
    assert.deepEqual(m.actions, ['Try Another Token']);
    assert.equal(t.backend.accounts().length, 0);
  });

  it('the server down gets its own message', async () => {
    const down = await startSimulator({ units: 1 });
    const url = down.baseUrl;
    await down.close();
    const ok = await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken, baseUrl: url });
    assert.equal(ok, false);
    const m = t.messages().find((x) => x.level === 'error');
    assert.ok(m);
    assert.match(m.text, /could not reach/);
    assert.ok(!m.text.includes(sim.accountToken));
  });

  it('a base URL that cannot be used says why and offers Open Settings, never sending the token', async () => {
    for (const [url, why] of [
      ['http://192.168.1.5:8080', /Refusing plain http:\/\/ to 192\.168\.1\.5/],
      ['jbv1-api.example.com', /is not a valid URL/],
      ['https://me:hunter2@jb.example.com', /must not contain a user name or password/],
    ] as const) {
      t.clearMessages();
      const ok = await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken, baseUrl: url });
      assert.equal(ok, false);
      const m = t.messages().find((x) => x.level === 'error');
      assert.ok(m, `an error for ${url}`);
      assert.match(m.text, why);
      assert.match(m.text, /JuiceNet: Server URL/, 'the setting by its title, not its id');
      assert.deepEqual(m.actions, ['Open Settings']);
      assert.ok(!m.text.includes('hunter2') && !t.logLines().join('\n').includes('hunter2'), 'no password in messages or the log');
    }
    assert.equal(t.backend.accounts().length, 0);
  });

  it('a server error gets its own message', async () => {
    sim.setFaults({ http5xxRate: 1 });
    try {
      const ok = await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken });
      assert.equal(ok, false);
    } finally {
      sim.clearFaults();
    }
    const m = t.messages().find((x) => x.level === 'error');
    assert.ok(m);
    assert.match(m.text, /answered with an error/);
    assert.deepEqual(m.actions, ['Retry', 'Open Settings']);
  });

  it('Retry after a failed sign-in signs in with the token already given (nothing typed again)', async () => {
    let answer!: (choice: string) => void;
    t.answerNextMessage(new Promise<string>((r) => (answer = r)));
    sim.setFaults({ http5xxRate: 1 });
    try {
      const ok = await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken, label: 'Retried' });
      assert.equal(ok, false);
    } finally {
      sim.clearFaults();
    }
    assert.equal(t.backend.accounts().length, 0);
    answer('Retry');
    await waitFor('the retried sign-in', () => t.backend.accounts().find((a) => a.label === 'Retried'));
    await vscode.commands.executeCommand('juicenet.signOut', { all: true });
    assert.equal(t.backend.accounts().length, 0);
  });

  it('signs in with juicenet.baseUrl: rows for each unit, no token outside secret storage', async () => {
    const ok = await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken, label: 'Home' });
    assert.equal(ok, true);
    assert.match(t.messages().find((m) => m.level === 'info')!.text, /signed in to Home: 3 chargers/);
    const rows = unitRows(await t.treeSnapshot());
    assert.equal(rows.length, 3);
    for (const u of sim.units) {
      const truth = sim.unit(u.unitId);
      const row = rows.find((r) => r.tooltip?.includes(u.unitId));
      assert.ok(row, `a row for ${u.unitId}`);
      const expected = truth.reportedState === 'disconnect' ? 'offline' : truth.reportedState;
      assert.ok(row.contextValue!.startsWith(`unit.${expected}`), `${row.contextValue} for ${truth.reportedState}`);
      assert.ok(row.children && row.children.length >= 10, 'detail rows');
      assert.ok(row.children.some((c) => c.label === 'Power'));
    }
    const everything = JSON.stringify({
      tree: await t.treeSnapshot(),
      bar: t.statusBarSnapshot(),
      gs: t.globalStateSnapshot(),
      msgs: t.messages(),
      units: t.backend.units(),
    });
    assert.ok(!everything.includes(sim.accountToken), 'no account token in tree, status bar, globalState, messages or views');
    for (const u of sim.units) assert.ok(!everything.includes(u.token), 'no unit token either');
    const settings = JSON.stringify(vscode.workspace.getConfiguration('juicenet'));
    assert.ok(!settings.includes(sim.accountToken), 'no token in settings');
    assert.ok(await t.backend.accountToken(t.backend.accounts()[0].accountId), 'the token is in secret storage');
  });

  it('a plug-in on the simulator reaches the tree, the badge and the status bar', async () => {
    await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken });
    const target = sim.units.find((u) => sim.unit(u.unitId).reportedState === 'standby');
    assert.ok(target, 'a unit in standby');
    const chargingBefore = sim.units.filter((u) => sim.unit(u.unitId).reportedState === 'charging').length;
    sim.plugIn(target.unitId, { energyToAddWh: 20000 });
    sim.advance(120);
    await vscode.commands.executeCommand('juicenet.refresh');
    const truth = sim.unit(target.unitId).reportedState;
    assert.ok(truth === 'plugged' || truth === 'charging');
    const row = await waitFor('the plugged-in row', async () =>
      unitRows(await t.treeSnapshot()).find((r) => r.tooltip?.includes(target.unitId) && r.contextValue!.startsWith(`unit.${truth}`)),
    );
    assert.equal(row.icon, truth === 'charging' ? 'zap' : 'plug');
    const charging = sim.units.filter((u) => sim.unit(u.unitId).reportedState === 'charging').length;
    assert.ok(charging >= chargingBefore);
    assert.equal(t.viewBadge(), charging > 0 ? charging : undefined);
    const bar = t.statusBarSnapshot();
    assert.equal(bar.visible, true);
    if (charging === 1) assert.match(bar.text, /^\$\(zap\) [\d.]+ k?W$/);
    else if (charging > 1) assert.match(bar.text, new RegExp(`^\\$\\(zap\\) ${charging} charging · `));
    else assert.equal(bar.text, '$(plug) Idle');
    assert.ok(bar.tooltip.includes(sim.units[0].name));
  });

  it('an unreachable server marks units stale with a warning status bar, then recovers', async () => {
    await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken });
    const before = t.refreshCount();
    sim.setFaults({ http5xxRate: 1 });
    await vscode.commands.executeCommand('juicenet.refresh');
    assert.ok(t.refreshCount() >= before + 3);
    const rows = unitRows(await t.treeSnapshot());
    assert.ok(
      rows.every((r) => r.label.endsWith('(stale)')),
      'every row stale',
    );
    assert.ok(
      rows.every((r) => /^the server failed since \d\d:\d\d/.test(r.description ?? '')),
      'an HTTP 5xx is the server failing, with since when',
    );
    assert.equal(t.statusBarSnapshot().backgroundColor, 'statusBarItem.warningBackground');
    sim.clearFaults();
    await vscode.commands.executeCommand('juicenet.refresh');
    assert.ok(unitRows(await t.treeSnapshot()).every((r) => !r.label.endsWith('(stale)')));
    assert.equal(t.statusBarSnapshot().backgroundColor, undefined);
  });

  it('signing out removes the account and its rows', async () => {
    await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken });
    const accountId = t.backend.accounts()[0].accountId;
    await vscode.commands.executeCommand('juicenet.signOut', { all: true });
    assert.equal(t.backend.accounts().length, 0);
    assert.equal(await t.backend.accountToken(accountId), undefined);
    assert.deepEqual(await t.treeSnapshot(), []);
    assert.equal(t.statusBarSnapshot().visible, false);
    const gs = t.globalStateSnapshot();
    assert.deepEqual(gs['juicenet.accounts'], []);
  });

  it('two accounts show as account nodes at the root', async () => {
    const second = sim.createAccount();
    sim.addUnitToAccount(second, sim.spareUnitIds[0]);
    await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken, label: 'Home' });
    await vscode.commands.executeCommand('juicenet.signIn', { token: second, label: 'Office' });
    const root = await t.treeSnapshot();
    assert.deepEqual(
      root.map((n) => [n.label, n.contextValue]),
      [
        ['Home', 'account'],
        ['Office', 'account'],
      ],
    );
    assert.equal(root[1].children?.length, 1);
  });

  it('the demo runs a simulator, labelled as such, stopped on sign-out', async () => {
    const ok = await vscode.commands.executeCommand('juicenet.tryDemo');
    assert.equal(ok, true);
    assert.ok(t.demo, 'demo running');
    assert.match(t.demo.baseUrl, /^http:\/\/127\.0\.0\.1:\d+/);
    const rows = unitRows(await t.treeSnapshot());
    assert.equal(rows.length, 3);
    assert.ok(rows.every((r) => r.description?.includes('demo')));
    assert.match(t.statusBarSnapshot().tooltip, /Demo \(simulator\)/);
    assert.ok(t.backend.accounts()[0].demo);
    const demoUrl = t.demo.baseUrl;
    await vscode.commands.executeCommand('juicenet.signOut', { all: true });
    assert.equal(t.demo, undefined);
    await assert.rejects(fetch(`${demoUrl}/_sim/health`), 'the demo simulator is stopped');
  });
});
