// Overview tab: the unit's live state, as in the tree.
import type { UnitSnapshot } from '../src/protocol/messages';
import { formatPowerW, formatEnergyWh, formatTimeLeft, formatFrequencyHz, formatTemperatureC, formatCents, formatAmps, formatVoltageV } from '../src/api/units';
import { clear, h } from './dom';


export function renderOverview(root: HTMLElement, u: UnitSnapshot | null): void {
  clear(root);
  if (!u) {
    root.append(h('p', { class: 'message error', text: 'This charger is not known any more (signed out or removed).' }));
    return;
  }
  const s = u.status;
  const head = h('div', { class: 'overview-head' }, h('h2', { text: u.name }), h('span', { class: 'muted', text: `${u.unitId} · ${u.accountLabel}` }));
  if (u.demo) head.append(h('span', { class: 'badge demo', text: 'Demo (simulator)' }));
  root.append(head);
  if (u.stale || u.error) {
    const since = u.lastGoodAt ? ` Last good reading ${new Date(u.lastGoodAt).toLocaleString()}.` : ' No good reading yet.';
    root.append(h('p', { class: 'message warn', role: 'status', text: `${u.error ?? 'The reading is out of date.'}${since}` }));
  }
  if (!s) {
    root.append(h('p', { class: 'muted', text: 'Waiting for the first reading…' }));
    return;
  }
  const c = s.charging;
  // override_time is when the override makes the unit start charging (as the tree says it).
  const override = s.overrideTime ? (s.overrideTime * 1000 <= Date.now() ? 'charging now (override)' : `charges from ${new Date(s.overrideTime * 1000).toLocaleString()}`) : 'none';
  const rows: [string, string][] = [
    ['State', s.state === 'unknown' ? `unknown (${s.rawState})` : s.state],
    ['Power', formatPowerW(c.powerW)],
    ['Current / limit', `${formatAmps(c.ampsCurrent)} / ${formatAmps(c.ampsLimit)}`],
    ['Voltage', formatVoltageV(c.voltageV)],
    ['Energy this session', formatEnergyWh(c.energyWh)],
    ['Time left', formatTimeLeft(s.state, s.chargingTimeLeftS)],
    ...(u.fullAt ? ([['When full', u.fullAt.detail ?? u.fullAt.short ?? '']] as [string, string][]) : []),
    ['Temperature', formatTemperatureC(s.temperatureC)],
    ['Grid frequency', formatFrequencyHz(s.frequencyHz)],
    ['Override', override],
    ['Lifetime energy', formatEnergyWh(s.lifetime.energyWh)],
    ['Lifetime savings', formatCents(s.lifetime.savingsCents)],
  ];
  const dl = h('dl', { class: 'fields', 'data-testid': 'overview' });
  for (const [k, v] of rows) dl.append(h('dt', { text: k }), h('dd', { text: v }));
  root.append(dl);
  if (u.lastGoodAt) root.append(h('p', { class: 'muted', text: `Updated ${new Date(u.lastGoodAt).toLocaleTimeString()}` }));
}
