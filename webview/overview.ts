// Overview tab: the charger's home. The reason it is (not) charging, Start/Stop, the current limit,
// Hold until, the power of the last hour (live, from the readings the extension polls) and the
// figures. Each control goes through the host's verified write (src/state/unit-writes.ts): what
// the page reports comes from the charger's read-back.
import type uPlot from 'uplot';
import type { ControlResult, PlotPoint, UnitSnapshot } from '../src/protocol/messages';
import {
  formatPowerW,
  formatEnergyWh,
  formatTimeLeft,
  formatFrequencyHz,
  formatTemperatureC,
  formatCents,
  formatAmps,
  formatVoltageV,
  formatDuration,
} from '../src/domain/format';
import { MIN_AMPS, parseAmps, validateAmps } from '../src/domain/amps';
import { parseChargingTime, validateChargingTime } from '../src/domain/charging-time';
import { clear, errorInfoOf, h, localClockTime, localTime, shownTimeZone, showMessage, showWriteError } from './dom';
import { SmartSection } from './smart';
import { drawPowerPlot } from './history';
import { energyUnderCurveWh } from './plot';
import { stateLabel as stateWords } from './words';
import type { Rpc } from './rpc';

const HOUR_S = 3600;

export class OverviewTab {
  private unit: UnitSnapshot | null = null;
  /** A write is on its way: the controls wait for its read-back. */
  private busy = false;
  /** The limit field holds the user's input (not overwritten by the next reading). */
  private limitEdited = false;
  private points: PlotPoint[] = [];
  private chart: uPlot | undefined;

  private readonly head = h('div', { class: 'overview-head' });
  private readonly smart = new SmartSection();
  private readonly reason = h('div', { class: 'reason', 'data-testid': 'overview-reason', role: 'status', 'aria-live': 'polite' });
  private readonly staleBox = h('div');
  private readonly startBtn = h('vscode-button', { 'data-testid': 'overview-start' }, 'Start charging');
  private readonly stopBtn = h('vscode-button', { secondary: true, 'data-testid': 'overview-stop' }, 'Stop charging');
  /** Shown whenever what the page says is an override: the way back to the schedule. */
  private readonly cancelOverrideBtn = h('vscode-button', { secondary: true, 'data-testid': 'overview-cancel-override', hidden: true }, 'Cancel the override');
  private readonly limitRange = h('input', {
    type: 'range',
    min: MIN_AMPS,
    max: 80,
    step: 1,
    id: 'overview-limit-range',
    'aria-label': 'Current limit (slider)',
    'data-testid': 'overview-limit-range',
  });
  private readonly limitInput = h('input', {
    type: 'text',
    inputmode: 'numeric',
    size: 4,
    id: 'overview-limit',
    'aria-describedby': 'overview-limit-error overview-limit-note',
    'data-testid': 'overview-limit',
  });
  private readonly limitError = h('span', { id: 'overview-limit-error', class: 'field-error', 'data-testid': 'overview-limit-error' });
  private readonly limitNote = h('span', { id: 'overview-limit-note', class: 'muted', 'data-testid': 'overview-limit-note' });
  private readonly limitBtn = h('vscode-button', { 'data-testid': 'overview-limit-apply' }, 'Set limit');
  private readonly holdInput = h('input', {
    type: 'text',
    size: 16,
    id: 'overview-hold',
    placeholder: '07:30',
    'aria-describedby': 'overview-hold-error',
    'data-testid': 'overview-hold',
  });
  private readonly holdError = h('span', { id: 'overview-hold-error', class: 'field-error', 'data-testid': 'overview-hold-error' });
  private readonly holdBtn = h('vscode-button', { secondary: true, 'data-testid': 'overview-hold-apply' }, 'Hold');
  private readonly msg = h('p', { class: 'message', 'data-testid': 'overview-message' });
  private readonly chartHost = h('div', { class: 'plot-host', 'data-testid': 'overview-chart' });
  private readonly chartNote = h('p', { class: 'muted', 'data-testid': 'overview-chart-note' });
  private readonly fields = h('dl', { class: 'fields', 'data-testid': 'overview' });
  private readonly updated = h('p', { class: 'muted', 'data-testid': 'overview-updated' });
  private readonly body = h('div', { hidden: true });
  private readonly waiting = h('p', { class: 'muted', text: 'Waiting for the charger’s state…' });

