// The plumbing every command runs on: what commands get from the extension (CommandDeps), which
// charger or account a command acts on (from its argument, or asked with a quick pick), running a
// client call under a cancellable progress notification, the shared prompts, and reporting
// failures with a next step and "Retry". Commands import this module and the layers below it,
// never each other.
import * as vscode from 'vscode';
import { toJuiceNetError, UncertainWriteError, UnverifiedWriteError } from '../api/errors';
import { redact } from '../api/redact';
import { LocalSmartError, type LocalSmartAction } from '../api/local-smart';
import type { LocalSmartStatus } from '../api/local-contract';
import type { JuiceNetApi, UnitAuth } from '../api/types';
import type { AccountSummary, CommandBackend, Logger, UnitView } from '../state/contracts';
import type { UnitStore } from '../state/unit-store';
import type { LocalServerProcess } from '../state/local-server-process';
import type { SmartStatus } from '../state/smart-status';
import type { LimitWrite } from '../state/unit-writes';
import { writeLimitRemembering } from '../state/start-stop';
import { describeFailure, shortMessage } from '../domain/labels';

export { shortMessage } from '../domain/labels';
import { pickCharger } from '../views/charger-picker';
import { resolveCommandTarget } from '../state/command-target';

// The backend contract lives with the state layer that implements it; commands see it from here.
export type { AccountSummary, CommandBackend } from '../state/contracts';

/** User-facing messages go through here so the in-host tests can observe them. */
export interface Notifier {
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
  warn(message: string, ...actions: string[]): Thenable<string | undefined>;
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** A modal question with one action besides Cancel; resolves with the action when chosen. */
  confirm(message: string, detail: string, action: string): Thenable<string | undefined>;
}

/** What the unit commands get from the extension (implemented in src/extension.ts from the state layer). */
export interface CommandDeps {
  backend: CommandBackend;
  log: Logger;
  notify: Notifier;
}

/** What the account commands read of the running demo simulator (it runs in src/demo.ts). */
export interface DemoServer {
  readonly baseUrl: string;
  readonly accountToken: string;
  readonly units: readonly unknown[];
}

/** The demo simulator, started and stopped by the account commands. */
export interface DemoController<S extends DemoServer = DemoServer> {
  /** The running demo simulator, if any. */
  readonly running: S | undefined;
  start(): Promise<S>;
  stop(): Promise<void>;
}

/** What the account commands (sign in, sign out, the demo) get from the extension. */
export interface AccountCommandDeps {
  store: UnitStore;
  notify: Notifier;
  log: Logger;
  /** The configured base URL (juicenet.baseUrl). */
  baseUrl(): string;
  demo: DemoController;
}

/** What the local server commands (connect, start, stop, the setup assistant) need beyond an account command (wired in src/setup). */
export interface LocalServerHooks {
  /** The server run by this editor as a child process. */
  server: LocalServerProcess;
  /** The token file of a server on this machine answering at `origin`, when one is known. */
  tokenFileFor(origin: string): string | undefined;
  /** Remembers that the account at `origin` (if given) is a local server, and whether the server runs here (restarted with the editor). */
  rememberLocal(origin: string | undefined, runHere: boolean): Promise<void>;
  openAssistant(): void;
  /** The account is a local server's (JuiceNet Local), whose facts differ: no email or push, boxes known only once they report. */
  isLocalAccount(accountId: string): boolean;
  /** Where boxes send reports (the connected local server's UDP port, this machine's addresses), or undefined without one. */
  reportTarget(): Promise<ReportTarget | undefined>;
  /** Smart charging's state per local account (the commands hand it what their action answered). */
  smart: SmartStatus;
}

export interface ReportTarget {
  udpPort: number;
  addresses: string[];
  /** Resolves with the serial of a box reporting from `address` after `sinceS` (epoch s), or undefined after `timeoutMs`. */
  waitForReport(address: string, sinceS: number, timeoutMs: number): Promise<string | undefined>;
}

