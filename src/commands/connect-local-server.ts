// juicenet.connectLocalServer: signs in to a JuiceNet Local server. Asks for its address (default
// http://127.0.0.1:8080); on this machine the account token is read from the server's data folder,
// otherwise asked for (password box). The token goes to SecretStorage as with any sign-in, and the
// account shows as "Local server" beside cloud and demo accounts.
// Test arguments: { baseUrl?, token?, quiet? }.
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { checkBaseUrl, isLoopbackHost } from '../api/client';
import { toJuiceNetError } from '../api/errors';
import type { LocalServerCommandDeps } from './run';

export const LOCAL_LABEL = 'Local server';
export const DEFAULT_LOCAL_URL = 'http://127.0.0.1:8080';

export interface ConnectLocalArgs {
  baseUrl?: string;
  token?: string;
}

/** The account's label: "Local server", with the host when it is another machine. */
export function localLabel(origin: string): string {
  const host = new URL(origin).hostname;
  return isLoopbackHost(host) ? LOCAL_LABEL : `${LOCAL_LABEL} (${host})`;
}

/** Why an address is not usable, or undefined. */
export function validateLocalUrl(text: string): string | undefined {
  const t = text.trim();
  if (!t) return 'Enter the server’s address, for example http://127.0.0.1:8080.';
  try {
    checkBaseUrl(t);
  } catch (e) {
    return toJuiceNetError(e).userMessage;
  }
  return undefined;
}

function readToken(file: string | undefined): string | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const t = readFileSync(file, 'utf8').trim();
    return /^[0-9a-f-]{32,64}$/i.test(t) ? t : undefined;
  } catch {
    return undefined; // not readable by this user: ask instead
  }
}

export async function connectLocalServer(deps: LocalServerCommandDeps, args?: ConnectLocalArgs): Promise<boolean> {
  let input = args?.baseUrl;
  if (input === undefined) {
    const here = deps.local.server.state;
    input = await vscode.window.showInputBox({
      title: 'JuiceNet: Connect to a Local Server',
      prompt: 'Address of the JuiceNet Local server’s HTTP API (it prints it when it starts)',
      value: here.kind === 'running' ? here.baseUrl : DEFAULT_LOCAL_URL,
      ignoreFocusOut: true,
      validateInput: validateLocalUrl,
    });
    if (input === undefined) return false;
  }
  const bad = validateLocalUrl(input);
  if (bad) {
    void deps.notify.error(`JuiceNet: ${bad}`);
    return false;
  }
  const origin = new URL(input.trim()).origin;
  const onThisMachine = isLoopbackHost(new URL(origin).hostname);
  let token = args?.token ?? (onThisMachine ? readToken(deps.local.tokenFileFor(origin)) : undefined);
  if (token === undefined) {
    token = await vscode.window.showInputBox({
      title: 'JuiceNet: Connect to a Local Server',
      prompt: `Account token of the server at ${origin}: on its machine, \`juicenet-local token\` prints it (for the service: sudo -u juicenet juicenet-local token --data-dir /var/lib/juicenet-local). Kept in VS Code's secret storage only.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length === 0 ? 'Enter the account token.' : /\s/.test(v.trim()) ? 'A token has no spaces.' : undefined),
    });
    if (token === undefined) return false;
  }
  try {
    const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `JuiceNet: connecting to ${origin}…` }, () =>
      deps.store.signIn({ accountToken: token.trim(), baseUrl: origin, label: localLabel(origin) }),
    );
    // A server started here that failed (say, its port was the service's) is moot once connected.
    if (deps.local.server.state.kind === 'failed') await deps.local.server.stop();
    await deps.local.rememberLocal(origin, deps.local.server.state.kind === 'running');
    const n = deps.store.units().filter((u) => u.accountId === summary.accountId).length;
    const text = n
      ? `JuiceNet: connected to the local server at ${origin}: ${n} charger${n === 1 ? '' : 's'}.`
      : `JuiceNet: connected to the local server at ${origin}. No charger is added yet: the setup assistant shows which boxes report and how to point one here.`;
    void Promise.resolve(deps.notify.info(text, 'Open Setup Assistant')).then((c) => (c === 'Open Setup Assistant' ? deps.local.openAssistant() : undefined));
    return true;
  } catch (e) {
    const err = toJuiceNetError(e);
    deps.log.warn(`Connecting to the local server at ${origin} failed: ${err.message}`);
    const why =
      err.name === 'AuthError'
        ? `the server refused the account token. Use the one \`juicenet-local token\` prints on the server's machine (the file account-token of its data folder).`
        : err.name === 'NetworkError' || err.name === 'TimeoutError'
          ? `nothing answers at ${origin}. Start the server (JuiceNet: Start Local Server, or its service) and check the address.`
          : `${err.userMessage} ${err.nextStep}`;
    const again = { ...args, baseUrl: origin, token: err.name === 'AuthError' ? undefined : args?.token };
    void Promise.resolve(deps.notify.error(`JuiceNet: could not connect to the local server: ${why}`, 'Retry')).then((c) =>
      c === 'Retry' ? vscode.commands.executeCommand('juicenet.connectLocalServer', again) : undefined,
    );
    return false;
  }
}
