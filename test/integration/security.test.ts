// In the real extension host: after a full session (sign in against a simulator, polling, every unit
// command with test arguments, faults that make the client fail and log, the panel, sign out), no
// account or unit token appears in the settings, globalState, the tree, the status bar, the recorded
// messages, the log, the panel's HTML or what the panel host logs. The account token has an odd
// shape on purpose: no token-shaped pattern can catch it, only the redaction of registered secrets.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { JuiceNetTestApi } from '../../src/test-api';
import { createUnitPanelController } from '../../src/panel/index';
import type { Logger } from '../../src/state/contracts';
import { EXT_ID, waitFor } from './helpers';

const ACCOUNT_TOKEN = 'Odd_Shaped.Account-Token!for:security';
const SECOND_TOKEN = 'Second_Account.Token-also~odd';

/** Server-side settings files of every VS Code test server on this machine (test/host/server.mjs layout). */
function settingsFiles(): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(os.tmpdir())) {
    if (!d.startsWith('juicenet-host-')) continue;
    for (const rel of ['ud/User/settings.json', 'sd/data/User/settings.json', 'sd/data/Machine/settings.json']) {
      const f = path.join(os.tmpdir(), d, rel);
      if (fs.existsSync(f)) out.push(f);
    }
  }
  return out;
}

