// The cache of what the views show (UnitView per unit) and the one place that reads the server for
// them. Implements CommandBackend (and so PanelBackend). No vscode import: unit-tested in Node
// against the real simulator over HTTP.
import type { AccountUnit, JuiceNetApi, UnitAuth, UnitState } from '../api/types';
import { toJuiceNetError } from '../api/errors';
import type { AccountSummary, CommandBackend } from './contracts';
import type { Disposable, Logger, RefreshReason, UnitView } from './contracts';
import { AccountManager, LoadedAccount } from './accounts';
import { PolicyClock, RefreshPolicy, realClock } from './refresh-policy';

export type AlertEvent = 'charging_started' | 'charging_stopped' | 'plugged_in' | 'unplugged' | 'went_offline' | 'back_online';
export const ALERT_EVENTS: AlertEvent[] = ['charging_started', 'charging_stopped', 'plugged_in', 'unplugged', 'went_offline', 'back_online'];

export interface ClientLike extends JuiceNetApi {
  close?(): Promise<void>;
}

export interface UnitStoreOptions {
  accounts: AccountManager;
  /** One client per base URL (the demo has its own loopback server). */
  makeClient(baseUrl: string): ClientLike;
  log: Logger;
  minIntervalS: number;
  maxIntervalS: number;
  clock?: PolicyClock;
  onAlert?(unit: UnitView, event: AlertEvent, message: string): void;
}

/** A reading older than this many update intervals is shown as stale even without an error. */
export const STALE_AFTER_INTERVALS = 3;

export class UnitStore implements CommandBackend, Disposable {
  readonly policy: RefreshPolicy;
  private readonly loaded = new Map<string, LoadedAccount>();
  private readonly views = new Map<string, UnitView>();
  /** unitId -> accountId that owns the credentials used for it. */
  private readonly owner = new Map<string, string>();
  private readonly clients = new Map<string, ClientLike>();
  /** Highest info_timestamp for which info and schedule were read. */
  private readonly infoReadAt = new Map<string, number>();
  private readonly listeners = new Set<(ids: string[]) => void>();
  private readonly accountListeners = new Set<() => void>();
  private readonly clock: PolicyClock;

  constructor(private readonly opts: UnitStoreOptions) {
    this.clock = opts.clock ?? realClock;
    this.policy = new RefreshPolicy({
      clock: this.clock,
      minIntervalS: opts.minIntervalS,
      maxIntervalS: opts.maxIntervalS,
      refreshUnit: (id, reason) => this.readUnit(id, reason),
    });
  }

  /** Loads the accounts kept from earlier sessions. */
  async load(): Promise<void> {
    for (const a of await this.opts.accounts.loadAll()) this.addLoaded(a, false);
    this.syncPolicy();
    this.emitAccounts();
    this.emit([...this.views.keys()]);
  }

  // ---- accounts ----

  /**
   * Checks the token with get_account_units, then stores it and the units' tokens. Throws the
   * client's JuiceNetError (AuthError for a rejected token, NetworkError, HttpStatusError...).
   */
  async signIn(input: { accountToken: string; baseUrl: string; label?: string; demo?: boolean }): Promise<AccountSummary> {
    const client = this.clientFor(input.baseUrl);
    const units = await client.getAccountUnits(input.accountToken);
    const label = input.label ?? this.defaultLabel(input.baseUrl);
    const loaded = await this.opts.accounts.save({ accountToken: input.accountToken, baseUrl: input.baseUrl, label, demo: !!input.demo, units });
    const previous = this.loaded.get(loaded.accountId);
    if (previous) this.dropAccount(previous.accountId, false);
    this.addLoaded(loaded, true);
    this.syncPolicy();
    this.emitAccounts();
    this.emit(loaded.units.map((u) => u.unitId));
    this.opts.log.info(`Signed in to ${label} (${input.baseUrl}): ${units.length} charger(s).`);
    await Promise.all(loaded.units.map((u) => this.policy.refresh(u.unitId, 'signin')));
    return { accountId: loaded.accountId, label, demo: loaded.demo };
  }

  async signOut(accountId: string): Promise<void> {
    const a = this.loaded.get(accountId);
    await this.opts.accounts.remove(accountId);
    if (a) {
      this.dropAccount(accountId, true);
      this.emitAccounts();
      this.opts.log.info(`Signed out of ${a.label}.`);
    }
  }

  accounts(): AccountSummary[] {
    return [...this.loaded.values()].map((a) => ({ accountId: a.accountId, label: a.label, demo: a.demo }));
  }

  baseUrlOf(accountId: string): string | undefined {
    return this.loaded.get(accountId)?.baseUrl;
  }

