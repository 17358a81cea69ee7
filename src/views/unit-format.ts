// How a unit is presented (labels, badges, detail rows, status bar text), as plain data.
// No vscode import: the tree and status bar wrap these, and the unit tests check them in Node.
import type { UnitView } from '../state/contracts';
import { chargingReason, type ChargingReason } from '../domain/charging-reason';
import { stateLabel, withoutWireNames } from '../domain/labels';
import { describeWindow } from '../domain/schedule';
import { chargerZone, clockText, dateTimeText, whenText, type ChargerZone } from '../domain/time-zone';
import { formatAmps, formatCents, formatTimeLeft, formatEnergyWh, formatFrequencyHz, formatPowerW, formatTemperatureC, formatVoltageV } from '../domain/format';
import { fullAtText } from '../domain/insights/full-at';

/**
 * "full at 06:40" (short) and its explanation (detail) while charging, in the charger's time zone
 * when known: the one source of the tree row, its tooltip, the status bar tooltip and the panel.
 */
export function unitFullAt(v: UnitView, nowS = Date.now() / 1000): { short?: string; detail?: string } | undefined {
  if (presentedState(v) !== 'charging') return undefined;
  const t = fullAtText(v.status, v.info?.cars, nowS, unitZone(v).zone);
  return t.short || t.detail ? t : undefined;
}

/** The zone every time of this unit is shown in (domain/time-zone chargerZone: the charger's, else this computer's, said in the tooltip). */
export function unitZone(v: UnitView): ChargerZone {
  return chargerZone(v.info?.timeZoneId);
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
  return 'unknown';
}