/** Everything the command table hands its commands (src/commands/index.ts). */
export interface CommandContext extends CommandDeps, AccountCommandDeps {
  showLog(): void;
  /** Opens a charger's panel (the panel host is loaded on first use); resolves with the panel, if one opened. */
  openUnitPanel(arg?: unknown): Promise<unknown>;
  local: LocalServerHooks;
  /** Opens the panel on its Insights tab: a charger's (from a row or ID), or its account's (from the palette). */
  openInsights(arg?: unknown): Promise<unknown>;
}

/** What the local server commands get. */
export type LocalServerCommandDeps = AccountCommandDeps & { local: LocalServerHooks };

/** Whether the account is a local server's (commands then say what a local server cannot do). */
export function onLocalServer(deps: CommandDeps, accountId: string): boolean {
  return (deps as Partial<CommandContext>).local?.isLocalAccount(accountId) ?? false;
}

/** The unit the command acts on (the one resolver); asks with the one charger picker when the argument names none. */
export async function resolveUnit(deps: CommandDeps, arg: unknown, action: string): Promise<UnitView | undefined> {
  const target = resolveCommandTarget(deps.backend, arg);
  if (target.kind === 'unit') return target.unit;
  if (target.kind === 'unknown') {
    void deps.notify.error('JuiceNet: that charger is not in a signed-in account. Refresh the Chargers view or sign in again.');
    return undefined;
  }
  if (target.units.length === 0) {
    if (deps.backend.accounts().length > 0) {
      offerActions(deps, 'JuiceNet: the signed-in account has no chargers yet. Add one by its unit ID, or a shared one with its PIN.', {
        'Add Charger': 'juicenet.addUnit',
        'Add Shared Charger': 'juicenet.addSharedUnit',
      });
    } else {
      offerActions(deps, "JuiceNet: no account is signed in. Sign in, or try everything on a simulator with 'JuiceNet: Try the Demo'.", {
        'Sign In': 'juicenet.signIn',
        'Try the Demo': 'juicenet.tryDemo',
      });
    }
    return undefined;
  }
  return pickCharger(target.units, { title: `JuiceNet: ${action}` });
}

/** A warning whose buttons run commands; the command that shows it does not wait for a click. */
export function offerActions(deps: CommandDeps, text: string, actions: Record<string, string>): void {
  void Promise.resolve(deps.notify.warn(text, ...Object.keys(actions))).then((choice) =>
    choice && actions[choice] ? vscode.commands.executeCommand(actions[choice]) : undefined,
  );
}

/** The client and credentials of a unit, or a message when they are missing. */
export function apiOf(deps: CommandDeps, unit: UnitView): { client: JuiceNetApi; auth: UnitAuth } | undefined {
  const api = deps.backend.api(unit.key);
  if (!api) void deps.notify.error(`JuiceNet: no credentials for ${unit.name}. Sign in again, then retry.`);
  return api;
}

/** Runs `work` under a progress notification whose Cancel aborts the client's request. */
export function withCallProgress<T>(title: string, work: (signal: AbortSignal, report: (m: string) => void) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      return await work(ac.signal, (message) => progress.report({ message }));
    } finally {
      sub.dispose();
    }
  });
}

/**
 * Reports a failed call: what went wrong and what to do next in about 25 words, the details in the
 * log ("Show Log"), and "Retry" (which calls `retry`, the command again with what the user typed,
 * so nothing is lost). Cancelled calls only say so.
 */