  constructor(
    root: HTMLElement,
    private readonly rpc: Rpc,
  ) {
    this.startBtn.addEventListener('click', () => void this.start());
    this.stopBtn.addEventListener('click', () => void this.run('stopCharging', {}, (r) => this.stoppedText(r)));
    this.cancelOverrideBtn.addEventListener(
      'click',
      () =>
        void this.run('cancelOverride', {}, (r) =>
          r.confirmed
            ? { kind: 'ok', text: `Override cancelled; the schedule applies again.${lostNote(r)}` }
            : { kind: 'warn', text: 'Sent, but the charger still reports an override. It may take a minute.' },
        ),
    );
    this.limitInput.addEventListener('input', () => {
      this.limitEdited = true;
      this.syncLimit('input');
    });
    this.limitRange.addEventListener('input', () => {
      this.limitEdited = true;
      this.limitInput.value = this.limitRange.value;
      this.syncLimit('range');
    });
    this.limitInput.addEventListener('keydown', (ev) => ev.key === 'Enter' && void this.applyLimit());
    this.limitBtn.addEventListener('click', () => void this.applyLimit());
    this.holdInput.addEventListener('input', () => this.syncHold());
    this.holdInput.addEventListener('keydown', (ev) => ev.key === 'Enter' && void this.applyHold());
    this.holdBtn.addEventListener('click', () => void this.applyHold());
    // uPlot paints with the colours of the moment: redraw on a theme switch (body class).
    new MutationObserver(() => this.drawChart(true)).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    new ResizeObserver(() => this.fitChart()).observe(this.chartHost);

    const controls = h(
      'section',
      { class: 'controls', 'aria-label': 'Charging controls', 'data-testid': 'overview-controls' },
      h('div', { class: 'toolbar' }, this.startBtn, this.stopBtn, this.cancelOverrideBtn),
      h(
        'div',
        { class: 'form-row' },
        h('label', { for: 'overview-limit', text: 'Current limit' }),
        this.limitRange,
        this.limitInput,
        h('span', { text: 'A' }),
        this.limitBtn,
        this.limitError,
      ),
      h('div', { class: 'form-row' }, this.limitNote),
      h('div', { class: 'form-row' }, h('label', { for: 'overview-hold', text: 'Hold charging until' }), this.holdInput, this.holdBtn, this.holdError),
      h('p', {
        class: 'muted',
        text: 'The charger will not start by itself before that time, on its own clock (HH:MM, or a date and time like 2026-11-25T07:30); Start charging still starts it.',
      }),
      this.msg,
    );
    this.body.append(
      this.reason,
      this.smart.el,
      this.staleBox,
      controls,
      h('h3', { text: 'Power, last hour' }),
      this.chartNote,
      this.chartHost,
      h('h3', { text: 'Now' }),
      this.fields,
      this.updated,
    );
    root.append(this.head, this.waiting, this.body);
  }

  /** Reads the last hour the extension has seen, then follows the pushed readings. */
  async activate(): Promise<void> {
    try {
      const earlier = await this.rpc.call('getRecentPower', {});
      const known = new Set(this.points.map((p) => p.t));
      this.points = [...earlier.filter((p) => !known.has(p.t)), ...this.points].sort((a, b) => a.t - b.t);
      this.drawChart(false);
    } catch {
      // The chart fills from the next readings.
    }
  }

