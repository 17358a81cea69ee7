// Info tab: structured fields and a JSON editor over the same draft, validated as typed, a diff
// before set_info, a conflict check against the server's info_timestamp, and a read-back after it.
// Unsaved edits survive the page being discarded (webview/drafts.ts).
import { describeChange, diffInfo, getAtPath, parseInfoJson, setAtPath, validateInfo, type FieldProblem } from './info-model';
import { clear, confirmInline, errorInfoOf, h, setLiveText, showMessage, showRestored, showWriteError } from './dom';
import type { DraftStore } from './drafts';
import type { Result } from '../src/protocol/messages';
import type { Rpc } from './rpc';

interface FieldDef {
  path: string;
  label: string;
  kind: 'text' | 'int';
  help?: string;
}
const FIELDS: FieldDef[] = [
  { path: 'name', label: 'Name', kind: 'text' },
  { path: 'address', label: 'Address', kind: 'text' },
  { path: 'city', label: 'City', kind: 'text' },
  { path: 'zip', label: 'Zip', kind: 'text' },
  { path: 'country_code', label: 'Country code', kind: 'text', help: 'ISO alpha-2, e.g. US' },
  { path: 'timeZoneId', label: 'Time zone', kind: 'text' },
  { path: 'amps_wire_rating', label: 'Wire rating (A)', kind: 'int' },
  { path: 'amps_unit_rating', label: 'Unit rating (A)', kind: 'int' },
  { path: 'gascost', label: 'Gas cost (¢/gal)', kind: 'int' },
  { path: 'ecost', label: 'Electricity cost (¢/kWh)', kind: 'int' },
  { path: 'mpg', label: 'Miles per gallon', kind: 'int' },
  { path: 'whpermile', label: 'Wh per mile', kind: 'int' },
  { path: 'policy.name', label: 'Policy', kind: 'text' },
  { path: 'policy.charge_control_type', label: 'Charge control', kind: 'text' },
];

export class InfoTab {
  private loaded: Record<string, unknown> | undefined;
  private loadedTimestamp: number | undefined;
  private draft: Record<string, unknown> = {};
  private loadedOnce = false;
  /** set_info (and its read-back) is on its way: a second click must not send twice. */
  private sending = false;
  private problemCount = 0;
  private readonly inputs = new Map<string, HTMLInputElement>();
  private readonly fieldErrors = new Map<string, HTMLElement>();
  private readonly json = h('textarea', { class: 'json', rows: 18, spellcheck: 'false', 'aria-label': 'Info as JSON', 'aria-describedby': 'info-problems', 'data-testid': 'info-json' });
  // The one live region of the form: announced politely, and only when the problems change.
  private readonly problems = h('ul', { id: 'info-problems', class: 'problems', 'data-testid': 'info-problems', 'aria-live': 'polite' });
  private readonly cars = h('div', { class: 'cars' });
  private readonly restoreBox = h('div', { class: 'restore-host' });
  private readonly confirmBox = h('div', { class: 'confirm', 'data-testid': 'info-confirm' });
  private readonly reloadConfirm = h('div', { class: 'confirm' });
  private readonly msg = h('p', { class: 'message', 'data-testid': 'info-message' });
  private readonly saveBtn = h('vscode-button', { 'data-testid': 'info-save' }, 'Review changes…');

  constructor(root: HTMLElement, private readonly rpc: Rpc, private readonly drafts: DraftStore) {
    const form = h('div', { class: 'form-grid' });
    for (const f of FIELDS) {
      const id = `info-${f.path.replace(/\./g, '-')}`;
      const input = h('input', { id, type: 'text', 'data-path': f.path, inputmode: f.kind === 'int' ? 'numeric' : undefined, placeholder: f.help, 'aria-describedby': `${id}-error` });
      // Not a live region: the summary above announces; this one is read with its field.
      const err = h('span', { id: `${id}-error`, class: 'field-error', 'data-error-for': f.path });
      input.addEventListener('input', () => this.onFieldInput(f, input.value));
      this.inputs.set(f.path, input);
      this.fieldErrors.set(f.path, err);
      form.append(h('label', { for: id, text: f.label }), h('div', {}, input, err));
    }
    this.json.addEventListener('input', () => this.onJsonInput());
    this.saveBtn.addEventListener('click', () => this.review());
    const reload = h('vscode-button', { secondary: true, 'data-testid': 'info-reload' }, 'Reload from charger');
    reload.addEventListener('click', () => {
      if (!this.isDirty()) return void this.load();
      confirmInline(this.reloadConfirm, 'Discard your unsaved edits and reload the info from the charger?', 'Discard and reload', 'Keep editing', () => void this.load(), 'info-reload-confirm');
    });
    root.append(
      this.restoreBox,
      h('div', { class: 'info-columns' },
        h('section', {}, h('h3', { text: 'Fields' }), form, h('h3', { text: 'Cars' }), this.cars),
        h('section', {}, h('h3', { text: 'JSON' }), this.json)),
      this.problems,
      h('div', { class: 'toolbar' }, this.saveBtn, reload),
      this.reloadConfirm,
      this.confirmBox,
      this.msg,
    );
  }

