// Sign in, sign out and the demo. Tokens go from the password box (or the test argument) straight
// to the store, which checks them with get_account_units and keeps them in SecretStorage only.
import * as vscode from 'vscode';
import { toJuiceNetError } from '../api/errors';
import { redact } from '../api/redact';
import type { Logger } from '../state/contracts';
import type { UnitStore } from '../state/unit-store';
import type { Notifier } from './deps';
import type { RunningSimulator } from '../simulator';

export const DEMO_LABEL = 'Demo (simulator)';

export interface DemoController {
  /** The running demo simulator, if any. */
  readonly running: RunningSimulator | undefined;
  start(): Promise<RunningSimulator>;
  stop(): Promise<void>;
}

export interface AccountCommandDeps {
  store: UnitStore;
  notify: Notifier;
  log: Logger;
  /** The configured base URL (juicenet.baseUrl). */
  baseUrl(): string;
  demo: DemoController;
}

export interface SignInArgs {
  token?: string;
  baseUrl?: string;
  label?: string;
}

/** Why sign-in failed, in words, by the kind of failure (rejected token, network, server). */
export function signInFailureMessage(e: unknown, baseUrl: string): string {
  const err = toJuiceNetError(e);
  const where = redact(baseUrl);
  switch (err.name) {
    case 'BaseUrlError':
      return `JuiceNet: sign-in failed: ${err.userMessage} ${err.nextStep}`;
    case 'AuthError':
      return `JuiceNet: sign-in failed: the server at ${where} rejected this account token. Check the token (copy it again from the JuiceNet app or portal) and sign in again.`;
    case 'NetworkError':
    case 'TimeoutError':
      return `JuiceNet: sign-in failed: could not reach ${where}. ${err.userMessage} ${err.nextStep}`;
    case 'HttpStatusError':
    case 'ApiError':
    case 'ProtocolError':
      return `JuiceNet: sign-in failed: the server at ${where} answered with an error. ${err.userMessage} ${err.nextStep}`;
    default:
      return `JuiceNet: sign-in failed. ${err.userMessage} ${err.nextStep}`;
  }
}

export async function signIn(deps: AccountCommandDeps, args?: SignInArgs): Promise<boolean> {
  const baseUrl = (args?.baseUrl ?? deps.baseUrl()).trim();
  let token = args?.token;
  if (token === undefined) {
    token = await vscode.window.showInputBox({
      title: 'JuiceNet: Sign In',
      prompt: `Account token for ${redact(baseUrl)} (kept in VS Code's secret storage only)`,
      password: true,
      ignoreFocusOut: true,
      placeHolder: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
      validateInput: (v) => (v.trim().length === 0 ? 'Enter the account token.' : /\s/.test(v.trim()) ? 'A token has no spaces.' : undefined),
    });
    if (token === undefined) return false;
  }
  token = token.trim();
  if (!token) {
    void deps.notify.error('JuiceNet: sign-in needs an account token; none was given.');
    return false;
  }
  try {
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'JuiceNet: signing in…' },
      () => deps.store.signIn({ accountToken: token, baseUrl, label: args?.label }),
    );
    const n = deps.store.units().filter((u) => u.accountId === summary.accountId).length;
    void deps.notify.info(`JuiceNet: signed in to ${summary.label}: ${n} charger${n === 1 ? '' : 's'}.`);
    return true;
  } catch (e) {
    const err = toJuiceNetError(e);
    deps.log.warn(`Sign-in to ${baseUrl} failed: ${err.message}`);
    // Nothing typed is lost: Retry signs in again with the same token; a rejected token asks anew.
    const actions = err.name === 'AuthError' ? ['Try Another Token'] : err.name === 'BaseUrlError' ? ['Open Settings'] : ['Retry', 'Open Settings'];
    const typed = token;
    void Promise.resolve(deps.notify.error(signInFailureMessage(e, baseUrl), ...actions)).then((choice) => {
      if (choice === 'Retry') return signIn(deps, { ...args, baseUrl, token: typed });
      if (choice === 'Try Another Token') return signIn(deps, { ...args, baseUrl, token: undefined });
      if (choice === 'Open Settings') return vscode.commands.executeCommand('workbench.action.openSettings', 'juicenet.baseUrl');
      return undefined;
    });
    return false;
  }
}

export async function signOut(deps: AccountCommandDeps, arg?: { all?: boolean; accountId?: string } | string): Promise<void> {
  const accounts = deps.store.accounts();
  if (accounts.length === 0) {
    void deps.notify.info('JuiceNet: no account is signed in.');
    return;
  }
  let chosen = accounts;
  const wanted = typeof arg === 'string' ? arg : arg?.accountId;
  if (wanted) chosen = accounts.filter((a) => a.accountId === wanted);
  else if (typeof arg === 'object' && arg?.all) chosen = accounts;
  else if (accounts.length > 1) {
    const pick = await vscode.window.showQuickPick(
      [
        ...accounts.map((a) => ({ label: a.label, description: a.demo ? 'simulator' : undefined, ids: [a.accountId] })),
        { label: 'All accounts', description: undefined, ids: accounts.map((a) => a.accountId) },
      ],
      { placeHolder: 'Sign out of which account? Its tokens are removed from secret storage.' },
    );
    if (!pick) return;
    chosen = accounts.filter((a) => pick.ids.includes(a.accountId));
  }
  for (const a of chosen) {
    const baseUrl = deps.store.baseUrlOf(a.accountId);
    await deps.store.signOut(a.accountId);
    if (a.demo) {
      await deps.demo.stop();
      if (baseUrl) await deps.store.closeClient(baseUrl);
    }
  }
  void deps.notify.info(`JuiceNet: signed out of ${chosen.map((a) => a.label).join(', ')}.`);
}

export async function tryDemo(deps: AccountCommandDeps): Promise<boolean> {
  const existing = deps.store.accounts().find((a) => a.demo);
  if (existing && deps.demo.running) {
    void deps.notify.info('JuiceNet: the demo is already running. Its chargers are in the Chargers view.');
    return true;
  }
  if (existing) await deps.store.signOut(existing.accountId);
  try {
    const sim = await deps.demo.start();
    deps.log.info(`Demo simulator listening on ${sim.baseUrl}`);
    await deps.store.signIn({ accountToken: sim.accountToken, baseUrl: sim.baseUrl, label: DEMO_LABEL, demo: true });
    void deps.notify.info(`JuiceNet: demo started: ${sim.units.length} simulated chargers (1 s = 1 simulated minute). Sign out of "${DEMO_LABEL}" to stop it.`);
    void vscode.commands.executeCommand('juicenet.units.focus');
    return true;
  } catch (e) {
    await deps.demo.stop();
    deps.log.error(e instanceof Error ? e : String(e));
    void deps.notify.error(`JuiceNet: the demo could not start. ${toJuiceNetError(e).userMessage} See "JuiceNet: Show Log".`);
    return false;
  }
}
