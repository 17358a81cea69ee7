// Wires the pieces together: accounts and the unit store (src/state), the tree and status bar
// (src/views), the command table (src/commands), the panel (src/panel, loaded on first use) and the
// demo (its own bundle, loaded on first use). Holds no logic of its own beyond visibility and
// configuration plumbing.
import * as vscode from 'vscode';
import { JuiceNetClient, isLoopbackHost } from './api/client';
import { registerCommands } from './commands/index';
import type { CommandContext } from './commands/run';
import { configuredServerUrl, signIn } from './commands/sign-in';
import { createDemoController } from './demo';
import { RedactingLogger } from './log';
import { registerLazyUnitPanel } from './panel/lazy';
import { AccountManager } from './state/accounts';
import { AlertEvent, DEFAULT_ALERT_EVENTS, UnitStore } from './state/unit-store';
import { createTestApi, RecordingNotifier, type JuiceNetTestApi } from './test-api';
import { bindViewState } from './views/view-state';
import { ChargersTreeProvider, ChargerNode } from './views/tree';
import { ChargingStatusBar } from './views/status-bar';
import { createLocalSetup, LocalServerTreeRows } from './setup/index';

const CONFIG = 'juicenet';

let deactivateHook: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<JuiceNetTestApi> {
  const log = new RedactingLogger();
  context.subscriptions.push(log);
  const cfg = () => vscode.workspace.getConfiguration(CONFIG);
  const notify = new RecordingNotifier();

  const accounts = new AccountManager(context.secrets, context.globalState);
  const deviceId = await accounts.deviceId();
  const store = new UnitStore({
    accounts,
    log,
    minIntervalS: cfg().get<number>('pollInterval.minSeconds', 10),
    maxIntervalS: cfg().get<number>('pollInterval.maxSeconds', 300),
    makeClient: (baseUrl) => new JuiceNetClient({ baseUrl, deviceId, deviceName: 'VS Code' }),
    onAlert: (_unit, event: AlertEvent, text) => {
      const c = cfg();
      if (!c.get<boolean>('alerts.enabled', true)) return;
      if (!c.get<readonly string[]>('alerts.events', DEFAULT_ALERT_EVENTS).includes(event)) return;
      log.info(`Alert: ${text}`);
      void (['went_offline', 'charger_fault', 'server_failed'].includes(event) ? notify.warn(`JuiceNet: ${text}`) : notify.info(`JuiceNet: ${text}`));
    },
  });
  const demo = createDemoController(log, () => showing.update());

  await store.load();
  // A demo account from an earlier session points at a simulator that no longer runs.
  for (const a of store.accounts().filter((x) => x.demo)) await store.signOut(a.accountId);

  // ---- views ----
  const localRows = new LocalServerTreeRows();
  const tree = new ChargersTreeProvider(store, localRows);
  const view = vscode.window.createTreeView<ChargerNode>('juicenet.units', { treeDataProvider: tree, showCollapseAll: true });
  const statusBar = new ChargingStatusBar(store, cfg().get<boolean>('statusBar.enabled', true));
  context.subscriptions.push(tree, view, statusBar, localRows);

  const showing = bindViewState({ store, view, statusBar, demoRunning: () => !!demo.running });
  context.subscriptions.push(showing);

  // ---- the panel and the commands ----
  const panel = registerLazyUnitPanel(context.extensionUri, store, log, context.globalState);
  const local = createLocalSetup(context, { store, accounts, log, rows: localRows });
  const commands: CommandContext = {
    backend: store,
    store,
    log,
    notify,
    baseUrl: () => configuredServerUrl(cfg()),
    demo,
    showLog: () => log.show(),
    openUnitPanel: (arg) => panel.open(arg),
    local: local.hooks,
    openInsights: (arg) => panel.openInsights(arg),
  };
  context.subscriptions.push(panel, local, ...registerCommands(commands));
  void local.resume();

  // ---- configuration ----
  context.subscriptions.push(watchConfiguration(store, statusBar, log, notify, () => showing.update()));

  // ---- dev hook: `npm start` runs a simulator beside code-server and passes its account token ----
  const devToken = process.env.JUICENET_DEV_ACCOUNT_TOKEN;
  if (devToken && store.accounts().length === 0 && isLoopback(commands.baseUrl())) {
    log.info('JUICENET_DEV_ACCOUNT_TOKEN is set and the base URL is loopback: signing in for development.');
    void signIn(commands, { token: devToken, label: 'Development simulator' });
  }

  deactivateHook = async () => {
    await local.server.stop();
    await demo.stop();
    await store.dispose();
  };
  context.subscriptions.push({ dispose: () => void deactivateHook?.() });

  return createTestApi({ context, store, notifier: notify, log, tree, view, statusBar, demo, local });
}

export async function deactivate(): Promise<void> {
  const hook = deactivateHook;
  deactivateHook = undefined;
  await hook?.();
}

function isLoopback(baseUrl: string): boolean {
  try {
    return isLoopbackHost(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

/**
 * Applies changed settings: poll bounds and the status bar now; a new base URL at the next sign-in;
 * a time-of-use tariff's problems named as soon as it is saved.
 */
function watchConfiguration(
  store: UnitStore,
  statusBar: ChargingStatusBar,
  log: RedactingLogger,
  notify: RecordingNotifier,
  updateVisibility: () => void,
): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(CONFIG)) return;
    const c = vscode.workspace.getConfiguration(CONFIG);
    if (e.affectsConfiguration('juicenet.pollInterval')) {
      store.setBounds(c.get<number>('pollInterval.minSeconds', 10), c.get<number>('pollInterval.maxSeconds', 300));
      log.info(`Poll interval bounds now ${store.policy.bounds.minS}..${store.policy.bounds.maxS} s.`);
    }
    if (e.affectsConfiguration('juicenet.statusBar.enabled')) {
      statusBar.setEnabled(c.get<boolean>('statusBar.enabled', true));
      updateVisibility();
    }
    if (e.affectsConfiguration('juicenet.tariff')) {
      // Loaded with the panel host's code on first use, like the panel itself.
      void import('./panel/insights-settings').then((m) => m.warnOfTariffProblems(log, notify));
    }
    if (e.affectsConfiguration('juicenet.serverURL') || e.affectsConfiguration('juicenet.baseUrl')) {
      log.info(`Server URL is now ${configuredServerUrl(c)}; it applies to the next sign-in (signed-in accounts keep theirs).`);
    }
  });
}
