// Benchmark entry loaded by the real VS Code extension host (extensionTestsPath), built by
// bench/extension.mjs into dist/bench-extension/. Not a test: it measures and writes what it saw.
//   - activation: the extension host's own performance marks around our extension
//     (code/extHost/willLoadExtensionCode/<id> .. didActivateExtension/<id>), the same clock VS Code's
//     "Running Extensions" view uses; we never call activate() ourselves unless onStartupFinished
//     did not come within 30 s (then `forcedActivation` says so).
//   - polling (mode "full"): get_state requests counted by the simulator (server side) during a
//     window with the Chargers view hidden, then one with it visible. The status bar item is
//     disabled by the launcher's settings, since it keeps polling when enabled.
// Reads bench-config.json beside this file, writes bench-result.json beside it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startSimulator } from '../../src/simulator';
import type { JuiceNetTestApi } from '../../src/test-api';

const EXT_ID = 'juicenet-vscode.juicenet-vscode';
/** The baseline: an extension that does nothing, installed beside ours in the same host (bench/extension.mjs makes it). */
const EMPTY_ID = 'juicenet-bench.empty-extension';

interface BenchConfig {
  mode: 'activation' | 'full';
  hiddenWindowS: number;
  visibleWindowS: number;
  seed: number;
  units: number;
}

