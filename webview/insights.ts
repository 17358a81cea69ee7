// Insights tab: energy, cost, savings against gasoline and CO2 per day, week, month and year, with
// the previous period, a calendar of charging days, and CSV exports; for this charger or for every
// charger of its account. The maths is src/domain/insights (shared with the tests); this file draws.
import uPlot from 'uplot';
import './insights.css';
import {
  aggregate,
  calendar,
  describeTariff,
  missingFacts,
  monthlySummaryCsv,
  parseTariffSetting,
  percentChange,
  sessionFigures,
  sessionFiguresToCsv,
  DEFAULT_GRID_CO2_G_PER_KWH,
  GASOLINE_CO2_SOURCE,
  GRID_CO2_SOURCE,
  PERIODS,
  PERIODS_SHOWN,
  type Aggregation,
  type Bucket,
  type InsightOptions,
  type Period,
  type SessionFigures,
  type Totals,
} from '../src/domain/insights';
import { isoDate, localDayNumber } from '../src/domain/time-zone';
import { formatCents, formatEnergyWh } from '../src/domain/format';
import { fieldLabel } from '../src/domain/labels';
import type { Result } from '../src/protocol/messages';
import { clear, errorInfoOf, h, showMessage } from './dom';
import type { Rpc } from './rpc';

export type Metric = 'energy' | 'cost' | 'savings' | 'co2';
export interface InsightsUiState {
  scope: 'unit' | 'account';
  period: Period;
  metric: Metric;
}
export type InsightsData = Result<'getInsights'>;

const METRICS: { key: Metric; label: string; unit: string }[] = [
  { key: 'energy', label: 'Energy', unit: 'kWh' },
  { key: 'cost', label: 'Cost', unit: '$' },
  { key: 'savings', label: 'Savings vs gasoline', unit: '$' },
  { key: 'co2', label: 'Grid CO2', unit: 'kg' },
];
const PERIOD_LABEL: Record<Period, string> = { day: 'Day', week: 'Week', month: 'Month', year: 'Year' };
const PERIOD_WORD: Record<Period, string> = { day: 'today', week: 'this week', month: 'this month', year: 'this year' };
const PREVIOUS_WORD: Record<Period, string> = { day: 'yesterday', week: 'last week', month: 'last month', year: 'last year' };

/** A metric's value in a bucket, in the chart's unit (kWh, dollars, kg). */
export function metricValue(t: Totals, m: Metric): number {
  switch (m) {
    case 'energy':
      return t.energyWh / 1000;
    case 'cost':
      return t.costCents / 100;
    case 'savings':
      return t.savingsCents / 100;
    case 'co2':
      return t.gridCo2G / 1000;
  }
}

function formatMetric(t: Totals, m: Metric): string {
  switch (m) {
    case 'energy':
      return formatEnergyWh(t.energyWh);
    case 'cost':
      return t.sessions > 0 && t.costUnknown === t.sessions ? 'unknown' : formatCents(t.costCents);
    case 'savings':
      return t.sessions > 0 && t.savingsUnknown === t.sessions ? 'unknown' : formatCents(t.savingsCents);
    case 'co2':
      return `${(t.gridCo2G / 1000).toFixed(1)} kg`;
  }
}

export interface Computed {
  /** The sessions the history lists (what the exports hold). */
  figures: SessionFigures[];
  /** The figures and the sessions running now: what the cards, the chart and the calendar sum. */
  withRunning: SessionFigures[];
  /** The first local day any charger's history covers (undefined without sessions). */
  firstDay?: number;
  options: InsightOptions;
  tariffErrors: string[];
  tariffText: string[];
  today: number;
  names: Record<string, string>;
}