  /** A new reading (or none: the charger is gone). */
  update(u: UnitSnapshot | null): void {
    this.unit = u;
    this.waiting.remove();
    this.body.hidden = false;
    clear(this.head);
    if (!u) {
      this.body.hidden = true;
      this.head.append(h('p', { class: 'message error', text: 'This charger is not known any more (signed out or removed).' }));
      return;
    }
    this.head.append(h('h2', { text: u.name }), h('span', { class: 'muted', text: u.accountLabel }));
    if (u.demo) this.head.append(h('span', { class: 'badge demo', text: 'Demo (simulator)' }));
    clear(this.staleBox);
    if (u.stale || u.error) {
      const since = u.lastGoodAt ? ` Last good reading ${localTime(u.lastGoodAt / 1000)}.` : ' No good reading yet.';
      this.staleBox.append(
        h('p', { class: 'message warn', role: 'status', 'data-testid': 'overview-stale', text: `${u.error ?? 'The reading is out of date.'}${since}` }),
      );
    }
    this.renderReason(u);
    this.smart.render(u);
    this.renderControls(u);
    this.renderFields(u);
    const s = u.status;
    if (s && !u.stale && u.lastGoodAt !== undefined && s.charging.powerW !== undefined) {
      const t = u.lastGoodAt / 1000;
      const last = this.points[this.points.length - 1];
      if (!last || t > last.t) this.points.push({ t, v: s.charging.powerW });
    }
    this.drawChart(false);
  }

  private renderReason(u: UnitSnapshot): void {
    clear(this.reason);
    const s = u.status;
    if (!s) {
      this.reason.append(h('strong', { text: 'Waiting for the first reading…' }));
      return;
    }
    // The reason as the tree row and the status bar say it (domain/charging-reason, computed by the host).
    const r = u.reason;
    if (!r) {
      this.reason.append(h('strong', { 'data-testid': 'overview-state', text: stateWords(s.state) }));
      return;
    }
    this.reason.dataset.kind = r.kind;
    this.reason.append(h('strong', { 'data-testid': 'overview-state', text: capitalise(r.short) }));
    if (r.detail) this.reason.append(h('span', { class: 'explanation', 'data-testid': 'overview-reason-detail', text: r.detail }));
    if (r.todo) this.reason.append(h('span', { class: 'action', 'data-testid': 'overview-reason-todo', text: r.todo }));
  }

  private renderControls(u: UnitSnapshot): void {
    const s = u.status;
    const limit = s?.charging.ampsLimit;
    const max = u.maxAmps;
    this.limitRange.max = String(max ?? Math.max(80, limit ?? 0));
    if (!this.limitEdited && document.activeElement !== this.limitInput) {
      this.limitInput.value = limit === undefined ? '' : String(limit);
      this.limitRange.value = String(Math.max(MIN_AMPS, limit ?? MIN_AMPS));
    }
    // The two buttons fit the state: no Start while it charges, no Stop when it is off.
    // An override already running needs no Start; whatever the reason calls an override offers Cancel.
    const override = s?.overrideTime ?? 0;
    const overrideRunning = override > 0 && override * 1000 <= Date.now();
    this.startBtn.hidden = (s?.state === 'charging' && limit !== 0) || (overrideRunning && limit !== 0);
    this.stopBtn.hidden = limit === 0;
    this.cancelOverrideBtn.hidden = !(u.reason?.actions?.includes('cancelOverride') ?? override > 0);
    const range = max !== undefined ? `0 (off) or ${MIN_AMPS} to ${max} A` : `0 (off) or ${MIN_AMPS} A and up (the charger did not report its rating)`;
    this.limitNote.textContent = u.stale
      ? `The charger cannot be reached: ${limit === undefined ? 'its limit is unknown' : `${limit} A is the last known limit`}. ${range}.`
      : range;
    this.syncLimit();
    this.syncHold();
  }

