// The charging current limit: its range, how typed text is read, and the choices offered.
// Pure (no vscode): commands, the soak benchmark and the tests use the same rules.
import type { UnitInfo } from './model';

/** The smallest non-zero limit a J1772 station accepts (the simulator and the vendor use 6 A). */
export const MIN_AMPS = 6;

/** The highest limit this unit accepts: min(wire rating, unit rating), or undefined when unknown. */
export function maxAmpsOf(info: Pick<UnitInfo, 'ampsWireRating' | 'ampsUnitRating'> | undefined): number | undefined {
  const ratings = [info?.ampsWireRating, info?.ampsUnitRating].filter((v): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0);
  return ratings.length ? Math.min(...ratings) : undefined;
}

function rangeText(maxAmps: number | undefined): string {
  return maxAmps !== undefined && maxAmps >= MIN_AMPS
    ? `0 (off) or a whole number from ${MIN_AMPS} to ${maxAmps} A`
    : `0 (off) or a whole number of ${MIN_AMPS} A or more`;
}

/** Validates a limit (typed text or a test argument). `maxAmps` undefined: only the lower bound is known. */
export function validateAmps(input: string | number, maxAmps?: number): string | undefined {
  const text = String(input).trim().replace(/\s*a$/i, '');
  if (text === '') return `Type the limit in amps: ${rangeText(maxAmps)}.`;
  if (!/^\d+$/.test(text)) return `"${String(input).trim()}" is not a whole number of amps. Use ${rangeText(maxAmps)}.`;
  const amps = Number(text);
  if (amps === 0) return undefined;
  if (amps < MIN_AMPS || (maxAmps !== undefined && amps > maxAmps)) return `${amps} A is out of range. Use ${rangeText(maxAmps)}.`;
  return undefined;
}

/** The value of a limit that passed validateAmps. */
export function parseAmps(input: string | number): number {
  return Number(String(input).trim().replace(/\s*a$/i, ''));
}

export interface AmpsChoice {
  label: string;
  description?: string;
  /** undefined: "Custom…" (type a value). */
  amps?: number;
}

/**
 * The limit quick pick: sensible values from 6 A to the unit's maximum, 0 = off, Custom…; the current
 * value marked ("last known" when the unit could not be read now: the value may have changed).
 */
export function ampsChoices(maxAmps: number | undefined, currentAmps: number | undefined, lastKnown = false): AmpsChoice[] {
  const values = new Set<number>();
  if (maxAmps !== undefined && maxAmps >= MIN_AMPS) {
    for (const v of [6, 8, 10, 12, 16, 20, 24, 28, 32, 40, 48, 50, 64, 80]) if (v <= maxAmps) values.add(v);
    values.add(maxAmps);
  }
  const sorted = [...values].sort((a, b) => b - a);
  const now = lastKnown ? 'last known' : 'current';
  const mark = (v: number) => (v === currentAmps ? now : undefined);
  const items: AmpsChoice[] = sorted.map((v) => ({
    label: `${v} A`,
    description: [v === maxAmps ? 'maximum for this unit' : undefined, mark(v)].filter(Boolean).join(' · ') || undefined,
    amps: v,
  }));
  items.push({ label: '0 A — turn charging off', description: mark(0), amps: 0 });
  const customDesc = currentAmps !== undefined && currentAmps !== 0 && !values.has(currentAmps) ? `${now}: ${currentAmps} A` : undefined;
  items.push({ label: 'Custom…', description: customDesc ?? (maxAmps === undefined ? 'the unit did not report its rating' : undefined) });
  return items;
}

/** The picker's prompt: the limit now, or the last known one when the charger cannot be read. */
export function limitPlaceholder(currentAmps: number | undefined, lastKnown: boolean): string {
  const ask = 'Pick or type the limit in amps.';
  if (currentAmps === undefined) return lastKnown ? `The charger cannot be reached now. ${ask}` : ask;
  return lastKnown ? `Last known: ${currentAmps} A — the charger cannot be reached now. ${ask}` : `Now ${currentAmps} A. ${ask}`;
}
