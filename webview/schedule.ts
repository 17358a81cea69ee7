// Schedule tab: disabled/custom, weekday and weekend windows (HH:MM), car-ready-by, and a 24-hour
// bar per day type showing when charging is allowed.
import type { ScheduleWindow } from '../src/api/types';
import { MINUTES_PER_DAY, minutesToHHMM, parseHHMM } from '../src/api/schedule';
import { allowedSegments, segmentToPercent } from '../src/protocol/scheduleBar';
import type { Result } from '../src/protocol/messages';
import { clear, h, showMessage } from './dom';
import { RpcError, type Rpc } from './rpc';

type DayType = 'weekday' | 'weekend';
const PARTS: [keyof ScheduleWindow, string][] = [
  ['start', 'Charging from'],
  ['end', 'until'],
  ['carReadyBy', 'Car ready by'],
];

export class ScheduleTab {
  private loadedOnce = false;
  private readonly typeSelect = h('select', { id: 'schedule-type', 'data-testid': 'schedule-type' },
    h('option', { value: 'disabled', text: 'Disabled: charge any time' }), h('option', { value: 'custom', text: 'Custom: only inside the windows' }));
  private readonly inputs = new Map<string, HTMLInputElement>();
  private readonly errors = new Map<string, HTMLElement>();
  private readonly bars = new Map<DayType, HTMLElement>();
  private readonly msg = h('p', { class: 'message', 'data-testid': 'schedule-message' });

  constructor(root: HTMLElement, private readonly rpc: Rpc) {
    root.append(h('div', { class: 'form-row' }, h('label', { for: 'schedule-type', text: 'Schedule' }), this.typeSelect));
    this.typeSelect.addEventListener('change', () => this.update());
    for (const day of ['weekday', 'weekend'] as DayType[]) {
      const row = h('div', { class: 'form-row' });
      for (const [part, label] of PARTS) {
        const id = `schedule-${day}-${part}`;
        const input = h('input', { id, type: 'text', placeholder: 'HH:MM', size: 6, 'data-testid': id });
        const err = h('span', { class: 'field-error', role: 'alert' });
        input.addEventListener('input', () => this.update());
        this.inputs.set(`${day}.${part}`, input);
        this.errors.set(`${day}.${part}`, err);
        row.append(h('label', { for: id, text: label }), input, err);
      }
      const bar = h('div', { class: 'day-bar', 'data-testid': `bar-${day}`, role: 'img' });
      this.bars.set(day, bar);
      root.append(h('h3', { text: day === 'weekday' ? 'Weekdays' : 'Weekends' }), row, bar, h('div', { class: 'bar-scale' }, ...[0, 6, 12, 18, 24].map((hr) => h('span', { text: `${hr}:00` }))));
    }
    const save = h('vscode-button', { 'data-testid': 'schedule-save' }, 'Save schedule');
    const reload = h('vscode-button', { secondary: true }, 'Reload');
    save.addEventListener('click', () => void this.save());
    reload.addEventListener('click', () => void this.load());
    root.append(h('div', { class: 'toolbar' }, save, reload), this.msg);
  }

  async activate(): Promise<void> {
    if (this.loadedOnce) return;
    this.loadedOnce = true;
    await this.load();
  }

  private async load(): Promise<void> {
    showMessage(this.msg, 'info', 'Reading the schedule…');
    try {
      this.fill(await this.rpc.call('getSchedule', {}));
      showMessage(this.msg, 'info', 'Loaded from the charger.');
    } catch (e) {
      this.loadedOnce = false;
      const info = e instanceof RpcError ? e.info : { message: String(e) };
      showMessage(this.msg, 'error', `Could not read the schedule: ${info.message}`, info.nextStep);
    }
  }

  private fill(s: Result<'getSchedule'>): void {
    this.typeSelect.value = s.type;
    for (const day of ['weekday', 'weekend'] as DayType[]) {
      for (const [part] of PARTS) this.inputs.get(`${day}.${part}`)!.value = minutesToHHMM(s[day][part]);
    }
    this.update();
  }

  /** Reads the form; draws the bars; returns the schedule, or undefined when a field is invalid. */
  private update(): Result<'getSchedule'> | undefined {
    let ok = true;
    const windows: Partial<Record<DayType, ScheduleWindow>> = {};
    for (const day of ['weekday', 'weekend'] as DayType[]) {
      const w: Partial<ScheduleWindow> = {};
      for (const [part, label] of PARTS) {
        const key = `${day}.${part}`;
        const err = this.errors.get(key)!;
        try {
          w[part] = parseHHMM(this.inputs.get(key)!.value);
          // 24:00 ends a day but cannot start a window (validateWindow and the message schema refuse it).
          if (part === 'start' && w[part] === MINUTES_PER_DAY) {
            w[part] = undefined;
            throw new Error('a window cannot start at 24:00; use 00:00');
          }
          err.textContent = '';
          this.inputs.get(key)!.removeAttribute('aria-invalid');
        } catch (e) {
          ok = false;
          err.textContent = `${day} ${label.toLowerCase()}: ${(e as Error).message}`;
          this.inputs.get(key)!.setAttribute('aria-invalid', 'true');
        }
      }
      windows[day] = w as ScheduleWindow;
      const type = this.typeSelect.value as 'disabled' | 'custom';
      const bar = this.bars.get(day)!;
      clear(bar);
      if (w.start !== undefined && w.end !== undefined) {
        const segs = allowedSegments(type, w as ScheduleWindow);
        bar.setAttribute('aria-label', segs.length ? `Charging allowed ${segs.map((s) => `${minutesToHHMM(s.startMin)}–${minutesToHHMM(s.endMin)}`).join(' and ')}` : 'Charging never allowed');
        for (const s of segs) {
          const p = segmentToPercent(s);
          const seg = h('div', { class: 'segment' });
          // CSSOM, not a style attribute: the CSP allows this.
          seg.style.left = `${p.leftPct}%`;
          seg.style.width = `${p.widthPct}%`;
          bar.append(seg);
        }
      }
    }
    if (!ok) return undefined;
    return { type: this.typeSelect.value as 'disabled' | 'custom', weekday: windows.weekday!, weekend: windows.weekend! };
  }

  private async save(): Promise<void> {
    const s = this.update();
    if (!s) {
      showMessage(this.msg, 'error', 'Fix the times marked above (HH:MM, 00:00–24:00); nothing was sent.');
      return;
    }
    showMessage(this.msg, 'info', 'Saving…');
    try {
      const back = await this.rpc.call('setSchedule', { type: s.type, weekday: s.weekday, weekend: s.weekend });
      this.fill(back);
      showMessage(this.msg, 'ok', 'Saved. The editor shows what the charger now has.');
    } catch (e) {
      const info = e instanceof RpcError ? e.info : { message: String(e) };
      showMessage(this.msg, 'error', `Not saved: ${info.message}`, info.nextStep);
    }
  }
}
