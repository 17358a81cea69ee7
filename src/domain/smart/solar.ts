// Charging from solar surplus: the limit follows what the house exports, read from a meter (grid
// power, export negative). Pure: the server feeds it meter readings and the box's reports.
//
// Each start and stop wears the box's contactor, and every change takes a report period to arrive,
// so the limit changes at most every `minIntervalS` seconds and only by at least `hysteresisA`; in
// "solar only", charging pauses only after the surplus stayed below 6 A for `pauseAfterS`, and starts
// again only when it is at least 6 A + hysteresis. A meter that goes silent or sends nonsense gives
// the owner's normal limit back (never full power), and the reason says so.
import { MIN_SHARE_A } from './circuit';

export type SolarMode = 'off' | 'solar-only' | 'solar-plus-min';

export const SOLAR_MODES: readonly SolarMode[] = ['off', 'solar-only', 'solar-plus-min'];

export interface SolarOptions {
  /** Seconds between limit changes (default 60). */
  minIntervalS: number;
  /** Smallest change in amps (default 1). */
  hysteresisA: number;
  /** Seconds the surplus must stay below 6 A before "solar only" pauses (default 300). */
  pauseAfterS: number;
  /** Seconds after which a meter's last reading is too old (default 30). */
  meterStaleAfterS: number;
  /** Volts assumed when the box has not said (default 240). */
  defaultVoltageV: number;
  /** Seconds over which the surplus is smoothed (a kettle or a passing cloud is not followed; default 60). */
  smoothingS: number;
}

export const DEFAULT_SOLAR_OPTIONS: SolarOptions = {
  minIntervalS: 60,
  hysteresisA: 1,
  pauseAfterS: 300,
  meterStaleAfterS: 30,
  defaultVoltageV: 240,
  smoothingS: 60,
};

/** A meter reading: grid power in W (import positive, export negative) at an instant. */
export interface MeterReading {
  atS: number;
  gridW: number;
}

/** A grid power that cannot be a house's (a meter sending nonsense). */
export const MAX_PLAUSIBLE_GRID_W = 500_000;

export function plausibleGridW(w: unknown): w is number {
  return typeof w === 'number' && Number.isFinite(w) && Math.abs(w) <= MAX_PLAUSIBLE_GRID_W;
}

export type SolarKind =
  /** Following the surplus. */
  | 'tracking'
  /** "Solar only" and not enough surplus: paused. */
  | 'paused'
  /** "Solar plus minimum": 6 A from the grid while the surplus is below it. */
  | 'minimum'
  /** The meter is silent or says nonsense: the owner's normal limit. */
  | 'meter-lost';

export interface SolarDecision {
  /** The cap on the box's limit now. */
  limitA: number;
  kind: SolarKind;
  /** The surplus available to the car, in amps (what it draws plus what the house exports). */
  surplusA?: number;
  /** Words for the meter problem (kind meter-lost). */
  problem?: string;
}

export interface SolarState {
  limitA?: number;
  lastChangeS?: number;
  belowSinceS?: number;
  /** The smoothed surplus (amps) and when it was last updated. */
  smoothA?: number;
  smoothAtS?: number;
}

/**
 * The solar cap for a box now. `carW` is what the box draws now (it is part of the house's import,
 * so it counts as surplus the car already uses); `ownerMaxA` the owner's normal limit.
 * Returns the decision and the state to keep for the next call.
 */