export async function reportFailure(deps: CommandDeps, what: string, e: unknown, retry?: () => unknown): Promise<void> {
  const err = toJuiceNetError(e);
  deps.log.warn(`${what} failed: ${redact(err.message)}`);
  if (err.name === 'AbortedError') {
    void deps.notify.info(`JuiceNet: ${what} cancelled. It may have reached the charger; check it before trying again.`);
    return;
  }
  if (err instanceof UnverifiedWriteError) {
    // Accepted by the server; only the read-back failed. Not "failed", and no Retry (it would write again).
    void deps.notify.warn(shortMessage(`JuiceNet: ${what}: the server accepted it, but the charger could not be read back.`, err.nextStep));
    return;
  }
  // A lost reply whose read-back did not show the change: say what the unit reports instead.
  const seen = err instanceof UncertainWriteError ? ` The server did not confirm the change: ${err.readBackSummary}.` : '';
  const { short, nextStep } = describeFailure(err instanceof UncertainWriteError ? err.cause : err, '');
  offerRetry(deps, shortMessage(`JuiceNet: ${what} failed.`, seen, short, nextStep), retry);
}

/** The note of a success message when the write's reply was lost but its read-back shows `what`. */
export function replyLostNote(replyLost: boolean, what: string): string {
  return replyLost ? ` (the server's reply was lost, but the charger reports ${what})` : '';
}

/**
 * Shows an error with "Retry" without waiting for it: the command ends now (a message stays
 * until dismissed), and a later click on Retry runs `retry`.
 */
export function offerRetry(deps: CommandDeps, text: string, retry?: () => unknown, showLog = true): void {
  const actions = [...(retry ? ['Retry'] : []), ...(showLog ? ['Show Log'] : [])];
  const shown = deps.notify.error(text, ...actions);
  void Promise.resolve(shown).then(
    (choice) => (choice === 'Retry' && retry ? retry() : choice === 'Show Log' ? vscode.commands.executeCommand('juicenet.showLog') : undefined),
    () => undefined,
  );
}

/** Refreshes the store after a write; a failed refresh is logged, not reported (the write succeeded). */
export async function refreshAfterWrite(deps: CommandDeps, unitKey: string): Promise<void> {
  try {
    await deps.backend.refresh(unitKey, 'write');
  } catch (e) {
    deps.log.warn(`refresh after write failed: ${redact(e instanceof Error ? e.message : String(e))}`);
  }
}

/** A refused test argument or typed value: says why; "Retry" reopens the prompt pre-filled. */
export async function reportInvalid(deps: CommandDeps, message: string, retry?: () => unknown): Promise<void> {
  offerRetry(deps, `JuiceNet: ${message}`, retry, false);
}

/** An InputBox with live validation, pre-filled with `value`. */
export function askText(opts: {
  title: string;
  prompt: string;
  value?: string;
  placeHolder?: string;
  validate: (s: string) => string | undefined;
}): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: opts.title,
    prompt: opts.prompt,
    value: opts.value,
    placeHolder: opts.placeHolder,
    ignoreFocusOut: true,
    validateInput: (s) => opts.validate(s),
  });
}

/**
 * A quick pick that also takes a typed value: what the user types (e.g. "13") shows as an extra
 * first item, validated live, so typing a value and pressing Enter works as one expects of a
 * filter box. Resolves with the picked item, `{ typed }` for an accepted typed value, or undefined.
 */
export function pickOrType<T extends vscode.QuickPickItem>(opts: {
  title: string;
  placeholder: string;
  items: T[];
  /** undefined when the typed text is acceptable, else the reason shown on the item. */
  validate: (typed: string) => string | undefined;
  /** The label of the typed item, e.g. `13 A`. */
  typedLabel: (typed: string) => string;
}): Promise<{ item: T } | { typed: string } | undefined> {
  type Row = vscode.QuickPickItem & { item?: T; typed?: string; invalid?: string };
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<Row>();
    qp.title = opts.title;
    qp.placeholder = opts.placeholder;
    qp.ignoreFocusOut = true;
    const base: Row[] = opts.items.map((item) => ({ ...item, item }));
    const render = () => {
      const text = qp.value.trim();
      // A typed value that one of the items already shows exactly needs no extra row.
      if (!text || base.some((r) => r.label === text)) {
        qp.items = base;
        return;
      }
      const invalid = opts.validate(text);
      const typedRow: Row = invalid
        ? { label: `$(error) ${text}`, description: invalid, alwaysShow: true, typed: text, invalid }
        : { label: opts.typedLabel(text), description: 'typed value', alwaysShow: true, typed: text };
      qp.items = [typedRow, ...base];
      qp.activeItems = [typedRow];
    };
    let settled = false;
    const finish = (v: { item: T } | { typed: string } | undefined) => {
      if (settled) return;
      settled = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidChangeValue(render);
    qp.onDidAccept(() => {
      const row = qp.activeItems[0] ?? qp.selectedItems[0];
      if (!row) return;
      if (row.invalid) return; // keep the picker open: the row already says what is wrong
      finish(row.typed !== undefined ? { typed: row.typed } : row.item ? { item: row.item } : undefined);
    });
    qp.onDidHide(() => finish(undefined));
    render();
    qp.show();
  });
}

