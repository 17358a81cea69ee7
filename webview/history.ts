// History tab: sessions (paged), sortable table, CSV export, and the selected session's power plot.
import uPlot from 'uplot';
import type { HistorySession, PlotPoint } from '../src/protocol/messages';
import { formatCents, formatDuration, formatEnergyWh } from '../src/domain/format';
import { sessionsToCsv } from './csv';
import { energyUnderCurveWh, plotIntervalsForWidth, toPlotColumns } from './plot';
import { clear, errorInfoOf, h, localTime, shownTimeZone, showMessage } from './dom';
import type { Rpc } from './rpc';

type SortKey = 'timeStart' | 'timeEnd' | 'durationS' | 'energyWh' | 'savingsCents';
export interface HistoryUiState {
  sortKey: SortKey;
  sortDesc: boolean;
  selectedSessionId?: number;
  /** Pages read so far ("Load more"): a page rebuilt after being discarded reads as many again. */
  pagesLoaded?: number;
}

/** Pages a rebuilt page reads back at most (the simulator's pages hold 20 sessions). */
const MAX_RESTORED_PAGES = 50;

const COLUMNS: { key: SortKey; label: string; num?: boolean; show: (s: HistorySession) => string }[] = [
  { key: 'timeStart', label: 'Start', show: (s) => localTime(s.timeStart) },
  { key: 'timeEnd', label: 'End', show: (s) => localTime(s.timeEnd) },
  { key: 'durationS', label: 'Charging time', num: true, show: (s) => (s.durationS === undefined ? 'unknown' : formatDuration(s.durationS)) },
  { key: 'energyWh', label: 'Energy (kWh)', num: true, show: (s) => (s.energyWh === undefined ? 'unknown' : (s.energyWh / 1000).toFixed(2)) },
  { key: 'savingsCents', label: 'Savings', num: true, show: (s) => (s.savingsCents === undefined ? '—' : formatCents(s.savingsCents)) },
];

export interface SessionTotals {
  count: number;
  energyWh: number;
  durationS: number;
  savingsCents: number;
}

/** Sums of the loaded sessions; a value the server did not send counts as nothing (never a made-up figure). */
export function sessionTotals(sessions: readonly HistorySession[]): SessionTotals {
  const t: SessionTotals = { count: sessions.length, energyWh: 0, durationS: 0, savingsCents: 0 };
  for (const s of sessions) {
    t.energyWh += s.energyWh ?? 0;
    t.durationS += s.durationS ?? 0;
    t.savingsCents += s.savingsCents ?? 0;
  }
  return t;
}

/** The CSV's file name: the charger's name made safe for a file system ("Garage / left" → "Garage-left-charging-history.csv"). */
export function csvFileName(chargerName: string | undefined): string {
  const base = (chargerName ?? '')
    .normalize('NFKD')
    .replace(/[^\w\s-]+/g, ' ')
    .trim()
    .replace(/[\s_-]+/g, '-')
    .slice(0, 60);
  return `${base || 'charger'}-charging-history.csv`;
}

/**
 * Draws a power plot (kW over local time) into `host`; returns the uPlot instance. The read-out
 * shows the time as the session table does (localTime). Exported for the bench and the Overview.
 */