export function solarLimit(
  state: SolarState,
  input: { mode: SolarMode; nowS: number; meter?: MeterReading; carW: number; voltageV?: number; ownerMaxA: number },
  options: Partial<SolarOptions> = {},
): { decision: SolarDecision; state: SolarState } {
  const o = { ...DEFAULT_SOLAR_OPTIONS, ...options };
  const owner = Math.max(0, Math.floor(input.ownerMaxA));
  if (input.mode === 'off') return { decision: { limitA: owner, kind: 'tracking' }, state: {} };
  const m = input.meter;
  if (!m || !plausibleGridW(m.gridW) || !Number.isFinite(m.atS) || input.nowS - m.atS > o.meterStaleAfterS || m.atS > input.nowS + 5) {
    const problem = !m
      ? 'the meter has not sent a reading yet'
      : !plausibleGridW(m.gridW)
        ? 'the meter sends a value that cannot be a grid power'
        : `the meter has been silent for ${Math.round(input.nowS - m.atS)} s`;
    return { decision: { limitA: owner, kind: 'meter-lost', problem }, state: { lastChangeS: state.lastChangeS } };
  }
  const volts = input.voltageV && input.voltageV > 50 ? input.voltageV : o.defaultVoltageV;
  const surplusW = Math.max(0, input.carW) - m.gridW;
  const rawA = Math.max(0, surplusW / volts);
  // Smoothed over `smoothingS`, except that a drop is followed at once (the car must not run on the grid).
  let surplusA = rawA;
  if (state.smoothA !== undefined && state.smoothAtS !== undefined && o.smoothingS > 0 && rawA > state.smoothA) {
    const k = 1 - Math.exp(-Math.max(0, input.nowS - state.smoothAtS) / o.smoothingS);
    surplusA = state.smoothA + (rawA - state.smoothA) * k;
  }
  const smooth = { smoothA: surplusA, smoothAtS: input.nowS };
  let want = Math.min(owner, Math.floor(surplusA));
  const prev = state.limitA;
  let kind: SolarKind = 'tracking';
  let belowSinceS = state.belowSinceS;
  if (want < MIN_SHARE_A) {
    belowSinceS ??= input.nowS;
    if (input.mode === 'solar-plus-min') {
      want = Math.min(owner, MIN_SHARE_A);
      kind = 'minimum';
    } else if (prev !== undefined && prev >= MIN_SHARE_A && input.nowS - belowSinceS < o.pauseAfterS) {
      // A cloud: stay at 6 A a while before stopping.
      want = Math.min(owner, MIN_SHARE_A);
    } else {
      want = 0;
      kind = 'paused';
    }
  } else {
    belowSinceS = undefined;
    // Starting from a pause needs a clear surplus.
    if ((prev ?? 0) < MIN_SHARE_A && input.mode === 'solar-only' && surplusA < MIN_SHARE_A + o.hysteresisA) {
      want = 0;
      kind = 'paused';
    }
  }
  if (prev === undefined) return { decision: { limitA: want, kind, surplusA }, state: { limitA: want, lastChangeS: input.nowS, belowSinceS, ...smooth } };
  const tooSoon = state.lastChangeS !== undefined && input.nowS - state.lastChangeS < o.minIntervalS;
  // Down by the hysteresis, up only by twice as much: a limit just under the surplus stays.
  const small = want < prev ? prev - want < o.hysteresisA : want - prev < 2 * o.hysteresisA;
  // Above the owner's limit is never kept; otherwise the last limit stays until a change is due.
  if ((tooSoon || small) && prev <= owner) {
    const keptKind: SolarKind = prev === 0 ? 'paused' : kind === 'paused' ? 'tracking' : kind;
    return { decision: { limitA: prev, kind: keptKind, surplusA }, state: { ...state, belowSinceS, ...smooth } };
  }
  return { decision: { limitA: want, kind, surplusA }, state: { limitA: want, lastChangeS: input.nowS, belowSinceS, ...smooth } };
}

/**
 * A meter's value from its JSON, by a dotted path ("emeters.0.power", "ENERGY.Power"), with a sign:
 * +1 when the meter gives import as positive, -1 when it gives export as positive. Undefined when the
 * path leads nowhere or to something that is not a number.
 */
export function meterValue(json: unknown, path: string, sign: 1 | -1): number | undefined {
  let at: unknown = json;
  for (const key of path.split('.').filter((k) => k !== '')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  const n = typeof at === 'string' && at.trim() !== '' ? Number(at) : at;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  return n * sign;
}
