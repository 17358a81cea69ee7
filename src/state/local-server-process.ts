// JuiceNet Local run as a child process of the editor, for owners whose always-on machine is the
// one with VS Code. It runs on the editor's own runtime, as language servers are run
// (child_process.fork with VS Code's executable and ELECTRON_RUN_AS_NODE): that runtime has
// node:sqlite, so no Node.js on PATH and no native module is needed. A Node.js named in the
// settings still overrides it. Its output goes to a log callback line by line; a failure to start
// is told by its cause (a port in use, no permission for a port below 1024, another server on the
// same data folder, a folder it may not use, a runtime without SQLite) with what to do, and is
// written to the log too. No vscode import.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { JUICEBOX_UDP_PORTS, readUdpPortList } from '../domain/local-ports';

export const TOKEN_FILE_NAME = 'account-token';

export type LocalServerFailure = 'port-in-use' | 'port-permission' | 'database-locked' | 'data-folder' | 'no-node' | 'wrong-node' | 'bad-setting' | 'exited';

export type LocalServerState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; baseUrl: string; udpPort: number; udpPorts: number[]; pid: number }
  | { kind: 'failed'; reason: LocalServerFailure; message: string; nextStep: string };

export interface LocalServerProcessOptions {
  /** The server's bundled command line (dist/local-cli.js). */
  cliPath: string;
  /** A Node.js to run it with instead of the editor's own runtime ('node' = the first one on PATH). */
  nodePath?: string;
  dataDir: string;
  /** The UDP ports to listen on, as the setting juicenet.localServer.udpPort holds them ("8047,8055", a number; 0 = any free port). Empty or absent: every port JuiceBoxes are known to use. */
  udpPorts?: unknown;
  httpPort: number;
  /** Address of the UDP port (default: every interface, boxes are on the network). */
  udpHost?: string;
  /** One line of the server's output (never holds the token: the line that prints it is dropped). */
  log: (level: 'info' | 'warn', line: string) => void;
  /** How long start() waits for the server to say it is ready (default 20 s). */
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** More options and environment, read at each start (the MQTT broker from the settings, its password from secret storage). */
  extra?: () => { args: string[]; env: NodeJS.ProcessEnv };
}

/** Explains a start failure from the server's last output lines and the ports it was given. */
export function explainFailure(
  output: string,
  o: { udpPorts?: unknown; httpPort: number; nodePath?: string },
): { reason: LocalServerFailure; message: string; nextStep: string } {
  const said = (re: RegExp) =>
    re
      .exec(output)?.[0]
      .replace(/^\S+Z juicenet-local: /, '')
      .replace(/^juicenet-local: /, '');
  const port = /(?:EADDRINUSE|EACCES)[^\n]*:(\d{1,5})\b/.exec(output)?.[1] ?? /(?:UDP|HTTP) port (\d{1,5})/.exec(output)?.[1];
  const which = port ? ` ${port}` : '';
  const ports = [...(readUdpPortList(o.udpPorts).ports ?? JUICEBOX_UDP_PORTS), o.httpPort];
  if (/EADDRINUSE|is already in use/.test(output)) {
    return {
      reason: 'port-in-use',
      message: `Port${which} is in use: another program (perhaps another JuiceNet Local server, or its service) already listens there.`,
      nextStep: 'Stop that program, or choose other ports in the settings juicenet.localServer.udpPort and juicenet.localServer.httpPort.',
    };
  }
  if (/EACCES|permission denied|no permission to listen/i.test(output) && ports.some((p) => p > 0 && p < 1024)) {
    return {
      reason: 'port-permission',
      message: `No permission to listen on port${which || ` ${Math.min(...ports.filter((p) => p > 0))}`}: ports below 1024 need administrator rights.`,
      nextStep: 'Use a port of 1024 or more (the boxes report to 8047 by default), or run the server as a system service (README: "Keep it running").',
    };
  }
  const inUse = said(/The data folder .* is in use by .*?\.(?= Two servers)/);
  if (inUse || /database is locked|SQLITE_BUSY/i.test(output)) {
    return {
      reason: 'database-locked',
      message: inUse ?? 'The database is locked: another JuiceNet Local server uses the same data folder.',
      nextStep:
        'Stop the other server (or its service) first, or set juicenet.localServer.dataDir to another folder; two servers must never share one database.',
    };
  }
  const folder = said(/The data folder .* cannot be read and written by this user.*?\.(?= Run JuiceNet Local)/);
  if (folder) {
    return { reason: 'data-folder', message: folder, nextStep: 'Set juicenet.localServer.dataDir to a folder of yours, or give that folder to this user.' };
  }
  if (/needs Node\.js 22\.13 or later/.test(output)) {
    return {
      reason: 'wrong-node',
      message: o.nodePath
        ? `The Node.js at "${o.nodePath}" has no built-in SQLite (node:sqlite, Node.js 22.13 or later).`
        : "This editor's runtime has no built-in SQLite (node:sqlite) for JuiceNet Local.",
      nextStep: o.nodePath
        ? "Set juicenet.localServer.nodePath to a Node.js 22.13 or later, or leave it empty to use the editor's own runtime."
        : 'Update VS Code, or install Node.js 22.13 or later and set juicenet.localServer.nodePath to it.',
    };
  }
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header/.test(output)) {
    return {
      reason: 'wrong-node',
      message: `The Node.js at "${o.nodePath ?? 'node'}" is not the version the server's database module was built for.`,
      nextStep: "Leave juicenet.localServer.nodePath empty to use the editor's own runtime, or set it to a Node.js 22.13 or later.",
    };
  }
  const last = output.trim().split('\n').filter(Boolean).slice(-1)[0] ?? 'no output';
  return {
    reason: 'exited',
    message: `The local server stopped: ${last.replace(/^\S+Z juicenet-local: /, '').replace(/^juicenet-local: /, '')}`,
    nextStep: "See 'JuiceNet: Show Log' for its output.",
  };
}

