// The unit panel's VS Code wiring: command, one panel per unit, serializer, HTML/CSP.
// The message routing lives in router.ts (no vscode import, driven by the browser tests too).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import type { Logger, PanelBackend } from '../state/contracts';
import { PanelRouter } from './router';
import { makeNonce, renderPanelHtml } from './html';
import { HistoryCache } from '../state/history-cache';
import type { KeyValueStore } from '../state/accounts';
import type { InsightsHostDeps } from './insights-host';
import { parseTariffSetting, tariffProblemsMessage } from '../domain/insights/tariff';

/** The Insights tab's settings, read when the tab asks (so edits apply on its next load). */
function insightsDeps(storage: KeyValueStore): InsightsHostDeps {
  return {
    cache: new HistoryCache(storage),
    settings: () => {
      const c = vscode.workspace.getConfiguration('juicenet');
      return {
        tariff: { mode: c.get('tariff.mode'), weekday: c.get('tariff.weekday'), weekend: c.get('tariff.weekend') },
        co2GramsPerKwh: c.get('insights.co2GramsPerKwh'),
      };
    },
  };
}

export const UNIT_PANEL_VIEW_TYPE = 'juicenet.unitPanel';

/** What a restored panel remembers: the unit id only (never a token). */
interface PersistedState {
  unitId?: unknown;
}

function unitIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  if (arg && typeof arg === 'object' && typeof (arg as { unitId?: unknown }).unitId === 'string') return (arg as { unitId: string }).unitId;
  return undefined;
}

/** The panel machinery without the registrations (the in-host tests drive one directly). */
export interface UnitPanelController {
  open(arg?: unknown): Promise<vscode.WebviewPanel | undefined>;
  /**
   * juicenet.openInsights: the charger's panel on its Insights tab. From a charger (tree item, id):
   * that charger; from the palette: every charger of the account (picked when there are several accounts).
   */
  openInsights(arg?: unknown): Promise<vscode.WebviewPanel | undefined>;
  serializer: vscode.WebviewPanelSerializer<PersistedState>;
  /** Open panels by unit id. */
  panels: ReadonlyMap<string, vscode.WebviewPanel>;
  /** Units whose page has loaded and said 'ready' (its script ran under the CSP). */
  readyUnits: ReadonlySet<string>;
  dispose(): void;
}

export function registerUnitPanel(context: vscode.ExtensionContext, backend: PanelBackend, log: Logger): vscode.Disposable {
  const c = createUnitPanelController(context.extensionUri, backend, log, context.globalState);
  // The tariff is checked as it is saved: overlaps and times without a price are named at once.
  const checkTariff = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('juicenet.tariff')) return;
    const r = parseTariffSetting(insightsDeps(context.globalState).settings().tariff);
    if (r.ok) return;
    log.warn(`Tariff settings: ${r.errors.join(' ')}`);
    void vscode.window.showWarningMessage(tariffProblemsMessage(r.errors), 'Open Settings').then((a) => {
      if (a) void vscode.commands.executeCommand('workbench.action.openSettings', 'juicenet.tariff');
    });
  });
  return vscode.Disposable.from(
    checkTariff,
    vscode.commands.registerCommand('juicenet.openUnitPanel', c.open),
    vscode.commands.registerCommand('juicenet.openInsights', c.openInsights),
    vscode.window.registerWebviewPanelSerializer(UNIT_PANEL_VIEW_TYPE, c.serializer),
    c,
  );
}

