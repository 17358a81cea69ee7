// History sessions -> CSV (RFC 4180 quoting). Pure: used by the webview, tested in Node.
import type { HistorySession } from '../src/protocol/messages';
import { csvField } from '../src/domain/csv';

export { csvField };

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
