// juicenet.signIn: the account token goes from the password box (or the test argument) straight to
// the store, which checks it with get_account_units and keeps it in SecretStorage only.
import * as vscode from 'vscode';
import { toJuiceNetError } from '../api/errors';
import { redact } from '../api/redact';
import type { AccountCommandDeps } from './run';

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
