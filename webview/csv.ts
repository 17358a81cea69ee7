// History sessions -> CSV (RFC 4180 quoting). Pure: used by the webview, tested in Node.
import type { HistorySession } from '../src/protocol/messages';

/** Quotes a field when it holds a comma, quote or line break; doubles inner quotes. */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const s = String(value);
  // Leading =,+,-,@ would be run as a formula by spreadsheets: prefix a quote mark.
  const safe = /^[=+\-@]/.test(s) && typeof value === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function iso(epochS: number | undefined): string | undefined {
  return epochS === undefined ? undefined : new Date(epochS * 1000).toISOString();
}

export const CSV_HEADER = ['session_id', 'start_utc', 'end_utc', 'duration_s', 'energy_kwh', 'savings_usd'];

/** One line per session; unknown values are empty cells (never a made-up 0). */
export function sessionsToCsv(sessions: readonly HistorySession[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const s of sessions) {
    lines.push(
      [
        s.id,
        iso(s.timeStart),
        iso(s.timeEnd),
        s.durationS,
        s.energyWh === undefined ? undefined : (s.energyWh / 1000).toFixed(3),
        s.savingsCents === undefined ? undefined : (s.savingsCents / 100).toFixed(2),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
