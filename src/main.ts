// Everything the extension runs after the first paint (src/extension.ts paints the last known rows
// and loads this bundle, dist/main.js, right after): accounts and the unit store (src/state), the
// tree and status bar (src/views), the command table (src/commands), the panel (src/panel, loaded on
// first use) and the demo (its own bundle, loaded on first use). Holds no logic of its own beyond
// visibility and configuration plumbing.
import * as vscode from 'vscode';
import { JuiceNetClient, isLoopbackHost } from './api/client';
import { registerCommands } from './commands/index';
import type { CommandContext } from './commands/run';
import { configuredServerUrl, signIn } from './commands/sign-in';
import { createDemoController } from './demo';
import type { Shell } from './extension';
import { RedactingLogger } from './log';
import { registerLazyUnitPanel } from './panel/lazy';
import { AccountManager } from './state/accounts';
import { AlertEvent, DEFAULT_ALERT_EVENTS, UnitStore } from './state/unit-store';
import { localBoxAlert } from './domain/alerts';
import { createTestApi, RecordingNotifier, type JuiceNetTestApi } from './test-api';
import { LAST_KNOWN_KEY, shownRows, type LastKnown } from './views/last-known';
import { bindViewState } from './views/view-state';
import { ChargersTreeProvider, ChargerNode } from './views/tree';
import { ChargingStatusBar } from './views/status-bar';
import { createLocalSetup, LocalServerTreeRows } from './setup/index';

const CONFIG = 'juicenet';

/** How long the rows must be still before they are kept as the last known ones (ms). */
const SAVE_AFTER_MS = 1000;

export interface Started {
  api: Omit<JuiceNetTestApi, 'ready' | 'firstPaint' | 'shownTree' | 'showingLastKnown'>;
  deactivate(): Promise<void>;
}

/** Starts everything behind the first paint; `shell` is what activation already made. */
export async function start(shell: Shell): Promise<Started> {
  const { context } = shell;
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
    onAlert: (_unit, event: AlertEvent, text) => raiseAlert(event, text, ['went_offline', 'charger_fault', 'server_failed'].includes(event)),
  });
  function raiseAlert(event: AlertEvent, text: string, warning: boolean): void {
    const c = cfg();
    if (!c.get<boolean>('alerts.enabled', true)) return;
    if (!c.get<readonly string[]>('alerts.events', DEFAULT_ALERT_EVENTS).includes(event)) return;
    log.info(`Alert: ${text}`);
    void (warning ? notify.warn(`JuiceNet: ${text}`) : notify.info(`JuiceNet: ${text}`));
  }
  const demo = createDemoController(log, () => showing.update());

  await store.load();
  // A demo account from an earlier session points at a simulator that no longer runs.
  for (const a of store.accounts().filter((x) => x.demo)) await store.signOut(a.accountId);

  // ---- views: the view activation made, with these rows once they are read ----
  const localRows = new LocalServerTreeRows();
  const tree = new ChargersTreeProvider(store, localRows);
  const view = shell.view as vscode.TreeView<ChargerNode>;
  // The command stubs go before anything registers a command (nothing awaits from here on).
  shell.commandStubs.dispose();
  const statusBar = new ChargingStatusBar(store, cfg().get<boolean>('statusBar.enabled', true));
  context.subscriptions.push(tree, statusBar, localRows);
  context.subscriptions.push(showWhenRead(shell, store, tree, statusBar));

  const showing = bindViewState({ store, view, statusBar, demoRunning: () => !!demo.running });
  context.subscriptions.push(showing);

  // ---- the panel and the commands ----
  const panel = registerLazyUnitPanel(context.extensionUri, store, log, context.globalState);
  const local = createLocalSetup(context, { store, accounts, log, rows: localRows });
  // What a local server says about its boxes (silent, back, ignoring commands), in its words and the box's time zone.
  context.subscriptions.push(
    local.push.onAlert((_accountId, a) => {
      const { event, warning } = localBoxAlert(a.kind);
      raiseAlert(event, a.words, warning);
    }),
  );
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

  const api = createTestApi({ context, store, notifier: notify, log, tree, view, statusBar, demo, local });
  return {
    api,
    deactivate: async () => {
      await local.server.stop();
      await demo.stop();
      await store.dispose();
    },
  };
}

/**
 * The last known rows stay until every charger shown has been read (or failed to be): then the live
 * rows and status bar replace them. While live, the rows are kept (after SAVE_AFTER_MS of quiet) as
 * the next window's first paint; signed out, nothing is kept.
 */
function showWhenRead(shell: Shell, store: UnitStore, tree: ChargersTreeProvider, statusBar: ChargingStatusBar): vscode.Disposable {
  const read = () => store.accounts().length === 0 || store.units().every((u) => u.status !== undefined || u.error !== undefined);
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      if (shell.tree.showingLastKnown || !read()) return;
      if (store.accounts().length === 0) return void shell.context.globalState.update(LAST_KNOWN_KEY, undefined);
      void shownRows(tree).then((rows) => {
        const bar = statusBar.snapshot();
        const kept: LastKnown = { savedAtMs: Date.now(), signedIn: true, rows, statusBar: bar.visible ? { text: bar.text, tooltip: bar.tooltip } : undefined };
        return shell.context.globalState.update(LAST_KNOWN_KEY, kept);
      });
    }, SAVE_AFTER_MS);
  };
  const update = () => {
    if (!shell.tree.showingLastKnown || read()) shell.tree.showLive(tree);
    // The last known status bar item stands in for the live one until the rows are read.
    if (shell.statusBar && shell.tree.showingLastKnown) statusBar.item.hide();
    save();
  };
  const subs = [
    store.onDidChangeUnits(update),
    store.onDidChangeAccounts(update),
    shell.tree.onDidShowLive(() => {
      shell.statusBar?.dispose();
      statusBar.render();
    }),
  ];
  update();
  return {
    dispose: () => {
      if (saveTimer) clearTimeout(saveTimer);
      subs.forEach((d) => d.dispose());
    },
  };
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
