// Info tab: structured fields and a JSON editor over the same draft, validated as typed, a diff
// before set_info, a conflict check against the server's info_timestamp, and a read-back after it.
// Unsaved edits survive the page being discarded (webview/drafts.ts).
import { diffInfo, getAtPath, parseInfoJson, setAtPath, validateInfo, type FieldProblem, type InfoChange } from './info-model';
import { clear, confirmInline, errorInfoOf, h, setLiveText, showMessage, showWriteError } from './dom';
import { DraftLifecycle, type DraftStore } from './drafts';
import type { Result } from '../src/protocol/messages';
import type { Rpc } from './rpc';
import { fieldInfo } from './words';

/** A form field: its wire path (shown only in the JSON pane) and the control that fits its value. */
interface FieldDef {
  path: string;
  kind: 'text' | 'int' | 'timeZone' | 'switch';
  placeholder?: string;
  /** Shown in the Cars section (the cars' efficiency) rather than with the charger's fields. */
  cars?: boolean;
}
const FIELDS: FieldDef[] = [
  { path: 'name', kind: 'text' },
  { path: 'address', kind: 'text' },
  { path: 'city', kind: 'text' },
  { path: 'zip', kind: 'text' },
  { path: 'country_code', kind: 'text', placeholder: 'e.g. US' },
  { path: 'timeZoneId', kind: 'timeZone' },
  { path: 'amps_wire_rating', kind: 'int' },
  { path: 'amps_unit_rating', kind: 'int' },
  { path: 'ecost', kind: 'int' },
  { path: 'gascost', kind: 'int' },
  { path: 'mpg', kind: 'int' },
  { path: 'whpermile', kind: 'int', cars: true },
  { path: 'policy.user_control_allowed', kind: 'switch' },
  { path: 'policy.name', kind: 'text' },
  { path: 'policy.charge_control_type', kind: 'text' },
];

/** The wire rating bounds the current the charger may draw: changing it is a safety matter. */
const WIRE_RATING = 'amps_wire_rating';

/** A car's typed fields: what the owner knows of the car, in its units. */
const CAR_FIELDS = [
  { key: 'name', wire: 'description', label: 'Car name', kind: 'text', placeholder: 'e.g. 2021 Nissan Leaf' },
  { key: 'battery', wire: 'battery_size_wh', label: 'Battery size', kind: 'kwh', placeholder: 'e.g. 62' },
] as const;

/** A car field's text in the form: the name as is, the battery in kWh. */
function carFieldText(car: Record<string, unknown>, key: string): string {
  if (key === 'name') return typeof car.description === 'string' ? car.description : '';
  return typeof car.battery_size_wh === 'number' ? String(Number((car.battery_size_wh / 1000).toFixed(3))) : '';
}

/** The label of a field for the form, the review and the messages (never its wire name). */
function labelOf(path: string): string {
  return path === 'policy.name' ? 'Policy name' : fieldInfo(path).label;
}

/** A value as the review shows it: with the field's unit, text in quotes, "(none)" when absent. */
function showValue(path: string, v: unknown): string {
  if (v === undefined) return '(none)';
  const unit = fieldInfo(path).unit;
  if (typeof v === 'number' && unit) return `${v} ${unit}`;
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return JSON.stringify(v);
}

/** A car in words: "Second car, 62.5 kWh". */
function carInWords(car: Record<string, unknown>): string {
  const battery = carFieldText(car, 'battery');
  return `${carFieldText(car, 'name') || 'a car without a name'}${battery ? `, ${battery} kWh` : ''}`;
}