export class LocalServerProcess {
  private child: ChildProcess | undefined;
  private current: LocalServerState = { kind: 'stopped' };
  private readonly listeners = new Set<(s: LocalServerState) => void>();
  private stopping = false;

  constructor(private readonly opts: LocalServerProcessOptions) {}

  get state(): LocalServerState {
    return this.current;
  }

  get tokenFile(): string {
    return join(this.opts.dataDir, TOKEN_FILE_NAME);
  }

  onDidChange(listener: (s: LocalServerState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private set(s: LocalServerState): void {
    // A failure is said in the log too, so that Show Log holds it beside the server's own lines.
    if (s.kind === 'failed' && this.current.kind !== 'failed') this.opts.log('warn', `The local server could not start: ${s.message} ${s.nextStep}`);
    this.current = s;
    for (const l of [...this.listeners]) l(s);
  }

  /** Starts the server; resolves with the state it settled in (running or failed). */
  start(): Promise<LocalServerState> {
    if (this.current.kind === 'running' || this.current.kind === 'starting') return Promise.resolve(this.current);
    const o = this.opts;
    if (!existsSync(o.cliPath)) {
      // Every build carries dist/local-cli.js; a missing one is a broken installation.
      const s: LocalServerState = {
        kind: 'failed',
        reason: 'exited',
        message: `The server's program is missing from this installation (${o.cliPath}).`,
        nextStep:
          'Reinstall the JuiceNet extension, or run the server as its own package (README: "Keep it running") and use JuiceNet: Connect to a Local Server.',
      };
      this.set(s);
      return Promise.resolve(s);
    }
    const udp = readUdpPortList(o.udpPorts);
    if (udp.error) {
      const s: LocalServerState = {
        kind: 'failed',
        reason: 'bad-setting',
        message: `The setting juicenet.localServer.udpPort is not a list of UDP ports: ${udp.error}.`,
        nextStep: 'Leave it empty to listen on every port JuiceBoxes use (8042, 8047, 9004, 8055), or write ports separated by commas, e.g. 8047,8055.',
      };
      this.set(s);
      return Promise.resolve(s);
    }
    this.set({ kind: 'starting' });
    this.stopping = false;
    const args = [
      '--ready-line',
      '--data-dir',
      o.dataDir,
      // Narrowed only when the owner chose ports; by default the server listens on every known port.
      ...(udp.ports ? ['--udp-port', udp.ports.join(',')] : []),
      '--http-port',
      String(o.httpPort),
      ...(o.udpHost ? ['--udp-host', o.udpHost] : []),
    ];
    const extra = o.extra?.();
    if (extra) args.push(...extra.args);
    return new Promise<LocalServerState>((resolve) => {
      let output = '';
      let settled = false;
      const settle = (s: LocalServerState) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve(s);
        }
        this.set(s);
      };
      let child: ChildProcess;
      try {
        child = o.nodePath
          ? spawn(o.nodePath, [o.cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env, ...extra?.env } })
          : // The editor's own runtime, as Node (VS Code's way of running language servers).
            fork(o.cliPath, args, {
              execPath: process.execPath,
              execArgv: [],
              stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
              env: { ...process.env, ...o.env, ...extra?.env, ELECTRON_RUN_AS_NODE: '1' },
            });
      } catch (e) {
        settle({
          kind: 'failed',
          reason: 'no-node',
          message: o.nodePath
            ? `Could not run Node.js at "${o.nodePath}": ${(e as Error).message}`
            : `Could not start the local server: ${(e as Error).message}`,
          nextStep: o.nodePath
            ? "Set juicenet.localServer.nodePath to a Node.js 22.13 or later, or leave it empty to use the editor's own runtime."
            : "See 'JuiceNet: Show Log'.",
        });
        return;
      }
      this.child = child;
      const timer = setTimeout(() => {
        child.kill('SIGTERM');
        settle({
          kind: 'failed',
          reason: 'exited',
          message: `The local server did not start within ${(o.readyTimeoutMs ?? 20_000) / 1000} s.`,
          nextStep: "See 'JuiceNet: Show Log' for its output.",
        });
      }, o.readyTimeoutMs ?? 20_000);
      const onLine = (level: 'info' | 'warn', line: string) => {
        if (!line.trim()) return;
        output = (output + line + '\n').slice(-8000);
        const ready = /^LOCAL_READY (\{.*\})$/.exec(line.trim());
        if (ready) {
          try {
            const info = JSON.parse(ready[1]) as { baseUrl: string; udpPort: number; udpPorts?: number[] };
            settle({ kind: 'running', baseUrl: info.baseUrl, udpPort: info.udpPort, udpPorts: info.udpPorts ?? [info.udpPort], pid: child.pid ?? 0 });
          } catch {
            // not a ready line after all
          }
          return;
        }
        // The account token is printed (once) for a person at a terminal; the editor reads it from the file.
        if (/^Account token\b.*shown this once/i.test(line.trim())) return;
        o.log(level, line);
      };
      const lines = (level: 'info' | 'warn') => {
        let rest = '';
        return (b: Buffer) => {
          rest += b.toString('utf8');
          const parts = rest.split('\n');
          rest = parts.pop() ?? '';
          for (const p of parts) onLine(level, p);
        };
      };
      child.stdout?.on('data', lines('info'));
      child.stderr?.on('data', lines('warn'));
      child.on('error', (e: NodeJS.ErrnoException) => {
        this.child = undefined;
        settle(
          e.code === 'ENOENT'
            ? {
                kind: 'failed',
                reason: 'no-node',
                message: `No Node.js found at "${o.nodePath ?? process.execPath}".`,
                nextStep: "Set juicenet.localServer.nodePath to the full path of a Node.js 22.13 or later, or leave it empty to use the editor's own runtime.",
              }
            : { kind: 'failed', reason: 'exited', message: `Could not start the local server: ${e.message}`, nextStep: "See 'JuiceNet: Show Log'." },
        );
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        if (this.stopping) {
          settle({ kind: 'stopped' });
          return;
        }
        o.log('warn', `The local server exited (${signal ?? `code ${code}`}).`);
        settle({ kind: 'failed', ...explainFailure(output, o) });
      });
    });
  }

  /** Stops the server (SIGTERM, then SIGKILL after `graceMs`); resolves once it has exited. A failure is dismissed. */
  async stop(graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child) {
      if (this.current.kind !== 'stopped') this.set({ kind: 'stopped' });
      return;
    }
    this.stopping = true;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
    this.child = undefined;
    if (this.current.kind !== 'stopped') this.set({ kind: 'stopped' });
  }
}
