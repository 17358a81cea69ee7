// Display formatting of measurements (power, energy, durations, money, temperature...) and clock
// times. No vscode: used by the views, the webview and logs alike.
// A missing value (undefined/NaN) prints as "unknown": a made-up 0 would be a lie.

import { clockText, machineTimeZone } from './time-zone';

export const UNKNOWN = 'unknown';

function known(v: number | undefined | null): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Trims a fixed-point figure: 7.20 → "7.2", 7.00 → "7". */
function fixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** 950 → "950 W", 7200 → "7.2 kW", 1_250_000 → "1.25 MW". */
export function formatPowerW(w: number | undefined | null): string {
  if (!known(w)) return UNKNOWN;
  const a = Math.abs(w);
  if (a >= 1e6) return `${fixed(w / 1e6, 2)} MW`;
  if (a >= 1000) return `${fixed(w / 1000, 2)} kW`;
  return `${Math.round(w)} W`;
}

/** 850 → "850 Wh", 4134 → "4.13 kWh", 430000 → "430 kWh", 2.5e6 → "2.5 MWh". */
export function formatEnergyWh(wh: number | undefined | null): string {
  if (!known(wh)) return UNKNOWN;
  const a = Math.abs(wh);
  if (a >= 1e6) return `${fixed(wh / 1e6, 2)} MWh`;
  if (a >= 1000) return `${fixed(wh / 1000, a >= 100_000 ? 0 : a >= 10_000 ? 1 : 2)} kWh`;
  return `${Math.round(wh)} Wh`;
}

/** Seconds as "45 s", "41 min", "3 h 19 min", "2 d 4 h". Negative durations print as 0 s. */
export function formatDuration(s: number | undefined | null): string {
  if (!known(s)) return UNKNOWN;
  const total = Math.max(0, Math.round(s));
  if (total < 60) return `${total} s`;
  const min = Math.floor(total / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${String(min % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/**
 * Time left of a session: only meaningful while charging ("0 s" on an idle unit would mislead).
 * While charging, 0 is what a charger sends when it cannot know (no energy to add was set, as on a
 * local box): said as unknown, never as "0 s".
 */
export function formatTimeLeft(state: string | undefined, seconds: number | undefined | null): string {
  if (state !== 'charging') return '—';
  return seconds === 0 ? UNKNOWN : formatDuration(seconds);
}

/** Cents as dollars: 140 → "$1.40", -5 → "-$0.05". The protocol's savings are US cents. */
export function formatCents(cents: number | undefined | null): string {
  if (!known(cents)) return UNKNOWN;
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  return `${sign}$${groupThousands(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

/** 1234567 → "1,234,567" (no toLocaleString per figure). */
function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 59.99 → "59.99 Hz", 60 → "60.00 Hz". */
export function formatFrequencyHz(hz: number | undefined | null): string {
  if (!known(hz)) return UNKNOWN;
  return `${hz.toFixed(2)} Hz`;
}

/** 30 → "30 °C", 30.46 → "30.5 °C". */
export function formatTemperatureC(c: number | undefined | null): string {
  if (!known(c)) return UNKNOWN;
  return `${fixed(c, 1)} °C`;
}

/** Amperes: 16 → "16 A". */
export function formatAmps(a: number | undefined | null): string {
  if (!known(a)) return UNKNOWN;
  return `${fixed(a, 1)} A`;
}

/** Volts: 240 → "240 V". */
export function formatVoltageV(v: number | undefined | null): string {
  if (!known(v)) return UNKNOWN;
  return `${Math.round(v)} V`;
}

/** HH:MM of an epoch-ms time in a zone (the charger's; this computer's when not given): the tree's "last good 14:05". */
export function clockTime(epochMs: number, timeZone?: string): string {
  return clockText(timeZone ?? machineTimeZone(), epochMs / 1000);
}
