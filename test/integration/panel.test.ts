// The unit panel inside the real VS Code extension host: the command opens one panel per unit
// (tree item, unit id), the page loads under its CSP and talks to the host, and the serializer's
// restore path rebuilds a panel from its saved state (unit id only).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { JuiceNetTestApi } from '../../src/test-api';
import { createUnitPanelController, UNIT_PANEL_VIEW_TYPE } from '../../src/panel/index';
import type { Logger } from '../../src/state/contracts';
import { EXT_ID, waitFor } from './helpers';

describe('unit panel (in the host)', function () {
  this.timeout(60000);
  let sim: RunningSimulator;
  let api: JuiceNetTestApi;
  let ext: vscode.Extension<JuiceNetTestApi>;
  let unitId: string;
  let accountId: string;
  const logLines: string[] = [];
  const log: Logger = { trace: (m) => logLines.push(m), info: (m) => logLines.push(m), warn: (m) => logLines.push(m), error: (m) => logLines.push(String(m)) };

  before(async () => {
    sim = await startSimulator({ units: 2, seed: 21, manualClock: true });
    ext = vscode.extensions.getExtension<JuiceNetTestApi>(EXT_ID)!;
    assert.ok(ext, 'extension installed');
    api = await ext.activate();
    await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken, baseUrl: sim.baseUrl, label: 'Panel test' });
    unitId = sim.units[0].unitId;
    accountId = (await waitFor('the signed-in units', () => api.backend.getUnit(unitId))).accountId;
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
      await waitFor('the page to say ready', () => c.readyUnits.has(unitId), 20000);
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
      await c.serializer.deserializeWebviewPanel(panel, { unitId });
      assert.strictEqual(c.panels.get(unitId), panel);
      assert.equal(panel.title, api.backend.getUnit(unitId)!.name);
      assert.match(panel.webview.html, new RegExp(`data-unit-id="${unitId}"`));
      await waitFor('the restored page to say ready', () => c.readyUnits.has(unitId), 20000);
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
        unitId,
        tab: 3,
        history: { sortKey: 'timeStart', sortDesc: true },
        drafts: { schedule: { type: 'custom', fields: { 'weekday.start': '21:30' } }, notifications: { events: { plugin: { email: true, push: false, url: '', method: 'POST', authEdited: true } } } },
      };
      await c.serializer.deserializeWebviewPanel(panel, state as never);
      assert.strictEqual(c.panels.get(unitId), panel);
      await waitFor('the restored page to say ready', () => c.readyUnits.has(unitId), 20000);
    } finally {
      c.dispose();
    }
  });
});