/** The account an added or shared unit goes to: the argument (an account tree node carrying
 * `accountId`, or an account id string), the only account, or a quick pick. */
export async function resolveAccount(deps: CommandDeps, arg: unknown, action: string): Promise<AccountSummary | undefined> {
  const accounts = deps.backend.accounts();
  const id =
    typeof arg === 'string'
      ? arg
      : arg && typeof arg === 'object' && typeof (arg as { accountId?: unknown }).accountId === 'string'
        ? (arg as { accountId: string }).accountId
        : undefined;
  if (id) {
    const a = accounts.find((x) => x.accountId === id);
    if (!a) void deps.notify.error(`JuiceNet: account ${id} is not signed in. Sign in, then try again.`);
    return a;
  }
  if (accounts.length === 0) {
    offerActions(deps, 'JuiceNet: sign in first; a charger is added to a signed-in account.', { 'Sign In': 'juicenet.signIn' });
    return undefined;
  }
  if (accounts.length === 1) return accounts[0];
  const pick = await vscode.window.showQuickPick(
    accounts.map((a) => ({ label: a.label, description: a.demo ? 'demo (simulator)' : undefined, account: a })),
    { title: `JuiceNet: ${action}`, placeHolder: 'Add to which account?', ignoreFocusOut: true },
  );
  return pick?.account;
}

/** The client of the account's server (for add_unit and share_device, which need no unit yet). */
export function clientOf(deps: CommandDeps, accountId: string): JuiceNetApi | undefined {
  return deps.backend.accountClient(accountId);
}

/** Sends set_limit and verifies it, keeping the limit memory (src/state/start-stop.ts); shows the read-back at once. Throws on failure. */
export async function applyLimit(deps: CommandDeps, unit: UnitView, amps: number): Promise<LimitWrite> {
  const api = deps.backend.api(unit.key);
  if (!api) throw new Error(`no credentials for ${unit.name}`);
  const w = await withCallProgress(`JuiceNet: setting ${unit.name} to ${amps} A…`, (signal) => writeLimitRemembering(api, unit.key, amps, signal));
  if (w.after) deps.backend.applyReading?.(unit.key, w.after);
  return w;
}

/**
 * Runs a smart-charging action on the local server of `unit`'s account under a progress
 * notification; a refusal or an unreachable server is said in words with what to do. Resolves with
 * the server's status after the action, or undefined when it failed.
 */
export async function callSmart(ctx: CommandContext, accountId: string, action: LocalSmartAction, what: string): Promise<LocalSmartStatus | undefined> {
  try {
    return await withCallProgress(`JuiceNet: ${what}…`, (signal) => ctx.local.smart.call(accountId, action, { signal }));
  } catch (e) {
    if (!(e instanceof LocalSmartError)) throw e;
    ctx.log.warn(`${what} failed: ${redact(e.message)}`);
    void ctx.notify.error(shortMessage(`JuiceNet: ${what} failed.`, e.message, e.nextStep));
    return undefined;
  }
}
