// A box's reading as MQTT values: one retained topic per value under <base>/<unit id>/, with the
// payloads Home Assistant and evcc read without templates (plain numbers in the named units, the
// state in the words their status mappings know, true/false for "enabled").
import { chargingReason } from '../../domain/charging-reason';
import { fullAtText } from '../../domain/insights/full-at';
import { unitTimeZone } from '../../domain/time-zone';
import type { MqttBoxReading } from './host';

/** The box's state in words evcc and Home Assistant map as they are (evcc: C, B, A, F). */
export type MqttChargerState = 'charging' | 'connected' | 'disconnected' | 'error';
export const MQTT_STATES: readonly MqttChargerState[] = ['charging', 'connected', 'disconnected', 'error'];
/** The J1772 letter evcc's custom charger reads as its status. */
const J1772: Record<MqttChargerState, string> = { charging: 'C', connected: 'B', disconnected: 'A', error: 'F' };

/** Topic suffixes (after <base>/<unit id>/) of the published values. */
export const VALUE_TOPICS = [
  'state',
  'j1772',
  'enabled',
  'max_current',
  'limit',
  'current',
  'voltage',
  'power',
  'session_energy',
  'lifetime_energy',
  'temperature',
  'frequency',
  'reason',
  'full_at',
  'last_report',
] as const;
export type ValueTopic = (typeof VALUE_TOPICS)[number];

/** Command topics (after <base>/<unit id>/). */
export const COMMAND_TOPICS = {
  maxCurrent: 'max_current/set',
  enabled: 'enabled/set',
  chargeNow: 'charge_now/set',
  cancelOverride: 'cancel_override/set',
} as const;

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return String(Math.round(x * f) / f);
};

export interface ValueContext {
  /** The owner's limit as the server keeps it (0 = off). */
  ownerLimitA: number;
  /** The limit "on" gives back (remembered when turned off), else the box's rating. */
  restoreLimitA: number;
  nowS: number;
}

/**
 * The values of one reading. A silent box keeps its last values (its availability says it is
 * gone); values the box does not send are left out rather than shown as 0.
 */
export function readingValues(r: MqttBoxReading, ctx: ValueContext): Partial<Record<ValueTopic, string>> {
  const st = r.status;
  const rep = r.report;
  const out: Partial<Record<ValueTopic, string>> = {};
  const state: MqttChargerState | undefined =
    st.state === 'charging'
      ? 'charging'
      : st.state === 'plugged'
        ? 'connected'
        : st.state === 'standby'
          ? 'disconnected'
          : st.state === 'error'
            ? 'error'
            : undefined;
  if (state !== undefined) {
    out.state = state;
    out.j1772 = J1772[state];
  }
  // The limit the box says it obeys; boxes of old firmware do not report it: the owner's limit then.
  const boxLimit = rep?.onlineLimitA ?? st.charging.ampsLimit;
  if (boxLimit !== undefined) {
    out.limit = String(boxLimit);
    out.enabled = boxLimit > 0 ? 'true' : 'false';
  }
  out.max_current = String(boxLimit !== undefined && boxLimit > 0 ? boxLimit : ctx.ownerLimitA > 0 ? ctx.ownerLimitA : ctx.restoreLimitA);
  const currentA = rep ? (rep.currentA ?? 0) : st.charging.ampsCurrent;
  if (currentA !== undefined) out.current = round(currentA, 1);
  const voltageV = rep?.voltageV ?? st.charging.voltageV;
  if (voltageV !== undefined && voltageV > 0) out.voltage = round(voltageV, 1);
  const powerW = rep ? (currentA !== undefined && voltageV !== undefined ? currentA * voltageV : undefined) : st.charging.powerW;
  if (powerW !== undefined) out.power = String(Math.round(powerW));
  if (st.charging.energyWh !== undefined) out.session_energy = round(st.charging.energyWh / 1000, 3);
  const lifetimeWh = rep?.lifetimeEnergyWh ?? st.lifetime.energyWh;
  if (lifetimeWh !== undefined && lifetimeWh > 0) out.lifetime_energy = round(lifetimeWh / 1000, 3);
  const tempC = rep?.temperatureC ?? st.temperatureC;
  if (tempC !== undefined && rep?.temperatureC !== undefined) out.temperature = String(tempC);
  const hz = rep?.frequencyHz;
  if (hz !== undefined && hz > 0) out.frequency = round(hz, 2);
  const now = new Date(ctx.nowS * 1000);
  out.reason = chargingReason({ now, status: st, timeZone: r.timeZoneId, schedule: r.schedule }).short;
  out.full_at = fullAtText(st, r.cars, ctx.nowS, unitTimeZone(r.timeZoneId)).short ?? '';
  const lastS = r.reportAtS ?? st.timeLastPing;
  if (lastS !== undefined && lastS > 0) out.last_report = new Date(Math.round(lastS * 1000)).toISOString();
  return out;
}