/** Every session's figures under the settings the host sent (validated here, with the problems kept). */
export function computeFigures(data: InsightsData): Computed {
  const parsed = parseTariffSetting({ mode: data.tariff.mode, weekday: data.tariff.weekday, weekend: data.tariff.weekend });
  const co2 =
    typeof data.co2GramsPerKwh === 'number' && Number.isFinite(data.co2GramsPerKwh) && data.co2GramsPerKwh >= 0
      ? data.co2GramsPerKwh
      : DEFAULT_GRID_CO2_G_PER_KWH;
  // An invalid tariff is not silently replaced: costs stay unknown until it is fixed.
  const timeOfUse = parsed.ok && parsed.mode === 'timeOfUse' ? parsed.tariff : undefined;
  const options: InsightOptions = { timeOfUse, gridCo2GPerKwh: co2 };
  const figures: SessionFigures[] = [];
  const running: SessionFigures[] = [];
  const names: Record<string, string> = {};
  const tariffText: string[] = [];
  for (const c of data.chargers) {
    names[c.unitId] = c.name;
    const facts = {
      unitId: c.unitId,
      name: c.name,
      zone: c.zone,
      ecostCents: c.ecostCents,
      gasCentsPerGallon: c.gasCentsPerGallon,
      mpg: c.mpg,
      whPerMile: c.whPerMile,
      priceHistory: c.priceHistory,
    };
    const opts = parsed.ok ? options : { ...options, timeOfUse: undefined };
    // An invalid tariff leaves every cost unknown (the charger's prices included) until it is fixed.
    const costFacts = parsed.ok ? facts : { ...facts, ecostCents: undefined, priceHistory: undefined };
    for (const s of c.sessions) {
      const f = sessionFigures(s, costFacts, opts);
      if (f) figures.push(f);
    }
    if (c.running) {
      const f = sessionFigures({ timeStart: c.running.timeStart, energyWh: c.running.energyWh }, costFacts, opts);
      if (f) running.push(f);
    }
    if (!timeOfUse && parsed.ok)
      tariffText.push(
        c.ecostCents === undefined
          ? `${c.name}: no electricity price reported (Info › ${fieldLabel('ecost')}), so no cost`
          : `${c.name}: ${describeTariff({ kind: 'flat', centsPerKwh: c.ecostCents })}`,
      );
  }
  if (timeOfUse) tariffText.push(describeTariff(timeOfUse));
  const home = data.chargers[0]?.zone ?? 'UTC';
  const withRunning = [...figures, ...running];
  const firstDay = withRunning.length ? Math.min(...withRunning.map((f) => f.day)) : undefined;
  return { figures, withRunning, firstDay, options, tariffErrors: parsed.ok ? [] : parsed.errors, tariffText, today: localDayNumber(home, data.nowS), names };
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Bar chart of one metric per bucket (uPlot). Exported for the benchmark. */
export function drawBars(host: HTMLElement, agg: Aggregation, metric: Metric, widthPx: number): uPlot {
  const labels = agg.buckets.map((b) => shortLabel(agg.period, b));
  const xs = agg.buckets.map((_, i) => i);
  const ys = agg.buckets.map((b) => metricValue(b, metric));
  const m = METRICS.find((x) => x.key === metric)!;
  const fg = cssVar('--vscode-foreground', '#888');
  const grid = cssVar('--vscode-editorWidget-border', '#8884');
  const opts: uPlot.Options = {
    width: Math.max(240, widthPx),
    height: 220,
    scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(max * 1.1, 0.001)] } },
    axes: [
      { stroke: fg, grid: { show: false }, values: (_u, splits) => splits.map((i) => labels[i] ?? ''), space: 40 },
      { stroke: fg, grid: { stroke: grid }, label: m.unit, size: 56 },
    ],
    series: [
      { label: PERIOD_LABEL[agg.period], value: (_u, i) => (i == null ? '—' : (agg.buckets[i]?.label ?? '')) },
      {
        label: m.label,
        fill: cssVar('--vscode-charts-green', '#388a34'),
        stroke: cssVar('--vscode-charts-green', '#388a34'),
        paths: uPlot.paths.bars!({ size: [0.7, 64] }),
        points: { show: false },
        value: (_u, v) => (v == null ? '—' : `${v.toFixed(2)} ${m.unit}`),
      },
    ],
    cursor: { drag: { x: false, y: false } },
    legend: { show: true, live: true },
  };
  return new uPlot(opts, [xs, ys], host);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function shortLabel(p: Period, b: Bucket): string {
  const d = isoDate(b.startDay);
  if (p === 'year') return d.slice(0, 4);
  if (p === 'month') return `${MONTHS[Number(d.slice(5, 7)) - 1]} ${d.slice(2, 4)}`;
  return d.slice(5);
}

