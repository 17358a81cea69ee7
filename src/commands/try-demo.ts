// juicenet.tryDemo: starts a simulator of three chargers in the extension host (loopback only)
// and signs into it as the "Demo (simulator)" account.
import * as vscode from 'vscode';
import { withoutWireNames } from '../domain/labels';
import { toJuiceNetError } from '../api/errors';
import type { AccountCommandDeps } from './run';

export const DEMO_LABEL = 'Demo (simulator)';

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
    const choice = deps.notify.error(`JuiceNet: the demo could not start. ${withoutWireNames(toJuiceNetError(e).userMessage)}`, 'Show Log');
    void Promise.resolve(choice).then((c) => (c === 'Show Log' ? vscode.commands.executeCommand('juicenet.showLog') : undefined));
    return false;
  }
}
