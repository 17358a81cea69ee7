// Notifications tab: email/push per event, the not-plugged-in-by time, and webhook settings.
// The webhook's authorization header is a password field and is never logged.
import { NOTIFICATION_EVENTS, type NotificationSetting } from '../src/api/types';
import { minutesToHHMM, parseHHMM } from '../src/api/schedule';
import type { Result } from '../src/protocol/messages';
import { clear, h, showMessage } from './dom';
import { RpcError, type Rpc } from './rpc';

const LABELS: Record<string, string> = {
  charging_delayed_due_to_ToU: 'Charging delayed by the schedule',
  start_charging: 'Charging started',
  stop_charging: 'Charging stopped',
  is_offline: 'Charger offline',
  is_back_online: 'Charger back online',
  is_not_plugged_in_by: 'Not plugged in by…',
  unplug: 'Unplugged',
  plugin: 'Plugged in',
};

interface Row {
  email: HTMLInputElement;
  push: HTMLInputElement;
  time?: HTMLInputElement;
  url: HTMLInputElement;
  method: HTMLSelectElement;
  auth: HTMLInputElement;
}

export class NotificationsTab {
  private loadedOnce = false;
  private settings: Result<'getNotifications'> = {};
  private readonly rows = new Map<string, Row>();
  private readonly table = h('div', { class: 'notif-host' });
  private readonly msg = h('p', { class: 'message', 'data-testid': 'notif-message' });

  constructor(root: HTMLElement, private readonly rpc: Rpc) {
    const save = h('vscode-button', { 'data-testid': 'notif-save' }, 'Save notifications');
    save.addEventListener('click', () => void this.save());
    root.append(this.table, h('div', { class: 'toolbar' }, save), this.msg);
  }

  async activate(): Promise<void> {
    if (this.loadedOnce) return;
    this.loadedOnce = true;
    try {
      this.render(await this.rpc.call('getNotifications', {}));
    } catch (e) {
      this.loadedOnce = false;
      const info = e instanceof RpcError ? e.info : { message: String(e) };
      showMessage(this.msg, 'error', `Could not read the notifications: ${info.message}`, info.nextStep);
    }
  }

  private render(settings: Result<'getNotifications'>): void {
    this.settings = settings;
    this.rows.clear();
    clear(this.table);
    const events = [...new Set<string>([...NOTIFICATION_EVENTS, ...Object.keys(settings)])];
    for (const ev of events) {
      const s: NotificationSetting = settings[ev] ?? { email: false, push: false };
      const id = `notif-${ev}`;
      const email = h('input', { type: 'checkbox', id: `${id}-email`, 'data-testid': `${id}-email` });
      const push = h('input', { type: 'checkbox', id: `${id}-push`, 'data-testid': `${id}-push` });
      email.checked = s.email;
      push.checked = s.push;
      const url = h('input', { type: 'url', id: `${id}-url`, placeholder: 'https://…', size: 30 });
      url.value = s.webhook?.url ?? '';
      const method = h('select', { id: `${id}-method`, 'aria-label': 'Webhook method' }, h('option', { value: 'POST', text: 'POST' }), h('option', { value: 'PUT', text: 'PUT' }));
      method.value = s.webhook?.method ?? 'POST';
      // A password field: masked on screen; the value goes to the host only on save.
      const auth = h('input', { type: 'password', id: `${id}-auth`, autocomplete: 'off', placeholder: 'Authorization header', 'aria-label': 'Webhook authorization header' });
      auth.value = s.webhook?.authorizationHeaders ?? '';
      const row: Row = { email, push, url, method, auth };
      const line = h('div', { class: 'notif-row' }, h('strong', { text: LABELS[ev] ?? ev }),
        h('label', {}, email, ' Email'), h('label', {}, push, ' Push'));
      if (ev === 'is_not_plugged_in_by') {
        row.time = h('input', { type: 'text', id: `${id}-time`, size: 6, placeholder: 'HH:MM', 'aria-label': 'Not plugged in by (HH:MM)' });
        row.time.value = minutesToHHMM(s.time ?? 0);
        line.append(h('label', {}, 'by ', row.time));
      }
      const hook = h('details', { class: 'webhook' }, h('summary', { text: 'Webhook' }),
        h('label', { for: url.id, text: 'URL ' }), url, ' ', method, ' ', auth);
      line.append(hook);
      this.rows.set(ev, row);
      this.table.append(line);
    }
  }

  private async save(): Promise<void> {
    const out: Record<string, NotificationSetting> = {};
    for (const [ev, r] of this.rows) {
      // Events the server never listed are only sent when the user turned something on.
      const known = this.settings[ev] !== undefined;
      const s: NotificationSetting = { email: r.email.checked, push: r.push.checked };
      if (r.time) {
        try {
          s.time = parseHHMM(r.time.value);
        } catch (e) {
          showMessage(this.msg, 'error', `Not plugged in by: ${(e as Error).message}; nothing was sent.`);
          return;
        }
      }
      const url = r.url.value.trim();
      if (url) {
        if (!/^https?:\/\//i.test(url)) {
          showMessage(this.msg, 'error', `${LABELS[ev] ?? ev}: the webhook URL must start with https:// or http://; nothing was sent.`);
          return;
        }
        s.webhook = { url, method: r.method.value as 'PUT' | 'POST', authorizationHeaders: r.auth.value || undefined };
      }
      if (known || s.email || s.push || s.webhook) out[ev] = s;
    }
    showMessage(this.msg, 'info', 'Saving…');
    try {
      this.render(await this.rpc.call('setNotifications', { settings: out }));
      showMessage(this.msg, 'ok', 'Saved. The editor shows what the charger now has.');
    } catch (e) {
      const info = e instanceof RpcError ? e.info : { message: String(e) };
      showMessage(this.msg, 'error', `Not saved: ${info.message}`, info.nextStep);
    }
  }
}
