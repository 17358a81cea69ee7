// Schedule tab: disabled/custom, weekday and weekend windows (HH:MM), car-ready-by, and a 24-hour
// bar per day type showing when charging is allowed. A custom window is checked with the Edit
// Schedule command's own validator (an empty window is refused); unsaved edits survive the page
// being discarded (webview/drafts.ts).
import type { ScheduleWindow } from '../src/domain/model';
import { isSameTime, MINUTES_PER_DAY, minutesToHHMM, parseHHMM, sameSchedule, toWindow } from '../src/domain/schedule';
import { allowedSegments, segmentToPercent } from '../src/domain/schedule-bar';
import type { Result } from '../src/protocol/messages';
import { clear, confirmInline, errorInfoOf, h, setLiveText, showMessage, showWriteError } from './dom';
import { DraftLifecycle, type DraftStore, type ScheduleDraft } from './drafts';
import type { Rpc } from './rpc';

type DayType = 'weekday' | 'weekend';
type Schedule = Result<'getSchedule'>;
const DAYS: DayType[] = ['weekday', 'weekend'];
const DAY_NAMES: Record<DayType, string> = { weekday: 'Weekdays', weekend: 'Weekends' };
const PARTS: [keyof ScheduleWindow, string][] = [
  ['start', 'Charging from'],
  ['end', 'until'],
  ['carReadyBy', 'Car ready by'],
];
/** A window's parts as named in messages about them. */
const PART_NAMES: Record<keyof ScheduleWindow, string> = { start: 'start', end: 'end', carReadyBy: 'car ready by' };

/**
 * What differs between the schedule sent and the one read back, named for the user ("weekdays end
 * (the charger has 07:00)"); empty when the charger holds what was sent (sameSchedule's rule: the
 * windows of a disabled schedule do not matter).
 */
export function scheduleDifferences(sent: Pick<Schedule, 'type' | 'weekday' | 'weekend'>, back: Schedule): string[] {
  if (sameSchedule(sent, back)) return [];
  if (sent.type !== back.type) return [`the schedule type (the charger has ${back.type})`];
  const out: string[] = [];
  for (const day of DAYS) {
    for (const [part] of PARTS) {
      if (sent[day][part] !== back[day][part]) out.push(`${DAY_NAMES[day].toLowerCase()} ${PART_NAMES[part]} (the charger has ${hhmm(back[day][part])})`);
    }
  }
  return out;
}

/** Minutes as HH:MM, or the number itself when out of range (a server's value: never throws). */
function hhmm(m: number): string {
  try {
    return minutesToHHMM(m);
  } catch {
    return `${m} minutes`;
  }
}

export class ScheduleTab {
  /** The unsaved edits' one lifecycle (webview/drafts.ts DraftLifecycle). */
  private readonly edits: DraftLifecycle<'schedule'>;
  /** What the charger reported last (the form's edits are compared with it). */
  private loaded: Schedule | undefined;
  /** set_schedule is on its way: a second click must not send twice. */
  private saving = false;
  private readonly typeSelect = h(
    'select',
    { id: 'schedule-type', 'data-testid': 'schedule-type' },
    h('option', { value: 'disabled', text: 'Disabled: charge any time' }),
    h('option', { value: 'custom', text: 'Custom: only inside the windows' }),
  );
  private readonly inputs = new Map<string, HTMLInputElement>();
  private readonly errors = new Map<string, HTMLElement>();
  private readonly windowErrors = new Map<DayType, HTMLElement>();
  private readonly bars = new Map<DayType, HTMLElement>();
  // The one live region of the form: announced politely, and only when the problems change.
  private readonly summary = h('ul', { class: 'problems', 'aria-live': 'polite', 'data-testid': 'schedule-problems' });
  private readonly restoreBox = h('div', { class: 'restore-host' });
  private readonly reloadConfirm = h('div', { class: 'confirm' });
  private readonly saveBtn = h('vscode-button', { 'data-testid': 'schedule-save' }, 'Save schedule');
  private readonly msg = h('p', { class: 'message', 'data-testid': 'schedule-message' });

