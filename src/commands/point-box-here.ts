// juicenet.pointBoxHere: points a JuiceBox's UDP reports at the local server over the box's telnet
// console (port 2000), for owners without DNS or router access. Reads the box's streams (`list`),
// shows what will change and asks; only a confirmed change sends `udpc <host> <port>`, then the
// console is read again and the server is watched until the box's reports arrive. Every console
// failure (timeout, another prompt, a refusal, garbage) says whether anything changed.
// The box's address may carry its console port (`192.168.1.50:2000`); a failure offers Retry with
// what was typed. Test arguments: { boxHost, boxPort?, targetHost?, timeoutMs?, verifyTimeoutMs? }.
import * as vscode from 'vscode';
import { CONSOLE_PORT, ConsoleError, pointBoxAt, type UdpcPlan } from '../juicebox/console';
import type { LocalServerCommandDeps } from './run';

export interface PointBoxArgs {
  boxHost?: string;
  boxPort?: number;
  targetHost?: string;
  timeoutMs?: number;
  verifyTimeoutMs?: number;
}

const SEND = 'Send';
/** A box reports at least every 30 s: two periods and some. */
const VERIFY_MS = 75_000;

/** `192.168.1.50` or `192.168.1.50:2000`: the box's address and its console port. */
export function parseBoxAddress(v: string): { host: string; port?: number } | { problem: string } {
  const t = v.trim();
  if (!t) return { problem: 'Enter the box’s address on your network (your router lists it; the setup assistant shows it once the box reported).' };
  const m = /^([A-Za-z0-9][A-Za-z0-9.-]{0,252})(?::(\d{1,5}))?$/.exec(t);
  if (!m) return { problem: 'An IPv4 address like 192.168.1.50, or a host name, optionally with the console port (192.168.1.50:2000).' };
  if (m[2] === undefined) return { host: m[1] };
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return { problem: `The console port must be from 1 to 65535 (the box’s is ${CONSOLE_PORT}).` };
  return { host: m[1], port };
}

function validateHost(v: string): string | undefined {
  const r = parseBoxAddress(v);
  return 'problem' in r ? r.problem : undefined;
}

export async function pointBoxHere(deps: LocalServerCommandDeps, args?: PointBoxArgs): Promise<boolean> {
  const target = await deps.local.reportTarget();
  if (!target) {
    void Promise.resolve(
      deps.notify.warn(
        'JuiceNet: start or connect to a local server first: the box is pointed at its UDP port.',
        'Start Local Server',
        'Connect to a Local Server',
      ),
    ).then((c) =>
      c === 'Start Local Server'
        ? vscode.commands.executeCommand('juicenet.startLocalServer')
        : c
          ? vscode.commands.executeCommand('juicenet.connectLocalServer')
          : undefined,
    );
    return false;
  }
  const boxHost =
    args?.boxHost ??
    (await vscode.window.showInputBox({
      title: 'JuiceNet: Point a JuiceBox at This Server (1/2)',
      prompt: `The JuiceBox’s address on your network, and its console port if not ${CONSOLE_PORT} (192.168.1.50:${CONSOLE_PORT})`,
      placeHolder: '192.168.1.50',
      ignoreFocusOut: true,
      validateInput: validateHost,
    }));
  if (boxHost === undefined) return false;
  const parsed = parseBoxAddress(boxHost);
  if ('problem' in parsed) {
    void deps.notify.error(`JuiceNet: ${parsed.problem}`);
    return false;
  }
  const boxPort = args?.boxPort ?? parsed.port ?? CONSOLE_PORT;
  let targetHost = args?.targetHost;
  if (targetHost === undefined) {
    if (target.addresses.length === 0) {
      void deps.notify.error('JuiceNet: this machine has no network address a box could send to. Connect it to the box’s network, then try again.');
      return false;
    }
    targetHost =
      target.addresses.length === 1
        ? target.addresses[0]
        : (
            await vscode.window.showQuickPick(
              target.addresses.map((a) => ({ label: a })),
              {
                title: 'JuiceNet: Point a JuiceBox at This Server (2/2)',
                placeHolder: 'Which address of this machine can the box reach?',
                ignoreFocusOut: true,
              },
            )
          )?.label;
    if (targetHost === undefined) return false;
  }
  const host = parsed.host;
  const startedS = Date.now() / 1000;
  const confirm = async (plan: UdpcPlan) => {
    const answer = await deps.notify.warn(`JuiceNet: ${plan.summary} Send "${plan.command}" to the box at ${host}?`, SEND);
    return answer === SEND;
  };
  try {
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `JuiceNet: talking to the JuiceBox at ${host}…` }, () =>
      pointBoxAt({ host, port: boxPort, timeoutMs: args?.timeoutMs, target: { host: targetHost, port: target.udpPort }, confirm }),
    );
    if (r.outcome === 'declined') {
      void deps.notify.info('JuiceNet: nothing was sent to the box.');
      return false;
    }
    deps.log.info(`JuiceBox at ${host}: ${r.outcome === 'changed' ? `sent "${r.plan.command}"` : 'already pointed here'}; waiting for its reports.`);
    const seen = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `JuiceNet: waiting for the first report from ${host}…` },
      () => target.waitForReport(host, r.outcome === 'changed' ? startedS : 0, args?.verifyTimeoutMs ?? VERIFY_MS),
    );
    if (seen) {
      void Promise.resolve(deps.notify.info(`JuiceNet: the JuiceBox at ${host} (${seen}) now reports to this server.`, 'Open Setup Assistant')).then((c) =>
        c ? deps.local.openAssistant() : undefined,
      );
      return true;
    }
    const s = Math.round((args?.verifyTimeoutMs ?? VERIFY_MS) / 1000);
    void deps.notify.warn(
      `JuiceNet: the box at ${host} ${r.outcome === 'changed' ? 'took the change' : 'already points here'}, but no report arrived in ${s} s. Check that nothing (a firewall) blocks UDP port ${target.udpPort} on this machine, and that ${targetHost} is this machine’s address on the box’s network.`,
    );
    return false;
  } catch (e) {
    const text = e instanceof ConsoleError ? e.message : (e as Error).message;
    deps.log.warn(`Pointing the JuiceBox at ${host} failed: ${text}`);
    // Retry with what was typed: the same box, console port and address of this machine.
    void Promise.resolve(deps.notify.error(`JuiceNet: could not point the box at this server: ${text}`, 'Retry', 'Show Log')).then(
      (c) =>
        c === 'Retry'
          ? pointBoxHere(deps, { ...args, boxHost: host, boxPort, targetHost })
          : c
            ? vscode.commands.executeCommand('juicenet.showLog')
            : undefined,
      () => undefined,
    );
    return false;
  }
}
