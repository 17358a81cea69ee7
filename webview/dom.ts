// Tiny DOM helpers. No innerHTML with data, no inline styles or handlers (the CSP forbids them).

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

/** A status line under a section: info, error (with next step) or success. */
export function showMessage(el: HTMLElement, kind: 'info' | 'error' | 'ok', text: string, nextStep?: string): void {
  clear(el);
  el.className = `message ${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.append(text);
  if (nextStep) el.append(' ', h('span', { class: 'next-step', text: nextStep }));
}

export function localTime(epochS: number | undefined): string {
  if (epochS === undefined) return 'unknown';
  return new Date(epochS * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
