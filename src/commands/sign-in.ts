// juicenet.signIn: the account token goes from the password box (or the test argument) straight to
// the store, which checks it with get_account_units and keeps it in SecretStorage only.
import * as vscode from 'vscode';
import { toJuiceNetError } from '../api/errors';
import { redact } from '../api/redact';
import { DEFAULT_BASE_URL } from '../api/types';
import { describeFailure, settingName, withoutWireNames } from '../domain/labels';
import { shortMessage, type AccountCommandDeps } from './run';

/** What a user reads when the vendor's cloud, the default server, does not answer. */
export const CLOUD_CLOSED_MESSAGE =
  'JuiceNet: the JuiceNet cloud was closed by its vendor and no longer answers. Try the demo, or set your own server in the settings.';

/**
 * The server to sign in to: the setting "JuiceNet: Server URL" (juicenet.serverURL), else its
 * former name juicenet.baseUrl when only that one is set (settings written before the rename),
 * else the default.
 */
export function configuredServerUrl(cfg: Pick<vscode.WorkspaceConfiguration, 'inspect'>): string {
  const set = (key: string) => {
    const i = cfg.inspect<string>(key);
    const v = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  return set('serverURL') ?? set('baseUrl') ?? DEFAULT_BASE_URL;
}

/** Whether a base URL is the vendor's cloud (the default setting). */
export function isDefaultServer(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).host === new URL(DEFAULT_BASE_URL).host;
  } catch {
    return false;
  }
}

export interface SignInArgs {
  token?: string;
  baseUrl?: string;
  label?: string;
}

/** Why sign-in failed, in words, by the kind of failure (rejected token, network, server), and the buttons to offer. */
export function signInFailure(e: unknown, baseUrl: string): { text: string; actions: string[] } {
  const err = toJuiceNetError(e);
  const where = redact(baseUrl);
  switch (err.name) {
    case 'BaseUrlError':
      return {
        text: shortMessage(`JuiceNet: sign-in failed: ${withoutWireNames(err.userMessage)}`, withoutWireNames(err.nextStep)),
        actions: ['Open Settings'],
      };
    case 'AuthError':
      return {
        text: `JuiceNet: sign-in failed: the server at ${where} rejected this account token. Copy it again from the JuiceNet app or portal.`,
        actions: ['Try Another Token'],
      };
    case 'NetworkError':
    case 'TimeoutError':
      // The default server is the vendor's cloud, which was shut down: say so, and offer what works.
      if (isDefaultServer(baseUrl)) return { text: CLOUD_CLOSED_MESSAGE, actions: ['Try the Demo', 'Open Settings'] };
      return {
        text: `JuiceNet: sign-in failed: could not reach ${where}. Check the network and the ${settingName('juicenet.serverURL')} setting.`,
        actions: ['Retry', 'Open Settings'],
      };
    case 'HttpStatusError':
    case 'ApiError':
    case 'ProtocolError':
      return {
        text: shortMessage(
          `JuiceNet: sign-in failed: the server at ${where} answered with an error.`,
          describeFailure(err, '').short,
          'Try again in a moment.',
        ),
        actions: ['Retry', 'Open Settings'],
      };
    default:
      return { text: shortMessage('JuiceNet: sign-in failed.', describeFailure(err, '').short), actions: ['Retry', 'Open Settings'] };
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
    const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'JuiceNet: signing in…' }, () =>
      deps.store.signIn({ accountToken: token, baseUrl, label: args?.label }),
    );
    const n = deps.store.units().filter((u) => u.accountId === summary.accountId).length;
    void deps.notify.info(`JuiceNet: signed in to ${summary.label}: ${n} charger${n === 1 ? '' : 's'}.`);
    return true;
  } catch (e) {
    const err = toJuiceNetError(e);
    deps.log.warn(`Sign-in to ${baseUrl} failed: ${err.message}`);
    // Nothing typed is lost: Retry signs in again with the same token; a rejected token asks anew.
    const { text, actions } = signInFailure(e, baseUrl);
    const typed = token;
    void Promise.resolve(deps.notify.error(text, ...actions)).then((choice) => {
      if (choice === 'Retry') return signIn(deps, { ...args, baseUrl, token: typed });
      if (choice === 'Try Another Token') return signIn(deps, { ...args, baseUrl, token: undefined });
      if (choice === 'Try the Demo') return vscode.commands.executeCommand('juicenet.tryDemo');
      if (choice === 'Open Settings') return vscode.commands.executeCommand('workbench.action.openSettings', 'juicenet.serverURL');
      return undefined;
    });
    return false;
  }
}
