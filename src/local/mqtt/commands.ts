// Commands from MQTT: the payload read (a bad one changes nothing and is said in words), then one
// write through the server's rules (LocalServerForMqtt: set_limit / set_override, as over HTTP).
// The switch follows the extension's Start/Stop rule (src/domain/start-stop): off = 0 A,
// remembering the limit it had; on = that limit back (the box's rating when none is remembered).
// A limit sent while charging is off is remembered for "on" (evcc sets the current, then
// enables), checked as set_limit would.
import { validateAmps } from '../../domain/amps';
import { planStart, planStop } from '../../domain/start-stop';
import type { CommandOutcome, LocalServerForMqtt, MqttBox } from './host';

export type MqttCommand =
  | { kind: 'limit'; amps: number }
  | { kind: 'enable'; on: boolean }
  | { kind: 'chargeNow' }
  | { kind: 'cancelOverride' }
  /** The offline limit (written to the box's memory): only the compatibility topics offer it. */
  | { kind: 'offlineLimit'; amps: number };

export type Parsed = { ok: true; command: MqttCommand } | { ok: false; message: string };

const shown = (payload: string) => JSON.stringify(payload.length > 40 ? `${payload.slice(0, 39)}…` : payload);

/** A limit in amps: a whole number ("16", "16.0", "16 A"). Range checks are the server's. */
export function parseAmpsPayload(payload: string): { ok: true; amps: number } | { ok: false; message: string } {
  const text = payload.trim().replace(/\s*a$/i, '');
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) return { ok: false, message: `${shown(payload)} is not a number of amps` };
  if (!Number.isInteger(n)) return { ok: false, message: `${shown(payload)} is not a whole number of amps` };
  return { ok: true, amps: n };
}

/** On or off: true/false, ON/OFF, 1/0 (Home Assistant, evcc and Node-RED spell it differently). */
export function parseOnOff(payload: string): boolean | undefined {
  const t = payload.trim().toLowerCase();
  if (t === 'true' || t === 'on' || t === '1') return true;
  if (t === 'false' || t === 'off' || t === '0') return false;
  return undefined;
}

/**
 * The switch, by the extension's own Start and Stop rule (src/domain/start-stop): what limit to
 * write for "on"/"off" given the owner's limit now and the remembered one; undefined when nothing
 * is to be written. `remember` is the limit to keep for "on". "On" only gives the limit back: it
 * makes no override (that is the Charge now button), so a schedule still holds the box.
 */
export function switchLimit(on: boolean, ownerLimitA: number, rememberedA: number | undefined, ratingA: number): { write?: number; remember?: number } {
  const status = { state: 'plugged' as const, overrideTime: 0, charging: { ampsLimit: ownerLimitA } };
  if (!on) {
    const stop = planStop(status);
    return stop.kind === 'stop' ? { write: 0, remember: stop.rememberAmps } : {};
  }
  const facts = { status, zone: 'UTC', nowS: 0, maxAmps: ratingA };
  let plan = planStart({ ...facts, rememberedAmps: rememberedA });
  // Nothing remembered (or a limit above what the box now takes): its rating, as nobody can be asked.
  if (plan.kind === 'needLimit' || plan.kind === 'refused') plan = planStart({ ...facts, chosenAmps: ratingA });
  return plan.kind === 'start' && plan.restoreAmps !== undefined ? { write: plan.restoreAmps } : {};
}

export interface CommandResult {
  /** What happened, in words, for the log. */
  said: string;
  outcome: CommandOutcome;
}

/** Runs one command on a box; `memory` holds the limits "on" gives back. */
export function runCommand(host: LocalServerForMqtt, box: MqttBox, command: MqttCommand, memory: Map<string, number>): CommandResult {
  const owner = host.ownerLimit(box.unitId) ?? 0;
  const enable = (on: boolean): CommandResult => {
    const r = switchLimit(on, owner, memory.get(box.unitId), box.ratingA);
    if (r.write === undefined) return { said: on ? 'charging is already on' : 'charging is already off', outcome: { ok: true } };
    const outcome = host.setLimit(box.unitId, r.write);
    if (outcome.ok && r.remember !== undefined) memory.set(box.unitId, r.remember);
    return { said: on ? `charging on (limit ${r.write} A)` : `charging off (0 A; "on" gives back ${r.remember} A)`, outcome };
  };
  switch (command.kind) {
    case 'enable':
      return enable(command.on);
    case 'limit': {
      if (command.amps === 0) return enable(false);
      if (owner === 0) {
        // Off: keep the limit for "on" (checked as set_limit checks it), write nothing now.
        const bad = validateAmps(command.amps, box.ratingA);
        if (bad) return { said: `limit ${command.amps} A`, outcome: { ok: false, message: bad } };
        const writable = host.limitWritable?.(box.unitId) ?? { ok: true };
        if (!writable.ok) return { said: `limit ${command.amps} A`, outcome: writable };
        memory.set(box.unitId, command.amps);
        return { said: `limit ${command.amps} A kept for when charging is turned on (it is off)`, outcome: { ok: true } };
      }
      return { said: `limit ${command.amps} A`, outcome: host.setLimit(box.unitId, command.amps) };
    }
    case 'chargeNow':
      return { said: 'charge now (ignoring the schedule)', outcome: host.chargeNow(box.unitId) };
    case 'cancelOverride':
      return { said: 'follow the schedule again (override cancelled)', outcome: host.cancelOverride(box.unitId) };
    case 'offlineLimit':
      return {
        said: `offline limit ${command.amps} A`,
        outcome: host.setOfflineLimit ? host.setOfflineLimit(box.unitId, command.amps) : { ok: false, message: 'not offered by this server' },
      };
  }
}
