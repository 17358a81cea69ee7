// juicenet.startLocalServer: runs JuiceNet Local as a child process of the editor, on the editor's
// own runtime (data folder in the extension's global storage, output in the JuiceNet log), then
// connects to it. A failure says its cause (port in use, no permission for a port below 1024,
// another server on the data folder, a folder it may not use) and is in the log.
import * as vscode from 'vscode';
import type { LocalServerCommandDeps } from './run';

export async function startLocalServer(deps: LocalServerCommandDeps): Promise<boolean> {
  const before = deps.local.server.state;
  if (before.kind === 'running') {
    void deps.notify.info(
      `JuiceNet: the local server already runs here (${before.baseUrl}, UDP port${before.udpPorts.length > 1 ? 's' : ''} ${before.udpPorts.join(', ')}).`,
    );
    return true;
  }
  const s = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'JuiceNet: starting the local server…' }, () =>
    deps.local.server.start(),
  );
  if (s.kind !== 'running') {
    const text = s.kind === 'failed' ? `JuiceNet: the local server could not start. ${s.message} ${s.nextStep}` : 'JuiceNet: the local server did not start.';
    void Promise.resolve(deps.notify.error(text, 'Show Log')).then((c) => (c === 'Show Log' ? vscode.commands.executeCommand('juicenet.showLog') : undefined));
    return false;
  }
  deps.log.info(`Local server running here: ${s.baseUrl}, UDP port${s.udpPorts.length > 1 ? 's' : ''} ${s.udpPorts.join(', ')} (process ${s.pid}).`);
  await deps.local.rememberLocal(new URL(s.baseUrl).origin, true);
  return (await vscode.commands.executeCommand<boolean>('juicenet.connectLocalServer', { baseUrl: s.baseUrl })) === true;
}