describe('security: no token anywhere after a full session (in the host)', function () {
  this.timeout(60000);
  let sim: RunningSimulator;
  let t: JuiceNetTestApi;
  let ext: vscode.Extension<JuiceNetTestApi>;
  const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(id, ...args);
  /** Every secret of the session, filled in as the simulator hands out unit tokens. */
  const secrets = new Set<string>([ACCOUNT_TOKEN, SECOND_TOKEN]);
  /** What was seen during the session (views change on sign-out, so they are captured as they go). */
  const seen: { where: string; text: string }[] = [];
  const capture = async (label: string) => {
    seen.push({ where: `tree (${label})`, text: JSON.stringify(await t.treeSnapshot()) });
    seen.push({ where: `status bar (${label})`, text: JSON.stringify(t.statusBarSnapshot()) });
    seen.push({ where: `globalState (${label})`, text: JSON.stringify(t.globalStateSnapshot()) });
    seen.push({ where: `units (${label})`, text: JSON.stringify(t.backend.units()) });
  };
  const panelHostLines: string[] = [];
  const panelLog: Logger = {
    trace: (m) => panelHostLines.push(m),
    info: (m) => panelHostLines.push(m),
    warn: (m) => panelHostLines.push(m),
    error: (m) => panelHostLines.push(m instanceof Error ? `${m.message}\n${m.stack}` : m),
  };

  before(async () => {
    sim = await startSimulator({ units: 3, seed: 41, manualClock: true, accountToken: ACCOUNT_TOKEN });
    for (const u of sim.units) secrets.add(u.token);
    ext = vscode.extensions.getExtension<JuiceNetTestApi>(EXT_ID)!;
    assert.ok(ext, 'extension installed');
    t = ext.isActive ? ext.exports : await ext.activate();
    await t.ready();
    t.clearMessages();
  });
  after(async () => {
    await run('workbench.action.closeAllEditors');
    await sim?.close();
  });

  it('runs a full session: sign in, poll, every unit command, faults, the panel, sign out', async () => {
    const started = Date.now();
    assert.equal(await run('juicenet.signIn', { token: ACCOUNT_TOKEN, baseUrl: sim.baseUrl, label: 'Security test' }), true);
    const unitId = sim.units[0].unitId;
    const accountId = (await waitFor('the signed-in units', () => t.backend.getUnit(unitId))).accountId;

    // Polling, with a car plugged in so that power, energy and the status bar show.
    sim.plugIn(unitId, { energyToAddWh: 15000 });
    sim.advance(600);
    await run('juicenet.refresh');
    await capture('signed in');

    // Every unit command, with test arguments (test/integration/commands.test.ts has their semantics).
    await run('juicenet.setLimit', unitId, 16);
    await run('juicenet.setLimit', unitId, 'abc'); // refused before sending
    await run('juicenet.stopCharging', unitId);
    await run('juicenet.startCharging', unitId);
    await run('juicenet.cancelOverride', unitId);
    await run('juicenet.editSchedule', unitId, {
      type: 'custom',
      weekday: { start: '23:00', end: '07:00' },
      weekend: { start: 960, end: 1260, carReadyBy: '18:00' },
    });
    await run('juicenet.editSchedule', unitId, { type: 'custom', weekday: { start: '25:00', end: '07:00' }, weekend: { start: '08:00', end: '09:00' } });
    await run('juicenet.setChargingTime', unitId, '23:45');
    await run('juicenet.editNotifications', unitId, { picked: ['start_charging.email', 'is_offline.push'], notPluggedInBy: '21:30' });
    await run('juicenet.getSharePin', unitId);
    await run('juicenet.copyUnitId', unitId);
    const spare = sim.spareUnitIds[0];
    await run('juicenet.addUnit', accountId, spare);
    await waitFor('the added unit', () => t.backend.getUnit(spare));
    // Share a unit with a second account (its own odd-shaped token).
    const shared = sim.units[1].unitId;
    await run('juicenet.getSharePin', shared);
    sim.createAccount(SECOND_TOKEN);
    assert.equal(await run('juicenet.signIn', { token: SECOND_TOKEN, baseUrl: sim.baseUrl, label: 'Second account' }), true);
    const second = await waitFor('the second account', () => t.backend.accounts().find((a) => a.label === 'Second account'));
    await run('juicenet.addSharedUnit', second.accountId, shared, sim.unit(shared).sharePin!);
    await run('juicenet.refresh');
    // Unit tokens the simulator handed out since (the added unit, the shared unit on the second account).
    for (const tok of [ACCOUNT_TOKEN, SECOND_TOKEN]) {
      const r = await fetch(`${sim.baseUrl}/box_pin`, {
        method: 'POST',
        body: JSON.stringify({ cmd: 'get_account_units', device_id: 'security-test', account_token: tok }),
      });
      for (const u of ((await r.json()) as { units: { token: string }[] }).units) secrets.add(u.token);
    }
    assert.ok(secrets.size >= 2 + 4 + 1, `collected ${secrets.size} secrets`);
    await capture('after the commands');

    // Faults: the client fails, reports and logs (bodies of malformed replies are excerpted in errors).
    for (const faults of [{ malformedRate: 1 }, { http5xxRate: 1 }, { failureRate: 1 }]) {
      sim.setFaults(faults);
      await run('juicenet.refresh');
      await run('juicenet.setLimit', unitId, 20);
      await run('juicenet.getSharePin', unitId);
      sim.clearFaults();
    }
    await run('juicenet.refresh');
    await capture('after the faults');

    // The panel, through the registered command, and through a controller whose host log we read.
    const panel = (await run('juicenet.openUnitPanel', unitId)) as vscode.WebviewPanel;
    assert.ok(panel, 'the command returns the panel');
    seen.push({ where: 'panel HTML', text: panel.webview.html });
    seen.push({ where: 'panel title', text: panel.title });
    const c = createUnitPanelController(ext.extensionUri, t.backend, panelLog);
    try {
      const p2 = await c.open(spare);
      assert.ok(p2);
      seen.push({ where: 'panel HTML (controller)', text: p2.webview.html });
      // Panels are keyed by account and unit.
      const spareKey = t.backend.getUnit(spare)!.key;
      await waitFor('the page to say ready', () => c.readyUnits.has(spareKey), 20000);
    } finally {
      c.dispose();
    }
    panel.dispose();

    // Sign out of both accounts.
    await run('juicenet.signOut', second.accountId);
    await run('juicenet.signOut', accountId);
    assert.equal(t.backend.accounts().filter((a) => a.label === 'Security test' || a.label === 'Second account').length, 0);
    assert.equal(await t.backend.accountToken(accountId), undefined, 'the account token left secret storage');
    await capture('signed out');
    assert.ok(Date.now() - started < 30000, `the session took ${Date.now() - started} ms`);
  });

  it('no token in settings (every juicenet.* value at every scope, and the settings files)', async () => {
    const cfg = vscode.workspace.getConfiguration('juicenet');
    const keys = [
      'baseUrl',
      'pollInterval.minSeconds',
      'pollInterval.maxSeconds',
      'statusBar.enabled',
      'alerts.enabled',
      'alerts.events',
      'panel.allowRemoteImages',
    ];
    const inspected = JSON.stringify([cfg, ...keys.map((k) => cfg.inspect(k))]);
    const files = settingsFiles().map((f) => ({ where: f, text: fs.readFileSync(f, 'utf8') }));
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      const ws = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');
      const text = await vscode.workspace.fs.readFile(ws).then(
        (b) => new TextDecoder().decode(b),
        () => '',
      );
      files.push({ where: ws.fsPath, text });
    }
    for (const { where, text } of [{ where: 'configuration', text: inspected }, ...files]) {
      for (const s of secrets) assert.ok(!text.includes(s), `a token in ${where}`);
    }
  });

  it('no token in globalState, the tree (labels, descriptions, tooltips), the status bar or the unit views', () => {
    assert.ok(
      seen.some((s) => s.where.startsWith('tree') && s.text.includes(sim.units[0].unitId)),
      'the tree showed the units',
    );
    for (const { where, text } of seen) for (const s of secrets) assert.ok(!text.includes(s), `a token in ${where}`);
  });

  it('no token in the messages shown to the user', () => {
    const msgs = t.messages();
    assert.ok(msgs.length >= 10, `the session reported (${msgs.length} messages)`);
    assert.ok(
      msgs.some((m) => m.level === 'error'),
      'including failures',
    );
    for (const m of msgs) for (const s of secrets) assert.ok(!m.text.includes(s), `a token in the message "${m.text}"`);
  });

  it('no token in the log (as written to the output channel) nor in what the panel host logged', () => {
    const lines = t.logLines();
    assert.ok(lines.length > 10, `the session logged (${lines.length} lines)`);
    assert.ok(
      lines.some((l) => /^(warn|error) /.test(l)),
      'including the failures',
    );
    for (const l of [...lines, ...panelHostLines]) for (const s of secrets) assert.ok(!l.includes(s), `a token in the log line "${l.slice(0, 200)}"`);
  });

  it('no token in the panel HTML (the page gets none: the host makes every call)', () => {
    const html = seen.filter((s) => s.where.startsWith('panel HTML'));
    assert.equal(html.length, 2);
    for (const { where, text } of html) {
      assert.match(text, /Content-Security-Policy/);
      for (const s of secrets) assert.ok(!text.includes(s), `a token in ${where}`);
    }
  });

  it('no token on the clipboard', async () => {
    const clip = await vscode.env.clipboard.readText();
    for (const s of secrets) assert.ok(!clip.includes(s));
  });
});
