// The first paint in the real host (npm run test:first-paint): one browser profile, two windows.
// The first signs in to a simulator run here and shows the Chargers view until its rows are kept;
// the page is reloaded (a new window, the same storage) while the simulator holds every reply, and
// the second must show the kept chargers, marked as last known, before any reply (see
// test/host/first-paint-entry.ts). Builds its entry; needs `node esbuild.mjs` (dist/simulator.js).
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO } from './paths.mjs';
import { startServer, tempDir } from './server.mjs';
import { launchBrowser } from './browser.mjs';

const REPLY_DELAY_MS = 15_000;
const TIMEOUT_MS = 3 * 60_000;
const OUT = join(REPO, 'dist', 'test', 'first-paint');
const resultsDir = join(REPO, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const logFile = join(resultsDir, 'first-paint-host.log');
writeFileSync(logFile, '');
const log = (line) => appendFileSync(logFile, line + '\n');

await esbuild.build({
  entryPoints: [join(REPO, 'test/host/first-paint-entry.ts')],
  outfile: join(OUT, 'index.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  logLevel: 'warning',
});
const simJs = join(REPO, 'dist', 'simulator.js');
if (!existsSync(simJs) || !existsSync(join(REPO, 'dist', 'main.js'))) {
  console.error('dist/simulator.js or dist/main.js is missing: run `node esbuild.mjs` first');
  process.exit(1);
}
const { startSimulator } = createRequire(import.meta.url)(simJs);
const sim = await startSimulator({ units: 2, seed: 4, host: '127.0.0.1', port: 0 });
const names = sim.units.map((u) => sim.unit(u.unitId).name);
const config = (phase) =>
  writeFileSync(
    join(OUT, 'first-paint-config.json'),
    JSON.stringify({ phase, baseUrl: sim.baseUrl, accountToken: sim.accountToken, names, replyDelayMs: REPLY_DELAY_MS }),
  );
for (const p of ['keep', 'paint']) rmSync(join(OUT, `first-paint-result-${p}.json`), { force: true });

const workspace = tempDir('juicenet-ws-');
const server = await startServer({ onLog: (l) => log(`[server] ${l}`) });
const { context, close } = await launchBrowser();
let exitCode = 1;
try {
  const page = await context.newPage();
  page.on('console', (m) => log(`[browser ${m.type()}] ${m.text()}`));
  let finished;
  await page.exposeFunction('codeAutomationLog', (type, args) => log(`[host ${type}] ${Array.isArray(args) ? args.map(String).join(' ') : String(args)}`));
  await page.exposeFunction('codeAutomationExit', (code) => finished?.(Number(code)));
  const phase = async (name, go) => {
    config(name);
    const done = new Promise((resolve) => (finished = resolve));
    await go();
    let timer;
    const r = await Promise.race([done, new Promise((res) => (timer = setTimeout(() => res('timeout'), TIMEOUT_MS)))]);
    clearTimeout(timer);
    const file = join(OUT, `first-paint-result-${name}.json`);
    const res = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
    if (r === 'timeout' || !res?.pass) throw new Error(`phase ${name}: ${r === 'timeout' ? 'timed out' : (res?.error ?? 'no result')} (log: ${logFile})`);
    return res;
  };
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://remote${REPO}`],
    ['extensionTestsPath', `vscode-remote://remote${join(OUT, 'index.js')}`],
    ['skipWelcome', 'true'],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await phase('keep', () => page.goto(url));
  console.log(`  ✓ the first window kept the rows of ${names.join(', ')}`);
  sim.setFaults({ latencyMs: REPLY_DELAY_MS });
  const painted = await phase('paint', () => page.reload());
  console.log(
    `  ✓ a new window showed them marked as last known ${painted.checkedAfterActivationMs} ms after activation, while the server held every reply ${REPLY_DELAY_MS / 1000} s; then the live rows`,
  );
  exitCode = 0;
} catch (e) {
  console.error(`  ✗ ${e.message}`);
} finally {
  await close();
  server.stop();
  await sim.close();
}
console.log(exitCode === 0 ? '1 passed, 0 failed' : '0 passed, 1 failed');
process.exit(exitCode);
