// The unit panel inside the real VS Code extension host: the command opens one panel per unit
// (tree item, unit id), the page loads under its CSP and talks to the host, and the serializer's
// restore path rebuilds a panel from its saved state (unit id only).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { JuiceNetTestApi } from '../../src/test-api';
import { createUnitPanelController, UNIT_PANEL_VIEW_TYPE, type UnitPanelController } from '../../src/panel/index';
import type { Logger } from '../../src/state/contracts';
import { EXT_ID, waitFor } from './helpers';

describe('unit panel (in the host)', function () {
  this.timeout(60000);
  let sim: RunningSimulator;
  let api: JuiceNetTestApi;
  let ext: vscode.Extension<JuiceNetTestApi>;
  let unitId: string;
  let accountId: string;
  /** The unit as seen by the signed-in account: the panel's key. */
  let key: string;
  const logLines: string[] = [];
  const log: Logger = { trace: (m) => logLines.push(m), info: (m) => logLines.push(m), warn: (m) => logLines.push(m), error: (m) => logLines.push(String(m)) };

  before(async () => {
    sim = await startSimulator({ units: 2, seed: 21, manualClock: true });
    ext = vscode.extensions.getExtension<JuiceNetTestApi>(EXT_ID)!;
    assert.ok(ext, 'extension installed');
    api = await ext.activate();
    await api.ready();
    await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken, baseUrl: sim.baseUrl, label: 'Panel test' });
    unitId = sim.units[0].unitId;
    const view = await waitFor('the signed-in units', () => api.backend.getUnit(unitId));
    accountId = view.accountId;
    key = view.key;
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('juicenet.signOut', accountId).then(undefined, () => undefined);
    await sim?.close();
  });

  it('registers juicenet.openUnitPanel', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('juicenet.openUnitPanel'));
  });

  it('opens one panel per unit from a tree item or a unit id, with the strict CSP', async () => {
    const panel = (await vscode.commands.executeCommand('juicenet.openUnitPanel', { unitId })) as vscode.WebviewPanel;
    assert.ok(panel, 'the command returns the panel');
    assert.equal(panel.viewType, UNIT_PANEL_VIEW_TYPE);
    assert.equal(panel.title, api.backend.getUnit(unitId)!.name);
    // Attribute values are HTML-escaped (' as &#39;); the browser reads them decoded.
    const html = panel.webview.html.replace(/&#39;/g, "'");
    assert.match(html, /default-src 'none'; script-src 'nonce-[A-Za-z0-9]+'; style-src [^;]+; img-src [^;]+; font-src [^;]+"/);
    assert.ok(!html.includes('unsafe-inline') && !html.includes(sim.units[0].token), 'no unsafe-inline, no token');
    const again = (await vscode.commands.executeCommand('juicenet.openUnitPanel', unitId)) as vscode.WebviewPanel;
    assert.strictEqual(again, panel, 'the same unit reveals the open panel');
    const other = (await vscode.commands.executeCommand('juicenet.openUnitPanel', sim.units[1].unitId)) as vscode.WebviewPanel;
    assert.notStrictEqual(other, panel);
    other.dispose();
    panel.dispose();
  });

  it('loads the page, which talks to the host (its script ran under the CSP)', async () => {
    const c = createUnitPanelController(ext.extensionUri, api.backend, log);
    try {
      const panel = await c.open(unitId);
      assert.ok(panel);
      await waitFor('the page to say ready', () => c.readyUnits.has(key), 20000);
    } finally {
      c.dispose();
    }
  });

  it('restores a panel from its saved state through the serializer (unit id only)', async () => {
    // Restore after a window reload cannot be driven from inside the host; this runs the
    // serializer's deserialize path on a real panel instead, as VS Code does on reload.
    const c = createUnitPanelController(ext.extensionUri, api.backend, log);
    try {
      const panel = vscode.window.createWebviewPanel(UNIT_PANEL_VIEW_TYPE, 'restoring', vscode.ViewColumn.Active, { enableScripts: true });
      // A state saved before panels were keyed by account holds a bare unit ID: the first account's key.
      await c.serializer.deserializeWebviewPanel(panel, { unitId });
      assert.strictEqual(c.panels.get(key), panel);
      assert.equal(panel.title, api.backend.getUnit(unitId)!.name);
      assert.match(panel.webview.html, new RegExp(`data-unit-key="${key}"`));
      await waitFor('the restored page to say ready', () => c.readyUnits.has(key), 20000);
      // A state without a unit id (or a second restore of the same unit) closes the panel instead.
      const bad = vscode.window.createWebviewPanel(UNIT_PANEL_VIEW_TYPE, 'bad', vscode.ViewColumn.Active, {});
      let disposed = false;
      bad.onDidDispose(() => (disposed = true));
      await c.serializer.deserializeWebviewPanel(bad, { token: 'x' } as never);
      assert.equal(disposed, true);
    } finally {
      c.dispose();
    }
  });

  it('restores a panel whose saved state carries unsaved form edits (the page reads them, the host only the unit id)', async () => {
    const c = createUnitPanelController(ext.extensionUri, api.backend, log);
    try {
      const panel = vscode.window.createWebviewPanel(UNIT_PANEL_VIEW_TYPE, 'restoring', vscode.ViewColumn.Active, { enableScripts: true });
      // What webview/main.ts saves with vscode.setState when a form has unsaved edits.
      const state = {
        unitKey: key,
        tab: 3,
        history: { sortKey: 'timeStart', sortDesc: true },
        drafts: {
          schedule: { type: 'custom', fields: { 'weekday.start': '21:30' } },
          notifications: { events: { plugin: { email: true, push: false, url: '', method: 'POST', authEdited: true } } },
        },
      };
      await c.serializer.deserializeWebviewPanel(panel, state as never);
      assert.strictEqual(c.panels.get(key), panel);
      await waitFor('the restored page to say ready', () => c.readyUnits.has(key), 20000);
    } finally {
      c.dispose();
    }
  });

  /** A request as the page sends it; the reply the page gets. */
  let nextId = 1000;
  const request = async (c: UnitPanelController, unitKey: string, method: string, params: unknown = {}) => {
    const reply = await c.deliver(unitKey, { kind: 'request', id: nextId++, method, params });
    assert.ok(reply && reply.kind === 'reply', `a reply to ${method}`);
    if (!reply.ok) assert.fail(`${method} failed: ${reply.error.message}`);
    return reply.result as Record<string, unknown>;
  };

  it('Overview Start, Stop, the limit and Hold until reach the simulator through the store’s verified writes', async () => {
    const c = createUnitPanelController(ext.extensionUri, api.backend, log);
    try {
      await c.open(key);
      sim.plugIn(unitId);
      const set = await request(c, key, 'setLimit', { amps: 10 });
      assert.equal(set.confirmed, true);
      assert.equal(sim.unit(unitId).ampsLimit, 10);
      await waitFor('the store to read 10 A back', () => api.backend.getUnit(key)?.status?.charging.ampsLimit === 10);
      // The command's validation: above the unit's rating is refused and nothing is sent.
      const tooHigh = await c.deliver(key, { kind: 'request', id: nextId++, method: 'setLimit', params: { amps: 500 } });
      assert.ok(tooHigh?.kind === 'reply' && !tooHigh.ok && /out of range/.test(tooHigh.error.message));
      assert.equal(sim.unit(unitId).ampsLimit, 10);
      const stop = await request(c, key, 'stopCharging');
      assert.deepEqual([stop.confirmed, stop.previousAmps], [true, 10]);
      assert.equal(sim.unit(unitId).ampsLimit, 0);
      const start = await request(c, key, 'startCharging');
      assert.deepEqual([start.confirmed, start.restoredAmps], [true, 10], 'the limit Stop remembered');
      assert.equal(sim.unit(unitId).ampsLimit, 10);
      // The one Start rule: an override exactly when the schedule blocked, and the page is told which.
      assert.equal(sim.unit(unitId).overrideTime > 0, start.override === true, String(start.text));
      assert.equal(typeof start.text, 'string');
      const holdS = Math.floor(Date.now() / 1000) + 3 * 3600;
      await request(c, key, 'holdUntil', { epochS: holdS });
      assert.equal(sim.unit(unitId).chargingTime, holdS);
      // Remembered per account and unit, as Hold Charging Until does: the tree and the panel show it.
      await waitFor('the hold in the store', () => api.backend.getUnit(key)?.holdUntilS === holdS);
      const snap = await request(c, key, 'getUnit');
      assert.equal(snap.holdUntilS, holdS);
      assert.ok(typeof (snap.reason as { short?: unknown }).short === 'string');
      await request(c, key, 'setLimit', { amps: 0 });
      await request(c, key, 'setLimit', { amps: 16 });
    } finally {
      c.dispose();
    }
  });

  it('keeps the last hour’s power from the readings the store makes', async () => {
    const c = createUnitPanelController(ext.extensionUri, api.backend, log);
    try {
      await c.open(key);
      for (let i = 0; i < 3; i++) {
        sim.advance(30);
        await new Promise((r) => setTimeout(r, 20));
        await api.backend.refresh(key, 'manual');
      }
      const points = (await c.deliver(key, { kind: 'request', id: nextId++, method: 'getRecentPower', params: {} })) as {
        ok: boolean;
        result: { t: number; v: number }[];
      };
      assert.ok(points.ok && points.result.length >= 3, `points: ${JSON.stringify(points.result)}`);
      assert.ok(
        points.result.every((p, i, a) => i === 0 || p.t > a[i - 1].t),
        'oldest first',
      );
    } finally {
      c.dispose();
    }
  });

  it('keys the panel by account and unit: a charger in two accounts has two panels, and restore keeps the account', async () => {
    await vscode.commands.executeCommand('juicenet.getSharePin', key);
    const other = sim.createAccount();
    await vscode.commands.executeCommand('juicenet.signIn', { token: other, baseUrl: sim.baseUrl, label: 'Panel second account' });
    const second = await waitFor('the second account', () => api.backend.accounts().find((a) => a.label === 'Panel second account'));
    await vscode.commands.executeCommand('juicenet.addSharedUnit', second.accountId, unitId, sim.unit(unitId).sharePin!);
    const keyB = await waitFor(
      'the shared charger in the second account',
      () => api.backend.units().find((u) => u.unitId === unitId && u.accountId === second.accountId)?.key,
    );
    assert.notEqual(keyB, key);
    const c = createUnitPanelController(ext.extensionUri, api.backend, log);
    try {
      const a = await c.open({ unitKey: key, unitId });
      const b = await c.open({ unitKey: keyB, unitId });
      assert.ok(a && b && a !== b, 'two panels');
      assert.match(b.webview.html, new RegExp(`data-unit-key="${keyB}"`));
      assert.equal((await request(c, keyB, 'getUnit')).accountId, second.accountId);
      assert.equal((await request(c, key, 'getUnit')).accountId, accountId);
      // A reading of the first account's view does not move the second account's panel.
      assert.strictEqual(c.panels.get(keyB), b);
      // Restore after a reload: the saved key brings back the second account's panel.
      b.dispose();
      const restored = vscode.window.createWebviewPanel(UNIT_PANEL_VIEW_TYPE, 'restoring', vscode.ViewColumn.Active, { enableScripts: true });
      await c.serializer.deserializeWebviewPanel(restored, { unitKey: keyB });
      assert.strictEqual(c.panels.get(keyB), restored);
      assert.equal((await request(c, keyB, 'getUnit')).accountId, second.accountId);
      await waitFor('the restored page to say ready', () => c.readyUnits.has(keyB), 20000);
      // Signing out of the second account closes its panel, and only its panel.
      await vscode.commands.executeCommand('juicenet.signOut', second.accountId);
      await waitFor('the second account’s panel to close', () => !c.panels.has(keyB));
      assert.strictEqual(c.panels.get(key), a);
    } finally {
      c.dispose();
      await vscode.commands.executeCommand('juicenet.signOut', second.accountId).then(undefined, () => undefined);
    }
  });
});
