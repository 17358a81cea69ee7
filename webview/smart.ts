// The Overview's smart-charging section (JuiceNet Local): what the server's smart charging does
// with this charger, one rule a line (a shared circuit, a ready-by plan, solar), and a plan's hours
// with their prices, the expected cost and when the car will be ready. Hidden when nothing applies.
import type { UnitSnapshot } from '../src/protocol/messages';
import { clear, h } from './dom';

export class SmartSection {
  readonly el = h('section', { class: 'smart', 'aria-label': 'Smart charging', 'data-testid': 'overview-smart', hidden: true });

  render(u: UnitSnapshot): void {
    clear(this.el);
    const s = u.smart;
    this.el.hidden = !s || s.lines.length === 0;
    if (!s || this.el.hidden) return;
    this.el.append(h('h3', { text: 'Smart charging' }));
    const list = h('ul', { 'data-testid': 'overview-smart-lines' });
    for (const line of s.lines) list.append(h('li', { text: `${line.charAt(0).toUpperCase()}${line.slice(1)}` }));
    this.el.append(list);
    const p = s.plan;
    if (!p) return;
    const table = h('table', { class: 'plan', 'data-testid': 'overview-smart-plan' }, h('caption', { text: `Planned hours (${p.energy})` }));
    table.append(h('tr', {}, h('th', { text: 'From' }), h('th', { text: 'To' }), h('th', { text: 'Price' })));
    for (const x of p.hours) table.append(h('tr', {}, h('td', { text: x.from }), h('td', { text: x.to }), h('td', { text: x.price })));
    this.el.append(table, h('p', { 'data-testid': 'overview-smart-cost', text: `Expected cost ${p.cost} · ready at ${p.readyAt}` }));
  }
}
