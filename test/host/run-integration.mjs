// Runs the bundled in-host test suite (dist/test/integration) inside a real VS Code 1.139 extension
// host: the VS Code server from code-server, its web workbench in headless Debian Chromium.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths.mjs';
import { startServer, tempDir } from './server.mjs';
import { launchBrowser } from './browser.mjs';

const TIMEOUT_MS = Number(process.env.JUICENET_INTEGRATION_TIMEOUT_MS ?? 5 * 60_000);
const resultsDir = join(REPO, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const logFile = join(resultsDir, 'integration-host.log');
writeFileSync(logFile, '');
const log = (line) => appendFileSync(logFile, line + '\n');
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);

// A results file from an earlier run must never be read as this run's.
rmSync(join(resultsDir, 'integration.json'), { force: true });
const entry = join(REPO, 'dist/test/integration/index.js');
if (!existsSync(entry)) {
  console.error(`missing ${entry}: run \`node esbuild.mjs\` first`);
  process.exit(1);
}

const workspace = tempDir('juicenet-ws-');
const server = await startServer({ onLog: (l) => log(`[server] ${l}`) });
console.log(`[integration] VS Code server ready at ${server.url} in ${server.startMs} ms`);
const { context, close } = await launchBrowser();
let exitCode = 1;
try {
  const page = await context.newPage();
  page.on('console', (m) => log(`[browser ${m.type()}] ${m.text()}`));
  const done = new Promise((resolve) => {
    page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = Array.isArray(args) ? args.map(String).join(' ') : String(args);
      log(`[host ${type}] ${text}`);
      // Show test progress lines readably.
      for (const line of text.split('\n')) if (/^(PASS|FAIL) |\d+ passed, \d+ failed|Error|activat/i.test(line.trim())) console.log(`  ${line.trim()}`);
    });
    page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
  });
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://remote${REPO}`],
    ['extensionTestsPath', `vscode-remote://remote${entry}`],
    ['skipWelcome', 'true'],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS);
  });
  const r = await Promise.race([done, timeout]);
  clearTimeout(timer);
  if (r === 'timeout') {
    await page.screenshot({ path: join(resultsDir, 'integration-timeout.png') }).catch(() => {});
    console.error(`[integration] FAILED: the extension host did not finish within ${TIMEOUT_MS / 1000} s (see ${logFile})`);
  } else {
    exitCode = r;
  }
} finally {
  await close();
  server.stop();
}
const resFile = join(resultsDir, 'integration.json');
if (existsSync(resFile)) {
  const res = JSON.parse(readFileSync(resFile, 'utf8'));
  for (const t of res.results)
    console.log(`${t.state === 'passed' ? '  ✓' : '  ✗'} ${t.title}${t.error ? `\n      ${t.error.split('\n').slice(0, 3).join('\n      ')}` : ''}`);
  console.log(`${res.passed} passed, ${res.failed} failed`);
  if (res.failed > 0 || res.passed === 0) exitCode = 1;
} else {
  console.log('0 passed, 1 failed (no results written: the suite did not run)');
  exitCode = 1;
}
console.log(`[integration] finished in ${secs()} s, full log: ${logFile}`);
process.exit(exitCode);
