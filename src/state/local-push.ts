// Faster updates from local servers: while an account's server offers its push channel, each
// report it announces refreshes that charger at once (polling stays on as the fallback, and takes
// over by itself when the channel is gone). No vscode.
import type { LocalAlert, LocalChange } from '../api/local-contract';
import { subscribeLocalEvents, type LocalEventSubscription } from '../api/local-events';
import type { Logger, RefreshReason, UnitView } from './contracts';

export interface PushTarget {
  units(): UnitView[];
  getUnit(unitId: string): UnitView | undefined;
  refresh(unitId: string, reason: RefreshReason): Promise<void>;
}

export interface PushAccount {
  accountId: string;
  baseUrl: string;
  accountToken: string;
}

export class LocalPush {
  private readonly subs = new Map<string, { baseUrl: string; sub: LocalEventSubscription }>();
  /** Events received (all accounts), for the tests and the benchmark. */
  events = 0;
  private readonly listeners = new Set<(accountId: string, change: LocalChange) => void>();
  private readonly alertListeners = new Set<(accountId: string, alert: LocalAlert) => void>();

  constructor(
    private readonly target: PushTarget,
    private readonly log: Logger,
  ) {}

  /** Subscribes to the accounts given and drops the others. */
  sync(accounts: PushAccount[]): void {
    const want = new Map(accounts.map((a) => [a.accountId, a]));
    for (const [id, s] of this.subs) {
      if (want.get(id)?.baseUrl !== s.baseUrl) {
        s.sub.close();
        this.subs.delete(id);
      }
    }
    for (const a of accounts) {
      if (this.subs.has(a.accountId)) continue;
      const sub = subscribeLocalEvents(a.baseUrl, a.accountToken, {
        onChange: (c) => this.onChange(a.accountId, c),
        onAlert: (x) => {
          for (const l of [...this.alertListeners]) l(a.accountId, x);
        },
        onStatus: (connected, d) =>
          this.log.info(
            connected
              ? `Push updates from ${a.baseUrl}: connected.`
              : `Push updates from ${a.baseUrl}: ${d?.reason ?? 'off'}${d?.retrying ? ', trying again; polling meanwhile' : '; polling only'}.`,
          ),
      });
      this.subs.set(a.accountId, { baseUrl: a.baseUrl, sub });
    }
  }

  isConnected(accountId: string): boolean {
    return this.subs.get(accountId)?.sub.connected ?? false;
  }

  onEvent(listener: (accountId: string, change: LocalChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** What a server says happened to one of its boxes (silent, back, ignoring commands, ...), in its words. */
  onAlert(listener: (accountId: string, alert: LocalAlert) => void): { dispose(): void } {
    this.alertListeners.add(listener);
    return { dispose: () => this.alertListeners.delete(listener) };
  }

  private onChange(accountId: string, c: LocalChange): void {
    this.events++;
    for (const l of [...this.listeners]) l(accountId, c);
    // This account's view of each charger (another account may show the same one).
    const mine = new Map(
      this.target
        .units()
        .filter((u) => u.accountId === accountId)
        .map((u) => [u.unitId, u.key]),
    );
    for (const unitId of c.units) {
      const key = mine.get(unitId);
      if (key) void this.refresh(key, Math.floor(c.atS));
    }
  }

  /** Refreshes; a refresh already in flight may have read before the report, so read once more if it did. */
  private async refresh(key: string, reportS: number): Promise<void> {
    try {
      await this.target.refresh(key, 'push');
      const seen = this.target.getUnit(key)?.status?.timeLastPing ?? 0;
      if (seen < reportS) await this.target.refresh(key, 'push');
    } catch (e) {
      this.log.warn(`A pushed refresh of ${key} failed: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    for (const s of this.subs.values()) s.sub.close();
    this.subs.clear();
  }
}
