// juicenet.signOut: removes an account's tokens from SecretStorage (one account, the one picked,
// or all) after the user confirms; signing out of the demo account stops the demo simulator. The
// store then tells everything that shows the account (onDidChangeAccounts): its rows go, its panels
// close. A call with an account id or { all } (another command, the tests) does not ask.
import * as vscode from 'vscode';
import type { AccountCommandDeps } from './run';

export interface SignOutArgs {
  all?: boolean;
  accountId?: string;
  /** A tree row (kind 'account'): the user chose it from the menu, so the sign-out is confirmed. */
  kind?: string;
}

export async function signOut(deps: AccountCommandDeps, arg?: SignOutArgs | string): Promise<boolean> {
  const accounts = deps.store.accounts();
  if (accounts.length === 0) {
    void deps.notify.info('JuiceNet: no account is signed in.');
    return false;
  }
  let chosen = accounts;
  const wanted = typeof arg === 'string' ? arg : arg?.accountId;
  // Asked by a person (the palette, the view's title, an account row): confirm first.
  const fromUser = arg === undefined || (typeof arg === 'object' && arg.kind === 'account');
  if (wanted) chosen = accounts.filter((a) => a.accountId === wanted);
  else if (typeof arg === 'object' && arg?.all) chosen = accounts;
  else if (accounts.length > 1) {
    const pick = await vscode.window.showQuickPick(
      [
        ...accounts.map((a) => ({ label: a.label, description: a.demo ? 'simulator' : undefined, ids: [a.accountId] })),
        { label: 'All accounts', description: undefined, ids: accounts.map((a) => a.accountId) },
      ],
      { placeHolder: 'Sign out of which account?' },
    );
    if (!pick) return false;
    chosen = accounts.filter((a) => pick.ids.includes(a.accountId));
  }
  if (chosen.length === 0) return false;
  if (fromUser) {
    const names = chosen.map((a) => a.label).join(', ');
    const n = deps.store.units().filter((u) => chosen.some((a) => a.accountId === u.accountId)).length;
    const answer = await deps.notify.confirm(
      `Sign out of ${names}?`,
      `Its token is removed from this computer; its ${n === 1 ? 'charger' : `${n} chargers`} and open panels close. The chargers keep charging as set.`,
      'Sign Out',
    );
    if (answer !== 'Sign Out') return false;
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
  return true;
}
