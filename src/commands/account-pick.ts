// Picks the account an added/shared unit goes to: the argument (an account tree node carrying
// `accountId`, or an account id string), the only account, or a quick pick.
import * as vscode from 'vscode';
import type { AccountSummary, CommandDeps } from './deps';
import { offerActions } from './common';

export async function resolveAccount(deps: CommandDeps, arg: unknown, action: string): Promise<AccountSummary | undefined> {
  const accounts = deps.backend.accounts();
  const id =
    typeof arg === 'string' ? arg : arg && typeof arg === 'object' && typeof (arg as { accountId?: unknown }).accountId === 'string' ? (arg as { accountId: string }).accountId : undefined;
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
