// Wires the pieces together: accounts and the unit store (src/state), the tree and status bar
// (src/views), commands (src/commands), the panel (src/panel). Holds no logic of its own beyond
// visibility and configuration plumbing.
import * as vscode from 'vscode';
import { JuiceNetClient, isLoopbackHost } from './api/client';
import { DEFAULT_BASE_URL } from './api/types';
import { RedactingLogger } from './log';
import { AccountManager } from './state/accounts';
import { ALERT_EVENTS, AlertEvent, UnitStore } from './state/unit-store';
import type { CommandBackend, Notifier } from './commands/deps';
import { AccountCommandDeps, DemoController, signIn, signOut, tryDemo, SignInArgs } from './commands/account';
import { registerUnitCommands } from './commands/index';
import { registerUnitPanel } from './panel/index';
import { ChargersTreeProvider, chargingCount, ChargerNode } from './views/tree';
import { ChargingStatusBar } from './views/status-bar';
import { startSimulator, RunningSimulator } from './simulator';

/** What activate() returns, for the in-host tests. Nothing in it exposes a token. */
export interface JuiceNetTestApi {
  backend: CommandBackend;
  messages(): RecordedMessage[];
  /** The next message that offers actions resolves with `answer` instead of waiting for a click. */
  answerNextMessage(answer: Thenable<string | undefined>): void;
  clearMessages(): void;
  treeSnapshot(): Promise<TreeSnapshotNode[]>;
  statusBarSnapshot(): { text: string; tooltip: string; visible: boolean; backgroundColor?: string };
  /** Refreshes started since activation (coalesced calls count once). */
  refreshCount(): number;
  /** How many times the tree was told to re-render. */
  treeFires(): number;
  /** The view badge (charging units), if shown. */
  viewBadge(): number | undefined;
  /** Whether the Chargers view is visible now (TreeView.visible), read-only. */
  viewVisible(): boolean;
  /** Keys kept in globalState (to check no token lands there). */
  globalStateSnapshot(): Record<string, unknown>;
  /** The log lines written to the JuiceNet output channel (last 2000), as written. */
  logLines(): string[];
  demo?: { baseUrl: string; control: RunningSimulator };
}

/** A user-facing message as the test API records it. */
export interface RecordedMessage {
  level: string;
  text: string;
  /** The buttons offered with it. */
  actions?: string[];
}

export interface TreeSnapshotNode {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  icon?: string;
  iconColor?: string;
  children?: TreeSnapshotNode[];
}

const CONFIG = 'juicenet';
const DEMO_UNITS = 3;
/** One real second is a simulated minute: the demo shows plug-ins and sessions in minutes. */
const DEMO_SPEED = 60;