export function drawPowerPlot(host: HTMLElement, points: readonly PlotPoint[], widthPx: number, heightPx = 260): uPlot {
  const data = toPlotColumns(points);
  const opts: uPlot.Options = {
    width: Math.max(200, widthPx),
    height: heightPx,
    // The time axis in the charger's zone (uPlot would use the browser's).
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), shownTimeZone()),
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
  private readonly totals = h('p', { class: 'totals', 'data-testid': 'history-totals' });
  private readonly exportBtn = h('vscode-button', { 'data-testid': 'export-csv' }, 'Export CSV');
  private readonly exportAllBtn = h('vscode-button', { secondary: true, 'data-testid': 'export-csv-all' }, 'Export all sessions…');
  private readonly cancelBtn = h('vscode-button', { secondary: true, 'data-testid': 'export-cancel', hidden: true }, 'Cancel');
  /** "Export all sessions" is reading pages; Cancel sets this. */
  private exportRun: { cancelled: boolean } | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly rpc: Rpc,
    private readonly ui: HistoryUiState,
    private readonly saveUi: () => void,
    /** The charger's name, for the CSV's file name. */
    private readonly chargerName: () => string | undefined = () => undefined,
  ) {
    const exportBtn = this.exportBtn;
    exportBtn.addEventListener('click', () => void this.exportCsv());
    this.exportAllBtn.addEventListener('click', () => void this.exportAll());
    this.cancelBtn.addEventListener('click', () => {
      if (this.exportRun) this.exportRun.cancelled = true;
    });
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
      h('div', { class: 'toolbar' }, exportBtn, this.exportAllBtn, this.cancelBtn, this.moreBtn),
      this.msg,
      this.totals,
      this.tableHost,
      h('h3', { text: 'Power' }),
      this.plotInfo,
      this.plotHost,
    );
  }

  /** The charger's zone became known or changed: its times are shown again in it. */
  zoneChanged(): void {
    if (this.sessions.length > 0) this.renderTable();
    this.redraw();
  }

  /** Loads the first page once the tab is shown. */
  async activate(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    // Restoring: as many pages as were loaded before the page was discarded.
    const pages = Math.min(MAX_RESTORED_PAGES, Math.max(1, this.ui.pagesLoaded ?? 1));
    await this.loadPage();
    for (let i = 1; i < pages && this.continuityToken; i++) await this.loadPage();
    // Restoring: read on (a few pages at most) until the session that was selected is back.
    const wanted = this.ui.selectedSessionId;
    for (let i = 0; wanted !== undefined && i < 5 && this.continuityToken && !this.sessions.some((s) => s.id === wanted); i++) await this.loadPage();
    if (wanted !== undefined && this.sessions.some((s) => s.id === wanted)) {
      await this.select(wanted);
    } else if (this.sessions.length > 0) {
      showMessage(this.plotInfo, 'info', 'Select a session above (click, or Enter) to plot its power.');
    }
  }

  /** Reads the next page; false when it failed (the message says why). */
  private async loadPage(progress?: string): Promise<boolean> {
    if (this.loadingPage) return false;
    this.loadingPage = true;
    this.moreBtn.setAttribute('disabled', '');
    showMessage(this.msg, 'info', progress ?? 'Loading history…');
    let ok = false;
    try {
      const page = await this.rpc.call('getHistoryPage', { continuityToken: this.continuityToken });
      this.sessions.push(...page.sessions);
      this.continuityToken = page.continuityToken;
      this.ui.pagesLoaded = this.pagesRead += 1;
      this.saveUi();
      showMessage(
        this.msg,
        'info',
        `${this.sessions.length} session${this.sessions.length === 1 ? '' : 's'}${this.continuityToken ? ' (more available)' : ''}.`,
      );
      this.renderTable();
      ok = true;
    } catch (e) {
      this.loaded = this.sessions.length > 0;
      const info = errorInfoOf(e);
      showMessage(this.msg, 'error', `Could not read the history: ${info.message}`, info.nextStep);
    } finally {
      this.loadingPage = false;
      this.moreBtn.removeAttribute('disabled');
    }
    this.moreBtn.hidden = !this.continuityToken;
    return ok;
  }

  private pagesRead = 0;

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
      const btn = h('button', { class: 'sort', 'data-sort': c.key, type: 'button' }, c.label + (active ? (this.ui.sortDesc ? ' ▼' : ' ▲') : ''));
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
      headRow.append(
        h('th', { scope: 'col', class: c.num ? 'num' : undefined, 'aria-sort': active ? (this.ui.sortDesc ? 'descending' : 'ascending') : undefined }, btn),
      );
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
      for (const c of COLUMNS) row.append(h('td', { class: c.num ? 'num' : undefined, text: c.show(s) }));
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
    const t = sessionTotals(this.sessions);
    const foot = h(
      'tr',
      { 'data-testid': 'history-totals-row' },
      h('td', { colspan: 2, text: `Total of ${t.count} session${t.count === 1 ? '' : 's'}` }),
      h('td', { class: 'num', text: formatDuration(t.durationS) }),
      h('td', { class: 'num', text: (t.energyWh / 1000).toFixed(2) }),
      h('td', { class: 'num', text: formatCents(t.savingsCents) }),
    );
    this.totals.textContent = `${t.count} session${t.count === 1 ? '' : 's'} loaded: ${formatEnergyWh(t.energyWh)}, ${formatDuration(t.durationS)} of charging, ${formatCents(t.savingsCents)} saved.`;
    this.tableHost.append(h('table', { class: 'sessions', 'data-testid': 'history-table' }, h('thead', {}, headRow), body, h('tfoot', {}, foot)));
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
      showMessage(
        this.plotInfo,
        'ok',
        `Energy under the curve: ${kwh.toFixed(2)} kWh, from ${points.length} power readings. Drag to zoom, double-click to reset.`,
      );
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
      const r = await this.rpc.call('saveCsv', { csv: sessionsToCsv(this.sorted()), suggestedName: csvFileName(this.chargerName()) });
      showMessage(this.msg, r.saved ? 'ok' : 'info', r.saved ? `Saved ${this.sessions.length} sessions to ${r.path}.` : 'Export cancelled.');
    } catch (e) {
      const info = errorInfoOf(e);
      showMessage(this.msg, 'error', `Could not export: ${info.message}`, info.nextStep);
    }
  }

  /** Reads every remaining page (with progress and Cancel), then exports all sessions. */
  private async exportAll(): Promise<void> {
    if (this.exportRun) return;
    const run = { cancelled: false };
    this.exportRun = run;
    this.exportAllBtn.setAttribute('disabled', '');
    this.exportBtn.setAttribute('disabled', '');
    this.cancelBtn.hidden = false;
    try {
      if (!this.loaded) {
        this.loaded = true;
        if (!(await this.loadPage('Reading the history…'))) return;
      }
      while (this.continuityToken && !run.cancelled) {
        if (!(await this.loadPage(`Reading every session: ${this.sessions.length} so far…`))) return;
      }
      if (run.cancelled) {
        showMessage(this.msg, 'info', `Export cancelled after reading ${this.sessions.length} sessions; they stay in the table.`);
        return;
      }
      await this.exportCsv();
    } finally {
      this.exportRun = undefined;
      this.cancelBtn.hidden = true;
      this.exportAllBtn.removeAttribute('disabled');
      this.exportBtn.removeAttribute('disabled');
    }
  }
}