  constructor(
    root: HTMLElement,
    private readonly rpc: Rpc,
    drafts: DraftStore,
  ) {
    this.edits = new DraftLifecycle(drafts, 'schedule', this.restoreBox, 'schedule-restored', {
      capture: () => this.currentDraft(),
      apply: (d) => this.applyDraft(d),
      reload: () => void this.load(),
    });
    root.append(this.restoreBox, h('div', { class: 'form-row' }, h('label', { for: 'schedule-type', text: 'Schedule' }), this.typeSelect));
    this.typeSelect.addEventListener('change', () => this.onEdit());
    for (const day of DAYS) {
      const row = h('div', { class: 'form-row' });
      const windowError = h('span', { id: `schedule-${day}-window-error`, class: 'field-error', 'data-testid': `schedule-${day}-window-error` });
      this.windowErrors.set(day, windowError);
      for (const [part, label] of PARTS) {
        const id = `schedule-${day}-${part}`;
        // The window's own problem (empty) belongs to its start and end too.
        const describedBy = part === 'carReadyBy' ? `${id}-error` : `${id}-error ${windowError.id}`;
        const input = h('input', { id, type: 'text', placeholder: 'HH:MM', size: 6, 'data-testid': id, 'aria-describedby': describedBy });
        // Not a live region: the summary announces; this one is read with its field.
        const err = h('span', { id: `${id}-error`, class: 'field-error' });
        input.addEventListener('input', () => this.onEdit());
        this.inputs.set(`${day}.${part}`, input);
        this.errors.set(`${day}.${part}`, err);
        row.append(h('label', { for: id, text: label }), input, err);
      }
      const bar = h('div', { class: 'day-bar', 'data-testid': `bar-${day}`, role: 'img' });
      this.bars.set(day, bar);
      root.append(
        h('h3', { text: DAY_NAMES[day] }),
        row,
        windowError,
        bar,
        h('div', { class: 'bar-scale' }, ...[0, 6, 12, 18, 24].map((hr) => h('span', { text: `${hr}:00` }))),
      );
    }
    const reload = h('vscode-button', { secondary: true, 'data-testid': 'schedule-reload' }, 'Reload');
    this.saveBtn.addEventListener('click', () => void this.save());
    reload.addEventListener('click', () => {
      if (!this.isDirty()) return void this.load();
      confirmInline(
        this.reloadConfirm,
        'Discard your unsaved schedule edits and reload from the charger?',
        'Discard and reload',
        'Keep editing',
        () => void this.load(),
        'schedule-reload-confirm',
      );
    });
    root.append(this.summary, h('div', { class: 'toolbar' }, this.saveBtn, reload), this.reloadConfirm, this.msg);
  }

  async activate(): Promise<void> {
    // The first load brings back the edits a discarded page had not saved.
    if (this.edits.firstActivation()) await this.load(true);
  }

  private async load(restore = false): Promise<void> {
    showMessage(this.msg, 'info', 'Reading the schedule…');
    clear(this.reloadConfirm);
    try {
      const s = await this.rpc.call('getSchedule', {});
      this.loaded = s;
      this.fill(s);
      this.edits.afterLoad(restore);
      this.update();
      showMessage(this.msg, 'info', 'Loaded from the charger.');
    } catch (e) {
      this.edits.loadFailed(this.loaded !== undefined);
      const info = errorInfoOf(e);
      showMessage(this.msg, 'error', `Could not read the schedule: ${info.message}`, info.nextStep);
    }
  }

  private fill(s: Schedule): void {
    this.typeSelect.value = s.type;
    for (const day of DAYS) {
      for (const [part] of PARTS) this.inputs.get(`${day}.${part}`)!.value = hhmm(s[day][part]);
    }
    this.update();
  }

  private applyDraft(d: ScheduleDraft): void {
    this.typeSelect.value = d.type;
    for (const [key, input] of this.inputs) {
      const text = d.fields[key];
      if (text !== undefined) input.value = text;
    }
  }

  private onEdit(): void {
    this.update();
    this.edits.changed();
  }

  /** The form differs from what the charger reported last. */
  private isDirty(): boolean {
    const s = this.loaded;
    if (!s) return false;
    if (this.typeSelect.value !== s.type) return true;
    for (const day of DAYS) {
      for (const [part] of PARTS) if (!isSameTime(this.inputs.get(`${day}.${part}`)!.value, s[day][part])) return true;
    }
    return false;
  }