/** "Wire rating: 40 A → 32 A": a change in words, for the review before sending. */
export function describeChangeInWords(c: InfoChange): string {
  const car = /^cars\[(\d+)\]$/.exec(c.path);
  if (car && c.before === undefined && c.after && typeof c.after === 'object') return `Car added: ${carInWords(c.after as Record<string, unknown>)}`;
  if (car && c.after === undefined && c.before && typeof c.before === 'object') return `Car removed: ${carInWords(c.before as Record<string, unknown>)}`;
  const inCar = /^cars\[(\d+)\]\.battery_size_wh$/.test(c.path);
  const kwh = (v: unknown) => (typeof v === 'number' ? `${Number((v / 1000).toFixed(3))} kWh` : showValue(c.path, v));
  if (inCar) return `Car ${Number(c.path.slice(5, c.path.indexOf(']'))) + 1}, ${labelOf(c.path)}: ${kwh(c.before)} → ${kwh(c.after)}`;
  return `${labelOf(c.path)}: ${showValue(c.path, c.before)} → ${showValue(c.path, c.after)}`;
}

/** The time zones this browser knows, with `current` first when it is not one of them. */
function timeZones(current: string | undefined): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf?(k: string): string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  return current && !zones.includes(current) ? [current, ...zones] : zones;
}

type FieldControl = HTMLInputElement | HTMLSelectElement;

export class InfoTab {
  private loaded: Record<string, unknown> | undefined;
  private loadedTimestamp: number | undefined;
  private draft: Record<string, unknown> = {};
  /** The unsaved edits' one lifecycle (webview/drafts.ts DraftLifecycle). */
  private readonly edits: DraftLifecycle<'info'>;
  /** set_info (and its read-back) is on its way: a second click must not send twice. */
  private sending = false;
  private problemCount = 0;
  private readonly inputs = new Map<string, FieldControl>();
  private readonly wireWarning = h('p', { class: 'wire-warning', role: 'alert', 'data-testid': 'info-wire-warning', hidden: true });
  private readonly fieldErrors = new Map<string, HTMLElement>();
  private readonly json = h('textarea', {
    class: 'json',
    rows: 18,
    spellcheck: 'false',
    'aria-label': 'Info as JSON',
    'aria-describedby': 'info-problems',
    'data-testid': 'info-json',
  });
  // The one live region of the form: announced politely, and only when the problems change.
  private readonly problems = h('ul', { id: 'info-problems', class: 'problems', 'data-testid': 'info-problems', 'aria-live': 'polite' });
  private readonly cars = h('div', { class: 'cars', 'data-testid': 'info-cars' });
  /** The cars' shared fields (their efficiency), above the list of cars. */
  private readonly carsForm = h('div', { class: 'form-grid' });
  private readonly restoreBox = h('div', { class: 'restore-host' });
  private readonly confirmBox = h('div', { class: 'confirm', 'data-testid': 'info-confirm' });
  private readonly reloadConfirm = h('div', { class: 'confirm' });
  private readonly msg = h('p', { class: 'message', 'data-testid': 'info-message' });
  private readonly saveBtn = h('vscode-button', { 'data-testid': 'info-save' }, 'Review changes…');