export class InsightsTab {
  private data: InsightsData | undefined;
  private computed: Computed | undefined;
  private agg: Aggregation | undefined;
  private chart: uPlot | undefined;
  private loading = false;
  private loadAgain = false;
  private loads = 0;
  private loaded = false;
  private readonly msg = h('p', { class: 'message', 'data-testid': 'insights-status' });
  private readonly problems = h('ul', { class: 'problems', 'data-testid': 'insights-problems', role: 'alert' });
  private readonly cards = h('div', { class: 'insight-cards', 'data-testid': 'insights-cards' });
  private readonly empty = h('div', { 'data-testid': 'insights-empty' });
  private readonly calendarTitle = h('h3', { text: 'Charging days (last 12 months)' });
  private readonly totals = h('p', { class: 'insight-totals', 'data-testid': 'insights-totals' });
  private readonly chartHost = h('div', { class: 'plot-host insight-chart', 'data-testid': 'insights-chart' });
  private readonly calendarHost = h('div', { class: 'insight-calendar-host', 'data-testid': 'insights-calendar' });
  private readonly how = h('dl', { class: 'fields insight-how', 'data-testid': 'insights-how' });
  private readonly scopeSel = h('select', { 'aria-label': 'Chargers', 'data-testid': 'insights-scope' });
  private readonly periodSel = h('select', { 'aria-label': 'Period', 'data-testid': 'insights-period' });
  private readonly metricSel = h('select', { 'aria-label': 'Chart', 'data-testid': 'insights-metric' });