  private renderFields(u: UnitSnapshot): void {
    clear(this.fields);
    clear(this.updated);
    const s = u.status;
    if (!s) return;
    const c = s.charging;
    // override_time is when the override makes the unit start charging (as the tree says it).
    const override = s.overrideTime
      ? s.overrideTime * 1000 <= Date.now()
        ? 'charging now, ignoring the schedule'
        : `charges from ${localTime(s.overrideTime)}`
      : 'none';
    const rows: [string, string][] = [
      ['State', stateWords(s.state)],
      ['Power', formatPowerW(c.powerW)],
      ['Current / limit', `${formatAmps(c.ampsCurrent)} / ${formatAmps(c.ampsLimit)}`],
      ['Voltage', formatVoltageV(c.voltageV)],
      ['Energy this session', formatEnergyWh(c.energyWh)],
      ['Charging time this session', formatDuration(c.secondsCharging)],
      ['Time left', formatTimeLeft(s.state, s.chargingTimeLeftS)],
      ...(u.fullAt ? ([['When full', u.fullAt.detail ?? u.fullAt.short ?? '']] as [string, string][]) : []),
      ['Temperature', formatTemperatureC(s.temperatureC)],
      ['Grid frequency', formatFrequencyHz(s.frequencyHz)],
      ['Override', override],
      ...(u.holdUntilS !== undefined && u.holdUntilS * 1000 > Date.now() ? ([['Held until', localTime(u.holdUntilS)]] as [string, string][]) : []),
      ['Lifetime energy', formatEnergyWh(s.lifetime.energyWh)],
      ['Lifetime savings', formatCents(s.lifetime.savingsCents)],
    ];
    for (const [k, v] of rows) this.fields.append(h('dt', { text: k }), h('dd', { text: v }));
    if (u.lastGoodAt) {
      // In the charger's zone, like "Full at" beside it; the fallback zone is named.
      this.updated.textContent = `Updated ${localClockTime(u.lastGoodAt / 1000)}`;
      if (u.zoneNote) this.updated.title = u.zoneNote;
      else this.updated.removeAttribute('title');
    }
  }

  /** Validates the limit as typed (the Set Current Limit command's rule) and keeps slider and field together. */
  private syncLimit(from?: 'input' | 'range'): string | undefined {
    const text = this.limitInput.value;
    const bad = this.limitEdited ? validateAmps(text, this.unit?.maxAmps) : undefined;
    this.limitError.textContent = bad ?? '';
    this.limitInput.toggleAttribute('aria-invalid', !!bad);
    if (bad) this.limitInput.setAttribute('aria-invalid', 'true');
    if (from === 'input' && !bad && parseAmps(text) >= MIN_AMPS) this.limitRange.value = String(parseAmps(text));
    this.limitBtn.toggleAttribute('disabled', this.busy || !!bad || !this.limitEdited);
    return bad;
  }

  private syncHold(): string | undefined {
    const text = this.holdInput.value;
    const bad = text.trim() === '' ? undefined : validateChargingTime(text, new Date(), shownTimeZone());
    this.holdError.textContent = bad ?? '';
    if (bad) this.holdInput.setAttribute('aria-invalid', 'true');
    else this.holdInput.removeAttribute('aria-invalid');
    this.holdBtn.toggleAttribute('disabled', this.busy || !!bad || text.trim() === '');
    return bad;
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    for (const b of [this.startBtn, this.stopBtn, this.cancelOverrideBtn]) b.toggleAttribute('disabled', busy);
    this.syncLimit();
    this.syncHold();
  }

  private async applyLimit(): Promise<void> {
    if (this.busy || this.syncLimit()) return;
    const amps = parseAmps(this.limitInput.value);
    await this.run('setLimit', { amps }, (r) =>
      r.confirmed
        ? { kind: 'ok', text: `Limit set to ${amps} A${amps === 0 ? ' (charging off)' : ''}.${lostNote(r)}` }
        : { kind: 'warn', text: `Sent, but the charger reports a ${r.limitAmps ?? 'unknown'} A limit. Your value is kept; it may take a minute.` },
    );
  }

  private async applyHold(): Promise<void> {
    if (this.busy || this.syncHold()) return;
    let epochS: number;
    try {
      epochS = parseChargingTime(this.holdInput.value, new Date(), shownTimeZone());
    } catch (e) {
      showMessage(this.msg, 'error', (e as Error).message);
      return;
    }
    await this.run('holdUntil', { epochS }, () => ({ kind: 'ok', text: `The charger will not start charging by itself before ${localTime(epochS)}.` }));
  }