  /** The edits as a draft while they differ from what was loaded. */
  private currentDraft(): ScheduleDraft | undefined {
    if (!this.isDirty()) return undefined;
    const fields: Record<string, string> = {};
    for (const [key, input] of this.inputs) fields[key] = input.value;
    return { type: this.typeSelect.value === 'custom' ? 'custom' : 'disabled', fields };
  }

  /** Reads the form; draws the bars; returns the schedule, or undefined when a field is invalid. */
  private update(): Pick<Schedule, 'type' | 'weekday' | 'weekend'> | undefined {
    let ok = true;
    const problems: string[] = [];
    const type = this.typeSelect.value as 'disabled' | 'custom';
    const windows: Partial<Record<DayType, ScheduleWindow>> = {};
    for (const day of DAYS) {
      const w: Partial<ScheduleWindow> = {};
      for (const [part, label] of PARTS) {
        const key = `${day}.${part}`;
        const err = this.errors.get(key)!;
        const input = this.inputs.get(key)!;
        try {
          w[part] = parseHHMM(input.value);
          // 24:00 ends a day but cannot start a window (validateWindow and the message schema refuse it).
          if (part === 'start' && w[part] === MINUTES_PER_DAY) {
            w[part] = undefined;
            throw new Error('a window cannot start at 24:00; use 00:00');
          }
          err.textContent = '';
          input.removeAttribute('aria-invalid');
        } catch (e) {
          ok = false;
          err.textContent = `${day} ${label.toLowerCase()}: ${(e as Error).message}`;
          problems.push(err.textContent);
          input.setAttribute('aria-invalid', 'true');
        }
      }
      // The window as a whole, by the Edit Schedule command's rule (toWindow: an empty window,
      // start == end, would never charge). Only a custom schedule uses its windows.
      const windowError = this.windowErrors.get(day)!;
      windowError.textContent = '';
      if (type === 'custom' && w.start !== undefined && w.end !== undefined) {
        try {
          toWindow({ start: w.start, end: w.end, carReadyBy: w.carReadyBy ?? 0 }, day);
        } catch (e) {
          ok = false;
          windowError.textContent = (e as Error).message;
          problems.push(windowError.textContent);
          for (const part of ['start', 'end']) this.inputs.get(`${day}.${part}`)!.setAttribute('aria-invalid', 'true');
        }
      }
      windows[day] = w as ScheduleWindow;
      const bar = this.bars.get(day)!;
      clear(bar);
      if (w.start !== undefined && w.end !== undefined) {
        const segs = allowedSegments(type, w as ScheduleWindow);
        bar.setAttribute(
          'aria-label',
          segs.length
            ? `Charging allowed ${segs.map((s) => `${minutesToHHMM(s.startMin)}–${minutesToHHMM(s.endMin)}`).join(' and ')}`
            : 'Charging never allowed',
        );
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
    setLiveText(this.summary, problems);
    if (!ok) return undefined;
    return { type, weekday: windows.weekday!, weekend: windows.weekend! };
  }

  private async save(): Promise<void> {
    if (this.saving) return;
    clear(this.reloadConfirm);
    const s = this.update();
    if (!s) {
      showMessage(this.msg, 'error', 'Fix the times marked above; nothing was sent.');
      return;
    }
    this.saving = true;
    this.saveBtn.setAttribute('disabled', '');
    showMessage(this.msg, 'info', 'Saving…');
    try {
      const back = await this.rpc.call('setSchedule', { type: s.type, weekday: s.weekday, weekend: s.weekend });
      this.loaded = back;
      const differs = scheduleDifferences(s, back);
      if (differs.length === 0) {
        this.fill(back);
        this.edits.changed();
        showMessage(this.msg, 'ok', 'Saved. The editor shows what the charger now has.');
      } else {
        // The user's input stays (and stays a draft: it differs from what the charger has).
        this.edits.changed();
        showMessage(
          this.msg,
          'warn',
          `Sent, but the charger reports different values: ${differs.join('; ')}. Your input is kept; Reload shows the charger’s values.`,
        );
      }
    } catch (e) {
      showWriteError(this.msg, errorInfoOf(e));
    } finally {
      this.saving = false;
      this.saveBtn.removeAttribute('disabled');
    }
  }
}