  accountClient(accountId: string): JuiceNetApi | undefined {
    const a = this.loaded.get(accountId);
    return a && this.clientFor(a.baseUrl);
  }

  accountToken(accountId: string): Promise<string | undefined> {
    return Promise.resolve(this.loaded.get(accountId)?.accountToken);
  }

  async addUnitToAccount(accountId: string, unit: AccountUnit): Promise<void> {
    const a = this.loaded.get(accountId);
    if (!a) throw new Error('That account is not signed in.');
    await this.opts.accounts.addUnit(accountId, unit);
    a.units = [...a.units.filter((u) => u.unitId !== unit.unitId), { unitId: unit.unitId, name: unit.name }];
    a.unitTokens.set(unit.unitId, unit.token);
    this.putView(a, unit.unitId, unit.name);
    this.syncPolicy();
    this.emit([unit.unitId]);
    await this.policy.refresh(unit.unitId, 'write');
  }

  // ---- units ----

  units(): UnitView[] {
    return [...this.views.values()].map((v) => this.withStaleness(v));
  }

  getUnit(unitId: string): UnitView | undefined {
    const v = this.views.get(unitId);
    return v && this.withStaleness(v);
  }

  onDidChangeUnits(listener: (unitIds: string[]) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Fires after an account was signed in (also one without chargers, which changes no unit) or
   * signed out, and after the kept accounts were loaded: what shows accounts re-renders on it.
   */
  onDidChangeAccounts(listener: () => void): Disposable {
    this.accountListeners.add(listener);
    return { dispose: () => this.accountListeners.delete(listener) };
  }

  api(unitId: string): { client: JuiceNetApi; auth: UnitAuth } | undefined {
    const accountId = this.owner.get(unitId);
    const a = accountId ? this.loaded.get(accountId) : undefined;
    const token = a?.unitTokens.get(unitId);
    if (!a || !token) return undefined;
    return { client: this.clientFor(a.baseUrl), auth: { token, accountToken: a.accountToken, unitId } };
  }

  holdVisible(unitId: string, holder: string): Disposable {
    return this.policy.hold(unitId, holder);
  }

  refresh(unitId: string, reason: RefreshReason): Promise<void> {
    if (reason === 'write') this.infoReadAt.delete(unitId);
    return this.policy.refresh(unitId, reason);
  }

  refreshAll(reason: RefreshReason): Promise<void> {
    return Promise.all([...this.views.keys()].map((id) => this.refresh(id, reason))).then(() => undefined);
  }

  setBounds(minS: number, maxS: number): void {
    this.policy.setBounds(minS, maxS);
  }

  async dispose(): Promise<void> {
    this.policy.dispose();
    this.listeners.clear();
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((c) => c.close?.().catch(() => undefined)));
  }

  // ---- internals ----

  private async readUnit(unitId: string, reason: RefreshReason): Promise<{ ok: boolean; updateIntervalS?: number }> {
    const view = this.views.get(unitId);
    const target = this.api(unitId);
    if (!view || !target) return { ok: false };
    const { client, auth } = target;
    const before = { state: view.status?.state, failed: !!view.error };
    try {
      const status = await client.getState(auth);
      const cur = this.views.get(unitId);
      if (cur !== view) return { ok: true, updateIntervalS: status.updateIntervalS };
      view.status = status;
      view.lastGoodAt = this.clock.now();
      view.error = undefined;
      view.stale = false;
      const ts = status.infoTimestamp ?? 0;
      const readTs = this.infoReadAt.get(unitId);
      // info and schedule change rarely: re-read them only when info_timestamp grows (or after a write).
      if (readTs === undefined || ts > readTs || reason === 'write') {
        try {
          const [info, schedule] = await Promise.all([client.getInfo(auth), client.getSchedule(auth)]);
          view.info = info;
          view.schedule = schedule;
          if (info.name && info.name !== view.name) view.name = info.name;
          this.infoReadAt.set(unitId, ts);
        } catch (e) {
          this.opts.log.warn(`Reading info/schedule of ${unitId} failed: ${toJuiceNetError(e).message}`);
        }
      }
      this.opts.log.trace(`Refreshed ${unitId} (${reason}): ${status.state}`);
      this.alerts(view, before, status.state, false);
      this.emit([unitId]);
      return { ok: true, updateIntervalS: status.updateIntervalS };
    } catch (e) {
      const err = toJuiceNetError(e);
      if (this.views.get(unitId) !== view) return { ok: false };
      view.error = err.userMessage;
      view.stale = true;
      this.opts.log.warn(`Refreshing ${unitId} (${reason}) failed: ${err.message}`);
      this.alerts(view, before, view.status?.state, true);
      this.emit([unitId]);
      return { ok: false };
    }
  }

