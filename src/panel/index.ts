// The unit panel host: one panel per unit, the serializer that restores them, HTML/CSP. Loaded
// on first use (see lazy.ts). The message routing lives in router.ts (no vscode import, driven by
// the browser tests too).
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import type { Logger, PanelBackend } from '../state/contracts';
import { PanelRouter } from './router';
import type { HostMessage } from '../protocol/messages';
import { renderPanelHtml } from './html';
import { WebviewHost, type WebviewProvider } from './webview-host';
import { PowerLog } from './power-log';
import { UNIT_PANEL_VIEW_TYPE } from './view-type';
import type { KeyValueStore } from '../state/accounts';
import { insightsDeps } from './insights-settings';
import { commandTargetRef, resolveCommandTarget } from '../state/command-target';
import { pickCharger } from '../views/charger-picker';

export { UNIT_PANEL_VIEW_TYPE } from './view-type';

/**
 * What a restored panel remembers: the unit's key (account and unit, domain/ids unitKey) under
 * `unitKey`, never a token. A state from before keys held a bare unit ID: it opens the charger
 * through the first account that has it.
 */
export interface PersistedState {
  unitKey?: unknown;
  /** The name this field had before (it held a key then too, or a bare unit ID earlier still). */
  unitId?: unknown;
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
  /** Open panels by unit key (account and unit): one charger seen by two accounts has two panels. */
  panels: ReadonlyMap<string, vscode.WebviewPanel>;
  /** Unit keys whose page has loaded and said 'ready' (its script ran under the CSP). */
  readyUnits: ReadonlySet<string>;
  /**
   * Hands a message to the panel of `unitKey` as its page would send it; resolves with the reply
   * the page gets. For the in-host tests, which cannot click inside a webview.
   */
  deliver(unitKey: string, message: unknown): Promise<HostMessage | undefined>;
  dispose(): void;
}

