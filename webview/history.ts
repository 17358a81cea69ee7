// History tab: sessions (paged), sortable table, CSV export, and the selected session's power plot.
import uPlot from 'uplot';
import type { HistorySession, PlotPoint } from '../src/protocol/messages';
import { formatDuration } from '../src/domain/format';
import { sessionsToCsv } from './csv';
import { energyUnderCurveWh, plotIntervalsForWidth, toPlotColumns } from './plot';
import { clear, errorInfoOf, h, localTime, showMessage } from './dom';
import type { Rpc } from './rpc';

type SortKey = 'timeStart' | 'timeEnd' | 'durationS' | 'energyWh' | 'savingsCents';
export interface HistoryUiState {
  sortKey: SortKey;
  sortDesc: boolean;
  selectedSessionId?: number;
}

const COLUMNS: { key: SortKey; label: string; show: (s: HistorySession) => string }[] = [
  { key: 'timeStart', label: 'Start', show: (s) => localTime(s.timeStart) },
  { key: 'timeEnd', label: 'End', show: (s) => localTime(s.timeEnd) },
  { key: 'durationS', label: 'Charging time', show: (s) => (s.durationS === undefined ? 'unknown' : formatDuration(s.durationS)) },
  { key: 'energyWh', label: 'Energy (kWh)', show: (s) => (s.energyWh === undefined ? 'unknown' : (s.energyWh / 1000).toFixed(2)) },
  { key: 'savingsCents', label: 'Savings', show: (s) => (s.savingsCents === undefined ? '—' : `$${(s.savingsCents / 100).toFixed(2)}`) },
];

/**
 * Draws a power plot (kW over local time) into `host`; returns the uPlot instance. The read-out
 * shows the time as the session table does (localTime). Exported for the bench and the Overview.
 */
export function drawPowerPlot(host: HTMLElement, points: readonly PlotPoint[], widthPx: number, heightPx = 260): uPlot {
  const data = toPlotColumns(points);
  const opts: uPlot.Options = {
    width: Math.max(200, widthPx),
    height: heightPx,
    // Local time axis; uPlot formats epoch seconds in the browser's time zone.
    scales: { x: { time: true }, kW: { auto: true, range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] } },
    axes: [
      { stroke: cssVar('--vscode-foreground', '#888'), grid: { stroke: cssVar('--vscode-editorWidget-border', '#8884') } },
      { scale: 'kW', label: 'kW', stroke: cssVar('--vscode-foreground', '#888'), grid: { stroke: cssVar('--vscode-editorWidget-border', '#8884') } },
    ],
    series: [
      { label: 'Time', value: (_u, v) => (v == null ? '—' : localTime(v)) },
      { label: 'Power', scale: 'kW', stroke: cssVar('--vscode-charts-blue', '#3794ff'), width: 2, value: (_u, v) => (v == null ? '—' : `${v.toFixed(2)} kW`) },
    ],
    // Drag to zoom on x; double-click resets (uPlot's default).
    cursor: { drag: { x: true, y: false } },
    legend: { show: true, live: true },
  };
  return new uPlot(opts, data, host);
}

