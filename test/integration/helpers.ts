// What the in-host suites share: the extension's id and test API, and polling for a condition.
// Not a *.test.ts file, so index.ts does not load it as a suite.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JuiceNetTestApi } from '../../src/test-api';

export const EXT_ID = 'juicenet-vscode.juicenet-vscode';

/** The extension's test API, activating it if needed. */
export async function extensionApi(): Promise<JuiceNetTestApi> {
  const ext = vscode.extensions.getExtension<JuiceNetTestApi>(EXT_ID);
  assert.ok(ext, `extension ${EXT_ID} is installed`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  // Activation paints the last known rows; the rest of the extension starts right after.
  await api.ready();
  return api;
}

/** Polls `probe` every 50 ms until it gives a truthy value; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** JuiceNet Local (dist/local-cli.js) on free loopback ports, run by the host's own Node (it has node:sqlite). */
export function startLocalCli(dataDir: string): Promise<{ proc: ChildProcess; baseUrl: string; udpPort: number }> {
  const repo = path.resolve(__dirname, '..', '..', '..');
  const args = ['--udp-port', '0', '--udp-host', '127.0.0.1', '--http-port', '0', '--data-dir', dataDir, '--time-zone', 'UTC', '--ready-line'];
  const proc = spawn(process.execPath, [path.join(repo, 'dist', 'local-cli.js'), ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`juicenet-local did not start:\n${out}`)), 20_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /LOCAL_READY (\{.*\})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, ...(JSON.parse(m[1]) as { baseUrl: string; udpPort: number }) });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`juicenet-local exited (${code}):\n${out}`));
    });
  });
}

/** Stops a process started here and waits for it to be gone. */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}
