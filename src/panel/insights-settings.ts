// The Insights' settings (juicenet.tariff.*, juicenet.insights.*) as VS Code holds them, the history
// cache in the extension's storage, and the check that names a time-of-use tariff's problems as soon
// as it is saved.
import * as vscode from 'vscode';
import { parseTariffSetting, tariffProblemsMessage } from '../domain/insights/tariff';
import type { Logger } from '../state/contracts';
import type { KeyValueStore } from '../state/accounts';
import { HistoryCache } from '../state/history-cache';
import { PriceHistory } from '../state/price-history';
import type { InsightsHostDeps, InsightsSettings } from './insights-host';

/** The settings as typed, read when the tab asks (so edits apply on its next load). */
export function readInsightsSettings(): InsightsSettings {
  const c = vscode.workspace.getConfiguration('juicenet');
  return {
    tariff: { mode: c.get('tariff.mode'), weekday: c.get('tariff.weekday'), weekend: c.get('tariff.weekend') },
    co2GramsPerKwh: c.get('insights.co2GramsPerKwh'),
  };
}

/** What the panel's Insights tab needs from the host: the history cache in `storage`, the settings. */
export function insightsDeps(storage: KeyValueStore): InsightsHostDeps {
  return { cache: new HistoryCache(storage), prices: new PriceHistory(storage), settings: readInsightsSettings };
}

/** After a change of juicenet.tariff: overlaps and times without a price named in a warning, with Open Settings. */
export function warnOfTariffProblems(log: Logger, notify: { warn(message: string, ...actions: string[]): Thenable<string | undefined> }): void {
  const r = parseTariffSetting(readInsightsSettings().tariff);
  if (r.ok) return;
  log.warn(`Tariff settings: ${r.errors.join(' ')}`);
  void notify.warn(tariffProblemsMessage(r.errors), 'Open Settings').then((a) => {
    if (a) void vscode.commands.executeCommand('workbench.action.openSettings', 'juicenet.tariff');
  });
}
