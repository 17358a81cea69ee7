// One charging session's figures: energy, cost (per tariff), savings against gasoline and CO2.
// Pure. Every figure that cannot be computed is undefined, and the reason is kept in words.
import { costOfSamples, samplesEnergyWh, type PowerSamples, type Tariff } from './tariff';
import { localDayNumber } from '../time-zone';
import { priceOnDay, type PriceChange } from './prices';
import { fieldLabel } from '../labels';

/** Where the Info tab shows a get_info field: "Info › Electricity price". */
function info(wireName: string): string {
  return `Info › ${fieldLabel(wireName)}`;
}

/**
 * CO2 of US grid electricity: EPA eGRID2022, U.S. national average total output emission rate,
 * 823.1 lb CO2 per MWh = 373 g per kWh. The default of juicenet.insights.co2GramsPerKwh.
 */
export const DEFAULT_GRID_CO2_G_PER_KWH = 373;
export const GRID_CO2_SOURCE = 'US EPA eGRID2022 national average (823.1 lb/MWh)';
/** CO2 from burning one US gallon of gasoline: 8,887 g (US EPA, "Greenhouse Gas Emissions from a Typical Passenger Vehicle"). */
export const GASOLINE_CO2_G_PER_GALLON = 8887;
export const GASOLINE_CO2_SOURCE = 'US EPA: 8,887 g CO2 per gallon of gasoline burned';

/** A session as the history cache keeps it (get_history's fields plus its power samples once read). */
export interface CachedSession {
  id?: number;
  timeStart?: number;
  timeEnd?: number;
  durationS?: number;
  energyWh?: number;
  /** The charger's own savings figure for the session (get_history), US cents. */
  savingsCents?: number;
  /** get_plot power samples, when they were read (only needed for a time-of-use tariff). */
  samples?: PowerSamples;
}

/** What a charger's get_info says that the figures need. Undefined = not reported. */
export interface ChargerFacts {
  unitId: string;
  name: string;
  /** IANA zone of the charger (from timeZoneId). */
  zone: string;
  /** ecost: electricity, US cents per kWh. */
  ecostCents?: number;
  /** The prices seen over time (prices.ts): a session is costed at the price in force on its day. */
  priceHistory?: PriceChange[];
  /** gascost: gasoline, US cents per gallon. */
  gasCentsPerGallon?: number;
  /** mpg: the gasoline car it is compared with, miles per gallon. */
  mpg?: number;
  /** whpermile: the electric car's consumption, Wh per mile. */
  whPerMile?: number;
}

export interface InsightOptions {
  /** undefined = each charger's own price (ecost). */
  timeOfUse?: Extract<Tariff, { kind: 'timeOfUse' }>;
  gridCo2GPerKwh: number;
}

export type CostMethod = 'chargerPrice' | 'timeOfUse' | 'timeOfUseSpread' | 'none';

/** A session with every figure computed. */
export interface SessionFigures {
  unitId: string;
  id?: number;
  startS: number;
  endS?: number;
  /** The charger's local calendar day the session started on (days since 1970-01-01). */
  day: number;
  energyWh: number;
  costCents?: number;
  costMethod: CostMethod;
  /** What the same miles would have cost in gasoline, cents. */
  gasolineCents?: number;
  /** gasolineCents − costCents. */
  savingsCents?: number;
  /** The charger's own savings figure (get_history). */
  chargerSavingsCents?: number;
  gridCo2G: number;
  /** CO2 of the gasoline the miles would have burned. */
  gasolineCo2G?: number;
}

/**
 * A session's figures. Sessions without a start time or energy cannot be placed or summed and give
 * undefined. Cost: with a time-of-use tariff, the session's power samples are priced interval by
 * interval and the reported energy is costed at that mix of prices; without samples, the energy is
 * spread evenly over the session (costMethod 'timeOfUseSpread', said so in the UI).
 */
export function sessionFigures(s: CachedSession, facts: ChargerFacts, o: InsightOptions): SessionFigures | undefined {
  if (s.timeStart === undefined || s.energyWh === undefined || !Number.isFinite(s.timeStart) || !Number.isFinite(s.energyWh)) return undefined;
  const energyWh = Math.max(0, s.energyWh);
  let costCents: number | undefined;
  let costMethod: CostMethod = 'none';
  if (o.timeOfUse) {
    const samplesWh = s.samples ? samplesEnergyWh(s.samples) : 0;
    if (s.samples && samplesWh > 0) {
      costCents = (costOfSamples(o.timeOfUse, facts.zone, s.samples) / samplesWh) * energyWh;
      costMethod = 'timeOfUse';
    } else if (s.timeEnd !== undefined && s.timeEnd > s.timeStart) {
      const stepS = s.timeEnd - s.timeStart;
      costCents = costOfSamples(o.timeOfUse, facts.zone, { t0: s.timeStart, stepS, w: [(energyWh * 3600) / stepS] });
      costMethod = 'timeOfUseSpread';
    }
  } else {
    // The price in force on the session's day: a later change does not re-cost the past.
    const price = priceOnDay(facts.priceHistory, localDayNumber(facts.zone, s.timeStart)) ?? facts.ecostCents;
    if (price !== undefined) {
      costCents = (energyWh / 1000) * price;
      costMethod = 'chargerPrice';
    }
  }
  let gasolineCents: number | undefined;
  let gasolineCo2G: number | undefined;
  if (facts.whPerMile && facts.whPerMile > 0 && facts.mpg && facts.mpg > 0) {
    const gallons = energyWh / facts.whPerMile / facts.mpg;
    gasolineCo2G = gallons * GASOLINE_CO2_G_PER_GALLON;
    if (facts.gasCentsPerGallon !== undefined) gasolineCents = gallons * facts.gasCentsPerGallon;
  }
  return {
    unitId: facts.unitId,
    id: s.id,
    startS: s.timeStart,
    endS: s.timeEnd,
    day: localDayNumber(facts.zone, s.timeStart),
    energyWh,
    costCents,
    costMethod,
    gasolineCents,
    savingsCents: gasolineCents !== undefined && costCents !== undefined ? gasolineCents - costCents : undefined,
    chargerSavingsCents: s.savingsCents,
    gridCo2G: (energyWh / 1000) * o.gridCo2GPerKwh,
    gasolineCo2G,
  };
}

/** What is missing for the figures of a charger, in words (empty when nothing is). */
export function missingFacts(f: ChargerFacts, o: InsightOptions): string[] {
  const out: string[] = [];
  if (!o.timeOfUse && f.ecostCents === undefined) out.push(`the electricity price (${info('ecost')}), or a time-of-use tariff in the settings, for the cost`);
  if (f.gasCentsPerGallon === undefined) out.push(`the gasoline price (${info('gascost')}) for the savings`);
  if (!(f.mpg && f.mpg > 0)) out.push(`the miles per gallon of the compared gasoline car (${info('mpg')}) for the savings and the gasoline CO2`);
  if (!(f.whPerMile && f.whPerMile > 0)) out.push(`the car’s Wh per mile (${info('whpermile')}) for the savings and the gasoline CO2`);
  return out;
}

/** get_info's raw fields -> the facts the figures need (a number the server did not send stays undefined). */
export function chargerFactsFromInfo(unitId: string, name: string, zone: string, raw: Record<string, unknown>): ChargerFacts {
  const num = (k: string): number | undefined => {
    const v = raw[k];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  return { unitId, name, zone, ecostCents: num('ecost'), gasCentsPerGallon: num('gascost'), mpg: num('mpg'), whPerMile: num('whpermile') };
}
