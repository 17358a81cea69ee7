// The cache of what the views show (UnitView per unit) and the one place that reads the server for
// them. Implements CommandBackend (and so PanelBackend). No vscode import: unit-tested in Node
// against the real simulator over HTTP.
import type { AccountUnit, UnitStatus } from '../domain/model';
import type { JuiceNetApi, UnitAuth } from '../api/types';
import { HttpStatusError, NetworkError, TimeoutError, toJuiceNetError } from '../api/errors';
import { alertsFor, type AlertEvent, type AlertReading } from '../domain/alerts';
import { unitKey } from '../domain/ids';
import type { SmartBoxState } from '../domain/smart/reason';
import type { AccountSummary, CommandBackend, LocalBoxNote } from './contracts';
import type { Disposable, Logger, RefreshReason, UnitView } from './contracts';
import { AccountManager, LoadedAccount } from './accounts';
import { HoldMemory } from './hold-memory';
import { PolicyClock, RefreshPolicy, realClock } from './refresh-policy';

export { ALERT_EVENTS, DEFAULT_ALERT_EVENTS, type AlertEvent } from '../domain/alerts';

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
  /** By unit key (account and unit): the same charger in two accounts is two views. */
  private readonly views = new Map<string, UnitView>();
  private readonly holds: HoldMemory;
  /** Smart-charging states by unit key (see setSmart). */
  private readonly smart = new Map<string, SmartBoxState>();
  /** What local servers say of their boxes, by unit key (see setLocalBoxes). */
  private readonly localBoxes = new Map<string, LocalBoxNote>();
  private readonly clients = new Map<string, ClientLike>();
  /** Highest info_timestamp for which info and schedule were read. */
  private readonly infoReadAt = new Map<string, number>();
  private readonly listeners = new Set<(ids: string[]) => void>();
  private readonly accountListeners = new Set<() => void>();
  private readonly clock: PolicyClock;

  constructor(private readonly opts: UnitStoreOptions) {
    this.clock = opts.clock ?? realClock;
    this.holds = new HoldMemory(opts.accounts.storage, () => this.clock.now() / 1000);
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
    const keys = loaded.units.map((u) => unitKey(loaded.accountId, u.unitId));
    this.emit(keys);
    this.opts.log.info(`Signed in to ${label} (${input.baseUrl}): ${units.length} charger(s).`);
    await Promise.all(keys.map((k) => this.policy.refresh(k, 'signin')));
    return { accountId: loaded.accountId, label, demo: loaded.demo };
  }

  async signOut(accountId: string): Promise<void> {
    const a = this.loaded.get(accountId);
    await this.opts.accounts.remove(accountId);
    await this.holds.forgetAccount(accountId);
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
    const key = this.putView(a, unit.unitId, unit.name);
    this.syncPolicy();
    this.emit([key]);
    await this.policy.refresh(key, 'write');
  }

  /**
   * What a local server's smart charging does with the account's chargers (undefined for the ones
   * it does nothing with); the rows, the status bar and the panel say it in their reason line.
   */
  /** What a local server says of the account's boxes (its diagnostics): the rows' tooltips show it. */
  setLocalBoxes(accountId: string, notes: ReadonlyMap<string, LocalBoxNote>): void {
    const changed: string[] = [];
    for (const [k, v] of this.views) {
      if (v.accountId !== accountId) continue;
      const before = this.localBoxes.get(k);
      const after = notes.get(v.unitId);
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      if (after) this.localBoxes.set(k, after);
      else this.localBoxes.delete(k);
      changed.push(k);
    }
    this.emit(changed);
  }

  setSmart(accountId: string, states: readonly SmartBoxState[]): void {
    const changed: string[] = [];
    const next = new Map(states.map((st) => [unitKey(accountId, st.unitId), st]));
    for (const [k, v] of this.views) {
      if (v.accountId !== accountId) continue;
      const before = this.smart.get(k);
      const after = next.get(k);
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      if (after) this.smart.set(k, after);
      else this.smart.delete(k);
      changed.push(k);
    }
    this.emit(changed);
  }

  async rememberHold(key: string, untilS: number): Promise<void> {
    const k = this.keyOf(key);
    if (!k) return;
    await this.holds.set(k, untilS);
    this.emit([k]);
  }

  // ---- units ----

  units(): UnitView[] {
    return [...this.views.values()].map((v) => this.withStaleness(v));
  }

  getUnit(ref: string): UnitView | undefined {
    const k = this.keyOf(ref);
    const v = k === undefined ? undefined : this.views.get(k);
    return v && this.withStaleness(v);
  }

  /** Every view of a charger, one per account that has it. */
  viewsOfUnit(unitId: string): UnitView[] {
    return this.units().filter((v) => v.unitId === unitId);
  }

  /** The key of a unit reference: a key as is, a bare unit ID as the first account's view of it. */
  keyOf(ref: string): string | undefined {
    if (this.views.has(ref)) return ref;
    for (const [k, v] of this.views) if (v.unitId === ref) return k;
    return undefined;
  }

  onDidChangeUnits(listener: (unitKeys: string[]) => void): Disposable {
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

  api(ref: string): { client: JuiceNetApi; auth: UnitAuth } | undefined {
    const k = this.keyOf(ref);
    const v = k === undefined ? undefined : this.views.get(k);
    const a = v ? this.loaded.get(v.accountId) : undefined;
    const token = v && a?.unitTokens.get(v.unitId);
    if (!v || !a || !token) return undefined;
    return { client: this.clientFor(a.baseUrl), auth: { token, accountToken: a.accountToken, unitId: v.unitId } };
  }

  /**
   * A verified write's read-back (get_state): shown at once, so that the row and its buttons show
   * what Start or Stop did before the next poll.
   */
  applyReading(ref: string, status: UnitStatus): void {
    const k = this.keyOf(ref);
    const view = k === undefined ? undefined : this.views.get(k);
    if (!view || k === undefined) return;
    const before = this.alertReading(view);
    this.markRead(view, status);
    this.alerts(view, before);
    this.emit([k]);
  }

  holdVisible(ref: string, holder: string): Disposable {
    return this.policy.hold(this.keyOf(ref) ?? ref, holder);
  }

  refresh(ref: string, reason: RefreshReason): Promise<void> {
    const k = this.keyOf(ref) ?? ref;
    if (reason === 'write') this.infoReadAt.delete(k);
    return this.policy.refresh(k, reason);
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

  /** A good reading: shown fresh, the failures before it forgotten. */
  private markRead(view: UnitView, status: UnitStatus): void {
    view.status = status;
    view.lastGoodAt = this.clock.now();
    view.error = undefined;
    view.failedSince = undefined;
    view.serverFailed = undefined;
    view.stale = false;
  }

  private async readUnit(key: string, reason: RefreshReason): Promise<{ ok: boolean; updateIntervalS?: number }> {
    const view = this.views.get(key);
    const target = this.api(key);
    if (!view || !target) return { ok: false };
    const { client, auth } = target;
    const unitId = view.unitId;
    const before = this.alertReading(view);
    try {
      const status = await client.getState(auth);
      const cur = this.views.get(key);
      if (cur !== view) return { ok: true, updateIntervalS: status.updateIntervalS };
      this.markRead(view, status);
      const ts = status.infoTimestamp ?? 0;
      const readTs = this.infoReadAt.get(key);
      // info and schedule change rarely: re-read them only when info_timestamp grows (or after a write).
      if (readTs === undefined || ts > readTs || reason === 'write') {
        try {
          const [info, schedule] = await Promise.all([client.getInfo(auth), client.getSchedule(auth)]);
          view.info = info;
          view.schedule = schedule;
          if (info.name && info.name !== view.name) view.name = info.name;
          this.infoReadAt.set(key, ts);
        } catch (e) {
          this.opts.log.warn(`Reading info/schedule of ${unitId} failed: ${toJuiceNetError(e).message}`);
        }
      }
      this.opts.log.trace(`Refreshed ${unitId} (${reason}): ${status.state}`);
      this.alerts(view, before);
      this.emit([key]);
      return { ok: true, updateIntervalS: status.updateIntervalS };
    } catch (e) {
      const err = toJuiceNetError(e);
      if (this.views.get(key) !== view) return { ok: false };
      view.error = err.userMessage;
      view.failedSince ??= this.clock.now();
      view.serverFailed = err instanceof HttpStatusError && err.status >= 500;
      view.serverSilent = (err instanceof NetworkError && !err.mayHaveReachedServer) || (err instanceof TimeoutError && err.phase === 'connect');
      view.stale = true;
      this.opts.log.warn(`Refreshing ${unitId} (${reason}) failed: ${err.message}`);
      this.alerts(view, before);
      this.emit([key]);
      return { ok: false };
    }
  }

  private alertReading(v: UnitView): AlertReading {
    const c = v.status?.charging;
    return {
      state: v.status?.state,
      failed: !!v.error,
      serverFailed: v.serverFailed,
      ampsLimit: c?.ampsLimit,
      energyWh: c?.energyWh,
      energyToAddWh: c?.energyToAddWh,
    };
  }

  private alerts(view: UnitView, before: AlertReading): void {
    const onAlert = this.opts.onAlert;
    if (!onAlert) return;
    // A charger in two accounts (the same server and unit ID) is read twice: only its first view raises alerts.
    for (const [k, v] of this.views) {
      if (v.unitId !== view.unitId || v.server !== view.server) continue;
      if (k !== view.key) return;
      break;
    }
    for (const a of alertsFor(before, this.alertReading(view))) {
      onAlert(view, a.event, `${view.name}: ${a.text}${view.demo ? ' (demo)' : ''}`);
    }
  }

  private withStaleness(v: UnitView): UnitView {
    const holdUntilS = this.holds.get(v.key);
    const smart = this.smart.get(v.key);
    const localBox = this.localBoxes.get(v.key);
    if (v.stale || v.lastGoodAt === undefined) return { ...v, holdUntilS, smart, localBox };
    const intervalS = this.policy.intervalFor(v.status?.updateIntervalS);
    const old = this.clock.now() - v.lastGoodAt > STALE_AFTER_INTERVALS * intervalS * 1000;
    return { ...v, stale: old, holdUntilS, smart, localBox };
  }

  private addLoaded(a: LoadedAccount, fresh: boolean): void {
    this.loaded.set(a.accountId, a);
    for (const u of a.units) {
      const key = this.putView(a, u.unitId, u.name);
      if (fresh) this.infoReadAt.delete(key);
    }
  }

  private putView(a: LoadedAccount, unitId: string, name: string): string {
    const key = unitKey(a.accountId, unitId);
    const existing = this.views.get(key);
    if (existing) existing.name = existing.info?.name ?? name;
    else this.views.set(key, { key, unitId, name, accountLabel: a.label, accountId: a.accountId, server: a.baseUrl, demo: a.demo, stale: false });
    return key;
  }

  private dropAccount(accountId: string, emit: boolean): void {
    this.loaded.delete(accountId);
    const removed: string[] = [];
    for (const [key, v] of this.views) {
      if (v.accountId === accountId) {
        this.views.delete(key);
        this.infoReadAt.delete(key);
        removed.push(key);
      }
    }
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

  /** Tells the listeners about `keys`, followed by their bare unit IDs (see PanelBackend.onDidChangeUnits). */
  private emit(keys: string[]): void {
    if (keys.length === 0) return;
    const ids = [...new Set([...keys, ...keys.map((k) => k.slice(k.lastIndexOf('/') + 1))])];
    for (const l of [...this.listeners]) {
      try {
        l(ids);
      } catch (e) {
        this.opts.log.error(e instanceof Error ? e : String(e));
      }
    }
  }
}
