// "Ready by 07:00 with 30 kWh": the cheapest times before the deadline under the owner's tariff
// (the time-of-use rules of the Insights, src/domain/insights/tariff.ts), and what to do now. Pure:
// the server re-plans at every report with the energy still missing and the power the box gets, so
// a car that charges slower than planned, or a circuit share that changes, moves the plan.
import { costOfConstantPower, priceAt, type Tariff } from '../insights/tariff';
import { instantOfLocal, zoneOffsetS } from '../time-zone';

/** Plans are cut into slots of at most this length (and at every price change). */
export const PLAN_SLOT_S = 900;
/** The planner works on at most this far ahead (a deadline is within a day or so of plugging in). */
export const MAX_PLAN_AHEAD_S = 3 * 86400;

export interface ReadyByGoal {
  /** Minutes of the charger's local day the car must be ready by (420 = 07:00). */
  readyByMin: number;
  /** Energy to add, in Wh (from kWh, or from a state of charge and the car's battery). */
  energyWh: number;
}

export interface PlanSlot {
  startS: number;
  endS: number;
  centsPerKwh: number;
}

export interface ReadyByPlan {
  deadlineS: number;
  /** The times to charge, in order, merged where they touch (the last one may end before its slot). */
  slots: PlanSlot[];
  /** The energy the plan expects to add by the deadline (less than asked when it cannot be met). */
  plannedWh: number;
  missingWh: number;
  /** Cost of the plan at the tariff, in cents (undefined with a flat tariff of unknown price). */
  costCents: number;
  /** When the car is expected to be ready (the end of the last planned minute). */
  readyAtS: number;
  /** The deadline cannot be met even charging at once at the full power allowed. */
  feasible: boolean;
  /** Charge now (we are inside a planned slot, or the deadline cannot be met). */
  chargeNow: boolean;
  /** The next planned start when not charging now. */
  nextStartS?: number;
}

/** The deadline: the next `readyByMin` of the charger's day after `fromS` (at least 5 minutes ahead). */
export function deadlineAfter(readyByMin: number, zone: string, fromS: number): number {
  const off = zoneOffsetS(zone, fromS);
  const localDay = Math.floor((fromS + off) / 86400);
  for (let d = 0; d <= 2; d++) {
    const t = instantOfLocal(zone, (localDay + d) * 86400 + readyByMin * 60);
    if (t > fromS + 300) return t;
  }
  return fromS + 86400;
}

/** Energy to add for a state of charge: from one percentage to another of the car's battery. */
export function energyForStateOfCharge(batteryKwh: number, fromPercent: number, toPercent: number, efficiency = 0.9): number {
  if (!(batteryKwh > 0) || !(toPercent > fromPercent)) return 0;
  return Math.round((batteryKwh * 1000 * (Math.min(100, toPercent) - Math.max(0, fromPercent))) / 100 / efficiency);
}

/** The slots from `nowS` to `deadlineS`, each at one price: cut at price changes and every PLAN_SLOT_S. */
export function priceSlots(tariff: Tariff, zone: string, nowS: number, deadlineS: number): PlanSlot[] {
  const out: PlanSlot[] = [];
  const end = Math.min(deadlineS, nowS + MAX_PLAN_AHEAD_S);
  let at = nowS;
  while (at < end) {
    let next = Math.min(end, (Math.floor(at / PLAN_SLOT_S) + 1) * PLAN_SLOT_S);
    let cents: number;
    if (tariff.kind === 'flat') cents = tariff.centsPerKwh;
    else {
      const p = priceAt(tariff, zone, at);
      cents = p.centsPerKwh;
      if (p.untilS > at) next = Math.min(next, p.untilS);
    }
    out.push({ startS: at, endS: next, centsPerKwh: cents });
    at = next;
  }
  return out;
}

/**
 * The plan: the cheapest slots before the deadline that add `energyWh` at `powerW` (earlier slots
 * first among equal prices, so the car is ready early and a slower charge still fits). When the
 * energy cannot be added in time, every slot is used: charge now, as fast as allowed.
 */
export function planReadyBy(opts: { tariff: Tariff; zone: string; nowS: number; deadlineS: number; energyWh: number; powerW: number }): ReadyByPlan {
  // A margin before the deadline (a tenth of the charging time, 15 to 60 minutes), so that a car
  // charging a little slower than planned is still ready; dropped when the plan cannot meet it.
  const needS = opts.powerW > 0 ? (opts.energyWh / opts.powerW) * 3600 : 0;
  const marginS = Math.min(3600, Math.max(900, needS / 10));
  if (opts.deadlineS - marginS > opts.nowS) {
    const p = planWithin({ ...opts, deadlineS: opts.deadlineS - marginS });
    if (p.feasible) return { ...p, deadlineS: opts.deadlineS };
  }
  return planWithin(opts);
}

