// The unit panel host, loaded on first use: the first "Open Charger Panel", or VS Code restoring a
// panel after a reload. Activation registers only the serializer; the host (its message router
// and the zod message contract) is evaluated when a panel is first needed.
import * as vscode from 'vscode';
import type { KeyValueStore } from '../state/accounts';
import type { Logger, PanelBackend } from '../state/contracts';
import type { PersistedState, UnitPanelController } from './index';
import { UNIT_PANEL_VIEW_TYPE } from './view-type';

export interface LazyUnitPanel extends vscode.Disposable {
  open(arg?: unknown): Promise<vscode.WebviewPanel | undefined>;
  /** The panel on its Insights tab: a charger's (from a row or ID), or its account's (from the palette). */
  openInsights(arg?: unknown): Promise<vscode.WebviewPanel | undefined>;
}

/** `storage`: where the Insights' history cache is kept (the extension's globalState). */
export function registerLazyUnitPanel(extensionUri: vscode.Uri, backend: PanelBackend, log: Logger, storage: KeyValueStore): LazyUnitPanel {
  let controller: Promise<UnitPanelController> | undefined;
  const load = () => (controller ??= import('./index').then((m) => m.createUnitPanelController(extensionUri, backend, log, storage)));
  const serializer = vscode.window.registerWebviewPanelSerializer(UNIT_PANEL_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel, state: PersistedState) => (await load()).serializer.deserializeWebviewPanel(panel, state),
  });
  return {
    open: async (arg) => (await load()).open(arg),
    openInsights: async (arg) => (await load()).openInsights(arg),
    dispose: () => {
      serializer.dispose();
      void controller?.then((c) => c.dispose());
    },
  };
}
