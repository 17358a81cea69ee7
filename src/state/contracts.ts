// The seam between the state layer (src/state) and what renders it (tree, status bar, panel).
// Plain TypeScript, no `vscode` import, so the state layer is unit-tested in plain Node.
import type { AccountUnit, Schedule, UnitInfo, UnitStatus } from '../domain/model';
import type { JuiceNetApi, UnitAuth } from '../api/types';
import type { SmartBoxState } from '../domain/smart/reason';

export interface Disposable {
  dispose(): void;
}

/** Why a refresh happened (logged, and used to decide what to re-read). */
export type RefreshReason = 'interval' | 'manual' | 'write' | 'visibility' | 'config' | 'signin' | 'recover' | 'push';

/** What the views know of one unit. Never holds a token. */
export interface UnitView {
  /**
   * The unit as seen by its account (domain/ids unitKey: "<accountId>/<unitId>"): a charger shared
   * with a second signed-in account is a second view with its own key. Every backend method takes
   * it (a bare unit ID still works and means the first account that has the unit).
   */
  key: string;
  unitId: string;
  name: string;
  /** Label of the account the unit belongs to ("Demo account" for the simulator demo). */
  accountLabel: string;
  accountId: string;
  /**
   * The server the account reads (its base URL): the same unit ID on the same server is one
   * charger (two accounts sharing it); on two servers (the demo and a local box) two chargers.
   */
  server?: string;
  demo: boolean;
  /** Last good get_state, if any. */
  status?: UnitStatus;
  /** Epoch ms of the last good reading. */
  lastGoodAt?: number;
  /** User-facing message of the last failed refresh, cleared on success. */
  error?: string;
  /** Epoch ms of the first failed refresh in the current run of failures (cleared on success). */
  failedSince?: number;
  /** The last refresh failed because the server answered with an internal error (HTTP 5xx). */
  serverFailed?: boolean;
  /** The last refresh got no answer at all: nothing listens at the server's address (it is down, or the network is). */
  serverSilent?: boolean;
  /** Epoch seconds of the hold this extension set (Hold Charging Until), while it has not passed. */
  holdUntilS?: number;
  /** True when the last refresh failed or the reading is older than a few update intervals. */
  stale: boolean;
  /** Read only when info_timestamp grows. */
  info?: UnitInfo;
  schedule?: Schedule;
  /** What JuiceNet Local's smart charging does with it (a shared circuit, a ready-by plan, solar), on a local server. */
  smart?: SmartBoxState;
  /** What a local server watches of it (its diagnostics): the port it reports to, whether it obeys, monitor only. */
  localBox?: LocalBoxNote;
}

/** What a JuiceNet Local server says of one of its boxes, for the row's tooltip. */
export interface LocalBoxNote {
  /** The server's UDP port the box reports to (its active stream). */
  udpPort?: number;
  /** The box keeps ignoring the limit the server sends: the server's words, with the likely causes. */
  ignoring?: string;
  /** The server records and serves it but never sends it a command. */
  monitorOnly?: boolean;
}

/** What the unit panel (src/panel) needs from the rest of the extension. */
export interface PanelBackend {
  /** A unit by its key (UnitView.key), or by a bare unit ID (the first account that has it). */
  getUnit(unitKey: string): UnitView | undefined;
  /**
   * Fires with the keys of the units whose view changed, followed by their bare unit IDs (for a
   * listener that holds only a unit ID).
   */
  onDidChangeUnits(listener: (unitKeys: string[]) => void): Disposable;
  /**
   * Fires after an account was signed in or out (UnitStore implements it): a panel whose unit
   * getUnit no longer knows belongs to an account signed out, and closes.
   */
  onDidChangeAccounts?(listener: () => void): Disposable;
  /** The client and the unit's credentials, for the panel host's calls. Never sent to a webview. */
  api(unitKey: string): { client: JuiceNetApi; auth: UnitAuth } | undefined;
  /** Keeps the unit polled while held (e.g. while a panel is visible). */
  holdVisible(unitKey: string, holder: string): Disposable;
  refresh(unitKey: string, reason: RefreshReason): Promise<void>;
  /** Every unit the backend knows (for the panel's quick pick when opened without a unit). */
  units(): UnitView[];
  /** Shows a verified write's read-back at once (UnitStore implements it). */
  applyReading?(unitKey: string, status: UnitStatus): void;
  /** The panel's Hold until remembers its hold as the command does (CommandBackend.rememberHold). */
  rememberHold?(unitKey: string, untilS: number): Promise<void>;
}

/** A logger that redacts secrets before anything is written. */
export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

/** An account as the views and commands see it (no token). */
export interface AccountSummary {
  accountId: string;
  label: string;
  demo: boolean;
}

/** What the unit commands need from the state layer (UnitStore implements it). */
export interface CommandBackend extends PanelBackend {
  accounts(): AccountSummary[];
  /** The account token (secret), for box_pin calls (add_unit, share_device). Never shown or logged. */
  accountToken(accountId: string): Promise<string | undefined>;
  /** Stores a newly added/shared unit's token in SecretStorage and starts showing it. */
  addUnitToAccount(accountId: string, unit: AccountUnit): Promise<void>;
  /** Remembers the hold set by Hold Charging Until (per account and unit) until it passes; 0 forgets it. */
  rememberHold(unitKey: string, untilS: number): Promise<void>;
  /** The client of an account's server, for its box_pin calls (add_unit, share_device), also before it has a unit. */
  accountClient(accountId: string): JuiceNetApi | undefined;
}