  private alerts(view: UnitView, before: { state?: UnitState; failed: boolean }, after: UnitState | undefined, failedNow: boolean): void {
    const onAlert = this.opts.onAlert;
    if (!onAlert) return;
    const say = (ev: AlertEvent, text: string) => onAlert(view, ev, `${view.name}: ${text}${view.demo ? ' (demo)' : ''}`);
    const wasOffline = before.failed || before.state === 'disconnect';
    const isOffline = failedNow || after === 'disconnect';
    if (before.state === undefined && !before.failed) return; // first reading: no transition
    if (!wasOffline && isOffline) return say('went_offline', 'went offline.');
    if (wasOffline && !isOffline) say('back_online', 'is back online.');
    if (isOffline || before.state === after || !after) return;
    const plugged = (s?: UnitState) => s === 'plugged' || s === 'charging';
    if (after === 'charging' && before.state !== 'charging') say('charging_started', 'started charging.');
    if (before.state === 'charging' && after !== 'charging') say('charging_stopped', 'stopped charging.');
    if (!plugged(before.state) && plugged(after)) say('plugged_in', 'a car was plugged in.');
    if (plugged(before.state) && !plugged(after) && before.state !== undefined && !wasOffline) say('unplugged', 'the car was unplugged.');
  }

  private withStaleness(v: UnitView): UnitView {
    if (v.stale || v.lastGoodAt === undefined) return { ...v };
    const intervalS = this.policy.intervalFor(v.status?.updateIntervalS);
    const old = this.clock.now() - v.lastGoodAt > STALE_AFTER_INTERVALS * intervalS * 1000;
    return { ...v, stale: old };
  }

  private addLoaded(a: LoadedAccount, fresh: boolean): void {
    this.loaded.set(a.accountId, a);
    for (const u of a.units) this.putView(a, u.unitId, u.name);
    if (fresh) for (const u of a.units) this.infoReadAt.delete(u.unitId);
  }

  private putView(a: LoadedAccount, unitId: string, name: string): void {
    this.owner.set(unitId, a.accountId);
    const existing = this.views.get(unitId);
    if (existing && existing.accountId === a.accountId) {
      existing.name = existing.info?.name ?? name;
      return;
    }
    this.views.set(unitId, { unitId, name, accountLabel: a.label, accountId: a.accountId, demo: a.demo, stale: false });
  }

  private dropAccount(accountId: string, emit: boolean): void {
    this.loaded.delete(accountId);
    const removed: string[] = [];
    for (const [id, v] of this.views) {
      if (v.accountId === accountId) {
        this.views.delete(id);
        this.owner.delete(id);
        this.infoReadAt.delete(id);
        removed.push(id);
      }
    }
    // Another account may hold the same unit: show it from there.
    for (const a of this.loaded.values()) for (const u of a.units) if (!this.views.has(u.unitId)) this.putView(a, u.unitId, u.name);
    this.syncPolicy();
    if (emit) this.emit(removed);
  }

  private syncPolicy(): void {
    this.policy.setUnits([...this.views.keys()]);
  }

  private clientFor(baseUrl: string): ClientLike {
    let c = this.clients.get(baseUrl);
    if (!c) {
      c = this.opts.makeClient(baseUrl);
      this.clients.set(baseUrl, c);
    }
    return c;
  }

  /** Forgets the client of a base URL (after the demo simulator stops). */
  async closeClient(baseUrl: string): Promise<void> {
    const c = this.clients.get(baseUrl);
    this.clients.delete(baseUrl);
    await c?.close?.().catch(() => undefined);
  }

  private defaultLabel(baseUrl: string): string {
    let host = baseUrl;
    try {
      host = new URL(baseUrl).host;
    } catch {
      /* keep the text */
    }
    const n = [...this.loaded.values()].filter((a) => !a.demo).length;
    return n === 0 ? `JuiceNet (${host})` : `JuiceNet account ${n + 1} (${host})`;
  }

  private emitAccounts(): void {
    for (const l of [...this.accountListeners]) {
      try {
        l();
      } catch (e) {
        this.opts.log.error(e instanceof Error ? e : String(e));
      }
    }
  }

  private emit(ids: string[]): void {
    if (ids.length === 0) return;
    for (const l of [...this.listeners]) {
      try {
        l(ids);
      } catch (e) {
        this.opts.log.error(e instanceof Error ? e : String(e));
      }
    }
  }
}
