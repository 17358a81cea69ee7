// What the in-host suites share: the extension's id and test API, and polling for a condition.
// Not a *.test.ts file, so index.ts does not load it as a suite.
import * as assert from 'node:assert/strict';
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