export function createUnitPanelController(extensionUri: vscode.Uri, backend: PanelBackend, log: Logger, storage?: KeyValueStore): UnitPanelController {
  const insights = storage ? insightsDeps(storage) : undefined;
  const panels = new Map<string, vscode.WebviewPanel>();
  const readyUnits = new Set<string>();
  const routers = new Map<string, PanelRouter>();
  /** Insights asked for before the page said 'ready' (shown when it does). */
  const pendingInsights = new Map<string, 'unit' | 'account'>();
  const webviewRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');

  const setup = (panel: vscode.WebviewPanel, unitId: string): void => {
    panels.set(unitId, panel);
    const view = backend.getUnit(unitId);
    panel.title = view ? `${view.name}` : `Charger ${unitId}`;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'juicenet.svg');
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [webviewRoot] };
    const nonce = makeNonce((n) => randomBytes(n));
    const allowRemoteImages = vscode.workspace.getConfiguration('juicenet').get<boolean>('panel.allowRemoteImages', false);
    webview.html = renderPanelHtml({
      cspSource: webview.cspSource,
      nonce,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'main.js')).toString(),
      styleUris: [
        webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'uPlot.min.css')).toString(),
        webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'main.css')).toString(),
      ],
      unitId,
      allowRemoteImages,
      title: panel.title,
    });

    const router = new PanelRouter(unitId, backend, log, {
      post: (m) => webview.postMessage(m),
      insights,
      saveCsv: async (csv, suggestedName) => {
        const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(base, suggestedName),
          filters: { CSV: ['csv'] },
          saveLabel: 'Export',
        });
        if (!target) return undefined;
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(csv));
        return target.fsPath || target.toString();
      },
    });

    routers.set(unitId, router);
    const subs: vscode.Disposable[] = [];
    let hold: { dispose(): void } | undefined;
    const syncHold = () => {
      // Poll the unit only while someone can see it.
      if (panel.visible && !hold) hold = backend.holdVisible(unitId, `panel:${unitId}`);
      else if (!panel.visible && hold) {
        hold.dispose();
        hold = undefined;
      }
    };
    syncHold();
    subs.push(
      webview.onDidReceiveMessage((m: unknown) => {
        if ((m as { kind?: unknown } | null)?.kind === 'ready') {
          readyUnits.add(unitId);
          const scope = pendingInsights.get(unitId);
          pendingInsights.delete(unitId);
          void router.handle(m).then(() => scope && router.showInsights(scope));
          return;
        }
        void router.handle(m);
      }),
      panel.onDidChangeViewState(() => {
        syncHold();
        if (panel.visible) router.pushUnit();
      }),
      backend.onDidChangeUnits((ids) => {
        if (panel.visible && ids.includes(unitId)) router.pushUnit();
        const v = backend.getUnit(unitId);
        if (v && v.name !== panel.title) panel.title = v.name;
      }),
    );
    panel.onDidDispose(() => {
      router.dispose();
      hold?.dispose();
      subs.forEach((d) => d.dispose());
      if (panels.get(unitId) === panel) panels.delete(unitId);
      if (routers.get(unitId) === router) routers.delete(unitId);
      readyUnits.delete(unitId);
    });
  };

  const open = async (arg?: unknown): Promise<vscode.WebviewPanel | undefined> => {
    let unitId = unitIdOf(arg);
    if (!unitId) {
      const units = backend.listUnits?.() ?? [];
      if (units.length === 0) {
        void vscode.window.showInformationMessage('No chargers yet: sign in or try the demo first.');
        return undefined;
      }
      if (units.length === 1) unitId = units[0].unitId;
      else {
        const pick = await vscode.window.showQuickPick(
          units.map((u) => ({ label: u.name, description: u.unitId, detail: u.accountLabel, unitId: u.unitId })),
          { placeHolder: 'Open which charger?' },
        );
        unitId = pick?.unitId;
      }
      if (!unitId) return undefined;
    }
    const existing = panels.get(unitId);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(UNIT_PANEL_VIEW_TYPE, `Charger ${unitId}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [webviewRoot],
      retainContextWhenHidden: false,
    });
    setup(panel, unitId);
    log.info(`Unit panel opened for ${unitId}`);
    return panel;
  };

  const openInsights = async (arg?: unknown): Promise<vscode.WebviewPanel | undefined> => {
    let unitId = unitIdOf(arg);
    const scope = unitId ? 'unit' : 'account';
    if (!unitId) {
      const units = backend.listUnits?.() ?? [];
      const accounts = [...new Map(units.map((u) => [u.accountId, u])).values()];
      if (accounts.length === 0) {
        void vscode.window.showInformationMessage('No chargers yet: sign in or try the demo first.');
        return undefined;
      }
      if (accounts.length === 1) unitId = accounts[0].unitId;
      else {
        const pick = await vscode.window.showQuickPick(
          accounts.map((u) => ({ label: u.accountLabel, description: `${units.filter((x) => x.accountId === u.accountId).length} chargers`, unitId: u.unitId })),
          { placeHolder: 'Insights for which account?' },
        );
        unitId = pick?.unitId;
      }
      if (!unitId) return undefined;
    }
    const panel = await open(unitId);
    if (!panel) return undefined;
    const router = routers.get(unitId);
    if (router && readyUnits.has(unitId)) router.showInsights(scope);
    else pendingInsights.set(unitId, scope);
    return panel;
  };

  const serializer: vscode.WebviewPanelSerializer<PersistedState> = {
    async deserializeWebviewPanel(panel, state) {
      const unitId = typeof state?.unitId === 'string' ? state.unitId : undefined;
      if (!unitId || panels.has(unitId)) {
        // Nothing to restore into (or a duplicate): close rather than show an empty page.
        panel.dispose();
        return;
      }
      setup(panel, unitId);
      log.info(`Unit panel restored for ${unitId}`);
    },
  };

  return { open, openInsights, serializer, panels, readyUnits, dispose: () => [...panels.values()].forEach((p) => p.dispose()) };
}
