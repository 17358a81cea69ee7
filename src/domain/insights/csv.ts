// CSV exports of the insights: one row per session, and one row per month. Pure.
import { csvField } from '../csv';
import { isoDate, ymdOfDay } from '../time-zone';
import { addTo, emptyTotals, type Totals } from './aggregate';
import type { SessionFigures } from './sessions';

const money = (c: number | undefined) => (c === undefined ? '' : (c / 100).toFixed(2));
const kg = (g: number | undefined) => (g === undefined ? '' : (g / 1000).toFixed(2));
const iso = (s: number | undefined) => (s === undefined ? '' : new Date(s * 1000).toISOString());

const COST_METHOD: Record<SessionFigures['costMethod'], string> = {
  chargerPrice: 'charger price',
  timeOfUse: 'time-of-use, per interval',
  timeOfUseSpread: 'time-of-use, spread evenly (no power samples)',
  none: 'unknown',
};

/** One row per session; names maps unit ids to charger names. CRLF lines, RFC 4180 quoting. */
export function sessionFiguresToCsv(sessions: readonly SessionFigures[], names: Readonly<Record<string, string>>): string {
  const head = [
    'charger',
    'session_id',
    'local_date',
    'start_utc',
    'end_utc',
    'energy_kwh',
    'cost_usd',
    'cost_method',
    'gasoline_usd',
    'savings_usd',
    'charger_reported_savings_usd',
    'grid_co2_kg',
    'gasoline_co2_kg',
  ];
  const rows = [head.join(',')];
  for (const s of sessions) {
    rows.push(
      [
        csvField(names[s.unitId] ?? s.unitId),
        s.id === undefined ? '' : String(s.id),
        isoDate(s.day),
        iso(s.startS),
        iso(s.endS),
        (s.energyWh / 1000).toFixed(3),
        money(s.costCents),
        csvField(COST_METHOD[s.costMethod]),
        money(s.gasolineCents),
        money(s.savingsCents),
        money(s.chargerSavingsCents),
        kg(s.gridCo2G),
        kg(s.gasolineCo2G),
      ].join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}

/** One row per local month that has sessions, oldest first. */
export function monthlySummaryCsv(sessions: readonly SessionFigures[]): string {
  const months = new Map<string, Totals>();
  for (const s of sessions) {
    const { year, month } = ymdOfDay(s.day);
    const key = `${year}-${String(month).padStart(2, '0')}`;
    let t = months.get(key);
    if (!t) months.set(key, (t = emptyTotals()));
    addTo(t, s);
  }
  const head = ['month', 'sessions', 'energy_kwh', 'cost_usd', 'sessions_without_cost', 'savings_usd', 'grid_co2_kg', 'gasoline_co2_kg'];
  const rows = [head.join(',')];
  for (const [key, t] of [...months].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    rows.push(
      [
        key,
        t.sessions,
        (t.energyWh / 1000).toFixed(3),
        money(t.costCents),
        t.costUnknown,
        t.savingsUnknown === t.sessions ? '' : money(t.savingsCents),
        kg(t.gridCo2G),
        t.gasolineCo2Unknown === t.sessions ? '' : kg(t.gasolineCo2G),
      ].join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}
