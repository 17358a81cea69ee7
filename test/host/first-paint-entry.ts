// In-host check of the first paint, loaded by the real VS Code extension host (extensionTestsPath)
// twice by test/host/run-first-paint.mjs, in one browser profile:
//   phase "keep": sign in to the runner's simulator, show the Chargers view, wait until its rows
//     are kept in storage;
//   phase "paint": a new window (the page reloaded) while the simulator holds every reply for
//     several seconds: the view must show the kept chargers, marked as last known, at once (before
//     any reply could have come), then the live rows once the rest has started and read them.
// Reads first-paint-config.json beside this file, writes first-paint-result.json beside it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JuiceNetTestApi } from '../../src/test-api';

const EXT_ID = 'juicenet-vscode.juicenet-vscode';

interface Config {
  phase: 'keep' | 'paint';
  baseUrl: string;
  accountToken: string;
  names: string[];
  /** How long the simulator holds each reply in the "paint" phase (ms). */
  replyDelayMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

export async function run(): Promise<void> {
  const cfg = JSON.parse(fs.readFileSync(path.join(__dirname, 'first-paint-config.json'), 'utf8')) as Config;
  const out: Record<string, unknown> = { phase: cfg.phase };
  try {
    const ext = vscode.extensions.getExtension<JuiceNetTestApi>(EXT_ID);
    if (!ext) throw new Error(`extension ${EXT_ID} is not installed in the host`);
    const api = ext.isActive ? ext.exports : await ext.activate();
    if (cfg.phase === 'keep') {
      await api.ready();
      await vscode.commands.executeCommand('juicenet.units.focus');
      const ok = await vscode.commands.executeCommand('juicenet.signIn', { token: cfg.accountToken, baseUrl: cfg.baseUrl, label: 'First paint' });
      check(ok === true, `sign-in failed: ${JSON.stringify(api.messages())}`);
      const kept = await waitFor(
        'the rows kept in storage',
        () => {
          const k = api.globalStateSnapshot()['juicenet.lastKnown'] as { rows?: { label: string; children?: { label: string }[] }[] } | undefined;
          const labels = JSON.stringify(k?.rows ?? []);
          return cfg.names.every((n) => labels.includes(n)) ? k : undefined;
        },
        30_000,
      );
      out.kept = kept;
      // The storage writes its changes within a moment; the runner reloads after this phase ends.
      await sleep(1500);
    } else {
      // At once, before the rest of the extension has read anything.
      const paint = api.firstPaint();
      const rows = await api.shownTree();
      const checkedAt = Date.now();
      const showingLastKnown = api.showingLastKnown();
      out.paint = paint;
      out.rowsAtOnce = rows;
      const text = JSON.stringify(rows);
      check(paint.lastKnownRows > 0, 'activation found no rows kept in storage');
      check(showingLastKnown, 'the view does not show the last known rows');
      for (const n of cfg.names) check(text.includes(n), `the kept charger "${n}" is not shown: ${text}`);
      check(/last known/.test(text), `the rows are not marked as last known: ${text}`);
      // No reply can have come: the simulator holds each one replyDelayMs, and nothing asked before activation.
      check(checkedAt - paint.activatedAtMs < cfg.replyDelayMs, `checked ${checkedAt - paint.activatedAtMs} ms after activation, too late to tell`);
      out.checkedAfterActivationMs = checkedAt - paint.activatedAtMs;
      await api.ready();
      const p = api.firstPaint();
      if (p.rowsServedAtMs !== undefined) check(p.rowsServedAtMs <= (p.mainLoadStartedAtMs ?? Infinity), 'the rest loaded before the view had its rows');
      // Then the live rows replace them: read (after the held replies) or, with no account restored, none.
      await vscode.commands.executeCommand('juicenet.units.focus');
      await waitFor('the live rows', () => !api.showingLastKnown(), cfg.replyDelayMs + 30_000);
      const live = JSON.stringify(await api.shownTree());
      check(!/last known/.test(live), `live rows still marked as last known: ${live}`);
      out.liveRows = live;
    }
    out.pass = true;
  } catch (e) {
    out.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  fs.writeFileSync(path.join(__dirname, `first-paint-result-${cfg.phase}.json`), JSON.stringify(out, null, 2));
  if (out.error) throw new Error(String(out.error));
}