export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export class HistoryTab {
  private sessions: HistorySession[] = [];
  private continuityToken: string | undefined;
  private loaded = false;
  /** A page request is on its way: "Load more" must not ask for the same page twice. */
  private loadingPage = false;
  private plot: uPlot | undefined;
  private plotPoints: PlotPoint[] = [];
  private readonly tableHost = h('div', { class: 'table-host' });
  private readonly msg = h('p', { class: 'message' });
  // Hidden until the first page is in: before that there is no continuity token to page on.
  private readonly moreBtn = h('vscode-button', { secondary: true, 'data-testid': 'load-more', hidden: true }, 'Load more');
  private readonly plotHost = h('div', { class: 'plot-host', 'data-testid': 'plot' });
  private readonly plotInfo = h('p', { class: 'plot-info', 'data-testid': 'plot-energy' });

  constructor(
    private readonly root: HTMLElement,
    private readonly rpc: Rpc,
    private readonly ui: HistoryUiState,
    private readonly saveUi: () => void,
  ) {
    const exportBtn = h('vscode-button', { 'data-testid': 'export-csv' }, 'Export CSV');
    exportBtn.addEventListener('click', () => void this.exportCsv());
    this.moreBtn.addEventListener('click', () => void this.loadPage());
    // uPlot draws on a canvas with colours read once: redraw when VS Code switches theme (body class).
    new MutationObserver(() => this.redraw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    // The plot has a fixed pixel width: follow the panel's width (debounced: a drag resizes many times).
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    new ResizeObserver(() => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => this.fitPlotWidth(), 120);
    }).observe(this.plotHost);
    root.append(
      h('div', { class: 'toolbar' }, exportBtn, this.moreBtn),
      this.msg,
      this.tableHost,
      h('h3', { text: 'Power' }),
      this.plotInfo,
      this.plotHost,
    );
  }

  /** Loads the first page once the tab is shown. */
  async activate(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    await this.loadPage();
    // Restoring: read on (a few pages at most) until the session that was selected is back.
    const wanted = this.ui.selectedSessionId;
    for (let i = 0; wanted !== undefined && i < 5 && this.continuityToken && !this.sessions.some((s) => s.id === wanted); i++) await this.loadPage();
    if (wanted !== undefined && this.sessions.some((s) => s.id === wanted)) {
      await this.select(wanted);
    } else if (this.sessions.length > 0) {
      showMessage(this.plotInfo, 'info', 'Select a session above (click, or Enter) to plot its power.');
    }
  }

  private async loadPage(): Promise<void> {
    if (this.loadingPage) return;
    this.loadingPage = true;
    this.moreBtn.setAttribute('disabled', '');
    showMessage(this.msg, 'info', 'Loading history…');
    try {
      const page = await this.rpc.call('getHistoryPage', { continuityToken: this.continuityToken });
      this.sessions.push(...page.sessions);
      this.continuityToken = page.continuityToken;
      showMessage(this.msg, 'info', `${this.sessions.length} session${this.sessions.length === 1 ? '' : 's'}${this.continuityToken ? ' (more available)' : ''}.`);
      this.renderTable();
    } catch (e) {
      this.loaded = this.sessions.length > 0;
      const info = errorInfoOf(e);
      showMessage(this.msg, 'error', `Could not read the history: ${info.message}`, info.nextStep);
    } finally {
      this.loadingPage = false;
      this.moreBtn.removeAttribute('disabled');
    }
    this.moreBtn.hidden = !this.continuityToken;
  }

  private sorted(): HistorySession[] {
    const { sortKey, sortDesc } = this.ui;
    return [...this.sessions].sort((a, b) => {
      const x = a[sortKey];
      const y = b[sortKey];
      // Unknown values sort last whatever the direction.
      if (x === undefined) return y === undefined ? 0 : 1;
      if (y === undefined) return -1;
      return sortDesc ? y - x : x - y;
    });
  }

  private renderTable(): void {
    clear(this.tableHost);
    const headRow = h('tr');
    for (const c of COLUMNS) {
      const active = this.ui.sortKey === c.key;
      const btn = h('button', { class: 'sort', 'data-sort': c.key }, c.label + (active ? (this.ui.sortDesc ? ' ▼' : ' ▲') : ''));
      btn.addEventListener('click', () => {
        if (this.ui.sortKey === c.key) this.ui.sortDesc = !this.ui.sortDesc;
        else {
          this.ui.sortKey = c.key;
          this.ui.sortDesc = true;
        }
        this.saveUi();
        this.renderTable();
      });
      // aria-sort belongs on the column header, not on the button inside it.
      headRow.append(h('th', { scope: 'col', 'aria-sort': active ? (this.ui.sortDesc ? 'descending' : 'ascending') : undefined }, btn));
    }
    const body = h('tbody');
    for (const s of this.sorted()) {
      const selected = s.id !== undefined && s.id === this.ui.selectedSessionId;
      const row = h('tr', {
        class: selected ? 'selected' : '',
        'data-session-id': s.id,
        tabindex: s.id === undefined ? undefined : 0,
        'aria-selected': s.id === undefined ? undefined : String(selected),
      });
      for (const c of COLUMNS) row.append(h('td', { text: c.show(s) }));
      if (s.id !== undefined) {
        const id = s.id;
        row.title = 'Show this session’s power plot';
        row.addEventListener('click', () => void this.select(id));
        row.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter' || ev.key === ' ') {
            // Space would also scroll the page.
            ev.preventDefault();
            void this.select(id);
          }
        });
      } else row.title = 'The server sent no session id: no plot for this one';
      body.append(row);
    }
    this.tableHost.append(h('table', { class: 'sessions', 'data-testid': 'history-table' }, h('thead', {}, headRow), body));
  }

  private async select(sessionId: number): Promise<void> {
    this.ui.selectedSessionId = sessionId;
    this.saveUi();
    this.renderTable();
    const width = this.plotHost.clientWidth || this.root.clientWidth || 600;
    showMessage(this.plotInfo, 'info', 'Loading the power plot…');
    try {
      const points = await this.rpc.call('getPlot', { sessionId, intervals: plotIntervalsForWidth(width) });
      this.plot?.destroy();
      this.plot = undefined;
      clear(this.plotHost);
      if (points.length === 0) {
        showMessage(this.plotInfo, 'info', 'The server has no power data for this session.');
        return;
      }
      this.plotPoints = points;
      this.plot = drawPowerPlot(this.plotHost, points, width);
      const kwh = energyUnderCurveWh(points) / 1000;
      showMessage(this.plotInfo, 'ok', `Energy under the curve: ${kwh.toFixed(2)} kWh (${points.length} points). Drag to zoom, double-click to reset.`);
    } catch (e) {
      const info = errorInfoOf(e);
      showMessage(this.plotInfo, 'error', `Could not read the power plot: ${info.message}`, info.nextStep);
    }
  }

  private redraw(): void {
    if (!this.plot || this.plotPoints.length === 0) return;
    const width = this.plot.width;
    this.plot.destroy();
    clear(this.plotHost);
    this.plot = drawPowerPlot(this.plotHost, this.plotPoints, width);
  }

  /** Resizes the plot to its host's width (the panel was resized). */
  private fitPlotWidth(): void {
    if (!this.plot) return;
    const width = Math.max(200, this.plotHost.clientWidth);
    if (this.plotHost.clientWidth === 0 || Math.abs(width - this.plot.width) < 2) return;
    this.plot.setSize({ width, height: this.plot.height });
  }

  /** Test hook: the plot's width in CSS pixels (0 without a plot). */
  plotWidth(): number {
    return this.plot ? this.plot.width : 0;
  }

  /** Test/bench hook: the drawn series length. */
  plotLength(): number {
    return this.plot ? this.plot.data[0].length : 0;
  }

  private async exportCsv(): Promise<void> {
    if (this.sessions.length === 0) {
      showMessage(this.msg, 'info', 'Nothing to export yet.');
      return;
    }
    try {
      const r = await this.rpc.call('saveCsv', { csv: sessionsToCsv(this.sorted()), suggestedName: 'juicenet-history.csv' });
      showMessage(this.msg, r.saved ? 'ok' : 'info', r.saved ? `Saved ${this.sessions.length} sessions to ${r.path}.` : 'Export cancelled.');
    } catch (e) {
      const info = errorInfoOf(e);
      showMessage(this.msg, 'error', `Could not export: ${info.message}`, info.nextStep);
    }
  }
}
