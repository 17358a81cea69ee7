// get_state's reply, rendered once for both unit sources (the simulator and real JuiceBoxes): a
// source says what it knows of a unit now (UnitReading), this module spells it in the protocol's
// wire format, typed as what the client's schema reads (WireReplyBody<'get_state'>).
import type { WireReplyBody } from '../api/wire';
import type { UnitState } from '../domain/model';
import { localTime } from '../domain/time-zone';
import { nextAllowedAt } from '../domain/schedule';
import type { SimSchedule } from './types';

export type StateReply = WireReplyBody<'get_state'>;

/**
 * Grams of CO2 per Wh the server reports for the energy charged: `nonstop` as if the car had
 * charged at once on plug-in, `actual` as charged (the time-of-use schedule moves charging to
 * cleaner hours). The protocol document gives the fields, not their factors: these are ours.
 */
export const CO2_GRAMS_PER_WH = { nonstop: 0.42, actual: 0.36 } as const;

/** The CO2 fields for an amount of energy (Wh). */
export function co2Of(energyWh: number): { nonstop: number; actual: number } {
  return { nonstop: Math.round(energyWh * CO2_GRAMS_PER_WH.nonstop), actual: Math.round(energyWh * CO2_GRAMS_PER_WH.actual) };
}

/** What a unit source knows of a unit at one moment: everything get_state reports, in the domain's words. */
export interface UnitReading {
  unitId: string;
  infoTimestamp: number;
  state: Exclude<UnitState, 'unknown'>;
  /** Whether the owner is offered an override (one is active, or charging waits for a window or hold). */
  showOverride: boolean;
  /** Plugged in, allowed to charge by its limit, and waiting for the schedule or a charging-time hold. */
  waiting: boolean;
  /** What keeps it from charging: its limit is 0 ('off') or the schedule or a hold ('schedule'). */
  blocking?: 'off' | 'schedule';
  ampsLimit: number;
  ampsCurrent: number;
  voltageV: number;
  powerW: number;
  sessionWh: number;
  sessionSavingsCents: number;
  secondsCharging: number;
  energyAtPluginWh: number;
  energyToAddWh: number;
  lifetimeWh: number;
  lifetimeSavingsCents: number;
  chargingTimeLeftS: number;
  plugUnplugTime: number;
  /** Charge now from this epoch second (0 = no override). */
  overrideTime: number;
  /** Hold default charging until this epoch second (0 = no hold). */
  chargingTime: number;
  schedule: SimSchedule;
  /** The IANA zone the schedule is enforced in. */
  zone: string;
  timeLastPing: number;
  updateIntervalS: number;
  temperatureC: number;
  frequencyHz: number;
  carId: number;
}

/** get_state's reply for a reading at `now` (epoch seconds). */
export function renderStateReply(r: UnitReading, now: number): StateReply {
  const nowS = Math.floor(now);
  const windowStart = nextAllowedAt(r.schedule, r.zone, now);
  // When charging will (re)start: after a charging-time hold, at the next window; an override wins.
  let targetTime = nowS;
  if (r.waiting) {
    const from = Math.max(now, r.chargingTime > now ? r.chargingTime : 0);
    targetTime = Math.floor(nextAllowedAt(r.schedule, r.zone, from) ?? from);
  }
  if (r.overrideTime > 0) targetTime = r.overrideTime;
  const charging = r.state === 'charging';
  return {
    ID: r.unitId,
    info_timestamp: r.infoTimestamp,
    show_override: r.showOverride,
    state: r.state,
    // Every field the protocol declares Integer goes out whole.
    charging: {
      amps_limit: r.ampsLimit,
      amps_current: Math.round(r.ampsCurrent),
      voltage: Math.round(r.voltageV),
      wh_energy: Math.round(r.sessionWh),
      savings: Math.round(r.sessionSavingsCents),
      watt_power: Math.round(r.powerW),
      seconds_charging: Math.round(r.secondsCharging),
      wh_energy_at_plugin: Math.round(r.energyAtPluginWh),
      wh_energy_to_add: Math.round(r.energyToAddWh),
      flags: 0,
      co2: co2Of(r.sessionWh),
    },
    lifetime: { wh_energy: Math.round(r.lifetimeWh), savings: Math.round(r.lifetimeSavingsCents), co2: co2Of(r.lifetimeWh) },
    charging_time_left: r.chargingTimeLeftS,
    plug_unplug_time: r.plugUnplugTime,
    target_time: Math.floor(targetTime),
    override_time: Math.floor(r.overrideTime),
    default_target_time: Math.floor(windowStart ?? nowS),
    time_last_ping: Math.floor(r.timeLastPing),
    utc_time: nowS,
    unit_time: nowS + localTime(r.zone, now).offsetS,
    update_interval: r.updateIntervalS,
    temperature: Math.round(r.temperatureC),
    // Hundredths of a Hz on the wire (5999 = 59.99 Hz).
    frequency: Math.round(r.frequencyHz * 100),
    triggers_all: charging ? 1 : 9,
    triggers_blocking: charging || r.blocking === undefined ? 0 : r.blocking === 'off' ? 8 : 1,
    car_id: r.carId,
    success: true,
  };
}
