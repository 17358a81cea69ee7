// What activate() returns for the in-host tests and benchmarks: the recorded user-facing messages
// (with canned answers for their buttons) and read-only snapshots of the views. Nothing in it
// exposes a token.
import * as vscode from 'vscode';
import type { DemoController, Notifier } from './commands/run';
import type { RedactingLogger } from './log';
import type { DemoSimulator } from './demo';
import type { CommandBackend } from './state/contracts';
import type { UnitStore } from './state/unit-store';
import type { ChargingStatusBar } from './views/status-bar';
import type { ChargerNode, ChargersTreeProvider } from './views/tree';
import type { LocalSetup } from './setup/index';
import type { LastKnownRow } from './views/last-known';

/** When activation painted what (epoch ms), and when the rest started behind it. */
export interface FirstPaint {
  activatedAtMs: number;
  /** Rows kept from the last window (top level), shown at activation marked as not yet refreshed. */
  lastKnownRows: number;
  lastKnownSavedAtMs?: number;
  /** The view was given its rows (undefined: it did not ask before the rest loaded, e.g. hidden). */
  rowsServedAtMs?: number;
  mainLoadStartedAtMs?: number;
  mainStartedAtMs?: number;
}

export interface JuiceNetTestApi {
  /** Resolves when everything behind the first paint has started; the members below need it. */
  ready(): Promise<void>;
  firstPaint(): FirstPaint;
  /** The rows the Chargers view shows now: the last known ones (marked) or the live ones. */
  shownTree(): Promise<LastKnownRow[]>;
  /** Whether the view still shows the last known rows. */
  showingLastKnown(): boolean;
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
  demo?: { baseUrl: string; control: DemoSimulator };
  /** Local servers: the one run here, the setup assistant. */
  local: LocalSetup;
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

/** The Notifier of the extension: shows each message and records it (the last 500) for the tests. */
export class RecordingNotifier implements Notifier {
  readonly recorded: RecordedMessage[] = [];
  /** Answers the in-host tests queued for the next messages with actions (see JuiceNetTestApi). */
  readonly cannedAnswers: Thenable<string | undefined>[] = [];

  info(m: string, ...a: string[]): Thenable<string | undefined> {
    return this.show('info', m, a, () => vscode.window.showInformationMessage(m, ...a));
  }
  warn(m: string, ...a: string[]): Thenable<string | undefined> {
    return this.show('warn', m, a, () => vscode.window.showWarningMessage(m, ...a));
  }
  error(m: string, ...a: string[]): Thenable<string | undefined> {
    return this.show('error', m, a, () => vscode.window.showErrorMessage(m, ...a));
  }
  confirm(m: string, detail: string, action: string): Thenable<string | undefined> {
    return this.show('confirm', m, [action], () => vscode.window.showWarningMessage(m, { modal: true, detail }, action));
  }

  private show(level: string, text: string, actions: string[], real: () => Thenable<string | undefined>): Thenable<string | undefined> {
    this.recorded.push(actions.length ? { level, text, actions } : { level, text });
    if (this.recorded.length > 500) this.recorded.shift();
    return actions.length && this.cannedAnswers.length ? this.cannedAnswers.shift()! : real();
  }
}

export interface TestApiParts {
  context: vscode.ExtensionContext;
  store: UnitStore;
  notifier: RecordingNotifier;
  log: RedactingLogger;
  tree: ChargersTreeProvider;
  view: vscode.TreeView<ChargerNode>;
  statusBar: ChargingStatusBar;
  demo: DemoController<DemoSimulator>;
  local: LocalSetup;
}

export function createTestApi(p: TestApiParts): Omit<JuiceNetTestApi, 'ready' | 'firstPaint' | 'shownTree' | 'showingLastKnown'> {
  const snapshotNode = async (node: ChargerNode): Promise<TreeSnapshotNode> => {
    // As the workbench does on hover: getTreeItem, then resolveTreeItem for the tooltip.
    const item = p.tree.resolveTreeItem(p.tree.getTreeItem(node), node);
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
    const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
    const children = p.tree.getChildren(node);
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
    backend: p.store,
    messages: () => p.notifier.recorded.map((m) => ({ ...m })),
    clearMessages: () => void p.notifier.recorded.splice(0),
    answerNextMessage: (answer) => void p.notifier.cannedAnswers.push(answer),
    treeSnapshot: () => Promise.all(p.tree.getChildren().map(snapshotNode)),
    statusBarSnapshot: () => p.statusBar.snapshot(),
    refreshCount: () => p.store.policy.refreshCount,
    treeFires: () => p.tree.fires,
    viewBadge: () => p.view.badge?.value,
    viewVisible: () => p.view.visible,
    globalStateSnapshot: () => Object.fromEntries(p.context.globalState.keys().map((k) => [k, p.context.globalState.get(k)])),
    logLines: () => p.log.lines(),
    local: p.local,
    get demo() {
      const sim = p.demo.running;
      return sim ? { baseUrl: sim.baseUrl, control: sim } : undefined;
    },
  };
}
