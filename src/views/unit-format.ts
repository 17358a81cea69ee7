// How a unit is presented (labels, badges, detail rows, status bar text), as plain data.
// No vscode import: the tree and status bar wrap these, and the unit tests check them in Node.
import type { UnitView } from '../state/contracts';
import { describeWindow } from '../api/schedule';
import {
  formatAmps,
  formatCents,
  formatTimeLeft,
  formatEnergyWh,
  formatFrequencyHz,
  formatPowerW,
  formatTemperatureC,
  formatVoltageV,
} from '../api/units';
import { fullAtText } from '../domain/insights/full-at';
import { toIanaZone } from '../domain/time-zone';

/**
 * "full at 06:40" (short) and its explanation (detail) while charging, in the charger's time zone
 * when known: the one source of the tree row, its tooltip, the status bar tooltip and the panel.
 */
export function unitFullAt(v: UnitView, nowS = Date.now() / 1000): { short?: string; detail?: string } | undefined {
  if (presentedState(v) !== 'charging') return undefined;
  const zone = v.info?.timeZoneId ? toIanaZone(v.info.timeZoneId) : undefined;
  const t = fullAtText(v.status, v.info?.cars, nowS, zone);
  return t.short || t.detail ? t : undefined;
}

export interface Badge {
  /** Codicon id for a ThemeIcon. */
  icon: string;
  /** Theme colour id, if any. */
  color?: string;
  /** The state in words. */
  label: string;
}

/** The presented state: offline when the last refresh failed or the server says disconnect. */
export type PresentedState = 'charging' | 'plugged' | 'standby' | 'error' | 'offline' | 'unknown';

export function presentedState(v: UnitView): PresentedState {
  const s = v.status?.state;
  // The last refresh failed: what the unit does now is unknown. Never keep showing (and counting)
  // "charging" from an old reading; the description says what that reading was.
  if (v.error) return 'offline';
  if (s === 'disconnect') return 'offline';
  if (s === 'charging' || s === 'plugged' || s === 'standby' || s === 'error') return s;
  return v.error ? 'offline' : 'unknown';
}

export function badgeFor(v: UnitView): Badge {
  switch (presentedState(v)) {
    case 'charging':
      return { icon: 'zap', color: 'charts.green', label: 'charging' };
    case 'plugged':
      return { icon: 'plug', color: 'charts.blue', label: 'plugged in' };
    case 'standby':
      return { icon: 'circle-large-outline', label: 'standby' };
    case 'error':
      return { icon: 'error', color: 'errorForeground', label: 'error' };
    case 'offline':
      return { icon: 'debug-disconnect', color: 'disabledForeground', label: 'offline' };
    default:
      return { icon: 'question', label: v.status ? `unknown state "${v.status.rawState}"` : 'not read yet' };
  }
}

/** HH:MM of an epoch-ms time, in local time (the tree shows "last good 14:05"). */
export function clockTime(epochMs: number, timeZone?: string): string {
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone });
}

/** The row's description: "charging · 7.2 kW", "plugged in", "offline (stale, last good 14:05)". */
export function describeUnit(v: UnitView, timeZone?: string): string {
  const b = badgeFor(v);
  const parts = [b.label];
  if (presentedState(v) === 'charging' && v.status?.charging.powerW !== undefined) parts.push(formatPowerW(v.status.charging.powerW));
  const full = unitFullAt(v)?.short;
  if (full) parts.push(full);
  let text = parts.join(' · ');
  if (v.error && v.status) {
    // Unreachable now: when it was last read, and what it was doing then.
    const then = describeReading(v);
    text += v.lastGoodAt !== undefined ? ` · last good ${clockTime(v.lastGoodAt, timeZone)}${then ? ` (${then})` : ''}` : '';
  } else if (v.stale) text += v.lastGoodAt !== undefined ? ` (stale, last good ${clockTime(v.lastGoodAt, timeZone)})` : ' (stale)';
  if (v.demo) text += ' · demo';
  return text;
}

/** The last good reading in words ("was charging · 7.2 kW"), ignoring the failure since. */
function describeReading(v: UnitView): string | undefined {
  if (!v.status) return undefined;
  const before = presentedState({ ...v, error: undefined });
  if (before === 'offline' || before === 'unknown') return undefined;
  const label = badgeFor({ ...v, error: undefined }).label;
  const w = v.status.charging.powerW;
  return `was ${label}${before === 'charging' && w !== undefined ? ` · ${formatPowerW(w)}` : ''}`;
}

export interface DetailRow {
  /** Stable key (for tests and ids). */
  key: string;
  label: string;
  value: string;
}

export function overrideText(v: UnitView, nowS: number): string {
  const t = v.status?.overrideTime;
  if (t === undefined) return 'unknown';
  if (t === 0) return 'none (following the schedule)';
  if (t <= nowS) return 'charging now (schedule overridden)';
  return `charge from ${new Date(t * 1000).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: v.info?.timeZoneId })}`;
}

