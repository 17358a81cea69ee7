// Tiny DOM helpers. No innerHTML with data, no inline styles or handlers (the CSP forbids them).
import type { ErrorInfo } from '../src/protocol/messages';
import { RpcError } from './rpc';
import { clockText, dateTimeText, machineTimeZone } from '../src/domain/time-zone';

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** A status line under a section: info, warning, error (with next step) or success. */
export function showMessage(el: HTMLElement, kind: 'info' | 'warn' | 'error' | 'ok', text: string, nextStep?: string): void {
  clear(el);
  el.className = `message ${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.append(text);
  if (nextStep) el.append(' ', h('span', { class: 'next-step', text: nextStep }));
}

/** A failed write's error, worded by what is known: not saved, sent but unconfirmed, or maybe applied. */
export function showWriteError(el: HTMLElement, info: ErrorInfo): void {
  if (info.code === 'unverifiedWrite') showMessage(el, 'warn', 'Sent; the charger could not be read back to confirm. Reload to check.');
  else if (info.code === 'uncertainWrite') showMessage(el, 'error', `Not confirmed: ${info.message}`, info.nextStep);
  else showMessage(el, 'error', `Not saved: ${info.message}`, info.nextStep);
}

/** The error carried by a failed rpc call (or anything else thrown). */
export function errorInfoOf(e: unknown): ErrorInfo {
  return e instanceof RpcError ? e.info : { message: String(e) };
}

/**
 * An inline confirmation (window.confirm may be unavailable in a webview): the question and two
 * buttons in `host`; `onConfirm` runs on the first, the second only closes it. Focus goes to the
 * safe choice, so Enter does not discard anything.
 */
export function confirmInline(host: HTMLElement, question: string, confirmLabel: string, cancelLabel: string, onConfirm: () => void, testId?: string): void {
  clear(host);
  const yes = h('vscode-button', { 'data-testid': testId ? `${testId}-yes` : undefined }, confirmLabel);
  const no = h('vscode-button', { secondary: true, 'data-testid': testId ? `${testId}-no` : undefined }, cancelLabel);
  yes.addEventListener('click', () => {
    clear(host);
    onConfirm();
  });
  no.addEventListener('click', () => clear(host));
  host.append(
    h('div', { class: 'confirm-inline', role: 'group', 'aria-label': question }, h('p', { text: question }), h('div', { class: 'toolbar' }, yes, no)),
  );
  no.focus();
}

/**
 * "Restored your unsaved edits", with a way to discard them, in `host` (cleared first).
 */
export function showRestored(host: HTMLElement, onDiscard: () => void, note?: string, testId?: string): void {
  clear(host);
  const discard = h('vscode-button', { secondary: true, 'data-testid': testId ? `${testId}-discard` : undefined }, 'Discard them');
  discard.addEventListener('click', () => {
    clear(host);
    onDiscard();
  });
  host.append(
    h(
      'div',
      { class: 'restored', role: 'status', 'data-testid': testId },
      h('span', { text: `Restored your unsaved edits.${note ? ` ${note}` : ''}` }),
      ' ',
      discard,
    ),
  );
}

/**
 * A summary region that is announced politely, and only when its text changes (not on every
 * keystroke that leaves the problems as they were).
 */
export function setLiveText(el: HTMLElement, lines: string[]): void {
  const text = lines.join('\n');
  if (el.dataset.text === text) return;
  el.dataset.text = text;
  clear(el);
  for (const l of lines) el.append(h('li', { text: l }));
}

let shownZone: string | undefined;

/**
 * The charger's zone, from the host's snapshot (domain/time-zone chargerZone): every time on the
 * page is shown in it, not in the browser's. True when it changed (what shows times re-renders).
 */
export function setShownZone(zone: string | undefined): boolean {
  if (!zone || zone === shownZone) return false;
  shownZone = zone;
  return true;
}

/** The zone the page shows times in: the charger's once known, this computer's until then. */
export function shownTimeZone(): string {
  return shownZone ?? machineTimeZone();
}

/** "5 Dec 2026, 14:05" in the charger's zone. */
export function localTime(epochS: number | undefined): string {
  if (epochS === undefined) return 'unknown';
  return dateTimeText(shownTimeZone(), epochS);
}

/** "14:05" in the charger's zone. */
export function localClockTime(epochS: number): string {
  return clockText(shownTimeZone(), epochS);
}
