// The charger's electricity price over time. A price change applies from the day it is made:
// sessions before it keep the price they were costed at. The protocol keeps only the current price
// (get_info's ecost), so the extension records each price it sees with the day it saw it first
// (src/state/price-history.ts keeps the record). Pure.

export interface PriceChange {
  /** The charger's local day (days since 1970-01-01) from which the price applies. */
  fromDay: number;
  /** US cents per kWh. */
  centsPerKwh: number;
}

/**
 * The history after seeing `centsPerKwh` on local day `day`: the first price seen applies to all
 * the past (nothing else is known of it); a different price applies from `day` on (a second
 * change on the same day replaces the first). Unchanged when the price is unknown or the same.
 */
export function withPriceSeen(history: readonly PriceChange[], centsPerKwh: number | undefined, day: number): PriceChange[] {
  if (centsPerKwh === undefined || !Number.isFinite(centsPerKwh) || centsPerKwh < 0) return [...history];
  if (history.length === 0) return [{ fromDay: 0, centsPerKwh }];
  const last = history[history.length - 1];
  if (last.centsPerKwh === centsPerKwh) return [...history];
  if (last.fromDay >= day) return [...history.slice(0, -1), { fromDay: last.fromDay, centsPerKwh }];
  return [...history, { fromDay: day, centsPerKwh }];
}

/** The price in force on a local day; undefined before the first known price (or with none). */
export function priceOnDay(history: readonly PriceChange[] | undefined, day: number): number | undefined {
  if (!history) return undefined;
  let price: number | undefined;
  for (const p of history) {
    if (p.fromDay > day) break;
    price = p.centsPerKwh;
  }
  return price;
}

/** A stored history as read back (anything malformed dropped, sorted by day). */
export function parsePriceHistory(raw: unknown): PriceChange[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(
      (p): p is PriceChange =>
        !!p &&
        typeof p === 'object' &&
        Number.isInteger((p as PriceChange).fromDay) &&
        typeof (p as PriceChange).centsPerKwh === 'number' &&
        Number.isFinite((p as PriceChange).centsPerKwh) &&
        (p as PriceChange).centsPerKwh >= 0,
    )
    .map((p) => ({ fromDay: p.fromDay, centsPerKwh: p.centsPerKwh }))
    .sort((a, b) => a.fromDay - b.fromDay);
}