/** `storage`: where the Insights' history cache keeps its sessions (the extension's globalState); without it there is no Insights tab. */
export function createUnitPanelController(extensionUri: vscode.Uri, backend: PanelBackend, log: Logger, storage?: KeyValueStore): UnitPanelController {
  const insights = storage ? insightsDeps(storage) : undefined;
  const readyUnits = new Set<string>();
  /** Insights asked for before the page said 'ready' (shown when it does). */
  const pendingInsights = new Map<string, 'unit' | 'account'>();
  // Every reading the store makes (while anything shows the unit) goes into the last hour's chart.
  const powerLog = new PowerLog();
  const logPower = (ref: string) => {
    const v = backend.getUnit(ref);
    if (v && !v.stale) powerLog.record(v.key, v.lastGoodAt, v.status?.charging.powerW);
  };
  for (const u of backend.units()) logPower(u.key);
  const powerSub = backend.onDidChangeUnits((ids) => ids.forEach(logPower));

  /** One host for every charger panel (src/panel/webview-host.ts): one panel per unit key. */
  const host = new WebviewHost(extensionUri, UNIT_PANEL_VIEW_TYPE, log);
  /** `unitKey` is the unit's key (account and unit): every backend call names the account too. */
  const routers = new Map<string, { router: PanelRouter; replies: Map<number, (m: HostMessage) => void> }>();

  /** The charger panel's provider: the page (renderPanelHtml), its message router, polling while visible. */
  const unitPage =
    (unitKey: string) =>
    (panel: vscode.WebviewPanel): WebviewProvider => {
      const view = backend.getUnit(unitKey);
      panel.title = view ? `${view.name}` : `Charger ${unitKey}`;
      const webview = panel.webview;
      const replies = new Map<number, (m: HostMessage) => void>();
      const router = new PanelRouter(unitKey, backend, log, {
        post: (m) => {
          if (m.kind === 'reply') replies.get(m.id)?.(m);
          return webview.postMessage(m);
        },
        insights,
        recentPower: () => powerLog.recent(unitKey),
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
      routers.set(unitKey, { router, replies });
      let hold: { dispose(): void } | undefined;
      const syncHold = () => {
        // Poll the unit only while someone can see it.
        if (panel.visible && !hold) hold = backend.holdVisible(unitKey, `panel:${unitKey}`);
        else if (!panel.visible && hold) {
          hold.dispose();
          hold = undefined;
        }
      };
      syncHold();
      const unitSub = backend.onDidChangeUnits((ids) => {
        if (!ids.includes(unitKey)) return;
        const v = backend.getUnit(unitKey);
        // Its account signed out (or the charger was removed from it): the panel goes with it.
        if (!v) {
          log.info(`Unit panel ${unitKey} closed: the charger left its account`);
          panel.dispose();
          return;
        }
        if (panel.visible) router.pushUnit();
        if (v.name !== panel.title) panel.title = v.name;
      });
      return {
        html: (ctx) =>
          renderPanelHtml({
            cspSource: ctx.webview.cspSource,
            nonce: ctx.nonce,
            scriptUri: ctx.asset('main.js'),
            styleUris: [ctx.asset('uPlot.min.css'), ctx.asset('main.css')],
            unitKey,
            allowRemoteImages: vscode.workspace.getConfiguration('juicenet').get<boolean>('panel.allowRemoteImages', false),
            title: panel.title,
          }),
        onMessage: (m) => {
          if ((m as { kind?: unknown } | null)?.kind === 'ready') {
            readyUnits.add(unitKey);
            const scope = pendingInsights.get(unitKey);
            pendingInsights.delete(unitKey);
            return router.handle(m).then(() => scope && router.showInsights(scope));
          }
          return router.handle(m);
        },
        onDidChangeVisibility: (visible) => {
          syncHold();
          if (visible) router.pushUnit();
        },
        dispose: () => {
          router.dispose();
          hold?.dispose();
          unitSub.dispose();
          if (routers.get(unitKey)?.router === router) routers.delete(unitKey);
          readyUnits.delete(unitKey);
        },
      };
    };

  const open = async (arg?: unknown): Promise<vscode.WebviewPanel | undefined> => {
    // The one resolver and picker of the commands. The key names the account: a charger shared
    // into a second account opens its own panel.
    const target = resolveCommandTarget(backend, arg);
    let unitKey: string | undefined;
    if (target.kind === 'unit') unitKey = target.unit.key;
    else if (target.kind === 'unknown') unitKey = target.ref;
    else {
      if (target.units.length === 0) {
        void vscode.window.showInformationMessage('No chargers yet: sign in or try the demo first.');
        return undefined;
      }
      unitKey = (await pickCharger(target.units, { placeHolder: 'Open which charger?' }))?.key;
      if (!unitKey) return undefined;
    }
    const existed = host.panel(unitKey) !== undefined;
    const panel = host.show(unitKey, `Charger ${unitKey}`, unitPage(unitKey));
    if (!existed) log.info(`Unit panel opened for ${unitKey}`);
    return panel;
  };

  const openInsights = async (arg?: unknown): Promise<vscode.WebviewPanel | undefined> => {
    const ref = commandTargetRef(arg);
    const scope = ref ? 'unit' : 'account';
    let unitKey = ref === undefined ? undefined : (backend.getUnit(ref)?.key ?? ref);
    if (!unitKey) {
      // From the palette: every charger of an account, shown in the panel of its first charger.
      const units = backend.units();
      const accounts = [...new Map(units.map((u) => [u.accountId, u])).values()];
      if (accounts.length === 0) {
        void vscode.window.showInformationMessage('No chargers yet: sign in or try the demo first.');
        return undefined;
      }
      if (accounts.length === 1) unitKey = accounts[0].key;
      else {
        const pick = await vscode.window.showQuickPick(
          accounts.map((u) => {
            const n = units.filter((x) => x.accountId === u.accountId).length;
            return { label: u.accountLabel, description: `${n} charger${n === 1 ? '' : 's'}`, key: u.key };
          }),
          { placeHolder: 'Insights for which account?' },
        );
        unitKey = pick?.key;
      }
      if (!unitKey) return undefined;
    }
    const panel = await open(unitKey);
    if (!panel) return undefined;
    const router = routers.get(unitKey)?.router;
    if (router && readyUnits.has(unitKey)) router.showInsights(scope);
    else pendingInsights.set(unitKey, scope);
    return panel;
  };

  const serializer: vscode.WebviewPanelSerializer<PersistedState> = {
    async deserializeWebviewPanel(panel, state) {
      const saved = typeof state?.unitKey === 'string' ? state.unitKey : typeof state?.unitId === 'string' ? state.unitId : undefined;
      // A saved key keeps its account; a bare unit ID (an older state) becomes the first account's key.
      const unitKey = saved === undefined ? undefined : (backend.getUnit(saved)?.key ?? saved);
      if (!unitKey) {
        // Nothing to restore into: close rather than show an empty page.
        panel.dispose();
        return;
      }
      // A duplicate is closed by the host (one panel per key).
      if (host.adopt(panel, unitKey, unitPage(unitKey))) log.info(`Unit panel restored for ${unitKey}`);
    },
  };

  const deliver = async (unitKey: string, message: unknown): Promise<HostMessage | undefined> => {
    const r = routers.get(unitKey);
    if (!r) return undefined;
    const id = (message as { id?: unknown } | null)?.id;
    if (typeof id !== 'number') {
      await r.router.handle(message);
      return undefined;
    }
    const reply = new Promise<HostMessage>((resolve) => r.replies.set(id, resolve));
    await r.router.handle(message);
    r.replies.delete(id);
    return reply;
  };

  return {
    open,
    openInsights,
    serializer,
    get panels() {
      return new Map(host.keys().map((k) => [k, host.panel(k)!] as const));
    },
    readyUnits,
    deliver,
    dispose: () => {
      powerSub.dispose();
      host.dispose();
    },
  };
}