  constructor(
    root: HTMLElement,
    private readonly rpc: Rpc,
    drafts: DraftStore,
  ) {
    this.edits = new DraftLifecycle(drafts, 'info', this.restoreBox, 'info-restored', {
      capture: () => (this.isDirty() ? { json: this.json.value, loadedInfoTimestamp: this.loadedTimestamp } : undefined),
      apply: (saved) => {
        this.json.value = saved.json;
        // The edits were made on the info of that time: the conflict check compares with it.
        this.loadedTimestamp = saved.loadedInfoTimestamp;
        this.syncFromJson();
      },
      reload: () => void this.load(),
    });
    const form = h('div', { class: 'form-grid' });
    for (const f of FIELDS) {
      const id = `info-${f.path.replace(/\./g, '-')}`;
      const info = fieldInfo(f.path);
      const common = { id, 'data-path': f.path, 'aria-describedby': `${id}-error`, title: info.help };
      const input: FieldControl =
        f.kind === 'timeZone'
          ? h('select', common)
          : f.kind === 'switch'
            ? h('input', { ...common, type: 'checkbox', role: 'switch' })
            : f.kind === 'int'
              ? h('input', { ...common, type: 'number', step: 1, inputmode: 'numeric' })
              : h('input', { ...common, type: 'text', placeholder: f.placeholder });
      // Not a live region: the summary announces; this one is read with its field.
      const err = h('span', { id: `${id}-error`, class: 'field-error', 'data-error-for': f.path });
      input.addEventListener(f.kind === 'text' || f.kind === 'int' ? 'input' : 'change', () => this.onFieldInput(f, input));
      this.inputs.set(f.path, input);
      this.fieldErrors.set(f.path, err);
      const control =
        f.kind === 'switch'
          ? h('label', { class: 'switch' }, input, h('span', { class: 'switch-state', 'data-switch-for': f.path }))
          : info.unit
            ? h('div', { class: 'field-with-unit' }, input, h('span', { class: 'unit-suffix', text: info.unit }))
            : input;
      (f.cars ? this.carsForm : form).append(
        h('label', { for: id, text: labelOf(f.path) }),
        h('div', {}, control, err, f.path === WIRE_RATING ? this.wireWarning : null),
      );
    }
    this.json.addEventListener('input', () => this.onJsonInput());
    this.saveBtn.addEventListener('click', () => this.review());
    const reload = h('vscode-button', { secondary: true, 'data-testid': 'info-reload' }, 'Reload from charger');
    reload.addEventListener('click', () => {
      if (!this.isDirty()) return void this.load();
      confirmInline(
        this.reloadConfirm,
        'Discard your unsaved edits and reload the info from the charger?',
        'Discard and reload',
        'Keep editing',
        () => void this.load(),
        'info-reload-confirm',
      );
    });
    root.append(
      this.restoreBox,
      h(
        'div',
        { class: 'info-columns' },
        h('section', {}, h('h3', { text: 'Fields' }), form, h('h3', { text: 'Cars' }), this.carsForm, this.cars),
        h('section', {}, h('h3', { text: 'JSON' }), this.json, this.problems),
      ),
      h('div', { class: 'toolbar' }, this.saveBtn, reload),
      this.reloadConfirm,
      this.confirmBox,
      this.msg,
    );
  }

  async activate(): Promise<void> {
    // The first load brings back the edits a discarded page had not saved.
    if (this.edits.firstActivation()) await this.load(true);
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
      const saved = this.edits.afterLoad(restore);
      this.renderFields();
      this.syncWireWarning();
      this.renderCars();
      if (!saved) this.validate();
      showMessage(this.msg, 'info', 'Loaded from the charger.');
    } catch (e) {
      this.edits.loadFailed(this.loaded !== undefined);
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

  private onFieldInput(f: FieldDef, input: FieldControl): void {
    const text = input.value;
    let value: unknown = text;
    if (f.kind === 'switch') value = (input as HTMLInputElement).checked;
    else if (f.kind === 'int') {
      const t = text.trim();
      // A number field holds '' for text that is not a number: the field goes (the validator names it when required).
      value = t === '' ? undefined : Number(t);
    } else if (text === '' && getAtPath(this.loaded ?? {}, f.path) === undefined) value = undefined;
    this.draft = setAtPath(this.draft, f.path, value);
    this.renderJson();
    this.validate();
    this.syncWireWarning();
    this.edits.changed();
  }

  /** Beside the wire rating, while it differs from what the charger has: what it bounds. */
  private syncWireWarning(): void {
    const before = getAtPath(this.loaded ?? {}, WIRE_RATING);
    const after = getAtPath(this.draft, WIRE_RATING);
    const changed = this.loaded !== undefined && JSON.stringify(before) !== JSON.stringify(after);
    this.wireWarning.hidden = !changed;
    this.wireWarning.textContent = changed
      ? 'The wire rating caps the charging current. Set it to what the circuit’s wiring and breaker are rated for: a value above that can overheat the wiring.'
      : '';
  }

  private onJsonInput(): void {
    this.syncFromJson();
    this.edits.changed();
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
      this.renderCars();
    }
    this.syncWireWarning();
    this.showProblems(r.problems);
  }

