// juicenet.signOut: removes an account's tokens from SecretStorage (one account, the one picked,
// or all); signing out of the demo account stops the demo simulator.
import * as vscode from 'vscode';
import type { AccountCommandDeps } from './run';

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