  constructor(
    private readonly root: HTMLElement,
    private readonly rpc: Rpc,
    private readonly ui: InsightsUiState,
    private readonly saveUi: () => void,
  ) {
    this.scopeSel.append(h('option', { value: 'unit', text: 'This charger' }), h('option', { value: 'account', text: 'All chargers of this account' }));
    for (const p of PERIODS) this.periodSel.append(h('option', { value: p, text: `Per ${PERIOD_LABEL[p].toLowerCase()}` }));
    for (const m of METRICS) this.metricSel.append(h('option', { value: m.key, text: m.label }));
    this.scopeSel.value = ui.scope;
    this.periodSel.value = ui.period;
    this.metricSel.value = ui.metric;
    this.scopeSel.addEventListener('change', () => {
      this.ui.scope = this.scopeSel.value === 'account' ? 'account' : 'unit';
      this.saveUi();
      void this.load();
    });
    this.periodSel.addEventListener('change', () => {
      this.ui.period = (PERIODS as readonly string[]).includes(this.periodSel.value) ? (this.periodSel.value as Period) : 'month';
      this.saveUi();
      this.render();
    });
    this.metricSel.addEventListener('change', () => {
      this.ui.metric = (METRICS.find((m) => m.key === this.metricSel.value)?.key ?? 'energy') as Metric;
      this.saveUi();
      this.renderChart();
    });
    const reload = h('vscode-button', { secondary: true, 'data-testid': 'insights-reload' }, 'Reload');
    reload.addEventListener('click', () => void this.load());
    const csvSessions = h('vscode-button', { 'data-testid': 'insights-export-sessions' }, 'Export sessions CSV');
    csvSessions.addEventListener('click', () => void this.export('sessions'));
    const csvMonthly = h('vscode-button', { secondary: true, 'data-testid': 'insights-export-monthly' }, 'Export monthly CSV');
    csvMonthly.addEventListener('click', () => void this.export('monthly'));
    new MutationObserver(() => this.renderChart()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    new ResizeObserver(() => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        if (this.chart && this.chartHost.clientWidth > 0 && Math.abs(this.chartHost.clientWidth - this.chart.width) > 2)
          this.chart.setSize({ width: Math.max(240, this.chartHost.clientWidth), height: this.chart.height });
      }, 120);
    }).observe(this.chartHost);
    root.append(
      h('div', { class: 'toolbar insight-toolbar' }, this.scopeSel, this.periodSel, this.metricSel, reload, csvSessions, csvMonthly),
      this.msg,
      this.problems,
      this.empty,
      this.cards,
      this.totals,
      this.chartHost,
      this.calendarTitle,
      this.calendarHost,
      h('h3', { text: 'How these figures are computed' }),
      this.how,
    );
  }

  /** Shown by juicenet.openInsights: for this charger or the whole account. */
  async show(scope: 'unit' | 'account'): Promise<void> {
    if (this.loaded && scope === this.ui.scope) {
      this.renderChart();
      return;
    }
    this.ui.scope = scope;
    this.scopeSel.value = scope;
    this.saveUi();
    await this.load();
  }

  async activate(): Promise<void> {
    if (this.loaded) {
      this.renderChart();
      return;
    }
    await this.load();
  }

  /**
   * Reads the insights. Asked for while a read runs (Reload, another scope), it reads again once that
   * one ends, so the figures shown are always those of the last request, never of an earlier state
   * or scope. The tab is aria-busy until then; its data-loads counts the reads finished.
   */
  private async load(): Promise<void> {
    if (this.loading) {
      this.loadAgain = true;
      return;
    }
    this.loading = true;
    this.root.setAttribute('aria-busy', 'true');
    try {
      do {
        this.loadAgain = false;
        await this.loadOnce();
      } while (this.loadAgain);
    } finally {
      this.loading = false;
      this.loads++;
      this.root.setAttribute('aria-busy', 'false');
      this.root.setAttribute('data-loads', String(this.loads));
    }
  }

  private async loadOnce(): Promise<void> {
    showMessage(this.msg, 'info', this.ui.scope === 'account' ? 'Reading the history of every charger of this account…' : 'Reading the history…');
    try {
      const data = await this.rpc.call('getInsights', { scope: this.ui.scope });
      this.loaded = true;
      this.data = data;
      this.computed = computeFigures(data);
      const n = data.chargers.reduce((a, c) => a + c.sessions.length, 0);
      const fresh = data.chargers.reduce((a, c) => a + c.newSessions, 0);
      const chargers = data.chargers.length === 1 ? data.chargers[0].name : `${data.chargers.length} chargers`;
      showMessage(this.msg, 'info', `${chargers}: ${n} session${n === 1 ? '' : 's'} (${fresh} read from the server now, ${n - fresh} from the cache).`);
      this.render();
    } catch (e) {
      const info = errorInfoOf(e);
      showMessage(this.msg, 'error', `Could not read the insights: ${info.message}`, info.nextStep);
    }
  }

  private render(): void {
    if (!this.computed || !this.data) return;
    const c = this.computed;
    this.agg = aggregate(c.withRunning, this.ui.period, c.today, undefined, c.firstDay);
    // Problems: the tariff as typed, what each charger lacks, fetch errors.
    clear(this.problems);
    for (const e of c.tariffErrors) this.problems.append(h('li', { text: `${e} (Settings › JuiceNet › Tariff)` }));
    if (c.tariffErrors.length) this.problems.append(h('li', { text: 'Costs and savings stay unknown until the tariff is fixed.' }));
    for (const ch of this.data.chargers) {
      if (ch.error) this.problems.append(h('li', { text: `${ch.name}: ${ch.error}` }));
      const missing = missingFacts(ch, c.options);
      if (missing.length) this.problems.append(h('li', { class: 'muted', text: `${ch.name} needs ${missing.join('; ')}.` }));
      if (ch.samplesMissing > 0)
        this.problems.append(
          h('li', {
            class: 'muted',
            text: `${ch.name}: ${ch.samplesMissing} session${ch.samplesMissing === 1 ? '' : 's'} without power samples yet: costed with their energy spread evenly over the session (Reload reads more).`,
          }),
        );
      if (!ch.complete && !ch.error) this.problems.append(h('li', { class: 'muted', text: `${ch.name}: older history is still to be read (Reload goes on).` }));
    }
    this.problems.hidden = this.problems.childElementCount === 0;
    // A new charger: nothing to sum yet, said once instead of empty cards, bars and calendar.
    const empty = c.withRunning.length === 0;
    clear(this.empty);
    if (empty)
      this.empty.append(
        h('p', {
          class: 'message info',
          role: 'status',
          text: 'No charging sessions yet. The figures appear here after the first session (the one running counts too).',
        }),
      );
    for (const el of [this.cards, this.totals, this.chartHost, this.calendarTitle, this.calendarHost]) el.hidden = empty;
    if (empty) {
      this.chart?.destroy();
      this.chart = undefined;
      this.renderHow();
      return;
    }
    this.renderCards();
    this.renderChart();
    this.renderCalendar();
    this.renderHow();
  }

  private renderCards(): void {
    const a = this.agg!;
    clear(this.cards);
    const p = a.period;
    // Like for like: the period so far against the same days of the one before (this month's 1st to
    // 5th against last month's 1st to 5th), never against the whole previous period.
    const same = a.previousSameDays;
    const firstDay = this.computed?.firstDay;
    const card = (m: Metric, extra?: string) => {
      const now = metricValue(a.current, m);
      const before = same ? metricValue(same, m) : undefined;
      const change = before === undefined ? undefined : percentChange(now, before);
      const meta = METRICS.find((x) => x.key === m)!;
      const compared = same
        ? `${p === 'day' ? 'Yesterday' : `Same days ${PREVIOUS_WORD[p]}`} (${same.label}): ${formatMetric(same, m)}${change === undefined ? '' : ` (${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(0)} %)`}`
        : `No ${PREVIOUS_WORD[p]} to compare with: the history starts ${firstDay === undefined ? 'today' : isoDate(firstDay)}`;
      return h(
        'div',
        { class: 'insight-card', 'data-metric': m, 'data-current': now, 'data-previous': before ?? '' },
        h('div', { class: 'muted', text: `${meta.label}, ${PERIOD_WORD[p]}${p === 'year' || p === 'month' || p === 'week' ? ' so far' : ''}` }),
        h('div', { class: 'insight-value', text: formatMetric(a.current, m) }),
        h('div', { class: 'muted', 'data-testid': 'insights-compared', text: compared }),
        extra ? h('div', { class: 'muted', text: extra }) : null,
      );
    };
    const gas = a.current.gasolineCo2G;
    this.cards.append(
      card('energy', `${a.current.sessions} session${a.current.sessions === 1 ? '' : 's'}`),
      card('cost', a.current.costUnknown ? `${a.current.costUnknown} session${a.current.costUnknown === 1 ? '' : 's'} without a price` : undefined),
      card('savings'),
      card(
        'co2',
        a.current.gasolineCo2Unknown === a.current.sessions && a.current.sessions > 0
          ? undefined
          : `gasoline for the same miles: ${(gas / 1000).toFixed(1)} kg`,
      ),
    );
    const t = a.total;
    this.totals.dataset.energyWh = String(t.energyWh);
    this.totals.dataset.costCents = String(t.costCents);
    this.totals.dataset.sessions = String(t.sessions);
    const n = a.buckets.length;
    this.totals.textContent = `${n < PERIODS_SHOWN[p] ? `Since the history starts, ${n}` : `Last ${n}`} ${p === 'day' ? (n === 1 ? 'day' : 'days') : `${p}${n === 1 ? '' : 's'}`} (${a.buckets[0].label} to ${a.current.label}): ${t.sessions} sessions, ${formatEnergyWh(t.energyWh)}, cost ${formatMetric(t, 'cost')}, savings vs gasoline ${formatMetric(t, 'savings')}, grid CO2 ${formatMetric(t, 'co2')}.`;
  }

  private renderChart(): void {
    if (!this.agg) return;
    this.chart?.destroy();
    this.chart = undefined;
    clear(this.chartHost);
    const width = this.chartHost.clientWidth || this.root.clientWidth || 600;
    this.chart = drawBars(this.chartHost, this.agg, this.ui.metric, width);
  }

  private renderCalendar(): void {
    const c = this.computed!;
    clear(this.calendarHost);
    const days = calendar(c.withRunning, c.today, 53);
    const grid = h('div', {
      class: 'insight-calendar',
      role: 'img',
      'aria-label': `Charging days: ${days.filter((d) => d.sessions > 0).length} of the last ${days.length} days`,
    });
    for (const d of days) {
      grid.append(
        h('div', {
          class: `cal-day cal-l${d.level} cal-r${d.row}`,
          'data-date': d.date,
          'data-energy-wh': d.energyWh,
          title: `${d.date}: ${d.sessions ? `${formatEnergyWh(d.energyWh)} in ${d.sessions} session${d.sessions === 1 ? '' : 's'}` : 'no charging'}`,
        }),
      );
    }
    // Month names over the week where each month starts; Monday, Wednesday and Friday beside the rows.
    const weeks = days.length ? days[days.length - 1].column + 1 : 0;
    const months = h('div', { class: 'cal-months muted', 'aria-hidden': 'true' });
    for (let w = 0; w < weeks; w++) {
      const first = days.find((d) => d.column === w && d.date.endsWith('-01'));
      months.append(h('span', { text: first ? MONTHS[Number(first.date.slice(5, 7)) - 1] : '' }));
    }
    const rows = h('div', { class: 'cal-rows muted', 'aria-hidden': 'true' }, ...['Mon', '', 'Wed', '', 'Fri', '', ''].map((t) => h('span', { text: t })));
    const legend = h(
      'div',
      { class: 'cal-legend muted' },
      'less ',
      ...[0, 1, 2, 3, 4].map((l) => h('span', { class: `cal-day cal-l${l}` })),
      ' more (a full square: the busiest day)',
    );
    this.calendarHost.append(h('div', { class: 'cal-wrap' }, h('span'), months, rows, grid), legend);
  }

  private renderHow(): void {
    const c = this.computed!;
    const d = this.data!;
    clear(this.how);
    const row = (k: string, v: string) => this.how.append(h('dt', { text: k }), h('dd', { text: v }));
    const zones = [...new Set(d.chargers.map((x) => x.zone))].join(', ');
    row(
      'Periods',
      `Each session counts on the day it started, in the charger’s local time (${zones}); weeks start on Monday. The current period so far is compared with the same days of the one before; only periods since the history starts are shown. Today includes the session running now. Each session is costed at the electricity price in force on its day: a price change applies from the day it is made.`,
    );
    row('Energy', 'The energy of each session as the charger reports it in its charging history.');
    row(
      'Cost',
      c.tariffErrors.length
        ? 'Unknown: the time-of-use tariff in the settings has problems (listed above).'
        : c.options.timeOfUse
          ? `${c.tariffText.join('; ')}. Each session’s power over time (read from the charger once, one sample per 15 minutes) is priced interval by interval, split at every price change, midnight and clock change; the session’s reported energy is costed at that mix of prices.`
          : `${c.tariffText.join('; ')}.`,
    );
    const facts = d.chargers
      .map(
        (x) =>
          `${x.name}: gasoline ${x.gasCentsPerGallon === undefined ? 'unknown' : formatCents(x.gasCentsPerGallon)}/gallon, ${x.mpg ?? 'unknown'} mpg, ${x.whPerMile ?? 'unknown'} Wh/mile`,
      )
      .join('; ');
    row(
      'Savings vs gasoline',
      `Miles driven on the energy (energy ÷ Wh per mile) cost in gasoline (miles ÷ mpg × gasoline price), less the electricity cost. From each charger’s Info: ${facts}.`,
    );
    row(
      'Grid CO2',
      `Energy × ${c.options.gridCo2GPerKwh} g CO2 per kWh (${c.options.gridCo2GPerKwh === DEFAULT_GRID_CO2_G_PER_KWH ? GRID_CO2_SOURCE : 'your setting juicenet.insights.co2GramsPerKwh'}).`,
    );
    row('Gasoline CO2', `The gallons the same miles would have burned × 8,887 g (${GASOLINE_CO2_SOURCE}).`);
  }

  private async export(kind: 'sessions' | 'monthly'): Promise<void> {
    const c = this.computed;
    if (!c || c.figures.length === 0) {
      showMessage(this.msg, 'info', 'Nothing to export yet.');
      return;
    }
    const sorted = [...c.figures].sort((a, b) => a.startS - b.startS);
    const csv = kind === 'sessions' ? sessionFiguresToCsv(sorted, c.names) : monthlySummaryCsv(sorted);
    try {
      const r = await this.rpc.call('saveCsv', { csv, suggestedName: kind === 'sessions' ? 'juicenet-sessions.csv' : 'juicenet-monthly.csv' });
      showMessage(
        this.msg,
        r.saved ? 'ok' : 'info',
        r.saved ? `Saved ${kind === 'sessions' ? `${sorted.length} sessions` : 'the monthly summary'} to ${r.path}.` : 'Export cancelled.',
      );
    } catch (e) {
      const info = errorInfoOf(e);
      showMessage(this.msg, 'error', `Could not export: ${info.message}`, info.nextStep);
    }
  }

  /** Test hook: the drawn bars (values per bucket) and their labels. */
  bars(): { labels: string[]; values: number[] } {
    if (!this.chart || !this.agg) return { labels: [], values: [] };
    return { labels: this.agg.buckets.map((b) => b.label), values: [...(this.chart.data[1] as number[])] };
  }
}
