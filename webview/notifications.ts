// Notifications tab: email/push per event, the not-plugged-in-by time, and webhook settings.
// The webhook's authorization header is a password field: never logged, and never kept in the
// webview state with the other unsaved edits (webview/drafts.ts).
import { isSameTime, minutesToHHMM, parseHHMM } from '../src/domain/schedule';
import { NOTIFICATION_EVENTS, type NotificationSetting } from '../src/domain/model';
import { notificationMismatches } from '../src/domain/notifications';
import type { Result } from '../src/protocol/messages';
import { clear, confirmInline, errorInfoOf, h, showMessage, showWriteError } from './dom';
import { DraftLifecycle, type DraftStore, type NotificationEventDraft, type NotificationsDraft } from './drafts';
import type { Rpc } from './rpc';
import { eventLabel } from './words';

const labelOf = (ev: string) => eventLabel(ev);

/**
 * What is wrong with a webhook URL as typed, or undefined (empty = no webhook). The check the
 * Save button applies too.
 */
export function webhookUrlProblem(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^https?:\/\//i.test(t)) return 'Start the address with https:// (or http://).';
  if (/\s/.test(t)) return 'This is not a web address: it has a space in it.';
  let u: URL;
  try {
    u = new URL(t);
  } catch {
    return 'This is not a web address; check for spaces or a missing part.';
  }
  if (!u.hostname) return 'The address needs a host name after https://.';
  return undefined;
}

interface Row {
  email: HTMLInputElement;
  push: HTMLInputElement;
  time?: HTMLInputElement;
  /** The time's cell content: shown only while the event is on. */
  timeBox?: HTMLElement;
  url: HTMLInputElement;
  urlError: HTMLElement;
  method: HTMLSelectElement;
  auth: HTMLInputElement;
  hook: HTMLDetailsElement;
}

export class NotificationsTab {
  /** The unsaved edits' one lifecycle (webview/drafts.ts DraftLifecycle). */
  private readonly edits: DraftLifecycle<'notifications'>;
  /** What the charger reported last (the rows' edits are compared with it). */
  private settings: Result<'getNotifications'> = {};
  /** set_notifications is on its way: a second click must not send twice. */
  private saving = false;
  private readonly rows = new Map<string, Row>();
  private readonly table = h('div', { class: 'notif-host' });
  private readonly restoreBox = h('div', { class: 'restore-host' });
  private readonly reloadConfirm = h('div', { class: 'confirm' });
  private readonly saveBtn = h('vscode-button', { 'data-testid': 'notif-save' }, 'Save notifications');
  private readonly msg = h('p', { class: 'message', 'data-testid': 'notif-message' });

  constructor(
    root: HTMLElement,
    private readonly rpc: Rpc,
    drafts: DraftStore,
  ) {
    this.edits = new DraftLifecycle(drafts, 'notifications', this.restoreBox, 'notif-restored', {
      capture: () => this.currentDraft(),
      apply: (d) => this.applyDraft(d),
      reload: () => void this.load(),
      restoredNote: (d) => {
        const retype = Object.entries(d.events)
          .filter(([, e]) => e.authEdited)
          .map(([ev]) => labelOf(ev));
        return retype.length ? `The webhook authorization header is not kept while the panel is hidden: type it again for ${retype.join(', ')}.` : undefined;
      },
    });
    this.saveBtn.addEventListener('click', () => void this.save());
    const reload = h('vscode-button', { secondary: true, 'data-testid': 'notif-reload' }, 'Reload');
    reload.addEventListener('click', () => {
      if (!this.isDirty()) return void this.load();
      confirmInline(
        this.reloadConfirm,
        'Discard your unsaved notification edits and reload from the charger?',
        'Discard and reload',
        'Keep editing',
        () => void this.load(),
        'notif-reload-confirm',
      );
    });
    root.append(this.restoreBox, this.table, h('div', { class: 'toolbar' }, this.saveBtn, reload), this.reloadConfirm, this.msg);
  }

  async activate(): Promise<void> {
    // The first load brings back the edits a discarded page had not saved.
    if (this.edits.firstActivation()) await this.load(true);
  }

  private async load(restore = false): Promise<void> {
    clear(this.reloadConfirm);
    try {
      this.render(await this.rpc.call('getNotifications', {}));
      clear(this.msg);
      this.edits.afterLoad(restore);
    } catch (e) {
      this.edits.loadFailed(Object.keys(this.settings).length > 0 || this.rows.size > 0);
      const info = errorInfoOf(e);
      showMessage(this.msg, 'error', `Could not read the notifications: ${info.message}`, info.nextStep);
    }
  }

