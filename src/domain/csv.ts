// One CSV field (RFC 4180 quoting), shared by every CSV the product writes (the History tab's
// sessions, the Insights' sessions and monthly summary). Pure.

/** Quotes a field when it holds a comma, quote or line break; doubles inner quotes. */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const s = String(value);
  // Leading =,+,-,@ would be run as a formula by spreadsheets: prefix a quote mark.
  const safe = /^[=+\-@]/.test(s) && typeof value === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
