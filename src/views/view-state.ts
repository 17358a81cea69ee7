// What the store's state means for the workbench besides the rows: the context keys the menus and
// welcome views use, the view's badge and description, and which surfaces count as showing the
// chargers (the refresh policy polls only while something shows them).
import * as vscode from 'vscode';
import type { UnitStore } from '../state/unit-store';
import type { ChargingStatusBar } from './status-bar';
import { chargingCount, type ChargerNode } from './tree';

export interface ViewStateParts {
  store: UnitStore;
  view: vscode.TreeView<ChargerNode>;
  statusBar: ChargingStatusBar;
  demoRunning(): boolean;
}

/** Keeps context keys, badge, description and visibility in step with the store; `update()` re-applies them. */
export function bindViewState({ store, view, statusBar, demoRunning }: ViewStateParts): vscode.Disposable & { update(): void } {
  const updateVisibility = () => {
    store.policy.setVisible('tree', view.visible);
    // The status bar item counts as "showing the units" only while the window is focused:
    // an unfocused window (or one in the background) polls nothing unless a view or panel shows.
    store.policy.setVisible('statusBar', statusBar.enabled && vscode.window.state.focused && store.units().length > 0);
  };
  const updateContext = () => {
    const signedIn = store.accounts().length > 0;
    void vscode.commands.executeCommand('setContext', 'juicenet.signedIn', signedIn);
    void vscode.commands.executeCommand('setContext', 'juicenet.demoRunning', demoRunning());
    void vscode.commands.executeCommand('setContext', 'juicenet.hasUnits', store.units().length > 0);
    const n = chargingCount(store.units());
    view.badge = n > 0 ? { value: n, tooltip: `${n} charger${n === 1 ? '' : 's'} charging` } : undefined;
    // Only when every account is the demo: with a real account beside it, the demo's rows say so.
    const all = store.accounts();
    view.description = all.length > 0 && all.every((a) => a.demo) ? 'Demo (simulator)' : undefined;
  };
  const update = () => {
    updateContext();
    updateVisibility();
  };
  const subs = [
    view.onDidChangeVisibility(updateVisibility),
    vscode.window.onDidChangeWindowState(updateVisibility),
    store.onDidChangeUnits(update),
    store.onDidChangeAccounts(update),
  ];
  update();
  return { update, dispose: () => subs.forEach((d) => d.dispose()) };
}
