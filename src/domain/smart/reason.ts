// What the smart-charging rules decided for one box, as the server reports it (GET-like
// POST /local/smart/status) and in words: the reason line's phrases for a shared, a planned and a
// solar box. Pure: the tree, the status bar, the panel and the tests read the same words.
import { formatCents, formatEnergyWh } from '../format';
import { minutesToHHMM } from '../schedule';
import { localDayNumber, zoneOffsetS } from '../time-zone';
import type { ShareKind } from './circuit';
import type { SolarKind, SolarMode } from './solar';

/** One box's smart-charging state, as the server tells it. */
export interface SmartBoxState {
  unitId: string;
  /** The limit the box's replies carry now, in amps. */
  limitA: number;
  /** The owner's own limit now (limit, rating, schedule, override), before the smart rules. */
  ownerLimitA: number;
  circuit?: {
    id: string;
    name: string;
    capacityA: number;
    /** Boxes on the circuit. */
    boxes: number;
    shareA: number;
    targetA: number;
    kind: ShareKind;
    turnAtS?: number;
  };
  readyBy?: {
    readyByMin: number;
    energyWh: number;
    addedWh: number;
    deadlineS: number;
    slots: { startS: number; endS: number; centsPerKwh: number }[];
    costCents: number;
    readyAtS: number;
    feasible: boolean;
    chargeNow: boolean;
  };
  solar?: {
    mode: SolarMode;
    kind: SolarKind;
    limitA: number;
    surplusA?: number;
    problem?: string;
  };
}

/** "22:40" in the charger's zone; "tomorrow 22:40" when it is not today. */
export function clockIn(epochS: number, zone: string, nowS: number): string {
  const off = zoneOffsetS(zone, epochS);
  const minute = Math.floor(((((epochS + off) % 86400) + 86400) % 86400) / 60);
  const text = minutesToHHMM(minute);
  const days = localDayNumber(zone, epochS) - localDayNumber(zone, nowS);
  return days === 1 ? `tomorrow ${text}` : days > 1 ? `in ${days} days at ${text}` : text;
}

/** "01:00–05:00" (and ", 06:00–06:30" for more), at most three spans. */
function spans(slots: readonly { startS: number; endS: number }[], zone: string, nowS: number): string {
  const shown = slots.slice(0, 3).map((s) => `${clockIn(s.startS, zone, nowS)}–${clockIn(s.endS, zone, s.startS)}`);
  return shown.join(', ') + (slots.length > 3 ? ` and ${slots.length - 3} more` : '');
}

export interface SmartReason {
  /** A few words for the tree row and the status bar. */
  short: string;
  /** Every rule that applies, one line each. */
  lines: string[];
  /** How the rules that apply work, a sentence each (the reason's explanation). */
  how: string[];
}

export function circuitPhrase(c: NonNullable<SmartBoxState['circuit']>, zone: string, nowS: number): string {
  switch (c.kind) {
    case 'paused':
      return `paused: the ${c.name} circuit is full${c.turnAtS !== undefined ? ` (turn at ${clockIn(c.turnAtS, zone, nowS)})` : ''}`;
    case 'waiting-for-others':
      return `waiting for the other boxes on the ${c.name} circuit to lower their current (share ${c.targetA} A of ${c.capacityA} A)`;
    case 'idle':
      return `on the ${c.name} circuit (${c.capacityA} A): no share needed without a car`;
    default:
      return `sharing the ${c.name} circuit: ${c.shareA} A of ${c.capacityA} A`;
  }
}

export function readyByPhrase(r: NonNullable<SmartBoxState['readyBy']>, zone: string, nowS: number): string {
  const by = minutesToHHMM(r.readyByMin);
  if (r.addedWh >= r.energyWh) return `ready by ${by}: ${formatEnergyWh(r.energyWh)} added, done`;
  if (!r.feasible) {
    const at = Number.isFinite(r.readyAtS) ? `ready at ${clockIn(r.readyAtS, zone, nowS)}` : 'no power to charge with';
    return `ready by ${by} cannot be met: charging as fast as allowed, ${at}`;
  }
  if (r.slots.length === 0) return `ready by ${by}: nothing left to add`;
  return `ready by ${by}: charging ${spans(r.slots, zone, nowS)} at the cheapest hours, ready at ${clockIn(r.readyAtS, zone, nowS)}`;
}

