// JuiceNet Local run as a child process of the editor, for owners whose always-on machine is the
// one with VS Code. Its database module is native code built for the machine's Node, which the
// editor's own runtime cannot load: the server runs under a Node found on PATH (or a configured
// one). Its output goes to a log callback line by line; a failure to start is told by its cause
// (a port in use, no permission for a port below 1024, the database locked by another server,
// no suitable Node) with what to do. No vscode import.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE_NAME = 'account-token';

export type LocalServerFailure = 'port-in-use' | 'port-permission' | 'database-locked' | 'no-node' | 'wrong-node' | 'exited';

export type LocalServerState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; baseUrl: string; udpPort: number; pid: number }
  | { kind: 'failed'; reason: LocalServerFailure; message: string; nextStep: string };

export interface LocalServerProcessOptions {
  /** The server's bundled command line (dist/local-cli.js). */
  cliPath: string;
  /** The Node executable to run it with ('node' = the first one on PATH). */
  nodePath: string;
  dataDir: string;
  udpPort: number;
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
  o: { udpPort: number; httpPort: number; nodePath: string },
): { reason: LocalServerFailure; message: string; nextStep: string } {
  const port = /(?:EADDRINUSE|EACCES)[^\n]*:(\d{1,5})\b/.exec(output)?.[1];
  const which = port ? ` ${port}` : '';
  if (/EADDRINUSE/.test(output)) {
    return {
      reason: 'port-in-use',
      message: `Port${which} is in use: another program (perhaps another JuiceNet Local server, or its service) already listens there.`,
      nextStep: 'Stop that program, or choose other ports in the settings juicenet.localServer.udpPort and juicenet.localServer.httpPort.',
    };
  }
  if (/EACCES|permission denied/i.test(output) && [o.udpPort, o.httpPort].some((p) => p > 0 && p < 1024)) {
    return {
      reason: 'port-permission',
      message: `No permission to listen on port${which || ` ${Math.min(...[o.udpPort, o.httpPort].filter((p) => p > 0))}`}: ports below 1024 need administrator rights.`,
      nextStep:
        'Use a port of 1024 or more (the boxes report to 8047 by default), or run the server as a system service (README: "Use it with your JuiceBox").',
    };
  }
  if (/database is locked|SQLITE_BUSY/i.test(output)) {
    return {
      reason: 'database-locked',
      message: 'The database is locked: another JuiceNet Local server uses the same data folder.',
      nextStep: 'Stop the other server (or its service) first; two servers must never share one database.',
    };
  }
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header/.test(output)) {
    return {
      reason: 'wrong-node',
      message: `The Node.js at "${o.nodePath}" is not the version the server's database module was built for.`,
      nextStep: 'Set juicenet.localServer.nodePath to the Node.js 20 the extension was installed with, or run the server as a service.',
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
    this.current = s;
    for (const l of [...this.listeners]) l(s);
  }

  /** Starts the server; resolves with the state it settled in (running or failed). */
  start(): Promise<LocalServerState> {
    if (this.current.kind === 'running' || this.current.kind === 'starting') return Promise.resolve(this.current);
    const o = this.opts;
    if (!existsSync(o.cliPath)) {
      // The packaged extension does not carry JuiceNet Local: its database module is native code
      // built for one Node.js, so the server is installed from the project or run as a service.
      const s: LocalServerState = {
        kind: 'failed',
        reason: 'exited',
        message: 'This installation of the extension does not include JuiceNet Local.',
        nextStep: 'Run it from the project (npm run local) or as its systemd service, then use JuiceNet: Connect to a Local Server.',
      };
      this.set(s);
      return Promise.resolve(s);
    }
    this.set({ kind: 'starting' });
    this.stopping = false;
    const args = [
      o.cliPath,
      '--data-dir',
      o.dataDir,
      '--udp-port',
      String(o.udpPort),
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
        child = spawn(o.nodePath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env, ...extra?.env } });
      } catch (e) {
        settle({
          kind: 'failed',
          reason: 'no-node',
          message: `Could not run Node.js at "${o.nodePath}": ${(e as Error).message}`,
          nextStep: 'Install Node.js 20 or set juicenet.localServer.nodePath.',
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
            const info = JSON.parse(ready[1]) as { baseUrl: string; udpPort: number };
            settle({ kind: 'running', baseUrl: info.baseUrl, udpPort: info.udpPort, pid: child.pid ?? 0 });
          } catch {
            // not a ready line after all
          }
          return;
        }
        // The account token is printed for a person at a terminal; the editor reads it from the file.
        if (/^Account token:/i.test(line.trim())) return;
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
                message: `No Node.js found at "${o.nodePath}".`,
                nextStep: 'Install Node.js 20 (it must be on PATH), or set juicenet.localServer.nodePath to its full path.',
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

  /** Stops the server (SIGTERM, then SIGKILL after `graceMs`); resolves once it has exited. */
  async stop(graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child) {
      if (this.current.kind !== 'failed') this.set({ kind: 'stopped' });
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
