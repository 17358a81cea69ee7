// What the palette/context-menu commands get from the extension (implemented in src/extension.ts
// from the state layer). Commands stay thin: ask, validate, call the client, read back, report.
import type { AccountUnit, JuiceNetApi } from '../api/types';
import type { Logger, PanelBackend, UnitView } from '../state/contracts';

export interface AccountSummary {
  accountId: string;
  label: string;
  demo: boolean;
}

export interface CommandBackend extends PanelBackend {
  units(): UnitView[];
  accounts(): AccountSummary[];
  /** The account token (secret), for box_pin calls (add_unit, share_device). Never shown or logged. */
  accountToken(accountId: string): Promise<string | undefined>;
  /** Stores a newly added/shared unit's token in SecretStorage and starts showing it. */
  addUnitToAccount(accountId: string, unit: AccountUnit): Promise<void>;
  /**
   * The client for an account's box_pin calls (add_unit, share_device), also when the account has
   * no unit yet. Optional (added by helper D2); without it the commands use any unit's client.
   */
  accountClient?(accountId: string): JuiceNetApi | undefined;
}

/** User-facing messages go through here so the in-host tests can observe them. */
export interface Notifier {
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
  warn(message: string, ...actions: string[]): Thenable<string | undefined>;
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
}

export interface CommandDeps {
  backend: CommandBackend;
  log: Logger;
  notify: Notifier;
}