  private render(settings: Result<'getNotifications'>): void {
    this.settings = settings;
    this.rows.clear();
    clear(this.table);
    const events = [...new Set<string>([...NOTIFICATION_EVENTS, ...Object.keys(settings)])];
    // One grid: every event's controls in the same columns.
    const head = h('tr', {}, ...['Event', 'Email', 'Push', 'Time', 'Webhook'].map((t) => h('th', { scope: 'col', text: t })));
    const body = h('tbody');
    for (const ev of events) {
      const s: NotificationSetting = settings[ev] ?? { email: false, push: false };
      const id = `notif-${ev}`;
      const label = labelOf(ev);
      // Every control's accessible name says which event it belongs to.
      const email = h('input', { type: 'checkbox', id: `${id}-email`, 'data-testid': `${id}-email`, 'aria-label': `${label}: email` });
      const push = h('input', { type: 'checkbox', id: `${id}-push`, 'data-testid': `${id}-push`, 'aria-label': `${label}: push` });
      email.checked = s.email;
      push.checked = s.push;
      const url = h('input', {
        type: 'url',
        id: `${id}-url`,
        placeholder: 'https://…',
        size: 30,
        'aria-label': `${label}: webhook URL`,
        'aria-describedby': `${id}-url-error`,
      });
      url.value = s.webhook?.url ?? '';
      const urlError = h('span', { id: `${id}-url-error`, class: 'field-error', 'data-testid': `${id}-url-error` });
      const method = h(
        'select',
        { id: `${id}-method`, 'aria-label': `${label}: webhook method` },
        h('option', { value: 'POST', text: 'POST' }),
        h('option', { value: 'PUT', text: 'PUT' }),
      );
      method.value = s.webhook?.method ?? 'POST';
      // A password field: masked on screen; the value goes to the host only on save.
      const auth = h('input', {
        type: 'password',
        id: `${id}-auth`,
        autocomplete: 'off',
        placeholder: 'Authorization header',
        'aria-label': `${label}: webhook authorization header`,
      });
      auth.value = s.webhook?.authorizationHeaders ?? '';
      const hook = h(
        'details',
        { class: 'webhook' },
        h('summary', { text: s.webhook?.url ? 'Webhook (set)' : 'Webhook' }),
        h('label', { for: url.id, text: 'URL ' }),
        url,
        ' ',
        method,
        ' ',
        auth,
        urlError,
      );
      const row: Row = { email, push, url, urlError, method, auth, hook };
      const timeCell = h('td', { class: 'time-cell' });
      if (ev === 'is_not_plugged_in_by') {
        row.time = h('input', {
          type: 'text',
          id: `${id}-time`,
          size: 6,
          placeholder: 'HH:MM',
          'aria-label': `${label}: time (HH:MM)`,
          'data-testid': `${id}-time`,
        });
        row.time.value = minutesToHHMM(s.time ?? 0);
        row.timeBox = h('label', {}, 'by ', row.time);
        timeCell.append(row.timeBox);
      }
      body.append(
        h(
          'tr',
          { 'data-event': ev },
          h('th', { scope: 'row', text: label }),
          h('td', { class: 'check' }, email),
          h('td', { class: 'check' }, push),
          timeCell,
          h('td', {}, hook),
        ),
      );
      // 'input' fires for text, checkboxes and selects alike.
      for (const el of [email, push, row.time, url, method, auth]) el?.addEventListener('input', () => this.onRowInput(row));
      this.rows.set(ev, row);
      this.syncRow(row);
    }
    this.table.append(h('table', { class: 'notif-table', 'data-testid': 'notif-table' }, h('thead', {}, head), body));
  }

  /** The time is asked only while its event is on; the webhook URL is checked as typed. */
  private syncRow(r: Row): void {
    if (r.timeBox) r.timeBox.hidden = !(r.email.checked || r.push.checked);
    const bad = webhookUrlProblem(r.url.value);
    r.urlError.textContent = bad ?? '';
    if (bad) r.url.setAttribute('aria-invalid', 'true');
    else r.url.removeAttribute('aria-invalid');
    this.syncSave();
  }

  private syncSave(): void {
    const invalid = [...this.rows.values()].some((r) => webhookUrlProblem(r.url.value) !== undefined);
    this.saveBtn.toggleAttribute('disabled', this.saving || invalid);
  }