export function solarPhrase(s: NonNullable<SmartBoxState['solar']>, ownerLimitA: number): string {
  const surplus = s.surplusA !== undefined ? `${Math.floor(s.surplusA)} A` : 'unknown';
  switch (s.kind) {
    case 'meter-lost':
      return `solar: ${s.problem ?? 'the meter is not usable'}, so charging at your normal limit (${ownerLimitA} A)`;
    case 'paused':
      return `paused: waiting for solar surplus (now ${surplus}, 6 A needed)`;
    case 'minimum':
      return `solar plus minimum: 6 A, surplus ${surplus}`;
    default:
      return `charging from solar surplus: ${s.limitA} A (surplus ${surplus})`;
  }
}

/**
 * The reason in words. The short form names the rule that holds the box back most: a full circuit,
 * then a plan waiting for cheaper hours, then a solar pause; else the plan, the share or the solar.
 */
export function smartReason(s: SmartBoxState, zone: string, nowS: number): SmartReason | undefined {
  const lines: string[] = [];
  const c = s.circuit ? circuitPhrase(s.circuit, zone, nowS) : undefined;
  const r = s.readyBy ? readyByPhrase(s.readyBy, zone, nowS) : undefined;
  const p = s.solar && s.solar.mode !== 'off' ? solarPhrase(s.solar, s.ownerLimitA) : undefined;
  if (r) lines.push(r);
  if (p) lines.push(p);
  if (c) lines.push(c);
  if (lines.length === 0) return undefined;
  const how: string[] = [];
  if (s.circuit)
    how.push(
      `The chargers on the ${s.circuit.name} circuit share its ${s.circuit.capacityA} A, at least 6 A each or taking turns; a share rises only after the others have lowered theirs.`,
    );
  if (s.readyBy) how.push('The car charges at the cheapest hours of your tariff before the deadline; the plan follows how fast it really charges.');
  if (p) how.push('The limit follows what your panels export, changing at most once a minute; without the meter it is your normal limit.');
  let short: string;
  if (s.circuit && (s.circuit.kind === 'paused' || s.circuit.kind === 'waiting-for-others')) short = c!;
  else if (s.readyBy && r) short = r;
  else if (p && s.solar?.kind !== 'tracking') short = p;
  else if (c && s.circuit && s.circuit.boxes > 1 && s.circuit.kind === 'sharing') short = c;
  else short = p ?? c ?? lines[0];
  return { short, lines, how };
}

/** What the panel's Overview shows of smart charging: each rule in words, and a plan's hours. */
export interface SmartSummary {
  lines: string[];
  plan?: {
    hours: { from: string; to: string; price: string }[];
    cost: string;
    readyAt: string;
    energy: string;
  };
}

export function smartSummary(s: SmartBoxState, zone: string, nowS: number): SmartSummary | undefined {
  const r = smartReason(s, zone, nowS);
  if (!r) return undefined;
  const p = s.readyBy;
  return {
    lines: r.lines,
    plan:
      p && p.slots.length > 0
        ? {
            hours: p.slots.map((x) => ({
              from: clockIn(x.startS, zone, nowS),
              to: clockIn(x.endS, zone, x.startS),
              price: `${Math.round(x.centsPerKwh * 100) / 100}¢ per kWh`,
            })),
            cost: formatCents(p.costCents),
            readyAt: clockIn(p.readyAtS, zone, nowS),
            energy: `${formatEnergyWh(p.addedWh)} of ${formatEnergyWh(p.energyWh)}`,
          }
        : undefined,
  };
}