  private async start(): Promise<void> {
    // Turned off (0 A): the host restores the limit Stop remembered; a limit typed in the field is the user's choice and wins.
    let restoreAmps: number | undefined;
    if (this.unit?.status?.charging.ampsLimit === 0 && this.limitEdited && !this.syncLimit()) {
      const typed = parseAmps(this.limitInput.value);
      if (typed > 0) restoreAmps = typed;
    }
    await this.run('startCharging', restoreAmps ? { restoreAmps } : {}, (r) => {
      // The host's words (src/domain/start-stop.ts): what Start did, or why nothing was needed.
      if (r.nothingToDo) return { kind: 'ok', text: `Nothing to start. ${r.text ?? ''}`.trim() };
      return r.confirmed
        ? { kind: 'ok', text: `${capitalise(r.text ?? 'started.')}${lostNote(r)}` }
        : { kind: 'warn', text: 'Sent, but the charger does not report it yet. It may take a minute.' };
    });
    if (this.msg.classList.contains('error') && this.unit?.status?.charging.ampsLimit === 0) this.limitInput.focus();
  }

  private stoppedText(r: ControlResult): { kind: 'ok' | 'warn'; text: string } {
    if (r.nothingToDo) return { kind: 'ok', text: r.text ?? 'Charging is off already.' };
    if (!r.confirmed) return { kind: 'warn', text: `Sent, but the charger still reports a ${r.limitAmps ?? 'unknown'} A limit. It may take a minute.` };
    const restore = r.previousAmps && r.previousAmps > 0 ? ` Start charging restores ${r.previousAmps} A.` : '';
    return { kind: 'ok', text: `Charging stopped (limit 0 A).${lostNote(r)}${restore}` };
  }

  /** One control's write: busy while it runs, the outcome in words, the user's input kept on failure. */
  private async run<M extends 'setLimit' | 'stopCharging' | 'startCharging' | 'cancelOverride' | 'holdUntil'>(
    method: M,
    params: Parameters<Rpc['call']>[1] & object,
    describe: (r: ControlResult) => { kind: 'ok' | 'warn'; text: string },
  ): Promise<void> {
    if (this.busy) return;
    this.setBusy(true);
    showMessage(this.msg, 'info', 'Sending to the charger…');
    try {
      const r = (await this.rpc.call(method, params as never)) as ControlResult;
      const d = describe(r);
      showMessage(this.msg, d.kind, d.text);
      if (d.kind === 'ok') {
        if (method === 'setLimit') this.limitEdited = false;
        if (method === 'holdUntil') this.holdInput.value = '';
      }
    } catch (e) {
      showWriteError(this.msg, errorInfoOf(e));
    } finally {
      this.setBusy(false);
    }
  }

  private drawChart(rebuild: boolean): void {
    const nowS = Date.now() / 1000;
    this.points = this.points.filter((p) => p.t >= nowS - HOUR_S);
    if (this.points.length < 2) {
      this.chart?.destroy();
      this.chart = undefined;
      clear(this.chartHost);
      const every = this.unit?.status?.updateIntervalS;
      this.chartNote.textContent = `The chart fills as the charger is read${every ? ` (every ${formatDuration(every)})` : ''} while it is shown.`;
      return;
    }
    const kwh = energyText(this.points);
    this.chartNote.textContent = `${this.points.length} readings since ${localTime(this.points[0].t)} · ${kwh}`;
    if (this.chart && !rebuild) {
      this.chart.setData([this.points.map((p) => p.t), this.points.map((p) => p.v / 1000)]);
      return;
    }
    this.chart?.destroy();
    clear(this.chartHost);
    this.chart = drawPowerPlot(this.chartHost, this.points, this.chartHost.clientWidth || 600, 200);
  }

  private fitChart(): void {
    if (!this.chart || this.chartHost.clientWidth === 0) return;
    const width = Math.max(200, this.chartHost.clientWidth);
    if (Math.abs(width - this.chart.width) >= 2) this.chart.setSize({ width, height: this.chart.height });
  }

  /** Test hook: the points drawn. */
  chartLength(): number {
    return this.chart ? this.chart.data[0].length : 0;
  }
}

function capitalise(t: string): string {
  return t ? t[0].toUpperCase() + t.slice(1) : t;
}

function lostNote(r: ControlResult): string {
  return r.replyLost ? ' (The reply was lost; reading the charger back shows it.)' : '';
}

function energyText(points: readonly PlotPoint[]): string {
  return `${formatEnergyWh(energyUnderCurveWh(points))} in this window`;
}
