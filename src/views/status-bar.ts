// The status bar item: total charging power, unreachable units on a warning background; click
// opens the unit's panel (one unit) or a quick pick of units. Renders the store only.
import * as vscode from 'vscode';
import type { UnitStore } from '../state/unit-store';
import { statusBarModel, StatusBarModel } from './unit-format';
import { pickCharger } from './charger-picker';

export const STATUS_BAR_ID = 'juicenet.status';
export const PICK_UNIT_COMMAND = 'juicenet.statusBar.pick';

export class ChargingStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private model: StatusBarModel = { visible: false, text: '', tooltip: '', warning: false };
  enabled: boolean;

  constructor(
    private readonly store: UnitStore,
    enabled: boolean,
  ) {
    this.enabled = enabled;
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'JuiceNet Charging';
    this.item.command = PICK_UNIT_COMMAND;
    this.disposables.push(
      this.item,
      store.onDidChangeUnits(() => this.render()),
      vscode.commands.registerCommand(PICK_UNIT_COMMAND, () => this.pick()),
    );
    this.render();
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.render();
  }

  render(): void {
    this.model = statusBarModel(this.store.units(), this.enabled);
    this.item.text = this.model.text;
    this.item.tooltip = this.model.tooltip;
    this.item.backgroundColor = this.model.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: this.model.tooltip.split('\n').join(', ') };
    if (this.model.visible) this.item.show();
    else this.item.hide();
  }

  snapshot(): { text: string; tooltip: string; visible: boolean; backgroundColor?: string } {
    return {
      text: this.model.text,
      tooltip: this.model.tooltip,
      visible: this.model.visible,
      backgroundColor: this.model.warning ? 'statusBarItem.warningBackground' : undefined,
    };
  }

  private async pick(): Promise<void> {
    const units = this.store.units();
    if (units.length === 0) return;
    let key = units[0].key;
    if (units.length > 1) {
      const choice = await pickCharger(units, { placeHolder: 'Open which charger?' });
      if (!choice) return;
      key = choice.key;
    }
    // The key names the account too: the same charger can be in two accounts.
    await vscode.commands.executeCommand('juicenet.openUnitPanel', key);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