export function scheduleText(v: UnitView): string {
  const s = v.schedule;
  if (!s) return 'unknown';
  if (s.type === 'disabled') return 'off (charges any time)';
  return `weekdays ${describeWindow(s.weekday)}, weekends ${describeWindow(s.weekend)}`;
}

/** The detail rows under a unit. Values only; never a token. */
export function detailRows(v: UnitView, nowS = Date.now() / 1000): DetailRow[] {
  const st = v.status;
  const c = st?.charging;
  const rows: DetailRow[] = [
    { key: 'power', label: 'Power', value: formatPowerW(c?.powerW) },
    { key: 'current', label: 'Current / limit', value: `${formatAmps(c?.ampsCurrent)} / ${formatAmps(c?.ampsLimit)}` },
    { key: 'voltage', label: 'Voltage', value: formatVoltageV(c?.voltageV) },
    { key: 'sessionEnergy', label: 'Session energy', value: formatEnergyWh(c?.energyWh) },
    { key: 'timeLeft', label: 'Time left', value: formatTimeLeft(st?.state, st?.chargingTimeLeftS) },
    { key: 'temperature', label: 'Temperature', value: formatTemperatureC(st?.temperatureC) },
    { key: 'frequency', label: 'Grid frequency', value: formatFrequencyHz(st?.frequencyHz) },
    { key: 'schedule', label: 'Schedule', value: scheduleText(v) },
    { key: 'override', label: 'Override', value: overrideText(v, nowS) },
    { key: 'lifetimeEnergy', label: 'Lifetime energy', value: formatEnergyWh(st?.lifetime.energyWh) },
    { key: 'lifetimeSavings', label: 'Lifetime savings', value: formatCents(st?.lifetime.savingsCents) },
  ];
  if (v.error) rows.unshift({ key: 'error', label: 'Last error', value: v.error });
  return rows;
}

/** Markdown tooltip of a unit row. Text is escaped; never a token. */
export function unitTooltipMarkdown(v: UnitView, timeZone?: string): string {
  const esc = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
  const lines = [`**${esc(v.name)}** — ${esc(badgeFor(v).label)}${v.demo ? ' — *Demo (simulator)*' : ''}`, ''];
  lines.push(`Account: ${esc(v.accountLabel)}  `);
  lines.push(`Charger ID: \`${v.unitId}\``, '');
  if (v.error) lines.push(`⚠ ${esc(v.error)}`, '');
  if (v.stale) lines.push(v.lastGoodAt !== undefined ? `*Stale: last good reading at ${clockTime(v.lastGoodAt, timeZone)}*` : '*Not read yet*', '');
  lines.push('| | |', '|---|---|');
  for (const r of detailRows(v).filter((r) => r.key !== 'error')) lines.push(`| ${esc(r.label)} | ${esc(r.value)} |`);
  const full = unitFullAt(v)?.detail;
  if (full) lines.push('', esc(full));
  return lines.join('\n');
}

export function unitContextValue(v: UnitView): string {
  const s = presentedState(v);
  const base = `unit.${s}`;
  const t = v.status?.overrideTime;
  return t !== undefined && t !== 0 ? `${base}.override` : base;
}

export interface StatusBarModel {
  visible: boolean;
  text: string;
  tooltip: string;
  /** Units unreachable: warning background. */
  warning: boolean;
}

/**
 * The status bar item. One charging unit: "$(zap) 7.2 kW"; several: "$(zap) 2 charging · 14.4 kW";
 * none charging: a quiet "$(plug)" (so that the item, and the way to open a unit, stays put).
 * Hidden when no unit is known (signed out) or when disabled by the setting.
 */
export function statusBarModel(units: UnitView[], enabled: boolean, timeZone?: string): StatusBarModel {
  if (!enabled || units.length === 0) return { visible: false, text: '', tooltip: '', warning: false };
  const charging = units.filter((u) => presentedState(u) === 'charging');
  const unreachable = units.filter((u) => presentedState(u) === 'offline' || (u.stale && u.error));
  const totalW = charging.reduce((s, u) => s + (u.status?.charging.powerW ?? 0), 0);
  let text: string;
  if (charging.length === 1) text = `$(zap) ${formatPowerW(totalW)}`;
  else if (charging.length > 1) text = `$(zap) ${charging.length} charging · ${formatPowerW(totalW)}`;
  else text = unreachable.length > 0 ? '$(debug-disconnect)' : '$(plug)';
  const demo = units.some((u) => u.demo);
  const lines = [`JuiceNet${demo ? ' — Demo (simulator)' : ''}`];
  for (const u of units) lines.push(`${u.name}: ${describeUnit(u, timeZone)}`);
  if (unreachable.length > 0) lines.push(unreachable.length === 1 ? '1 charger unreachable' : `${unreachable.length} chargers unreachable`);
  lines.push(units.length === 1 ? 'Click to open the charger' : 'Click to choose a charger');
  return { visible: true, text, tooltip: lines.join('\n'), warning: unreachable.length > 0 };
}