  async activate(): Promise<void> {
    if (this.loadedOnce) return;
    this.loadedOnce = true;
    // The first load brings back the edits a discarded page had not saved.
    await this.load(true);
  }

  /** Reads the info from the charger into the form; with `restore`, then puts the saved draft back over it. */
  async load(restore = false): Promise<void> {
    showMessage(this.msg, 'info', 'Reading info…');
    clear(this.confirmBox);
    clear(this.reloadConfirm);
    try {
      const r = await this.rpc.call('getInfo', {});
      this.loaded = r.raw;
      this.loadedTimestamp = r.infoTimestamp;
      this.draft = structuredClone(r.raw);
      this.renderJson();
      const saved = restore ? this.drafts.get('info') : undefined;
      if (saved) {
        this.json.value = saved.json;
        // The edits were made on the info of that time: the conflict check compares with it.
        this.loadedTimestamp = saved.loadedInfoTimestamp;
        this.syncFromJson();
      }
      this.renderFields();
      this.renderCars();
      if (!saved) this.validate();
      this.saveDraft();
      showMessage(this.msg, 'info', 'Loaded from the charger.');
      clear(this.restoreBox);
      if (saved && this.isDirty()) showRestored(this.restoreBox, () => void this.load(), undefined, 'info-restored');
    } catch (e) {
      this.loadedOnce = this.loaded !== undefined;
      const info = errorInfoOf(e);
      showMessage(this.msg, 'error', `Could not read the info: ${info.message}`, info.nextStep);
    }
  }

  /** The form differs from what was loaded (the JSON editor holds every edit). */
  private isDirty(): boolean {
    if (!this.loaded) return false;
    let value: unknown;
    try {
      value = JSON.parse(this.json.value);
    } catch {
      return true;
    }
    return diffInfo(this.loaded, value).length > 0;
  }

  /** Keeps the edits in the webview state while they differ from what was loaded. */
  private saveDraft(): void {
    const dirty = this.isDirty();
    this.drafts.set('info', dirty ? { json: this.json.value, loadedInfoTimestamp: this.loadedTimestamp } : undefined);
    if (!dirty) clear(this.restoreBox);
  }

  private onFieldInput(f: FieldDef, text: string): void {
    let value: unknown = text;
    if (f.kind === 'int') {
      const t = text.trim();
      // Keep what was typed when it isn't a number, so the validator names the field.
      value = t === '' ? undefined : /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
    } else if (text === '' && getAtPath(this.loaded ?? {}, f.path) === undefined) value = undefined;
    this.draft = setAtPath(this.draft, f.path, value);
    this.renderJson();
    this.validate();
    this.saveDraft();
  }

  private onJsonInput(): void {
    this.syncFromJson();
    this.saveDraft();
  }