export function badgeFor(v: UnitView): Badge {
  switch (presentedState(v)) {
    case 'charging':
      return { icon: 'zap', color: 'charts.green', label: 'charging' };
    case 'plugged':
      return { icon: 'plug', color: 'charts.blue', label: stateLabel('plugged') };
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

/** Why the unit is (not) charging, from everything the store knows of it (domain/charging-reason). */
export function reasonOf(v: UnitView, now: Date = new Date()): ChargingReason {
  return chargingReason({
    now,
    status: v.status,
    schedule: v.schedule,
    timeZone: v.info?.timeZoneId,
    holdUntilS: v.holdUntilS,
    smart: v.smart,
    failure: v.error ? { sinceMs: v.failedSince ?? v.lastGoodAt, serverFailed: v.serverFailed, serverSilent: v.serverSilent } : undefined,
  });
}

/**
 * The row's description: why the unit is (not) charging, e.g. "charging · 7.2 kW · full at 06:40",
 * "waiting for the schedule window (next 22:00)", "unreachable since 14:02 (last known: charging ·
 * 7.2 kW)"; "(stale, last good 14:05)" when the reading is old; "· demo" for the demo.
 */
export function describeUnit(v: UnitView, now: Date = new Date()): string {
  let text = reasonOf(v, now).short;
  const full = unitFullAt(v, now.getTime() / 1000)?.short;
  if (full) text += ` · ${full}`;
  if (!v.error && v.stale) text += v.lastGoodAt !== undefined ? ` (stale, last good ${clockText(unitZone(v).zone, v.lastGoodAt / 1000)})` : ' (stale)';
  if (v.demo) text += ' · demo';
  return text;
}

/**
 * A charger as a pick row: its name, why it is (not) charging, and its account when that tells two
 * rows apart (two accounts, or the same charger or name twice). Never its unit ID.
 */
export function unitPickRow(u: UnitView, all: UnitView[], now: Date = new Date()): { label: string; description: string; detail?: string } {
  const accounts = new Set(all.map((x) => x.accountId));
  const twin = all.some((x) => x !== u && (x.unitId === u.unitId || x.name === u.name));
  return { label: u.name, description: describeUnit(u, now), detail: accounts.size > 1 || twin ? u.accountLabel : undefined };
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
  return `charge from ${whenText(unitZone(v).zone, t, nowS)}`;
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
    { key: 'reason', label: 'Now', value: reasonOf(v, new Date(nowS * 1000)).short },
    { key: 'power', label: 'Power', value: formatPowerW(c?.powerW) },
    { key: 'current', label: 'Current / limit', value: `${formatAmps(c?.ampsCurrent)} / ${formatAmps(c?.ampsLimit)}` },
    { key: 'voltage', label: 'Voltage', value: formatVoltageV(c?.voltageV) },
    { key: 'sessionEnergy', label: 'Session energy', value: formatEnergyWh(c?.energyWh) },
    { key: 'timeLeft', label: 'Time left', value: formatTimeLeft(st?.state, st?.chargingTimeLeftS) },
    { key: 'temperature', label: 'Temperature', value: formatTemperatureC(st?.temperatureC) },
    { key: 'frequency', label: 'Grid frequency', value: formatFrequencyHz(st?.frequencyHz) },
    { key: 'schedule', label: 'Schedule', value: scheduleText(v) },
    { key: 'override', label: 'Override', value: overrideText(v, nowS) },
    ...(v.holdUntilS !== undefined && v.holdUntilS > nowS
      ? [
          {
            key: 'hold',
            label: 'Held until',
            value: dateTimeText(unitZone(v).zone, v.holdUntilS),
          },
        ]
      : []),
    { key: 'lifetimeEnergy', label: 'Lifetime energy', value: formatEnergyWh(st?.lifetime.energyWh) },
    { key: 'lifetimeSavings', label: 'Lifetime savings', value: formatCents(st?.lifetime.savingsCents) },
  ];
  if (v.error) rows.unshift({ key: 'error', label: 'Last error', value: withoutWireNames(v.error) });
  return rows;
}

/** What a local server says of the box, in words: the port it reports to, "ignores commands", "monitor only". */
export function localBoxLines(v: UnitView): string[] {
  const b = v.localBox;
  if (!b) return [];
  const lines: string[] = [];
  if (b.udpPort !== undefined) lines.push(`Reports to the local server on UDP port ${b.udpPort}.`);
  if (b.monitorOnly) lines.push('Monitor only: the local server records it but never sends it a command.');
  if (b.ignoring) lines.push(`Ignores commands: ${b.ignoring}`);
  return lines;
}

/** Markdown tooltip of a unit row: the state, why, what to do, then the readings. Text is escaped; never a token. */
export function unitTooltipMarkdown(v: UnitView, now: Date = new Date()): string {
  const esc = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
  const r = reasonOf(v, now);
  const lines = [`**${esc(v.name)}** — ${esc(r.short)}${v.demo ? ' — *Demo (simulator)*' : ''}`, ''];
  lines.push(esc(r.detail));
  if (r.todo) lines.push('', `*${esc(r.todo)}*`);
  lines.push('');
  lines.push(`Account: ${esc(v.accountLabel)}  `);
  lines.push(`Charger ID: \`${v.unitId}\``, '');
  const local = localBoxLines(v);
  if (local.length) lines.push(...local.map((l) => `${esc(l)}  `), '');
  if (v.error) lines.push(`⚠ ${esc(withoutWireNames(v.error))}`, '');
  const zone = unitZone(v);
  if (v.stale) lines.push(v.lastGoodAt !== undefined ? `*Stale: last good reading at ${clockText(zone.zone, v.lastGoodAt / 1000)}*` : '*Not read yet*', '');
  lines.push('| | |', '|---|---|');
  for (const row of detailRows(v, now.getTime() / 1000).filter((x) => x.key !== 'error' && x.key !== 'reason'))
    lines.push(`| ${esc(row.label)} | ${esc(row.value)} |`);
  const full = unitFullAt(v, now.getTime() / 1000)?.detail;
  if (full) lines.push('', esc(full));
  // The fallback zone is named once its info is read (before that the charger's own zone is not known yet).
  if (v.info && zone.note) lines.push('', `*${esc(zone.note)}*`);
  return lines.join('\n');
}

/**
 * The row's context value, which chooses its menu items (package.json, view/item/context):
 * "unit.<state>" then ".override" (an override runs) or ".overrideLater" (one is set for later), ".off" (the limit is 0 A), ".held" (a
 * hold of this extension runs). The state is the presented one: offline while unreachable.
 */
export function unitContextValue(v: UnitView, nowS = Date.now() / 1000): string {
  let value = `unit.${presentedState(v)}`;
  const t = v.status?.overrideTime;
  // A running override needs no Start (it lets the charger charge now); one set for later does.
  if (t !== undefined && t !== 0) value += t > nowS ? '.overrideLater' : '.override';
  if (v.status?.charging.ampsLimit === 0) value += '.off';
  if (v.holdUntilS !== undefined && v.holdUntilS > nowS) value += '.held';
  return value;
}

export interface StatusBarModel {
  visible: boolean;
  text: string;
  tooltip: string;
  /** Units unreachable: warning background. */
  warning: boolean;
}

/**
 * Which charger a view shows: the same unit ID on the same server is one charger (two accounts
 * sharing it), the same unit ID on two servers (the demo and a local box) is two.
 */
export function chargerIdentity(v: Pick<UnitView, 'server' | 'unitId'>): string {
  return `${v.server ?? ''}|${v.unitId}`;
}

/** The view of a charger with the freshest reading: a failed refresh loses to a good one, then the later reading wins. */
function freshest(views: UnitView[]): UnitView {
  const rank = (v: UnitView) => [v.error ? 0 : 1, v.lastGoodAt ?? -Infinity] as const;
  return views.reduce((best, v) => {
    const [a, b] = [rank(v), rank(best)];
    return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]) ? v : best;
  });
}

