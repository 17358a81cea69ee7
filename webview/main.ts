// The unit panel's entry point: tabs, UI state and unsaved form edits kept with vscode.setState
// (the panel is not retained when hidden), and the push of the unit's live state.
import './zod-config';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import './panel.css';
import { Rpc } from './rpc';
import { h, clear, setShownZone } from './dom';
import { OverviewTab } from './overview';
import { HistoryTab, type HistoryUiState } from './history';
import { InfoTab } from './info';
import { ScheduleTab } from './schedule';
import { NotificationsTab } from './notifications';
import { InsightsTab, type InsightsUiState } from './insights';
import { draftStore, parseDrafts, type Drafts } from './drafts';
import type { UnitSnapshot } from '../src/protocol/messages';

const TABS = ['Overview', 'History', 'Info', 'Schedule', 'Notifications', 'Insights'] as const;

/** What survives the webview being discarded while hidden. The serializer reads unitKey (account and unit). */
interface UiState {
  unitKey: string;
  tab: number;
  history: HistoryUiState;
  insights: InsightsUiState;
  /** Unsaved edits of the forms (webview/drafts.ts); absent when there are none. */
  drafts?: Drafts;
}

const app = document.getElementById('app')!;
const unitKey = app.dataset.unitKey ?? '';
const rpc = new Rpc();
const saved = rpc.vscode.getState() as (Partial<UiState> & { unitId?: string }) | undefined;
// A state saved before the field was named unitKey held the key as unitId.
const savedKey = saved?.unitKey ?? saved?.unitId;
const state: UiState = {
  unitKey,
  tab: typeof saved?.tab === 'number' && saved.tab >= 0 && saved.tab < TABS.length ? saved.tab : 0,
  history: { sortKey: 'timeStart', sortDesc: true, ...(savedKey === unitKey ? saved?.history : {}) },
  insights: { scope: 'unit', period: 'month', metric: 'energy', ...(savedKey === unitKey ? saved?.insights : {}) },
};
// Another unit's drafts (a state restored into a different panel) are not this unit's edits.
const drafts: Drafts = savedKey === unitKey ? parseDrafts(saved?.drafts) : {};
const saveUi = () => rpc.vscode.setState(Object.keys(drafts).length ? { ...state, drafts } : state);
const store = draftStore(drafts, saveUi);
saveUi();

clear(app);
const tabs = h('vscode-tabs', { 'selected-index': state.tab, 'data-testid': 'tabs' });
const panels = TABS.map((name) => {
  tabs.append(h('vscode-tab-header', { slot: 'header', 'data-tab': name.toLowerCase() }, name));
  const p = h('vscode-tab-panel', { 'data-panel': name.toLowerCase() });
  tabs.append(p);
  return p;
});
app.append(tabs);

const overviewRoot = h('div', { class: 'overview' });
panels[0].append(overviewRoot);
const overview = new OverviewTab(overviewRoot, rpc);
let unitName: string | undefined;
const history = new HistoryTab(panels[1], rpc, state.history, saveUi, () => unitName);
const info = new InfoTab(panels[2], rpc, store);
const schedule = new ScheduleTab(panels[3], rpc, store);
const notifications = new NotificationsTab(panels[4], rpc, store);
const insights = new InsightsTab(panels[5], rpc, state.insights, saveUi);
const activators = [
  () => overview.activate(),
  () => history.activate(),
  () => info.activate(),
  () => schedule.activate(),
  () => notifications.activate(),
  () => insights.activate(),
];

tabs.addEventListener('vsc-tabs-select', (ev) => {
  const idx = (ev as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
  state.tab = idx;
  saveUi();
  void activators[idx]?.();
});

rpc.onShowInsights = (scope) => {
  const idx = TABS.indexOf('Insights');
  state.tab = idx;
  saveUi();
  (tabs as unknown as { selectedIndex: number }).selectedIndex = idx;
  void insights.show(scope);
};
rpc.onUnit = (u: UnitSnapshot | null) => {
  // Every time on the page is in the charger's zone (the host says which), not the browser's.
  if (setShownZone(u?.zone)) history.zoneChanged();
  overview.update(u);
  unitName = u?.name;
  if (u) document.title = u.name;
};
rpc.ready();
void activators[state.tab]?.();
// The Overview's chart wants the last hour whichever tab the page comes back on.
if (state.tab !== 0) void overview.activate();

// For the browser tests and the benchmark: read-only views into the page's state.
(window as unknown as { juicenetPanel: unknown }).juicenetPanel = {
  historyPlotLength: () => history.plotLength(),
  historyPlotWidth: () => history.plotWidth(),
  overviewChartLength: () => overview.chartLength(),
  insightsBars: () => insights.bars(),
};
