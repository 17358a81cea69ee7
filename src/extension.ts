// Activation: only what the first paint needs. The command table (each command waits for the rest
// on its first use), the Chargers view and the status bar item from the last known rows kept in
// storage, marked as not yet refreshed. Everything else (the HTTP client, the wire schemas, the
// store, the panel, the setup assistant, the insights) is its own bundle, dist/main.js, loaded
// right after the view has been painted (src/main.ts). This file and what it imports must stay
// small: its load and activate() are what every window start waits for (npm run bench:extension).
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { Started } from './main';
import type { FirstPaint, JuiceNetTestApi } from './test-api';
import { lastKnownStatusBar, readLastKnown, shownRows, ShownTree } from './views/last-known';

/** What activation made, handed to src/main.ts. */
export interface Shell {
  context: vscode.ExtensionContext;
  view: vscode.TreeView<unknown>;
  tree: ShownTree;
  /** The status bar item as last shown, until the live one replaces it. */
  statusBar?: vscode.StatusBarItem;
  /** The commands registered at activation, which wait for main; disposed when main registers its own. */
  commandStubs: vscode.Disposable;
}

/** Longest wait for the view to ask for its rows before the rest is loaded anyway (ms). */
const PAINT_WAIT_MS = 300;

let started: Promise<Started> | undefined;

function loadMain(): typeof import('./main') {
  // A path esbuild cannot follow, on purpose: main is its own bundle (esbuild.mjs target "main").
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(__dirname, 'main.js'));
}

export function activate(context: vscode.ExtensionContext): JuiceNetTestApi {
  const activatedAt = Date.now();
  const lastKnown = readLastKnown(context.globalState);
  const tree = new ShownTree(lastKnown);
  const view = vscode.window.createTreeView<unknown>('juicenet.units', { treeDataProvider: tree, showCollapseAll: true });
  const statusBar = lastKnownStatusBar(lastKnown, vscode.workspace.getConfiguration('juicenet').get<boolean>('statusBar.enabled', true), 'juicenet.status');
  if (lastKnown?.signedIn) void vscode.commands.executeCommand('setContext', 'juicenet.signedIn', true);
  const paint: FirstPaint = { activatedAtMs: activatedAt, lastKnownRows: lastKnown?.rows.length ?? 0, lastKnownSavedAtMs: lastKnown?.savedAtMs };

  // Every declared command, waiting for main and then run as main registered it.
  const declared = ((context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []).map(
    (c) => c.command,
  );
  let failed: unknown;
  const stubs = declared.map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      await started;
      if (failed) throw failed;
      return vscode.commands.executeCommand(id, ...args);
    }),
  );
  const shell: Shell = { context, view, tree, statusBar, commandStubs: { dispose: () => stubs.forEach((d) => d.dispose()) } };
  context.subscriptions.push(tree, view, shell.commandStubs, { dispose: () => statusBar?.dispose() });

  // The rest loads once the view has its rows (or, hidden, does not ask for them): loading it
  // first would hold up the answer to the view's first request.
  started = new Promise<void>((resolve) => {
    if (!view.visible) return void setTimeout(resolve, 0);
    const timer = setTimeout(resolve, PAINT_WAIT_MS);
    const sub = tree.onDidServeRows(() => {
      paint.rowsServedAtMs = Date.now();
      sub.dispose();
      clearTimeout(timer);
      setTimeout(resolve, 0);
    });
  }).then(() => {
    paint.mainLoadStartedAtMs = Date.now();
    return loadMain()
      .start(shell)
      .then(
        (s) => ((paint.mainStartedAtMs = Date.now()), s),
        (e: unknown) => {
          failed = e;
          shell.commandStubs.dispose();
          void vscode.window.showErrorMessage(`JuiceNet could not start: ${e instanceof Error ? e.message : String(e)}`);
          throw e;
        },
      );
  });
  const s = started;

  // The in-host tests and benchmarks: the full API once main has started (await ready() first).
  let api: Started['api'] | undefined;
  void s.then((x) => (api = x.api)).catch(() => undefined);
  const own = {
    ready: () => s.then(() => undefined),
    firstPaint: () => ({ ...paint }),
    // Available at once: what the view shows before the rest has started.
    shownTree: () => shownRows(tree),
    showingLastKnown: () => tree.showingLastKnown,
  };
  return new Proxy(own, {
    get(target, key) {
      if (key in target) return target[key as keyof typeof target];
      // Not a thenable: `await ext.activate()` must give this object, not wait for main.
      if (key === 'then') return undefined;
      if (!api) throw new Error(`JuiceNet is still starting: await ready() before using ${String(key)}`);
      return api[key as keyof typeof api];
    },
  }) as unknown as JuiceNetTestApi;
}

export async function deactivate(): Promise<void> {
  const s = started;
  started = undefined;
  await (await s?.catch(() => undefined))?.deactivate();
}
