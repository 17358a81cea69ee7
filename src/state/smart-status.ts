// What the local servers' smart charging does, for the reason lines: every local account's
// /local/smart status is read now and then (and at once after a smart-charging command), and handed
// to the unit store. A server without smart charging (an older one) is asked again only rarely.
// No vscode.
import { callLocalSmart, LocalSmartError, type LocalSmartAction } from '../api/local-smart';
import type { LocalSmartStatus } from '../api/local-contract';
import type { SmartBoxState } from '../domain/smart/reason';
import type { Logger } from './contracts';

export interface SmartAccount {
  accountId: string;
  baseUrl: string;
  accountToken: string;
}

export interface SmartTarget {
  setSmart(accountId: string, states: readonly SmartBoxState[]): void;
}

export class SmartStatus {
  private accounts: SmartAccount[] = [];
  private timer?: ReturnType<typeof setInterval>;
  /** Accounts whose server has no smart charging, and until when not to ask again (epoch ms). */
  private readonly without = new Map<string, number>();
  private readonly last = new Map<string, LocalSmartStatus>();

  constructor(
    private readonly target: SmartTarget,
    private readonly log: Logger,
    private readonly everyMs = 30_000,
  ) {}

  /** The local accounts to follow (others are dropped). */
  sync(accounts: SmartAccount[]): void {
    this.accounts = accounts;
    for (const id of [...this.last.keys()]) if (!accounts.some((a) => a.accountId === id)) this.last.delete(id);
    if (accounts.length > 0 && !this.timer) {
      this.timer = setInterval(() => void this.readAll(), this.everyMs);
      (this.timer as { unref?: () => void }).unref?.();
    }
    if (accounts.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    void this.readAll();
  }

  /** The last status read of an account's server. */
  status(accountId: string): LocalSmartStatus | undefined {
    return this.last.get(accountId);
  }

  /** Takes a status an action answered (so the rows change at once). */
  took(accountId: string, status: LocalSmartStatus): void {
    this.last.set(accountId, status);
    this.target.setSmart(accountId, status.boxes);
  }

  /** Runs a smart-charging action on the server of an account; its status is taken at once. */
  async call(accountId: string, action: LocalSmartAction, opts: { signal?: AbortSignal } = {}): Promise<LocalSmartStatus> {
    const a = this.accounts.find((x) => x.accountId === accountId);
    if (!a)
      throw new LocalSmartError(
        'Smart charging runs in JuiceNet Local, and this charger is on another server.',
        'Connect to your local server (JuiceNet: Connect to a Local Server) and add the charger there.',
        'not-local',
      );
    const status = await callLocalSmart(a.baseUrl, a.accountToken, action, opts);
    this.without.delete(accountId);
    this.took(accountId, status);
    return status;
  }

  private soonTimer?: ReturnType<typeof setTimeout>;

  /** Reads again shortly (after reports arrived: a share or a plan may have moved); at most every 2 s. */
  soon(): void {
    if (this.soonTimer || this.accounts.length === 0) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      void this.readAll();
    }, 2000);
    (this.soonTimer as { unref?: () => void }).unref?.();
  }

  async readAll(): Promise<void> {
    await Promise.all(this.accounts.map((a) => this.read(a)));
  }

  private async read(a: SmartAccount): Promise<void> {
    if ((this.without.get(a.accountId) ?? 0) > Date.now()) return;
    try {
      this.took(a.accountId, await callLocalSmart(a.baseUrl, a.accountToken, { action: 'status' }));
    } catch (e) {
      if (e instanceof LocalSmartError && e.kind === 'not-local') this.without.set(a.accountId, Date.now() + 10 * 60_000);
      else this.log.trace(`smart charging status of ${a.baseUrl}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    if (this.soonTimer) clearTimeout(this.soonTimer);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