let deactivateHook: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<JuiceNetTestApi> {
  const log = new RedactingLogger();
  context.subscriptions.push(log);
  const cfg = () => vscode.workspace.getConfiguration(CONFIG);

  const messages: RecordedMessage[] = [];
  /** Answers the in-host tests queued for the next messages with actions (see JuiceNetTestApi). */
  const cannedAnswers: Thenable<string | undefined>[] = [];
  const show = (level: string, m: string, actions: string[], real: () => Thenable<string | undefined>) => {
    messages.push(actions.length ? { level, text: m, actions } : { level, text: m });
    if (messages.length > 500) messages.shift();
    return actions.length && cannedAnswers.length ? cannedAnswers.shift()! : real();
  };
  const notify: Notifier = {
    info: (m, ...a) => show('info', m, a, () => vscode.window.showInformationMessage(m, ...a)),
    warn: (m, ...a) => show('warn', m, a, () => vscode.window.showWarningMessage(m, ...a)),
    error: (m, ...a) => show('error', m, a, () => vscode.window.showErrorMessage(m, ...a)),
  };

  const accounts = new AccountManager(context.secrets, context.globalState);
  const deviceId = await accounts.deviceId();
  const store = new UnitStore({
    accounts,
    log,
    minIntervalS: cfg().get<number>('pollInterval.minSeconds', 10),
    maxIntervalS: cfg().get<number>('pollInterval.maxSeconds', 300),
    makeClient: (baseUrl) => new JuiceNetClient({ baseUrl, deviceId, deviceName: 'VS Code' }),
    onAlert: (unit, event: AlertEvent, text) => {
      const c = cfg();
      if (!c.get<boolean>('alerts.enabled', false)) return;
      const events = c.get<string[]>('alerts.events', ALERT_EVENTS);
      if (!events.includes(event)) return;
      log.info(`Alert: ${text}`);
      const warn = event === 'went_offline';
      void (warn ? notify.warn(`JuiceNet: ${text}`) : notify.info(`JuiceNet: ${text}`));
      void unit;
    },
  });

  // ---- demo simulator (in-process, loopback, per session) ----
  let demoSim: RunningSimulator | undefined;
  const demo: DemoController = {
    get running() {
      return demoSim;
    },
    async start() {
      if (demoSim) return demoSim;
      demoSim = await startSimulator({ units: DEMO_UNITS, speed: DEMO_SPEED, host: '127.0.0.1', port: 0, historyDays: 365 });
      return demoSim;
    },
    async stop() {
      const s = demoSim;
      demoSim = undefined;
      if (s) {
        await s.close().catch((e: unknown) => log.warn(`Stopping the demo simulator: ${String(e)}`));
        log.info('Demo simulator stopped.');
      }
    },
  };

  await store.load();
  // A demo account from an earlier session points at a simulator that no longer runs.
  for (const a of store.accounts().filter((x) => x.demo)) await store.signOut(a.accountId);

  // ---- views ----
  const tree = new ChargersTreeProvider(store);
  const view = vscode.window.createTreeView<ChargerNode>('juicenet.units', { treeDataProvider: tree, showCollapseAll: true });
  const statusBar = new ChargingStatusBar(store, cfg().get<boolean>('statusBar.enabled', true));
  context.subscriptions.push(tree, view, statusBar);

  const updateVisibility = () => {
    store.policy.setVisible('tree', view.visible);
    // The status bar item counts as "showing the units" only while the window is focused:
    // an unfocused window (or one in the background) polls nothing unless a view or panel shows.
    store.policy.setVisible('statusBar', statusBar.enabled && vscode.window.state.focused && store.units().length > 0);
  };
  const updateContext = () => {
    const signedIn = store.accounts().length > 0;
    void vscode.commands.executeCommand('setContext', 'juicenet.signedIn', signedIn);
    void vscode.commands.executeCommand('setContext', 'juicenet.demoRunning', !!demoSim);
    void vscode.commands.executeCommand('setContext', 'juicenet.hasUnits', store.units().length > 0);
    const n = chargingCount(store.units());
    view.badge = n > 0 ? { value: n, tooltip: `${n} charger${n === 1 ? '' : 's'} charging` } : undefined;
    // Only when every account is the demo: with a real account beside it, the demo's rows say so.
    const accounts = store.accounts();
    view.description = accounts.length > 0 && accounts.every((a) => a.demo) ? 'Demo (simulator)' : undefined;
  };
  context.subscriptions.push(
    view.onDidChangeVisibility(updateVisibility),
    vscode.window.onDidChangeWindowState(updateVisibility),
    store.onDidChangeUnits(() => {
      updateContext();
      updateVisibility();
    }),
  );
  updateContext();
  updateVisibility();

  // ---- commands ----
  const accountDeps: AccountCommandDeps = {
    store,
    notify,
    log,
    baseUrl: () => cfg().get<string>('baseUrl', DEFAULT_BASE_URL) || DEFAULT_BASE_URL,
    demo,
  };
  const afterAccountChange = () => {
    updateContext();
    updateVisibility();
    tree.fire();
    statusBar.render();
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('juicenet.signIn', async (args?: SignInArgs) => {
      const ok = await signIn(accountDeps, args && typeof args === 'object' ? args : undefined);
      afterAccountChange();
      return ok;
    }),
    vscode.commands.registerCommand('juicenet.signOut', async (arg?: unknown) => {
      // From an account node's context menu the argument is the node.
      const a = arg as { kind?: string; accountId?: string; all?: boolean } | string | undefined;
      await signOut(accountDeps, typeof a === 'string' ? a : a ? { all: a.all, accountId: a.accountId } : undefined);
      afterAccountChange();
    }),
    vscode.commands.registerCommand('juicenet.tryDemo', async () => {
      const ok = await tryDemo(accountDeps);
      afterAccountChange();
      return ok;
    }),
    vscode.commands.registerCommand('juicenet.refresh', async (arg?: unknown) => {
      const unitId = typeof arg === 'string' ? arg : (arg as { unitId?: string } | undefined)?.unitId;
      if (unitId) await store.refresh(unitId, 'manual');
      else await store.refreshAll('manual');
    }),
    vscode.commands.registerCommand('juicenet.showLog', () => log.show()),
  );
  context.subscriptions.push(...registerUnitCommands({ backend: store, log, notify }));
  context.subscriptions.push(registerUnitPanel(context, store, log));

  // ---- configuration ----
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(CONFIG)) return;
      const c = cfg();
      if (e.affectsConfiguration('juicenet.pollInterval')) {
        store.setBounds(c.get<number>('pollInterval.minSeconds', 10), c.get<number>('pollInterval.maxSeconds', 300));
        log.info(`Poll interval bounds now ${store.policy.bounds.minS}..${store.policy.bounds.maxS} s.`);
      }
      if (e.affectsConfiguration('juicenet.statusBar.enabled')) {
        statusBar.setEnabled(c.get<boolean>('statusBar.enabled', true));
        updateVisibility();
      }
      if (e.affectsConfiguration('juicenet.baseUrl')) {
        log.info(`Base URL is now ${c.get<string>('baseUrl')}; it applies to the next sign-in (signed-in accounts keep theirs).`);
      }
    }),
  );

  // ---- dev hook: `npm start` runs a simulator beside code-server and passes its account token ----
  const devToken = process.env.JUICENET_DEV_ACCOUNT_TOKEN;
  if (devToken && store.accounts().length === 0 && isLoopback(accountDeps.baseUrl())) {
    log.info('JUICENET_DEV_ACCOUNT_TOKEN is set and the base URL is loopback: signing in for development.');
    void signIn(accountDeps, { token: devToken, label: 'Development simulator' }).then(afterAccountChange);
  }

  deactivateHook = async () => {
    await demo.stop();
    await store.dispose();
  };
  context.subscriptions.push({ dispose: () => void deactivateHook?.() });

  const snapshotNode = async (node: ChargerNode): Promise<TreeSnapshotNode> => {
    // As the workbench does on hover: getTreeItem, then resolveTreeItem for the tooltip.
    const item = tree.resolveTreeItem(tree.getTreeItem(node), node);
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
    const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
    const children = tree.getChildren(node);
    return {
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : undefined,
      tooltip,
      contextValue: item.contextValue,
      icon: icon?.id,
      iconColor: icon?.color?.id,
      children: children.length ? await Promise.all(children.map(snapshotNode)) : undefined,
    };
  };

  return {
    backend: store,
    messages: () => messages.map((m) => ({ ...m })),
    clearMessages: () => void messages.splice(0),
    answerNextMessage: (answer) => void cannedAnswers.push(answer),
    treeSnapshot: () => Promise.all(tree.getChildren().map(snapshotNode)),
    statusBarSnapshot: () => statusBar.snapshot(),
    refreshCount: () => store.policy.refreshCount,
    treeFires: () => tree.fires,
    viewBadge: () => view.badge?.value,
    viewVisible: () => view.visible,
    globalStateSnapshot: () => Object.fromEntries(context.globalState.keys().map((k) => [k, context.globalState.get(k)])),
    logLines: () => log.lines(),
    get demo() {
      return demoSim ? { baseUrl: demoSim.baseUrl, control: demoSim } : undefined;
    },
  };
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