interface Mark {
  name: string;
  startTime: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(what: string, probe: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!probe()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
  return Date.now() - t0;
}

function activationFigures(marks: Mark[], id = EXT_ID) {
  const at = (kind: string) => marks.find((m) => m.name === `code/extHost/${kind}/${id}`)?.startTime;
  const willLoad = at('willLoadExtensionCode');
  const didLoad = at('didLoadExtensionCode');
  const willActivate = at('willActivateExtension');
  const didActivate = at('didActivateExtension');
  const ready = marks.find((m) => m.name === 'code/extHost/ready')?.startTime;
  const diff = (a?: number, b?: number) => (a !== undefined && b !== undefined ? b - a : undefined);
  return {
    /** require() of dist/extension.js. */
    codeLoadMs: diff(willLoad, didLoad),
    /** activate() called until its promise resolved. */
    activateMs: diff(willActivate, didActivate),
    /** From starting to load our code to activate() resolved: what the user waits for. */
    totalMs: diff(willLoad, didActivate),
    /** When activation started, after the extension host was ready (onStartupFinished waits for the workbench). */
    startedAfterHostReadyMs: diff(ready, willLoad),
    marksFound: [willLoad, didLoad, willActivate, didActivate].every((x) => x !== undefined),
  };
}

export async function run(): Promise<void> {
  const cfg = JSON.parse(fs.readFileSync(path.join(__dirname, 'bench-config.json'), 'utf8')) as BenchConfig;
  const out: Record<string, unknown> = { mode: cfg.mode, vscodeVersion: vscode.version };
  try {
    const ext = vscode.extensions.getExtension<JuiceNetTestApi>(EXT_ID);
    if (!ext) throw new Error(`extension ${EXT_ID} is not installed in the host`);
    let forcedActivation = false;
    try {
      await waitFor('onStartupFinished activation', () => ext.isActive, 30_000);
    } catch {
      forcedActivation = true;
      await ext.activate();
    }
    const empty = vscode.extensions.getExtension(EMPTY_ID);
    if (!empty) throw new Error(`the baseline extension ${EMPTY_ID} is not installed in the host`);
    let emptyForced = false;
    try {
      await waitFor('the empty extension to activate', () => empty.isActive, 30_000);
    } catch {
      emptyForced = true;
      await empty.activate();
    }
    const perf = (globalThis as { MonacoPerformanceMarks?: { getMarks(): Mark[] } }).MonacoPerformanceMarks;
    const marks = perf?.getMarks() ?? [];
    out.activation = { ...activationFigures(marks), forcedActivation, marksSource: perf ? 'globalThis.MonacoPerformanceMarks' : 'none' };
    out.emptyActivation = { ...activationFigures(marks, EMPTY_ID), forcedActivation: emptyForced };
    // What activation painted, and when the rest had started behind it.
    await ext.exports.ready();
    out.firstPaint = ext.exports.firstPaint();
    if (cfg.mode === 'full') out.polling = await polling(ext.exports, cfg);
  } catch (e) {
    out.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  fs.writeFileSync(path.join(__dirname, 'bench-result.json'), JSON.stringify(out, null, 2));
  if (out.error) throw new Error(String(out.error));
}

async function polling(t: JuiceNetTestApi, cfg: BenchConfig) {
  const conf = vscode.workspace.getConfiguration('juicenet');
  if (conf.get<boolean>('statusBar.enabled') !== false) throw new Error('juicenet.statusBar.enabled must be false for this benchmark');
  const minS = conf.get<number>('pollInterval.minSeconds', 10);
  const maxS = conf.get<number>('pollInterval.maxSeconds', 300);
  // Real-time clock (speed 1): the units' update_interval is in real seconds, as the extension reads it.
  const sim = await startSimulator({ units: cfg.units, seed: cfg.seed });
  try {
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor('the Chargers view to be hidden', () => !t.viewVisible(), 10_000);
    const ok = await vscode.commands.executeCommand('juicenet.signIn', { token: sim.accountToken, baseUrl: sim.baseUrl, label: 'Bench' });
    if (ok !== true) throw new Error(`sign-in failed: ${JSON.stringify(t.messages())}`);
    const signInRequests = sim.commandCounts();

    // Hidden: nothing shows the units, nothing should be read.
    sim.resetRequestCount();
    const h0 = Date.now();
    let hiddenSeenVisible = false;
    while (Date.now() - h0 < cfg.hiddenWindowS * 1000) {
      if (t.viewVisible()) hiddenSeenVisible = true;
      await sleep(250);
    }
    const hidden = {
      windowS: (Date.now() - h0) / 1000,
      getState: sim.commandCounts().get_state ?? 0,
      allRequests: sim.requestCount(),
      viewVisibleDuringWindow: hiddenSeenVisible,
      statusBarVisible: t.statusBarSnapshot().visible,
      expected: 0,
    };

    // Visible: one get_state per unit per clamped update_interval, the first at once (the last
    // reading is older than the interval). Reads happen at 0, I+d, 2(I+d)... where d is the
    // round trip, so a window of W seconds holds ceil(W / I) reads per unit.
    const units = sim.units.map((u) => {
      const updateIntervalS = sim.unit(u.unitId).updateIntervalS;
      const clampedS = Math.min(maxS, Math.max(minS, updateIntervalS));
      return {
        unitId: u.unitId,
        updateIntervalS,
        clientSawIntervalS: t.backend.getUnit(u.unitId)?.status?.updateIntervalS,
        clampedS,
        expected: Math.ceil(cfg.visibleWindowS / clampedS),
      };
    });
    sim.resetRequestCount();
    const v0 = Date.now();
    await vscode.commands.executeCommand('juicenet.units.focus');
    const becameVisibleMs = await waitFor('the Chargers view to be visible', () => t.viewVisible(), 10_000);
    let hiddenAgain = false;
    while (Date.now() - v0 < cfg.visibleWindowS * 1000) {
      if (!t.viewVisible()) hiddenAgain = true;
      await sleep(Math.min(250, Math.max(1, cfg.visibleWindowS * 1000 - (Date.now() - v0))));
    }
    const visible = {
      windowS: (Date.now() - v0) / 1000,
      getState: sim.commandCounts().get_state ?? 0,
      allRequests: sim.requestCount(),
      commands: sim.commandCounts(),
      becameVisibleMs,
      viewHiddenDuringWindow: hiddenAgain,
      pollBoundsS: { minS, maxS },
      units,
      expected: units.reduce((n, u) => n + u.expected, 0),
    };
    await vscode.commands.executeCommand('juicenet.signOut', { all: true });
    return { units: cfg.units, seed: cfg.seed, signInRequests, hidden, visible };
  } finally {
    await sim.close();
  }
}
