// juicenet.stopLocalServer: stops the local server this editor runs. Its account stays signed in
// (its chargers show as unreachable until it runs again); its data stays in the data folder.
// On a server that failed to start, it dismisses the failure.
import type { LocalServerCommandDeps } from './run';

export async function stopLocalServer(deps: LocalServerCommandDeps): Promise<void> {
  const kind = deps.local.server.state.kind;
  if (kind === 'failed') {
    await deps.local.server.stop();
    return;
  }
  if (kind !== 'running' && kind !== 'starting') {
    void deps.notify.info('JuiceNet: the local server does not run here.');
    return;
  }
  await deps.local.server.stop();
  await deps.local.rememberLocal(undefined, false);
  void deps.notify.info('JuiceNet: local server stopped. Its chargers show as unreachable until it runs again; their data is kept.');
}
