// The README's commands a user runs, run as a user would: `npm run package` (the .vsix is fit to
// ship) and `npm start` (headless: wait for the printed URL, open it in Chromium, see the Chargers
// view with the simulator's chargers and a notification toast, then Ctrl-C and check that
// everything it started is gone). Prints "N passed, N failed".
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, node24Bin } from './paths.mjs';
import { freePort } from './server.mjs';
import { launchBrowser } from './browser.mjs';
import { vsixEntries, vsixFile, vsixProblems } from '../../scripts/package.mjs';

const resultsDir = join(REPO, 'test-results', 'start');
mkdirSync(resultsDir, { recursive: true });
const overall = setTimeout(() => {
  console.error('[start-test] FAILED: overall timeout (8 min)');
  cleanup();
  process.exit(1);
}, 8 * 60_000);
const children = new Set();
function cleanup() {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
process.on('exit', cleanup);

/** Runs an npm script as a user would, in its own process group; collects its output. */
function npm(args, env = {}) {
  const child = spawn('npm', args, { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.add(child);
  let out = '';
  const onData = (b) => {
    out += b.toString();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, exited, output: () => out };
}
async function waitFor(what, fn, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
/** Starts `argv[1]` (a local-cli.js) on free ports with data in `argv[2]`; stops it when it is ready; prints what it said. */
const LONE_START = `
const { spawn } = require('node:child_process');
const p = spawn(process.execPath, [process.argv[1], '--udp-port', '0', '--udp-host', '127.0.0.1', '--http-port', '0', '--data-dir', process.argv[2], '--ready-line'], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
p.stdout.on('data', (c) => { out += c; if (/LOCAL_READY/.test(out)) p.kill('SIGTERM'); });
p.on('exit', (code) => { process.stdout.write(out); process.exit(/LOCAL_READY/.test(out) ? code : 1); });
`;
const answers = (url) =>
  fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    () => true,
    () => false,
  );

const checks = [
  {
    name: '`npm run package` makes a .vsix with no source maps, tests or sources, and the store page',
    async run() {
      const vsix = join(REPO, 'dist/juicenet-vscode.vsix');
      rmSync(vsix, { force: true });
      const p = npm(['run', 'package']);
      const { code } = await p.exited;
      assert.equal(code, 0, `npm run package exited ${code}:\n${p.output()}`);
      assert.ok(existsSync(vsix), 'no .vsix was written');
      const entries = vsixEntries(vsix);
      assert.deepEqual(vsixProblems(entries), []);
      // The store page's images, and only those, travel with it.
      const linked = [...readFileSync(join(REPO, 'MARKETPLACE.md'), 'utf8').matchAll(/\]\((docs\/images\/[^)]+)\)/g)].map((m) => `extension/${m[1]}`).sort();
      assert.ok(linked.length >= 2, 'the store page shows screenshots');
      assert.deepEqual(entries.filter((e) => e.startsWith('extension/docs/')).sort(), linked);
      const kib = statSync(vsix).size / 1024;
      console.log(`    .vsix: ${entries.length} files, ${kib.toFixed(0)} KiB`);
      assert.ok(kib < 2048, `the .vsix is ${kib.toFixed(0)} KiB`);
      // JuiceNet Local travels with it, needing nothing beside it: alone in a folder, on a Node with
      // node:sqlite (as VS Code's runtime is), it starts, keeps its data and stops.
      assert.ok(entries.includes('extension/dist/local-cli.js'), 'the .vsix carries JuiceNet Local');
      assert.ok(!entries.some((e) => /better-sqlite3|\.node$/.test(e)), 'no native module');
      const lone = mkdtempSync(join(tmpdir(), 'juicenet-vsix-local-'));
      try {
        writeFileSync(join(lone, 'local-cli.js'), vsixFile(vsix, 'extension/dist/local-cli.js'));
        const r = spawnSync(node24Bin(), ['-e', LONE_START, join(lone, 'local-cli.js'), join(lone, 'data')], { encoding: 'utf8', timeout: 30_000 });
        assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /Data in .* \(SQLite: node:sqlite\)/);
        console.log(`    dist/local-cli.js from the .vsix, alone on Node 24: ${r.stdout.split('\n').find((l) => l.includes('SQLite')) ?? ''}`);
      } finally {
        rmSync(lone, { recursive: true, force: true });
      }
      // The store page says that the server comes with it.
      const store = readFileSync(join(REPO, 'MARKETPLACE.md'), 'utf8');
      assert.doesNotMatch(store, /does not include JuiceNet Local|when you run the extension from the project/);
      assert.match(store, /Start Local Server/);
    },
  },
  {
    name: "`npm start` serves VS Code with the extension and the simulator's chargers; Ctrl-C stops everything",
    async run() {
      const port = await freePort();
      const p = npm(['start'], { PORT: String(port) });
      const url = await waitFor(
        'the printed URL',
        () => {
          if (p.child.exitCode !== null) throw new Error(`npm start exited early (${p.child.exitCode}):\n${p.output()}`);
          return /JuiceNet demo: open (http:\/\/\S+)/.exec(p.output())?.[1];
        },
        4 * 60_000,
      );
      const sim = JSON.parse(/SIMULATOR_READY (\{.*\})/.exec(p.output())[1]);
      assert.equal(sim.units, 3, 'the README promises three chargers');
      const info = await (
        await fetch(`${sim.baseUrl}/_sim/control`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'info' }),
        })
      ).json();
      const units = info.units;
      assert.equal(units.length, 3);
      assert.ok(url.startsWith(`http://127.0.0.1:${port}/`), url);
      const { context, close } = await launchBrowser();
      try {
        const page = await context.newPage();
        await page.goto(url);
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        const icon = page.locator('.activitybar [aria-label^="JuiceNet"]').first();
        await icon.waitFor({ timeout: 60_000 });
        await icon.click();
        const rows = page.locator('[id="workbench.parts.sidebar"] .monaco-list-row');
        for (const u of units) await rows.filter({ hasText: u.name }).first().waitFor({ timeout: 60_000 });
        // Messages pop up as toasts (the smoke-test driver, which hides them, is for tests only).
        await page
          .locator('.notifications-toasts .notification-toast', { hasText: /signed in/i })
          .first()
          .waitFor({ timeout: 30_000 });
        await page.screenshot({ path: join(resultsDir, 'npm-start.png') });
      } finally {
        await close();
      }
      assert.ok(await answers(sim.baseUrl), 'the simulator answers while npm start runs');
      process.kill(-p.child.pid, 'SIGINT');
      const { code, signal } = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r({ code: 'timeout' }), 20_000))]);
      assert.notEqual(code, 'timeout', 'npm start did not stop within 20 s of Ctrl-C');
      console.log(`    stopped by Ctrl-C (exit ${code ?? signal})`);
      await waitFor('the simulator and VS Code to stop answering', async () => !(await answers(sim.baseUrl)) && !(await answers(url)), 10_000);
    },
  },
];

let passed = 0,
  failed = 0;
for (const c of checks) {
  const s = Date.now();
  try {
    await c.run();
    passed++;
    console.log(`  ✓ ${c.name} (${Date.now() - s} ms)`);
  } catch (e) {
    failed++;
    console.log(
      `  ✗ ${c.name}\n      ${String(e.stack ?? e)
        .split('\n')
        .slice(0, 12)
        .join('\n      ')}`,
    );
  }
}
clearTimeout(overall);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
