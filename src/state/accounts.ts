// Signed-in accounts. Tokens (account and per-unit) live only in the secret store; the account
// list kept in plain storage (globalState) holds ids, labels, base URLs and unit names, no token.
import { randomUUID } from 'node:crypto';
import type { AccountUnit } from '../domain/model';
import { forgetSecret, registerSecret } from '../api/redact';

/** The subset of vscode.SecretStorage the state layer needs. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** The subset of vscode.Memento (globalState) the state layer needs. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** A SecretStore in memory, for hosts without VS Code (tests, benchmarks, the soak). */
export class MemorySecretStore implements SecretStore {
  readonly map = new Map<string, string>();
  async get(k: string) {
    return this.map.get(k);
  }
  async store(k: string, v: string) {
    this.map.set(k, v);
  }
  async delete(k: string) {
    this.map.delete(k);
  }
}

/** A KeyValueStore in memory; values are cloned as a Memento would serialise them. */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly map = new Map<string, unknown>();
  get<T>(k: string) {
    return this.map.get(k) as T | undefined;
  }
  async update(k: string, v: unknown) {
    this.map.set(k, structuredClone(v));
  }
}

export interface StoredUnit {
  unitId: string;
  name: string;
}

/** What is kept in plain storage about an account. Never a token. */
export interface StoredAccount {
  accountId: string;
  label: string;
  baseUrl: string;
  demo: boolean;
  units: StoredUnit[];
}

/** An account with its secrets loaded (memory only). */
export interface LoadedAccount extends StoredAccount {
  accountToken: string;
  unitTokens: Map<string, string>;
}

const ACCOUNTS_KEY = 'juicenet.accounts';
const DEVICE_ID_KEY = 'juicenet.deviceId';
const accountKey = (accountId: string) => `juicenet.account.${accountId}.token`;
const unitKey = (accountId: string, unitId: string) => `juicenet.account.${accountId}.unit.${unitId}`;

export class AccountManager {
  constructor(
    private readonly secrets: SecretStore,
    private readonly state: KeyValueStore,
  ) {}

  /** The plain storage the accounts live in (for other token-free memory, e.g. holds). */
  get storage(): KeyValueStore {
    return this.state;
  }

  /** A stable per-installation device id (random, created once). */
  async deviceId(): Promise<string> {
    let id = this.state.get<string>(DEVICE_ID_KEY);
    if (!id) {
      id = randomUUID();
      await this.state.update(DEVICE_ID_KEY, id);
    }
    return id;
  }

  list(): StoredAccount[] {
    const raw = this.state.get<StoredAccount[]>(ACCOUNTS_KEY);
    return Array.isArray(raw) ? raw.map((a) => ({ ...a, units: [...(a.units ?? [])] })) : [];
  }

  /** Accounts with their tokens. An account whose token is missing from the store is dropped from the list. */
  async loadAll(): Promise<LoadedAccount[]> {
    const out: LoadedAccount[] = [];
    const keep: StoredAccount[] = [];
    for (const a of this.list()) {
      const token = await this.secrets.get(accountKey(a.accountId));
      if (!token) continue;
      registerSecret(token);
      const unitTokens = new Map<string, string>();
      for (const u of a.units) {
        const t = await this.secrets.get(unitKey(a.accountId, u.unitId));
        if (t) {
          registerSecret(t);
          unitTokens.set(u.unitId, t);
        }
      }
      keep.push(a);
      out.push({ ...a, accountToken: token, unitTokens });
    }
    if (keep.length !== this.list().length) await this.state.update(ACCOUNTS_KEY, keep);
    return out;
  }

  /** Finds an account already signed in with this token at this base URL. */
  async findByToken(accountToken: string, baseUrl: string): Promise<StoredAccount | undefined> {
    for (const a of this.list()) {
      if (a.baseUrl !== baseUrl) continue;
      if ((await this.secrets.get(accountKey(a.accountId))) === accountToken) return a;
    }
    return undefined;
  }

  /** Stores (or replaces) an account and its units' tokens. Returns the stored account. */
  async save(input: { accountToken: string; baseUrl: string; label: string; demo: boolean; units: AccountUnit[] }): Promise<LoadedAccount> {
    registerSecret(input.accountToken);
    const existing = await this.findByToken(input.accountToken, input.baseUrl);
    const accountId = existing?.accountId ?? randomUUID();
    if (existing) await this.deleteUnitSecrets(existing);
    await this.secrets.store(accountKey(accountId), input.accountToken);
    const unitTokens = new Map<string, string>();
    for (const u of input.units) {
      registerSecret(u.token);
      await this.secrets.store(unitKey(accountId, u.unitId), u.token);
      unitTokens.set(u.unitId, u.token);
    }
    const stored: StoredAccount = {
      accountId,
      label: input.label,
      baseUrl: input.baseUrl,
      demo: input.demo,
      units: input.units.map((u) => ({ unitId: u.unitId, name: u.name })),
    };
    const others = this.list().filter((a) => a.accountId !== accountId);
    await this.state.update(ACCOUNTS_KEY, [...others, stored]);
    return { ...stored, accountToken: input.accountToken, unitTokens };
  }

  /** Adds one unit (from add_unit / share_device) to an account. */
  async addUnit(accountId: string, unit: AccountUnit): Promise<void> {
    const accounts = this.list();
    const a = accounts.find((x) => x.accountId === accountId);
    if (!a) throw new Error('That account is not signed in.');
    registerSecret(unit.token);
    await this.secrets.store(unitKey(accountId, unit.unitId), unit.token);
    a.units = [...a.units.filter((u) => u.unitId !== unit.unitId), { unitId: unit.unitId, name: unit.name }];
    await this.state.update(ACCOUNTS_KEY, accounts);
  }

  async accountToken(accountId: string): Promise<string | undefined> {
    return this.secrets.get(accountKey(accountId));
  }

  /** Removes every secret of the account and the account from the list. */
  async remove(accountId: string): Promise<void> {
    const a = this.list().find((x) => x.accountId === accountId);
    if (a) await this.deleteUnitSecrets(a);
    const token = await this.secrets.get(accountKey(accountId));
    forgetSecret(token);
    await this.secrets.delete(accountKey(accountId));
    await this.state.update(
      ACCOUNTS_KEY,
      this.list().filter((x) => x.accountId !== accountId),
    );
  }

  private async deleteUnitSecrets(a: StoredAccount): Promise<void> {
    for (const u of a.units) {
      const key = unitKey(a.accountId, u.unitId);
      forgetSecret(await this.secrets.get(key));
      await this.secrets.delete(key);
    }
  }
}
