// Accounts and tokens as the JuiceNet cloud kept them: an account token (box_pin), one token per
// (account, unit) for box_api_secure, units shared to a second account by a short-lived PIN.
import { ProtocolError } from './rules';

/** Where new tokens and PINs come from (seeded in the simulator, crypto in the local server). */
export interface TokenSource {
  accountToken(): string;
  unitToken(): string;
  /** Uniform in [0, 1), for share PINs. */
  next(): number;
}

/** Called as accounts change, before the reply (a local server writes them to its database). */
export interface AccountsListener {
  accountCreated(token: string): void;
  unitAttached(accountToken: string, unitId: string, unitToken: string): void;
}

const PIN_MAX_WRONG = 5;

export class Accounts {
  /** account token -> (unitId -> this account's token for it). */
  private readonly accounts = new Map<string, Map<string, string>>();
  /** unit token -> {account, unit}. */
  private readonly tokens = new Map<string, { account: string; unitId: string }>();
  private readonly owners = new Map<string, Set<string>>();
  private readonly pins = new Map<string, { pin: string; expiresS: number; wrongLeft: number }>();

  constructor(
    private readonly random: TokenSource,
    private readonly listener?: AccountsListener,
  ) {}

  create(token?: string): string {
    const t = token ?? this.random.accountToken();
    if (!this.accounts.has(t)) {
      this.accounts.set(t, new Map());
      this.listener?.accountCreated(t);
    }
    return t;
  }

  has(accountToken: string): boolean {
    return this.accounts.has(accountToken);
  }

  /** [unitId, unit token] of an account, in the order they were added. */
  unitsOf(accountToken: string): [string, string][] {
    const acc = this.accounts.get(accountToken);
    if (!acc) throw new ProtocolError(401, 'Invalid token');
    return [...acc];
  }

  hasUnit(accountToken: string, unitId: string): boolean {
    return this.accounts.get(accountToken)?.has(unitId) ?? false;
  }

  /** Adds a unit to an account (idempotent: an account that already has it keeps its token). Returns the unit token. */
  attach(accountToken: string, unitId: string): string {
    const acc = this.accounts.get(accountToken);
    if (!acc) throw new ProtocolError(401, 'Invalid token');
    let token = acc.get(unitId);
    if (!token) {
      token = this.random.unitToken();
      this.restore(accountToken, unitId, token);
      this.listener?.unitAttached(accountToken, unitId, token);
    }
    return token;
  }

  /** Puts back a stored account (no listener call). */
  restoreAccount(token: string): void {
    if (!this.accounts.has(token)) this.accounts.set(token, new Map());
  }

  /** Puts back an account's unit token as stored (no listener call). */
  restore(accountToken: string, unitId: string, unitToken: string): void {
    let acc = this.accounts.get(accountToken);
    if (!acc) this.accounts.set(accountToken, (acc = new Map()));
    acc.set(unitId, unitToken);
    this.tokens.set(unitToken, { account: accountToken, unitId });
    let owners = this.owners.get(unitId);
    if (!owners) this.owners.set(unitId, (owners = new Set()));
    owners.add(accountToken);
  }

  /** The unit a box_api_secure token names; an account token, when sent, must be the one it belongs to. */
  resolve(unitToken: string, accountToken: string | undefined): string {
    const bound = this.tokens.get(unitToken);
    if (!bound) throw new ProtocolError(401, 'Invalid token');
    if (accountToken !== undefined && accountToken !== bound.account) throw new ProtocolError(401, 'Invalid token');
    if (this.accounts.get(bound.account)?.get(bound.unitId) !== unitToken) throw new ProtocolError(401, 'Invalid token');
    return bound.unitId;
  }

  ownerCount(unitId: string): number {
    return this.owners.get(unitId)?.size ?? 0;
  }

  /** A new single-use 4-digit PIN for the unit, valid until `expiresS`. */
  issuePin(unitId: string, expiresS: number): string {
    const pin = String(Math.floor(this.random.next() * 10000)).padStart(4, '0');
    this.pins.set(unitId, { pin, expiresS, wrongLeft: PIN_MAX_WRONG });
    return pin;
  }

  /** The unit's PIN while valid at `now`. */
  pinOf(unitId: string, now: number): string | undefined {
    const p = this.pins.get(unitId);
    return p && p.expiresS > now ? p.pin : undefined;
  }

  /** Checks and uses up a share PIN (a few wrong tries void it). */
  redeemPin(unitId: string, pin: string, now: number): void {
    const p = this.pins.get(unitId);
    if (!p || p.expiresS <= now) throw new ProtocolError(403, 'No valid share PIN for this unit: ask its owner for a new one');
    if (p.pin !== pin) {
      if (--p.wrongLeft <= 0) this.pins.delete(unitId);
      throw new ProtocolError(403, 'Wrong PIN');
    }
    this.pins.delete(unitId);
  }
}
