// UI end-to-end: the development extension in the real workbench (headless Chromium) against the
// simulator started as a child process. Prints "N passed, N failed".
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths.mjs';
import { startServer, startSimulatorProcess, tempDir } from './server.mjs';
import { launchBrowser } from './browser.mjs';
import { checks } from '../e2e/workbench.e2e.mjs';
import { setupChecks } from '../e2e/setup.e2e.mjs';

const t0 = Date.now();
const resultsDir = join(REPO, 'test-results', 'e2e');
mkdirSync(resultsDir, { recursive: true });
const overall = setTimeout(() => {
  console.error('[e2e] FAILED: overall timeout (5 min)');
  process.exit(1);
}, 5 * 60_000);

const sim = await startSimulatorProcess(['--units', '3', '--speed', '60', '--no-auto-plug']);
const state = await (
  await fetch(`${sim.baseUrl}/_sim/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'info' }) })
)
  .json()
  .catch(() => null);
const simControl = async (body) =>
  (await fetch(`${sim.baseUrl}/_sim/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
const units = state?.units ?? [];
const workspace = tempDir('juicenet-e2e-ws-');
// The local server run from VS Code: free ports and a data folder of its own.
const localSettings = {
  'juicenet.localServer.udpPort': '0',
  'juicenet.localServer.httpPort': 0,
  'juicenet.localServer.dataDir': tempDir('juicenet-e2e-local-'),
};
const server = await startServer({ settings: { 'juicenet.serverURL': sim.baseUrl, ...localSettings }, env: { JUICENET_DEV_ACCOUNT_TOKEN: sim.accountToken } });
console.log(`[e2e] simulator ${sim.baseUrl}, VS Code ${server.url} (server ready in ${server.startMs} ms)`);
const { context, close } = await launchBrowser();
let passed = 0,
  failed = 0;
try {
  const page = await context.newPage();
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://remote${REPO}`],
    ['skipWelcome', 'true'],
  ];
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  const shot = (n) => page.screenshot({ path: join(resultsDir, `${n}.png`) });
  if (units.length === 0) throw new Error('could not read the simulator units from /_sim/control');
  for (const c of [...checks, ...setupChecks]) {
    const s = Date.now();
    try {
      await c.run({ page, units, sim, simControl, shot });
      passed++;
      console.log(`  ✓ ${c.name} (${Date.now() - s} ms)`);
    } catch (e) {
      failed++;
      // The first line, and what a Playwright action was waiting for (its call log), to tell which step failed.
      const lines = String(e.message).split('\n');
      const waiting = lines.find((l) => /waiting for/.test(l));
      console.log(`  ✗ ${c.name}\n      ${lines[0]}${waiting ? `\n      ${waiting.trim()}` : ''}`);
      await shot(`fail-${passed + failed}`).catch(() => {});
      await page.keyboard.press('Escape').catch(() => {});
    }
  }
} catch (e) {
  failed++;
  console.log(`  ✗ setup: ${e.message}`);
} finally {
  await close();
  server.stop();
  sim.stop();
  clearTimeout(overall);
}
console.log(`[e2e] ${((Date.now() - t0) / 1000).toFixed(1)} s, screenshots in ${resultsDir}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
