// Charging insights inside the real VS Code extension host, on the demo (a simulator with a year of
// history per charger): "Show Charging Insights" opens the panel on its Insights tab for the whole
// account, the page asks the host, whose history cache fills the extension's globalState; opening
// again reads only the newest page; "full at" reaches the tree row, its tooltip and the status bar.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JuiceNetTestApi, TreeSnapshotNode } from '../../src/test-api';
import { extensionApi, waitFor } from './helpers';

function flatten(nodes: TreeSnapshotNode[]): TreeSnapshotNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);
}

describe('charging insights (in the host, on the demo)', function () {
  this.timeout(90_000);
  let t: JuiceNetTestApi;

  before(async () => {
    t = await extensionApi();
    assert.equal(await vscode.commands.executeCommand('juicenet.tryDemo'), true);
    assert.ok(t.demo, 'demo running');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('juicenet.signOut', { all: true }).then(undefined, () => undefined);
  });

  it('registers Show Charging Insights', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('juicenet.openInsights'));
  });

  it('opens the Insights for the whole account and caches a year of every charger’s sessions, without a token', async () => {
    const sim = t.demo!.control;
    const ids = sim.units.map((u) => u.unitId);
    const panel = (await vscode.commands.executeCommand('juicenet.openInsights')) as vscode.WebviewPanel;
    assert.ok(panel, 'the command returns the panel');
    const cached = (id: string) => (t.globalStateSnapshot()[`juicenet.historyCache.${id}`] as { sessions?: { id?: number }[] } | undefined)?.sessions ?? [];
    for (const id of ids) {
      // The simulator's year, plus sessions finished since (the demo clock runs ×60).
      await waitFor(`the history of ${id} in globalState`, () => cached(id).length >= 150 && cached(id).length >= sim.unit(id).sessions.length - 2, 60_000);
      const kept = new Set(cached(id).map((s) => s.id));
      const year = sim.unit(id).sessions.filter((s) => s.timeEnd < sim.now() - 3600);
      assert.ok(
        year.every((s) => kept.has(s.id)),
        'every finished session is kept',
      );
    }
    const state = JSON.stringify(t.globalStateSnapshot());
    for (const u of sim.units) assert.ok(!state.includes(u.token), 'no unit token in globalState');
    assert.ok(!state.includes(sim.accountToken), 'no account token in globalState');
    panel.dispose();
  });

  it('reads only the newest page of a charger’s history when opened again', async () => {
    const sim = t.demo!.control;
    const id = sim.units[0].unitId;
    sim.resetRequestCount();
    const panel = (await vscode.commands.executeCommand('juicenet.openInsights', { unitId: id })) as vscode.WebviewPanel;
    assert.ok(panel);
    await waitFor('the Insights to read the history', () => (sim.commandCounts().get_history ?? 0) >= 1, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sim.commandCounts().get_history, 1, 'one page: the rest came from the cache');
    panel.dispose();
  });

  it('shows when a charging car will be full in the tree row, its tooltip and the status bar tooltip', async () => {
    const sim = t.demo!.control;
    const id = sim.units[0].unitId;
    // A fresh session on the first demo charger (no schedule): 30 kWh to add.
    if (sim.unit(id).car) sim.unplug(id);
    sim.plugIn(id, { energyToAddWh: 30_000 });
    await vscode.commands.executeCommand('juicenet.refresh');
    const view = await waitFor('the charger charging', () => {
      const v = t.backend.getUnit(id);
      return v?.status?.state === 'charging' && (v.status.charging.powerW ?? 0) > 0 && v;
    });
    const c = view.status!.charging;
    const zone = 'America/Los_Angeles';
    const eta = Date.now() + ((c.energyToAddWh! - (c.energyWh ?? 0)) / c.powerW!) * 3600_000;
    const hhmm = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone });
    const row = await waitFor('the tree row with "full at"', async () => flatten(await t.treeSnapshot()).find((n) => n.description?.includes('full at')));
    assert.match(row.description!, /^charging · [\d.]+ kW · full at \d\d:\d\d/);
    const shown = /full at (\d\d:\d\d)/.exec(row.description!)![1];
    // Readings move on while the test runs: within a few minutes of the time computed here.
    assert.ok(
      [-3, -2, -1, 0, 1, 2, 3].some((m) => hhmm(eta + m * 60_000) === shown),
      `${shown} vs ${hhmm(eta)}`,
    );
    // The tooltip is Markdown (punctuation escaped).
    assert.match(row.tooltip ?? '', /Full at \d\d:\d\d( tomorrow)?:/);
    assert.match(row.tooltip ?? '', /still to add \\\(the session’s energy to add\\\) at the current/);
    assert.match(t.statusBarSnapshot().tooltip, /full at \d\d:\d\d/);
  });

  it('names the problems of a time-of-use tariff as soon as it is saved', async () => {
    const cfg = () => vscode.workspace.getConfiguration('juicenet');
    const G = vscode.ConfigurationTarget.Global;
    try {
      await cfg().update(
        'tariff.weekday',
        [
          { from: '00:00', to: '08:00', centsPerKwh: 10 },
          { from: '07:00', to: '24:00', centsPerKwh: 30 },
        ],
        G,
      );
      await cfg().update('tariff.mode', 'timeOfUse', G);
      await waitFor('the tariff warning in the log', () =>
        t.logLines().some((l) => /Tariff settings: Weekday window 1 \(00:00–08:00\) overlaps Weekday window 2 \(07:00–24:00\) from 07:00 to 08:00/.test(l)),
      );
    } finally {
      await cfg().update('tariff.mode', undefined, G);
      await cfg().update('tariff.weekday', undefined, G);
    }
  });
});
