// Info tab: structured fields and a JSON editor over the same draft, validated as typed, a diff
// before set_info, and a conflict check against the server's info_timestamp.
import { describeChange, diffInfo, getAtPath, parseInfoJson, setAtPath, validateInfo, type FieldProblem } from '../src/protocol/info';
import { clear, h, showMessage } from './dom';
import { RpcError, type Rpc } from './rpc';

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
  private readonly inputs = new Map<string, HTMLInputElement>();
  private readonly fieldErrors = new Map<string, HTMLElement>();
  private readonly json = h('textarea', { class: 'json', rows: 18, spellcheck: 'false', 'aria-label': 'Info as JSON', 'data-testid': 'info-json' });
  private readonly problems = h('ul', { class: 'problems', 'data-testid': 'info-problems', role: 'alert' });
  private readonly cars = h('div', { class: 'cars' });
  private readonly confirmBox = h('div', { class: 'confirm', 'data-testid': 'info-confirm' });
  private readonly msg = h('p', { class: 'message', 'data-testid': 'info-message' });
  private readonly saveBtn = h('vscode-button', { 'data-testid': 'info-save' }, 'Review changes…');

  constructor(root: HTMLElement, private readonly rpc: Rpc) {
    const form = h('div', { class: 'form-grid' });
    for (const f of FIELDS) {
      const id = `info-${f.path.replace(/\./g, '-')}`;
      const input = h('input', { id, type: 'text', 'data-path': f.path, inputmode: f.kind === 'int' ? 'numeric' : undefined, placeholder: f.help });
      const err = h('span', { class: 'field-error', 'data-error-for': f.path, role: 'alert' });
      input.addEventListener('input', () => this.onFieldInput(f, input.value));
      this.inputs.set(f.path, input);
      this.fieldErrors.set(f.path, err);
      form.append(h('label', { for: id, text: f.label }), h('div', {}, input, err));
    }
    this.json.addEventListener('input', () => this.onJsonInput());
    this.saveBtn.addEventListener('click', () => this.review());
    const reload = h('vscode-button', { secondary: true, 'data-testid': 'info-reload' }, 'Reload from charger');
    reload.addEventListener('click', () => void this.load());
    root.append(
      h('div', { class: 'info-columns' },
        h('section', {}, h('h3', { text: 'Fields' }), form, h('h3', { text: 'Cars' }), this.cars),
        h('section', {}, h('h3', { text: 'JSON' }), this.json)),
      this.problems,
      h('div', { class: 'toolbar' }, this.saveBtn, reload),
      this.confirmBox,
      this.msg,
    );
  }

  async activate(): Promise<void> {
    if (this.loadedOnce) return;
    this.loadedOnce = true;
    await this.load();
  }

  async load(): Promise<void> {
    showMessage(this.msg, 'info', 'Reading info…');
    clear(this.confirmBox);
    try {
      const r = await this.rpc.call('getInfo', {});
      this.loaded = r.raw;
      this.loadedTimestamp = r.infoTimestamp;
      this.draft = structuredClone(r.raw);
      this.renderFields();
      this.renderJson();
      this.renderCars();
      this.validate();
      showMessage(this.msg, 'info', 'Loaded from the charger.');
    } catch (e) {
      this.loadedOnce = this.loaded !== undefined;
      const info = e instanceof RpcError ? e.info : { message: String(e) };
      showMessage(this.msg, 'error', `Could not read the info: ${info.message}`, info.nextStep);
    }
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
  }

  private onJsonInput(): void {
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
    clear(this.problems);
    for (const e of this.fieldErrors.values()) e.textContent = '';
    for (const input of this.inputs.values()) input.removeAttribute('aria-invalid');
    for (const p of problems) {
      this.problems.append(h('li', { text: `${p.path}: ${p.message}` }));
      const fe = this.fieldErrors.get(p.path);
      if (fe) fe.textContent = p.message;
      this.inputs.get(p.path)?.setAttribute('aria-invalid', 'true');
    }
    this.saveBtn.toggleAttribute('disabled', problems.length > 0);
  }

  /** Shows what will change (path: old → new) and asks to confirm. */
  private review(): void {
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
      await this.load();
      showMessage(this.msg, 'ok', 'Saved. The form shows what the charger now has.');
    } catch (e) {
      // The user's edits stay in the form.
      const info = e instanceof RpcError ? e.info : { message: String(e) };
      showMessage(this.msg, 'error', `Not saved: ${info.message}`, info.nextStep);
    }
  }
}