function planWithin(opts: { tariff: Tariff; zone: string; nowS: number; deadlineS: number; energyWh: number; powerW: number }): ReadyByPlan {
  const { tariff, zone, nowS, deadlineS } = opts;
  const energyWh = Math.max(0, opts.energyWh);
  const powerW = Math.max(0, opts.powerW);
  const slots = priceSlots(tariff, zone, nowS, deadlineS);
  const whOf = (s: PlanSlot) => (powerW * (s.endS - s.startS)) / 3600;
  const total = slots.reduce((a, s) => a + whOf(s), 0);
  const feasible = total >= energyWh - 1e-6 && (energyWh === 0 || powerW > 0);
  let chosen: PlanSlot[];
  if (energyWh <= 0) chosen = [];
  else if (!feasible) chosen = slots;
  else {
    const byPrice = [...slots].sort((a, b) => a.centsPerKwh - b.centsPerKwh || a.startS - b.startS);
    chosen = [];
    let need = energyWh;
    for (const s of byPrice) {
      if (need <= 1e-6) break;
      const wh = whOf(s);
      if (wh <= need) {
        chosen.push(s);
        need -= wh;
      } else {
        // The last, partial slot: its first minutes (ready sooner).
        chosen.push({ ...s, endS: s.startS + Math.ceil(((need / powerW) * 3600) / 60) * 60 });
        need = 0;
      }
    }
    chosen.sort((a, b) => a.startS - b.startS);
  }
  const merged: PlanSlot[] = [];
  for (const s of chosen) {
    const last = merged[merged.length - 1];
    if (last && last.endS === s.startS && last.centsPerKwh === s.centsPerKwh) last.endS = s.endS;
    else merged.push({ ...s });
  }
  let plannedWh = 0;
  let costCents = 0;
  for (const s of merged) {
    plannedWh += whOf(s);
    costCents +=
      tariff.kind === 'flat' ? ((powerW * (s.endS - s.startS)) / 3_600_000) * tariff.centsPerKwh : costOfConstantPower(tariff, zone, s.startS, s.endS, powerW);
  }
  plannedWh = Math.min(plannedWh, feasible ? energyWh : plannedWh);
  const lastEnd = merged.length > 0 ? merged[merged.length - 1].endS : nowS;
  const readyAtS = feasible ? lastEnd : powerW > 0 ? nowS + (energyWh / powerW) * 3600 : Infinity;
  const current = merged.find((s) => s.startS <= nowS && nowS < s.endS);
  return {
    deadlineS,
    slots: merged,
    plannedWh,
    missingWh: Math.max(0, energyWh - plannedWh),
    costCents,
    readyAtS,
    feasible,
    chargeNow: energyWh > 0 && (current !== undefined || !feasible),
    nextStartS: current ? undefined : merged.find((s) => s.startS > nowS)?.startS,
  };
}

/** The cost of charging at once from plug-in at `powerW` until `energyWh` is in (the naive way). */
export function costAtPlugIn(tariff: Tariff, zone: string, startS: number, energyWh: number, powerW: number): number {
  if (!(powerW > 0) || !(energyWh > 0)) return 0;
  const end = startS + (energyWh / powerW) * 3600;
  if (tariff.kind === 'flat') return (energyWh / 1000) * tariff.centsPerKwh;
  return costOfConstantPower(tariff, zone, startS, end, powerW);
}

/**
 * What to add, as the owner types it: "30" or "30 kWh", or a state of charge "30% to 80%" (with
 * the car's battery from its Info). Returns the energy in Wh, or a problem in words.
 */
export function parseEnergyGoal(text: string, batteryWh?: number): { energyWh: number; words: string } | { problem: string } {
  const t = text.trim().toLowerCase().replace(/,/g, '.');
  const soc = /^(\d{1,3}(?:\.\d+)?)\s*%\s*(?:to|-|–|→)\s*(\d{1,3}(?:\.\d+)?)\s*%$/.exec(t);
  if (soc) {
    const from = Number(soc[1]);
    const to = Number(soc[2]);
    if (!(batteryWh && batteryWh > 0)) return { problem: "The car's battery size is not known (Info › Cars): give the energy in kWh instead." };
    if (!(to > from) || to > 100) return { problem: 'A state of charge goes up, to 100 % at most: for example 30% to 80%.' };
    const energyWh = energyForStateOfCharge(batteryWh / 1000, from, to);
    return { energyWh, words: `${from} % to ${to} % of ${Math.round(batteryWh / 100) / 10} kWh` };
  }
  const kwh = /^(\d+(?:\.\d+)?)\s*(?:kwh)?$/.exec(t);
  if (kwh && Number(kwh[1]) > 0 && Number(kwh[1]) <= 500) return { energyWh: Math.round(Number(kwh[1]) * 1000), words: `${Number(kwh[1])} kWh` };
  return { problem: `The energy to add: kWh (for example 30) or a state of charge (for example 30% to 80%), not ${JSON.stringify(text.trim())}.` };
}
