// The electricity prices each charger had and the day each took effect (src/domain/insights/prices.ts),
// kept in the extension's storage (globalState: prices, no secret), per unit ID: a price change then
// applies from the day it is made and past sessions keep the price they were costed at. No vscode import.
import { parsePriceHistory, withPriceSeen, type PriceChange } from '../domain/insights/prices';
import type { KeyValueStore } from './accounts';

const PRICES_KEY = 'juicenet.priceHistory';

export class PriceHistory {
  constructor(private readonly storage: KeyValueStore) {}

  private all(): Record<string, unknown> {
    const raw = this.storage.get<Record<string, unknown>>(PRICES_KEY);
    return raw && typeof raw === 'object' ? raw : {};
  }

  /** The prices of a charger, oldest first. */
  get(unitId: string): PriceChange[] {
    return parsePriceHistory(this.all()[unitId]);
  }

  /** Records the price seen on local day `day` (see withPriceSeen); returns the history. */
  async seen(unitId: string, centsPerKwh: number | undefined, day: number): Promise<PriceChange[]> {
    const before = this.get(unitId);
    const after = withPriceSeen(before, centsPerKwh, day);
    if (JSON.stringify(after) !== JSON.stringify(before)) await this.storage.update(PRICES_KEY, { ...this.all(), [unitId]: after });
    return after;
  }
}