  /** The JSON editor's text -> the draft and the fields; shows its problems. */
  private syncFromJson(): void {
    const r = parseInfoJson(this.json.value);
    // Any JSON object syncs the fields, even one with problems, so both editors show the same draft.
    let obj: unknown;
    try {
      obj = JSON.parse(this.json.value);
    } catch {
      obj = undefined;
    }
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      this.draft = obj as Record<string, unknown>;
      this.renderFields();
    }
    this.showProblems(r.problems);
  }

  private renderFields(): void {
    for (const [path, input] of this.inputs) {
      const v = getAtPath(this.draft, path);
      const text = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      if (document.activeElement !== input) input.value = text;
    }
  }

  private renderJson(): void {
    this.json.value = JSON.stringify(this.draft, null, 2);
  }

  private renderCars(): void {
    clear(this.cars);
    const cars = Array.isArray(this.draft.cars) ? (this.draft.cars as Record<string, unknown>[]) : [];
    if (cars.length === 0) this.cars.append(h('p', { class: 'muted', text: 'No cars (edit them in the JSON).' }));
    for (const c of cars) {
      const kwh = typeof c.battery_size_wh === 'number' ? `${(c.battery_size_wh / 1000).toFixed(1)} kWh` : 'battery unknown';
      this.cars.append(h('p', { text: `${String(c.description ?? 'Car')} · ${kwh}` }));
    }
  }

  private validate(): FieldProblem[] {
    const problems = validateInfo(this.draft);
    this.showProblems(problems);
    return problems;
  }

  private showProblems(problems: FieldProblem[]): void {
    setLiveText(this.problems, problems.map((p) => `${p.path}: ${p.message}`));
    for (const e of this.fieldErrors.values()) e.textContent = '';
    for (const input of this.inputs.values()) input.removeAttribute('aria-invalid');
    for (const p of problems) {
      const fe = this.fieldErrors.get(p.path);
      if (fe) fe.textContent = p.message;
      this.inputs.get(p.path)?.setAttribute('aria-invalid', 'true');
    }
    this.problemCount = problems.length;
    this.syncSaveButton();
  }

  private syncSaveButton(): void {
    this.saveBtn.toggleAttribute('disabled', this.problemCount > 0 || this.sending);
  }

  /** Shows what will change (path: old → new) and asks to confirm. */
  private review(): void {
    if (this.sending) return;
    clear(this.reloadConfirm);
    const r = parseInfoJson(this.json.value);
    if (!r.value) {
      this.showProblems(r.problems);
      showMessage(this.msg, 'error', 'Fix the problems listed above first; nothing was sent.');
      return;
    }
    const changes = diffInfo(this.loaded ?? {}, r.value);
    clear(this.confirmBox);
    if (changes.length === 0) {
      showMessage(this.msg, 'info', 'Nothing changed.');
      return;
    }
    const list = h('ul', { class: 'diff', 'data-testid': 'info-diff' });
    for (const c of changes) list.append(h('li', { text: describeChange(c) }));
    const send = h('vscode-button', { 'data-testid': 'info-confirm-send' }, 'Send to charger');
    const cancel = h('vscode-button', { secondary: true }, 'Cancel');
    send.addEventListener('click', () => void this.send(r.value!, false));
    cancel.addEventListener('click', () => clear(this.confirmBox));
    this.confirmBox.append(h('p', { text: `${changes.length} change${changes.length === 1 ? '' : 's'} will be sent:` }), list, h('div', { class: 'toolbar' }, send, cancel));
  }

  private async send(value: Record<string, unknown>, force: boolean): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    this.syncSaveButton();
    clear(this.confirmBox);
    showMessage(this.msg, 'info', 'Sending…');
    try {
      const r = await this.rpc.call('setInfo', { raw: value, loadedInfoTimestamp: this.loadedTimestamp, force });
      if (r.outcome === 'conflict') {
        showMessage(this.msg, 'error', 'The info changed on the charger since this form was loaded. Your edits are still here.');
        const overwrite = h('vscode-button', { 'data-testid': 'info-overwrite' }, 'Overwrite anyway');
        const reload = h('vscode-button', { secondary: true, 'data-testid': 'info-conflict-reload' }, 'Reload (discard my edits)');
        overwrite.addEventListener('click', () => void this.send(value, true));
        reload.addEventListener('click', () => void this.load());
        this.confirmBox.append(h('div', { class: 'toolbar' }, overwrite, reload));
        return;
      }
      // Read back: "Saved" only when the charger holds what was sent.
      let fresh: Result<'getInfo'>;
      try {
        fresh = await this.rpc.call('getInfo', {});
      } catch {
        showMessage(this.msg, 'warn', 'Sent; the charger could not be read back to confirm. Reload to check.');
        return;
      }
      this.loaded = fresh.raw;
      this.loadedTimestamp = fresh.infoTimestamp;
      // info_timestamp moves with every write: not a difference.
      const differs = diffInfo(value, fresh.raw).filter((c) => c.path !== 'info_timestamp');
      if (differs.length === 0) {
        this.draft = structuredClone(fresh.raw);
        this.renderJson();
        this.renderFields();
        this.renderCars();
        this.validate();
        this.saveDraft();
        showMessage(this.msg, 'ok', 'Saved. The form shows what the charger now has.');
      } else {
        // The user's input stays in the form (and in the draft: it differs from what the charger has).
        this.saveDraft();
        const names = differs.map((c) => c.path);
        showMessage(this.msg, 'warn', `Sent, but the charger reports different values for ${names.join(', ')}. Your input is kept; Reload shows the charger’s values.`);
      }
    } catch (e) {
      // The user's edits stay in the form.
      showWriteError(this.msg, errorInfoOf(e));
    } finally {
      this.sending = false;
      this.syncSaveButton();
    }
  }
}
