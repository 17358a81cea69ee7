// The Chargers tree: renders the UnitStore, holds no data of its own. One row per unit (accounts
// at the root when more than one is signed in), detail rows as children.
import * as vscode from 'vscode';
import type { UnitView } from '../state/contracts';
import type { UnitStore } from '../state/unit-store';
import { accountSilence, badgeFor, describeUnit, detailRows, presentedState, unitContextValue, unitTooltipMarkdown } from './unit-format';

export type ChargerNode =
  | { kind: 'account'; accountId: string; label: string; demo: boolean }
  | { kind: 'unit'; unitKey: string }
  | { kind: 'detail'; unitKey: string; key: string; label: string; value: string }
  | { kind: 'note'; id: string; label: string; description: string; tooltip: string; icon: string; color?: string; contextValue: string };

/** Rows shown above the chargers that are not chargers (the local server run here). */
export interface ExtraRows {
  rows(): Extract<ChargerNode, { kind: 'note' }>[];
  onDidChange(listener: () => void): { dispose(): void };
}

export class ChargersTreeProvider implements vscode.TreeDataProvider<ChargerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ChargerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: { dispose(): void };
  /** How many times the tree was told to re-render (for the test API). */
  fires = 0;

  private readonly extraSub?: { dispose(): void };

  constructor(
    private readonly store: UnitStore,
    private readonly extra?: ExtraRows,
  ) {
    // One event per store change (a refresh emits once), whole tree: rows are cheap to rebuild.
    const units = store.onDidChangeUnits(() => this.fire());
    // Accounts are rows too (and an account without chargers changes no unit).
    const accounts = store.onDidChangeAccounts(() => this.fire());
    this.sub = { dispose: () => (units.dispose(), accounts.dispose()) };
    this.extraSub = extra?.onDidChange(() => this.fire());
  }

  fire(): void {
    this.fires++;
    this.changed.fire(undefined);
  }

  getChildren(node?: ChargerNode): ChargerNode[] {
    if (!node) {
      const notes = this.extra?.rows() ?? [];
      const accounts = this.store.accounts();
      if (accounts.length > 1)
        return [...notes, ...accounts.map((a): ChargerNode => ({ kind: 'account', accountId: a.accountId, label: a.label, demo: a.demo }))];
      return [...notes, ...this.store.units().map((u): ChargerNode => ({ kind: 'unit', unitKey: u.key }))];
    }
    if (node.kind === 'account')
      return this.store
        .units()
        .filter((u) => u.accountId === node.accountId)
        .map((u) => ({ kind: 'unit', unitKey: u.key }));
    if (node.kind === 'unit') {
      const v = this.store.getUnit(node.unitKey);
      return v ? detailRows(v).map((r) => ({ kind: 'detail', unitKey: v.key, key: r.key, label: r.label, value: r.value })) : [];
    }
    return [];
  }

  getTreeItem(node: ChargerNode): vscode.TreeItem {
    if (node.kind === 'account') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `account:${node.accountId}`;
      item.contextValue = node.demo ? 'account.demo' : 'account';
      item.iconPath = new vscode.ThemeIcon(node.demo ? 'beaker' : 'account');
      item.description = node.demo ? 'simulator' : undefined;
      item.tooltip = node.demo ? 'Demo (simulator): a JuiceNet simulator running inside VS Code' : node.label;
      // A server that does not answer is said on its account, not blamed on each charger.
      const silent = accountSilence(
        this.store.units().filter((u) => u.accountId === node.accountId),
        node.label,
      );
      if (silent) {
        item.description = silent.description;
        item.tooltip = silent.tooltip;
        item.iconPath = new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('list.warningForeground'));
      }
      return item;
    }
    if (node.kind === 'note') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.id = `note:${node.id}`;
      item.description = node.description;
      item.tooltip = node.tooltip;
      item.contextValue = node.contextValue;
      item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
      return item;
    }
    if (node.kind === 'detail') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.id = `detail:${node.unitKey}:${node.key}`;
      item.description = node.value;
      item.contextValue = 'detail';
      item.tooltip = `${node.label}: ${node.value}`;
      return item;
    }
    const v = this.store.getUnit(node.unitKey);
    if (!v) return new vscode.TreeItem('(gone)');
    return unitItem(v);
  }

  resolveTreeItem(item: vscode.TreeItem, node: ChargerNode): vscode.TreeItem {
    if (node.kind !== 'unit' || item.tooltip !== undefined) return item;
    const v = this.store.getUnit(node.unitKey);
    if (v) item.tooltip = unitTooltip(v);
    return item;
  }

  getParent(node: ChargerNode): ChargerNode | undefined {
    if (node.kind === 'detail') return { kind: 'unit', unitKey: node.unitKey };
    if (node.kind === 'unit' && this.store.accounts().length > 1) {
      const v = this.store.getUnit(node.unitKey);
      const a = v && this.store.accounts().find((x) => x.accountId === v.accountId);
      if (a) return { kind: 'account', accountId: a.accountId, label: a.label, demo: a.demo };
    }
    return undefined;
  }

  dispose(): void {
    this.sub.dispose();
    this.extraSub?.dispose();
    this.changed.dispose();
  }
}

export function unitItem(v: UnitView): vscode.TreeItem & { unitId: string; unitKey: string } {
  const label = v.stale ? `${v.name} (stale)` : v.name;
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed) as vscode.TreeItem & { unitId: string; unitKey: string };
  // These properties let unit commands take the tree item as their first argument; the key names
  // the account too (the same charger can be in two accounts).
  item.unitId = v.unitId;
  item.unitKey = v.key;
  item.id = `unit:${v.accountId}:${v.unitId}`;
  const b = badgeFor(v);
  item.iconPath = new vscode.ThemeIcon(b.icon, b.color ? new vscode.ThemeColor(b.color) : undefined);
  item.description = describeUnit(v);
  // The tooltip is built in resolveTreeItem, when the row is hovered: most rows never are, and on
  // every refresh the Markdown of each row was the tree's largest cost (bench/load.ts).
  item.contextValue = unitContextValue(v);
  item.accessibilityInformation = { label: `${v.name}, ${describeUnit(v)}` };
  return item;
}

/** The Markdown tooltip of a unit row (untrusted, no theme icons: names come from the server). */
export function unitTooltip(v: UnitView): vscode.MarkdownString {
  const md = new vscode.MarkdownString(unitTooltipMarkdown(v));
  md.supportThemeIcons = false;
  md.isTrusted = false;
  return md;
}

/** Counts charging units for the view badge. */
export function chargingCount(units: UnitView[]): number {
  return units.filter((u) => presentedState(u) === 'charging').length;
}
