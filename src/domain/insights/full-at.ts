// "Full at 06:40": when the running session will have added the energy it is meant to add, at the
// power it charges with now. One function for the tree, the status bar and the panel. Pure.
// Nothing is invented: without the figures it needs, it says which are missing.
import type { Car, UnitStatus } from '../model';
import { fieldLabel } from '../labels';
import { clockText, dayText, localClock, unitTimeZone, weekdayText } from '../time-zone';

export type FullAt =
  | { kind: 'notCharging' }
  /** atS: epoch seconds; source: where the energy to add came from. */
  | { kind: 'fullAt'; atS: number; remainingWh: number; powerW: number; source: 'energyToAdd' | 'battery' }
  /** Already reached (the car may be topping off). */
  | { kind: 'reached'; source: 'energyToAdd' | 'battery' }
  | { kind: 'unknown'; needs: string[] };

/**
 * The time the session will be done. The energy to add is the session's own (get_state's
 * wh_energy_to_add, set by an override or the app) or, when that is 0 or missing, the car's battery
 * (get_info's cars[0].battery_size_wh) minus the energy it came with (wh_energy_at_plugin) and the
 * energy added so far.
 */
export function fullAt(status: UnitStatus | undefined, cars: readonly Car[] | undefined, nowS: number): FullAt {
  if (!status || status.state !== 'charging') return { kind: 'notCharging' };
  const c = status.charging;
  const needs: string[] = [];
  const added = c.energyWh;
  if (added === undefined) needs.push('the energy added so far this session');
  let source: 'energyToAdd' | 'battery' | undefined;
  let targetWh: number | undefined;
  if (c.energyToAddWh !== undefined && c.energyToAddWh > 0) {
    source = 'energyToAdd';
    targetWh = c.energyToAddWh;
  } else {
    const battery = cars?.find((x) => x.batterySizeWh !== undefined && x.batterySizeWh > 0)?.batterySizeWh;
    const atPlugin = c.energyAtPluginWh;
    if (battery === undefined)
      needs.push(
        `an energy to add for this session (Start Charging with an amount) or the car’s battery size (Info › ${fieldLabel('cars')} › ${fieldLabel('battery_size_wh')})`,
      );
    else if (atPlugin === undefined || atPlugin <= 0)
      needs.push('how much energy the car had when plugged in (not reported), or an energy to add for this session');
    else {
      source = 'battery';
      targetWh = battery - atPlugin;
    }
  }
  const powerW = c.powerW;
  if (powerW === undefined || !(powerW > 0)) needs.push('a charging power above 0');
  if (needs.length > 0 || targetWh === undefined || source === undefined || added === undefined || powerW === undefined) return { kind: 'unknown', needs };
  const remainingWh = targetWh - added;
  if (remainingWh <= 0) return { kind: 'reached', source };
  return { kind: 'fullAt', atS: Math.round(nowS + (remainingWh / powerW) * 3600), remainingWh, powerW, source };
}

/** HH:MM of an instant in the charger's zone; the day too when it is not today there. */
function clock(atS: number, nowS: number, zone: string): string {
  const at = localClock(zone, atS);
  const today = localClock(zone, nowS).day;
  const time = clockText(zone, atS);
  if (at.day === today) return time;
  return at.day === today + 1 ? `${time} tomorrow` : `${time} on ${weekdayText(at.day)} ${dayText(at.day)}`;
}

/**
 * The words: `short` for a tree row ("full at 06:40"), `detail` for a tooltip or the Overview. Both
 * undefined when the unit is not charging.
 */
export function fullAtText(
  status: UnitStatus | undefined,
  cars: readonly Car[] | undefined,
  nowS: number,
  /** The charger's zone (IANA); this computer's when not given. */
  timeZone?: string,
): { short?: string; detail?: string } {
  const f = fullAt(status, cars, nowS);
  switch (f.kind) {
    case 'notCharging':
      return {};
    case 'reached':
      return { short: 'target reached', detail: f.source === 'energyToAdd' ? 'The session’s energy to add is reached.' : 'The car’s battery should be full.' };
    case 'unknown':
      return { short: undefined, detail: `Full at: unknown — needs ${f.needs.join('; ')}.` };
    case 'fullAt': {
      const at = clock(f.atS, nowS, timeZone ?? unitTimeZone(undefined));
      const what = f.source === 'energyToAdd' ? 'the session’s energy to add' : 'the car’s battery size less its charge at plug-in';
      return {
        short: `full at ${at}`,
        detail: `Full at ${at}: ${(f.remainingWh / 1000).toFixed(1)} kWh still to add (${what}) at the current ${(f.powerW / 1000).toFixed(1)} kW.`,
      };
    }
  }
}
