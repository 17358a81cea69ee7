// What an emulated JuiceBox says: its status report in each protocol form the emulator speaks,
// from a simulated charger's snapshot, and how often it says it. Pure (no sockets, no clock of its
// own): the emulator (./juicebox-udp.ts) sends what this composes.
import { encodeReport, type JuiceBoxField } from '../juicebox/codec';
import type { SimUnitSnapshot } from './model';
import type { Prng } from './prng';
import { hashUnit } from './prng';

/** Report forms the emulator speaks: `legacy` is old firmware (no version, no `S`, no checksum). */
export type EmulatedProtocol = 'v09u' | 'v07' | 'legacy' | 'v09e';
export const EMULATED_PROTOCOLS: readonly EmulatedProtocol[] = ['v09u', 'v07', 'legacy', 'v09e'];

/** The firmware each form announces in its boot line. */
export const FIRMWARE: Readonly<Record<EmulatedProtocol, string>> = {
  v09u: 'JuiceNet-Sim-2.1.0, 2026-01-01T00:00:00Z',
  v07: 'JuiceNet-Sim-1.7.0, 2026-01-01T00:00:00Z',
  legacy: 'JuiceNet-Sim-0.9.0, 2026-01-01T00:00:00Z',
  v09e: 'JuiceNet-Sim-2.2.0e, 2026-01-01T00:00:00Z',
};

/** The part of a box a report reads, and its counters (advanced by each report). */
export interface ReportingBox {
  index: number;
  serial: string;
  protocol: EmulatedProtocol;
  onlineLimitA: number;
  offlineLimitA: number;
  ratingA: number;
  /** The report counter (`s`), 0..999. */
  counter: number;
  /** The main-loop counter (`u`). */
  loopCounter: number;
}

/** Seconds to the box's next report: `fixedS` when set, else about 9-10 s while charging and 30 s otherwise (the protocol's timing). */
export function reportIntervalS(box: Pick<ReportingBox, 'index'>, snap: Pick<SimUnitSnapshot, 'state'>, fixedS?: number): number {
  return fixedS ?? (snap.state === 'charging' ? 9 + (box.index % 2) : 30);
}

const STATE_CODES = { standby: 0, plugged: 1, charging: 2, error: 5 } as const;
const pad = (n: number, w: number) => String(Math.max(0, Math.round(n))).padStart(w, '0');

/** The fields of a readable report (every form but v09e). */
function reportFields(box: ReportingBox, snap: SimUnitSnapshot, t: number, intervalS: number): JuiceBoxField[] {
  const minute = Math.floor(t / 60);
  const amps = snap.state === 'charging' ? snap.ampsCurrent : 0;
  const volts = snap.voltageV;
  const sessionWh = Math.round(snap.car?.sessionWh ?? 0);
  const lifetimeWh = Math.round(snap.lifetimeEnergyWh);
  const tempC = Math.round(18 + amps / 6 + hashUnit(box.index, Math.floor(minute / 5), 3) * 4);
  const freq = 6000 + Math.round((hashUnit(box.index, minute, 2) - 0.5) * 4);
  const slot = Math.floor((((t % 86400) + 86400) % 86400) / 900);
  const stateCode = STATE_CODES[snap.state];
  switch (box.protocol) {
    case 'v09u':
      return [
        ['v', '09u'],
        ['s', pad(box.counter, 3)],
        ['F', '10'],
        ['u', pad(box.loopCounter % 1e8, 8)],
        ['V', pad(volts * 10, 4)],
        ['L', pad(lifetimeWh, 11)],
        ['S', pad(stateCode, 2)],
        ['T', pad(tempC, 2)],
        ['M', pad(box.onlineLimitA, 4)],
        ['C', pad(box.offlineLimitA, 4)],
        ['m', pad(box.ratingA, 4)],
        ['t', pad(intervalS, 2)],
        ['i', pad(slot, 2)],
        ['e', '00000'],
        ['f', pad(freq, 4)],
        ['r', '61'],
        ['b', '000'],
        ['B', '0000000'],
        ['A', pad(amps * 10, 5)],
        ['E', pad(sessionWh, 5)],
      ];
    case 'v07':
      return [
        ['v', '07'],
        ['s', String(box.counter)],
        ['V', pad(volts * 10, 4)],
        ['L', String(lifetimeWh)],
        ['S', String(stateCode)],
        ['T', String(tempC)],
        ['M', pad(box.onlineLimitA, 2)],
        ['m', pad(box.ratingA, 2)],
        ['t', String(intervalS)],
        ['i', String(slot)],
        ['e', '0'],
        ['f', String(freq)],
        ['A', String(Math.round(amps * 10))],
        ['E', String(sessionWh)],
      ];
    default: {
      // legacy: no version, no S, no checksum; A only with a car (A0 plugged in, above 0 charging); E twice.
      const fields: JuiceBoxField[] = [
        ['V', String(Math.round(volts))],
        ['L', String(lifetimeWh)],
        ['E', String(sessionWh)],
        ['T', String(tempC)],
      ];
      if (snap.car) fields.push(['A', String(Math.round(amps * 10))]);
      fields.push(['E', String(sessionWh)], ['i', String(slot)], ['e', '1'], ['t', String(intervalS)]);
      return fields;
    }
  }
}

/**
 * The box's next status report at `t` (virtual seconds): its bytes, the text shown for them
 * (encrypted boxes: a placeholder), and the interval it announces. Advances the box's counters.
 */
export function composeReport(box: ReportingBox, snap: SimUnitSnapshot, t: number, intervalS: number, rng: Prng): { bytes: Buffer; text: string } {
  box.counter = (box.counter + 1) % 1000;
  box.loopCounter += 1 + Math.floor(intervalS * 100 * hashUnit(box.index, box.counter, 7));
  if (box.protocol === 'v09e') {
    const body = Buffer.alloc(48 + rng.int(0, 32));
    for (let i = 0; i < body.length; i++) body[i] = rng.int(0, 255);
    return { bytes: Buffer.concat([Buffer.from(`${box.serial}:v09e`, 'latin1'), body]), text: `${box.serial}:v09e<${body.length} encrypted bytes>` };
  }
  const text = encodeReport(box.serial, reportFields(box, snap, t, intervalS), { checksum: box.protocol !== 'legacy' });
  return { bytes: Buffer.from(text, 'latin1'), text };
}
