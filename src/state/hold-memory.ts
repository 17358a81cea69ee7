// The hold set by "Hold Charging Until", per account and unit. The protocol has no getter for it
// (set_charging_time only writes), so the extension remembers what it set, in plain storage
// (globalState: a time, no secret), and shows it until it passes. No vscode import.
import type { KeyValueStore } from './accounts';

const HOLDS_KEY = 'juicenet.holds';

export class HoldMemory {
  constructor(
    private readonly state: KeyValueStore,
    private readonly nowS: () => number = () => Date.now() / 1000,
  ) {}

  private all(): Record<string, number> {
    const raw = this.state.get<Record<string, unknown>>(HOLDS_KEY);
    const out: Record<string, number> = {};
    if (raw && typeof raw === 'object') for (const [k, v] of Object.entries(raw)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    return out;
  }

  /** The hold of a unit (epoch seconds) while it has not passed. */
  get(unitKey: string): number | undefined {
    const t = this.all()[unitKey];
    return t !== undefined && t > this.nowS() ? t : undefined;
  }

  /** Remembers a hold; 0 (or a time already passed) forgets it. Passed holds of other units are dropped too. */
  async set(unitKey: string, untilS: number): Promise<void> {
    const now = this.nowS();
    const next = Object.fromEntries(Object.entries(this.all()).filter(([k, t]) => k !== unitKey && t > now));
    if (untilS > now) next[unitKey] = untilS;
    await this.state.update(HOLDS_KEY, next);
  }

  /** Forgets the holds of an account's units (at sign-out). */
  async forgetAccount(accountId: string): Promise<void> {
    const all = this.all();
    const next = Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith(`${accountId}/`)));
    if (Object.keys(next).length !== Object.keys(all).length) await this.state.update(HOLDS_KEY, next);
  }
}