  private onRowInput(r: Row): void {
    this.syncRow(r);
    this.edits.changed();
  }

  /** The row of `ev` as a draft when it differs from what was loaded; undefined when it does not. */
  private rowDraft(ev: string, r: Row): NotificationEventDraft | undefined {
    const s: NotificationSetting = this.settings[ev] ?? { email: false, push: false };
    const authEdited = r.auth.value !== (s.webhook?.authorizationHeaders ?? '');
    const differs =
      r.email.checked !== s.email ||
      r.push.checked !== s.push ||
      (r.time !== undefined && !isSameTime(r.time.value, s.time ?? 0)) ||
      r.url.value.trim() !== (s.webhook?.url ?? '') ||
      r.method.value !== (s.webhook?.method ?? 'POST') ||
      authEdited;
    if (!differs) return undefined;
    // The authorization header itself is left out on purpose (a secret the user typed): only
    // whether it was edited, so the restored page can ask for it again.
    return {
      email: r.email.checked,
      push: r.push.checked,
      time: r.time?.value,
      url: r.url.value,
      method: r.method.value === 'PUT' ? 'PUT' : 'POST',
      authEdited: authEdited || undefined,
    };
  }

  private currentDraft(): NotificationsDraft | undefined {
    const events: Record<string, NotificationEventDraft> = {};
    for (const [ev, r] of this.rows) {
      const d = this.rowDraft(ev, r);
      if (d) events[ev] = d;
    }
    return Object.keys(events).length ? { events } : undefined;
  }

  private isDirty(): boolean {
    return this.currentDraft() !== undefined;
  }

  private applyDraft(d: NotificationsDraft): void {
    for (const [ev, e] of Object.entries(d.events)) {
      const r = this.rows.get(ev);
      if (!r) continue;
      r.email.checked = e.email;
      r.push.checked = e.push;
      if (r.time && e.time !== undefined) r.time.value = e.time;
      r.url.value = e.url;
      r.method.value = e.method;
      // Show the webhook whose header must be typed again.
      if (e.authEdited || e.url !== (this.settings[ev]?.webhook?.url ?? '')) r.hook.open = true;
      this.syncRow(r);
    }
  }

  private async save(): Promise<void> {
    if (this.saving) return;
    clear(this.reloadConfirm);
    const out: Record<string, NotificationSetting> = {};
    for (const [ev, r] of this.rows) {
      // Events the server never listed are only sent when the user turned something on.
      const known = this.settings[ev] !== undefined;
      const s: NotificationSetting = { email: r.email.checked, push: r.push.checked };
      if (r.time) {
        // Asked only while the event is on; otherwise the charger keeps the time it had.
        if (r.timeBox?.hidden) s.time = this.settings[ev]?.time ?? 0;
        else
          try {
            s.time = parseHHMM(r.time.value);
          } catch (e) {
            showMessage(this.msg, 'error', `${labelOf(ev)}: ${(e as Error).message}; nothing was sent.`);
            return;
          }
      }
      const url = r.url.value.trim();
      if (url) {
        const bad = webhookUrlProblem(url);
        if (bad) {
          r.hook.open = true;
          showMessage(this.msg, 'error', `${labelOf(ev)}, webhook: ${bad} Nothing was sent.`);
          return;
        }
        s.webhook = { url, method: r.method.value as 'PUT' | 'POST', authorizationHeaders: r.auth.value || undefined };
      }
      if (known || s.email || s.push || s.webhook) out[ev] = s;
    }
    this.saving = true;
    this.saveBtn.setAttribute('disabled', '');
    showMessage(this.msg, 'info', 'Saving…');
    try {
      const back = await this.rpc.call('setNotifications', { settings: out });
      // The same judgement as the host's verified write (src/state/unit-writes.ts).
      const differs = notificationMismatches(out, back);
      if (differs.length === 0) {
        this.render(back);
        this.edits.changed();
        showMessage(this.msg, 'ok', 'Saved. The editor shows what the charger now has.');
      } else {
        // The user's input stays (and stays a draft: it differs from what the charger has).
        this.settings = back;
        this.edits.changed();
        showMessage(
          this.msg,
          'warn',
          `Sent, but the charger reports different settings for ${differs.map(labelOf).join(', ')}. Your input is kept; Reload shows the charger’s values.`,
        );
      }
    } catch (e) {
      showWriteError(this.msg, errorInfoOf(e));
    } finally {
      this.saving = false;
      this.syncSave();
    }
  }
}