  private renderFields(): void {
    for (const [path, input] of this.inputs) {
      const v = getAtPath(this.draft, path);
      if (input instanceof HTMLInputElement && input.type === 'checkbox') {
        input.checked = v === true;
        const state = input.parentElement?.querySelector('.switch-state');
        // A charger that does not say (a local box) is not "off": it is not known.
        if (state) state.textContent = v === true ? 'on' : v === false ? 'off' : 'not reported by the charger';
        continue;
      }
      const text = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      if (input instanceof HTMLSelectElement) {
        if (input.options.length === 0 || ![...input.options].some((o) => o.value === text)) {
          clear(input);
          if (text === '') input.append(h('option', { value: '', text: '(not set)' }));
          for (const z of timeZones(text || undefined)) input.append(h('option', { value: z, text: z.replace(/_/g, ' ') }));
        }
        input.value = text;
        continue;
      }
      // A number field cannot show text that is not a number: the JSON pane shows it with its problem.
      if (document.activeElement !== input) input.value = input.type === 'number' && typeof v !== 'number' ? '' : text;
    }
  }

  private renderJson(): void {
    this.json.value = JSON.stringify(this.draft, null, 2);
  }

  private carList(): Record<string, unknown>[] {
    return Array.isArray(this.draft.cars) ? (this.draft.cars as Record<string, unknown>[]) : [];
  }

  /** One car's field, typed: the JSON pane and the draft follow. */
  private setCarField(index: number, key: string, value: unknown): void {
    const cars = structuredClone(this.carList());
    const car = { ...(cars[index] ?? {}) };
    if (value === undefined) delete car[key];
    else car[key] = value;
    cars[index] = car;
    this.draft = { ...this.draft, cars };
    this.afterCarEdit();
  }

  private afterCarEdit(): void {
    this.renderJson();
    this.validate();
    this.edits.changed();
  }

  /**
   * The cars as typed fields: name, battery size in kWh (sent as Wh). Rebuilt when the list
   * changes; otherwise the values are refreshed in place so the field being typed in keeps focus.
   */
  private renderCars(): void {
    const cars = this.carList();
    const rows = this.cars.querySelectorAll('.car');
    if (rows.length === cars.length && cars.length > 0) {
      cars.forEach((c, i) => {
        for (const input of rows[i].querySelectorAll<HTMLInputElement>('input[data-car-field]')) {
          if (document.activeElement === input) continue;
          input.value = carFieldText(c, input.dataset.carField!);
        }
      });
      return;
    }
    clear(this.cars);
    if (cars.length === 0) this.cars.append(h('p', { class: 'muted', text: 'No car yet. Add one: its battery size lets “Full at” say when charging ends.' }));
    cars.forEach((c, i) => {
      const row = h('div', { class: 'car form-grid', 'data-testid': `info-car-${i}` });
      for (const f of CAR_FIELDS) {
        const id = `info-car-${i}-${f.key}`;
        const path = `cars[${i}].${f.wire}`;
        const input = h('input', {
          id,
          type: f.kind === 'kwh' ? 'number' : 'text',
          step: f.kind === 'kwh' ? 0.1 : undefined,
          min: f.kind === 'kwh' ? 0 : undefined,
          inputmode: f.kind === 'kwh' ? 'decimal' : undefined,
          placeholder: f.placeholder,
          'data-car-field': f.key,
          'data-path': path,
          'aria-describedby': `${id}-error`,
          value: carFieldText(c, f.key),
        });
        input.addEventListener('input', () => {
          const t = input.value.trim();
          if (f.kind === 'kwh') this.setCarField(i, f.wire, t === '' ? undefined : Math.round(Number(t) * 1000));
          else this.setCarField(i, f.wire, t === '' ? undefined : input.value);
        });
        const control = f.kind === 'kwh' ? h('div', { class: 'field-with-unit' }, input, h('span', { class: 'unit-suffix', text: 'kWh' })) : input;
        row.append(
          h('label', { for: id, text: f.label }),
          h('div', {}, control, h('span', { id: `${id}-error`, class: 'field-error', 'data-error-for': path })),
        );
      }
      const remove = h('vscode-button', { secondary: true, 'data-testid': `info-car-${i}-remove` }, 'Remove this car');
      remove.addEventListener('click', () => {
        this.draft = { ...this.draft, cars: this.carList().filter((_, j) => j !== i) };
        this.afterCarEdit();
        this.renderCars();
      });
      row.append(h('span', {}), h('div', {}, remove));
      this.cars.append(row);
    });
    const add = h('vscode-button', { secondary: true, 'data-testid': 'info-car-add' }, 'Add a car');
    add.addEventListener('click', () => {
      this.draft = { ...this.draft, cars: [...this.carList(), { description: '' }] };
      this.afterCarEdit();
      this.renderCars();
      this.cars.querySelector<HTMLInputElement>(`#info-car-${this.carList().length - 1}-name`)?.focus();
    });
    this.cars.append(h('div', { class: 'toolbar' }, add));
  }

