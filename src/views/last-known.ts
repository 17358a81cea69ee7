// The Chargers view and the status bar item as they were last shown, kept in the extension's
// storage so that the next window paints them at once, marked as not yet refreshed, before any
// request and before the code that reads chargers is even loaded. Imports only vscode: it is part
// of what activation loads (src/extension.ts), so it must stay small.
import * as vscode from 'vscode';
import { machineTimeZone, whenText } from '../domain/time-zone';

/** The globalState key of the last shown rows (no token: labels, descriptions and tooltips only). */
export const LAST_KNOWN_KEY = 'juicenet.lastKnown';

/** A row as the view showed it; `children`: the rows shown under it, expanded. */
export interface LastKnownRow {
  label: string;
  description?: string;
  tooltip?: string;
  /** The tooltip is Markdown. */
  markdown?: boolean;
  contextValue?: string;
  icon?: string;
  iconColor?: string;
  children?: LastKnownRow[];
}

export interface LastKnown {
  /** Epoch ms when these rows were shown. */
  savedAtMs: number;
  signedIn: boolean;
  rows: LastKnownRow[];
  statusBar?: { text: string; tooltip: string };
}

/** The stored rows, or undefined when there are none or they are not in this shape. */
export function readLastKnown(memento: Pick<vscode.Memento, 'get'>): LastKnown | undefined {
  const v = memento.get<unknown>(LAST_KNOWN_KEY);
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Partial<LastKnown>;
  const isRow = (r: unknown): r is LastKnownRow =>
    !!r &&
    typeof r === 'object' &&
    typeof (r as LastKnownRow).label === 'string' &&
    ((r as LastKnownRow).children === undefined || (Array.isArray((r as LastKnownRow).children) && (r as LastKnownRow).children!.every(isRow)));
  if (typeof o.savedAtMs !== 'number' || !Array.isArray(o.rows) || !o.rows.every(isRow)) return undefined;
  const bar = o.statusBar && typeof o.statusBar.text === 'string' && typeof o.statusBar.tooltip === 'string' ? o.statusBar : undefined;
  return { savedAtMs: o.savedAtMs, signedIn: o.signedIn === true, rows: o.rows, statusBar: bar };
}

/** "14:05" today, else "3 Dec 14:05", in this machine's time (when this window last showed the rows): the one local-time function's words. */
function shownAt(ms: number): string {
  return whenText(machineTimeZone(), ms / 1000, Date.now() / 1000);
}

/** The words that mark a row or the status bar as not yet refreshed. */
export const NOT_FRESH = 'last known';

/**
 * The Chargers view's provider: the last known rows until the live provider is given and has read
 * what it shows, then the live provider. One TreeView for both, so the view never flickers empty.
 */
export class ShownTree implements vscode.TreeDataProvider<unknown>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<unknown>();
  readonly onDidChangeTreeData = this.changed.event;
  private live?: vscode.TreeDataProvider<unknown>;
  private liveSub?: vscode.Disposable;
  private readonly switched = new vscode.EventEmitter<void>();
  /** Fires once, when the live rows replace the last known ones. */
  readonly onDidShowLive = this.switched.event;
  private readonly served = new vscode.EventEmitter<void>();
  /** Fires when the view has been given its top rows. */
  readonly onDidServeRows = this.served.event;

  constructor(private readonly lastKnown: LastKnown | undefined) {}

  /** Whether the view shows the stored rows (not yet refreshed). */
  get showingLastKnown(): boolean {
    return !this.live && !!this.lastKnown && this.lastKnown.rows.length > 0;
  }

  /** From now on the view shows `provider`'s rows. */
  showLive(provider: vscode.TreeDataProvider<unknown>): void {
    if (this.live) return;
    this.live = provider;
    this.liveSub = provider.onDidChangeTreeData?.((e) => this.changed.fire(e));
    this.changed.fire(undefined);
    this.switched.fire();
  }

  getChildren(element?: unknown): vscode.ProviderResult<unknown[]> {
    if (this.live) return this.live.getChildren(element);
    if (element) return (element as LastKnownRow).children ?? [];
    // After this turn: the rows are on their way to the view.
    setTimeout(() => this.served.fire(), 0);
    return this.lastKnown?.rows ?? [];
  }

  getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem> {
    if (this.live) return this.live.getTreeItem(element);
    const row = element as LastKnownRow;
    const item = new vscode.TreeItem(row.label, row.children?.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    const when = this.lastKnown ? shownAt(this.lastKnown.savedAtMs) : '';
    item.description = row.description ? `${row.description} · ${NOT_FRESH}` : NOT_FRESH;
    const note = `As last shown at ${when}: not refreshed yet.`;
    item.tooltip = row.markdown && row.tooltip ? new vscode.MarkdownString(`${row.tooltip}\n\n*${note}*`) : `${row.tooltip ? `${row.tooltip}\n\n` : ''}${note}`;
    if (row.icon) item.iconPath = new vscode.ThemeIcon(row.icon, row.iconColor ? new vscode.ThemeColor(row.iconColor) : undefined);
    // Not the live row's menus: a command on it waits for the live rows.
    item.contextValue = 'lastKnown';
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, element: unknown, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    return this.live?.resolveTreeItem ? this.live.resolveTreeItem(item, element, token) : item;
  }

  getParent(element: unknown): vscode.ProviderResult<unknown> {
    return this.live?.getParent?.(element);
  }

  dispose(): void {
    this.liveSub?.dispose();
    this.changed.dispose();
    this.switched.dispose();
    this.served.dispose();
  }
}

/** The status bar item as last shown, marked as not yet refreshed; undefined when there is none to show. */
export function lastKnownStatusBar(lastKnown: LastKnown | undefined, enabled: boolean, id: string): vscode.StatusBarItem | undefined {
  if (!enabled || !lastKnown?.statusBar || !lastKnown.statusBar.text) return undefined;
  const item = vscode.window.createStatusBarItem(id, vscode.StatusBarAlignment.Left, 50);
  item.name = 'JuiceNet Charging';
  item.text = `${lastKnown.statusBar.text} (${NOT_FRESH})`;
  item.tooltip = `${lastKnown.statusBar.tooltip}\n\nAs last shown at ${shownAt(lastKnown.savedAtMs)}: not refreshed yet.`;
  item.show();
  return item;
}

/** The rows a provider shows now (tooltips resolved as on hover), to keep as the last known ones. */
export async function shownRows<T>(p: vscode.TreeDataProvider<T>, parent?: T): Promise<LastKnownRow[]> {
  const children = (await p.getChildren(parent)) ?? [];
  return Promise.all(
    children.map(async (node) => {
      let item = await p.getTreeItem(node);
      if (p.resolveTreeItem) item = (await p.resolveTreeItem(item, node, new vscode.CancellationTokenSource().token)) ?? item;
      const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
      const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
      // Rows shown expanded (an account's chargers); a charger's details are shown on demand only.
      const expanded = item.collapsibleState === vscode.TreeItemCollapsibleState.Expanded;
      const row: LastKnownRow = { label: typeof item.label === 'string' ? item.label : (item.label?.label ?? '') };
      if (typeof item.description === 'string' && item.description) row.description = item.description;
      if (tooltip) row.tooltip = tooltip;
      if (item.tooltip instanceof vscode.MarkdownString) row.markdown = true;
      if (item.contextValue) row.contextValue = item.contextValue;
      if (icon) row.icon = icon.id;
      if (icon?.color) row.iconColor = icon.color.id;
      if (expanded) {
        const kids = await shownRows(p, node);
        if (kids.length) row.children = kids;
      }
      return row;
    }),
  );
}