/**
 * Every charger once (per server and unit ID), each with its freshest view, and the accounts that
 * see it: what the status bar counts and lists.
 */
export function chargersOnce(units: UnitView[]): { view: UnitView; accounts: string[] }[] {
  const groups = new Map<string, UnitView[]>();
  for (const u of units) {
    const id = chargerIdentity(u);
    const g = groups.get(id);
    if (g) g.push(u);
    else groups.set(id, [u]);
  }
  return [...groups.values()].map((g) => ({ view: freshest(g), accounts: [...new Set(g.map((u) => u.accountLabel))] }));
}

/**
 * The status bar item. One charging unit: "$(zap) 7.2 kW"; several: "$(zap) 2 charging · 14.4 kW";
 * none charging: a short "$(plug) Idle" ("$(debug-disconnect) Offline" when one is unreachable), so
 * that the item, and the way to open a unit, stays put. The tooltip gives each charger's reason. A
 * charger two accounts share counts once, with its freshest reading; the same unit ID on two
 * servers is two chargers. Hidden when no unit is known or when disabled.
 */
export function statusBarModel(units: UnitView[], enabled: boolean, now: Date = new Date()): StatusBarModel {
  if (!enabled || units.length === 0) return { visible: false, text: '', tooltip: '', warning: false };
  const once = chargersOnce(units);
  const views = once.map((c) => c.view);
  const charging = views.filter((u) => presentedState(u) === 'charging');
  const unreachable = views.filter((u) => presentedState(u) === 'offline' || (u.stale && u.error));
  const totalW = charging.reduce((s, u) => s + (u.status?.charging.powerW ?? 0), 0);
  let text: string;
  if (charging.length === 1) text = `$(zap) ${formatPowerW(totalW)}`;
  else if (charging.length > 1) text = `$(zap) ${charging.length} charging · ${formatPowerW(totalW)}`;
  else text = unreachable.length > 0 ? '$(debug-disconnect) Offline' : '$(plug) Idle';
  const demo = units.some((u) => u.demo);
  const lines = [`JuiceNet${demo ? ' — Demo (simulator)' : ''}`];
  // How many lines carry each unit ID and each name (counted once: the tooltip is built per store change, for every charger).
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  for (const x of views) {
    count(ids, x.unitId);
    count(names, x.name);
  }
  for (const { view: u, accounts } of once) {
    // The accounts when they tell two lines apart (the same name twice) or when two accounts share it.
    const twin = (ids.get(u.unitId) ?? 0) > 1 || (names.get(u.name) ?? 0) > 1;
    lines.push(`${u.name}${twin || accounts.length > 1 ? ` (${accounts.join(', ')})` : ''}: ${describeUnit(u, now)}`);
  }
  if (unreachable.length > 0) lines.push(unreachable.length === 1 ? '1 charger unreachable' : `${unreachable.length} chargers unreachable`);
  lines.push(units.length === 1 ? 'Click to open the charger' : 'Click to choose a charger');
  return { visible: true, text, tooltip: lines.join('\n'), warning: unreachable.length > 0 };
}

/** "the local server does not answer" when every charger of an account got no answer from its server. */
export function accountSilence(units: readonly UnitView[], label: string): { description: string; tooltip: string } | undefined {
  if (units.length === 0 || !units.every((u) => u.error && u.serverSilent)) return undefined;
  const local = /^Local server\b/.test(label);
  return local
    ? {
        description: 'the local server does not answer',
        tooltip: `${label}: the local server does not answer. Start it (JuiceNet: Start Local Server, or its service: systemctl start juicenet-local); the chargers are read again as soon as it answers.`,
      }
    : { description: 'the server does not answer', tooltip: `${label}: the server does not answer; the chargers are read again as soon as it answers.` };
}