  private validate(): FieldProblem[] {
    const problems = validateInfo(this.draft);
    this.showProblems(problems);
    return problems;
  }

  private showProblems(problems: FieldProblem[]): void {
    // The JSON pane names the field's path; the form says it beside the field, in words.
    setLiveText(
      this.problems,
      problems.map((p) => `${p.path}: ${p.message}`),
    );
    for (const e of this.fieldErrors.values()) e.textContent = '';
    for (const input of this.inputs.values()) input.removeAttribute('aria-invalid');
    for (const e of this.cars.querySelectorAll('[data-error-for]')) e.textContent = '';
    for (const input of this.cars.querySelectorAll('input')) input.removeAttribute('aria-invalid');
    for (const p of problems) {
      const fe = this.fieldErrors.get(p.path) ?? this.cars.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(p.path)}"]`);
      if (fe) fe.textContent = `${labelOf(p.path)} ${p.message}.`;
      (this.inputs.get(p.path) ?? this.cars.querySelector(`input[data-path="${CSS.escape(p.path)}"]`))?.setAttribute('aria-invalid', 'true');
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
    for (const c of changes) list.append(h('li', { text: describeChangeInWords(c) }));
    const send = h('vscode-button', { 'data-testid': 'info-confirm-send' }, 'Send to charger');
    const cancel = h('vscode-button', { secondary: true }, 'Cancel');
    send.addEventListener('click', () => {
      if (!send.hasAttribute('disabled')) void this.send(r.value!, false);
    });
    cancel.addEventListener('click', () => clear(this.confirmBox));
    this.confirmBox.append(h('p', { text: `${changes.length} change${changes.length === 1 ? '' : 's'} will be sent:` }), list);
    // A new wire rating changes the most current the charger will draw: said, and confirmed on its own.
    const wire = changes.find((c) => c.path === WIRE_RATING);
    if (wire) {
      const ok = h('input', { type: 'checkbox', id: 'info-wire-confirm', 'data-testid': 'info-wire-confirm' });
      send.setAttribute('disabled', '');
      ok.addEventListener('change', () => send.toggleAttribute('disabled', !ok.checked));
      this.confirmBox.append(
        h(
          'div',
          { class: 'wire-warning', role: 'alert', 'data-testid': 'info-wire-review' },
          h('p', {
            text: `You are changing the wire rating from ${showValue(WIRE_RATING, wire.before)} to ${showValue(WIRE_RATING, wire.after)}. The charger will then allow up to that current. Set it only to what the circuit’s wiring and breaker are rated for: a value above that can overheat the wiring.`,
          }),
          h('label', {}, ok, ` The circuit is rated for ${showValue(WIRE_RATING, wire.after)} or more`),
        ),
      );
    }
    this.confirmBox.append(h('div', { class: 'toolbar' }, send, cancel));
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
        this.syncWireWarning();
        this.renderCars();
        this.validate();
        this.edits.changed();
        showMessage(this.msg, 'ok', 'Saved. The form shows what the charger now has.');
      } else {
        // The user's input stays in the form (and in the draft: it differs from what the charger has).
        this.edits.changed();
        const names = differs.map((c) => labelOf(c.path));
        showMessage(
          this.msg,
          'warn',
          `Sent, but the charger reports different values for ${names.join(', ')}. Your input is kept; Reload shows the charger’s values.`,
        );
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
