// The packaged extension as an owner gets it: `npm run package`'s .vsix installed into the real VS
// Code host (code-server's VS Code server, headless Chromium), started with no Node.js on PATH,
// then the suite of test/vsix run inside it (Start Local Server on VS Code's own runtime, an
// emulated JuiceBox added and obeying). Prints "N passed, N failed".
//   npm run test:vsix
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { REPO } from './paths.mjs';
import { installVsix, startServer, tempDir } from './server.mjs';
import { launchBrowser } from './browser.mjs';
import { packageVsix, vsixEntries, vsixProblems } from '../../scripts/package.mjs';

const TIMEOUT_MS = 4 * 60_000;
const resultsDir = join(REPO, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const logFile = join(resultsDir, 'vsix-host.log');
writeFileSync(logFile, '');
const log = (line) => appendFileSync(logFile, line + '\n');
const t0 = Date.now();
rmSync(join(resultsDir, 'vsix.json'), { force: true });

const entry = join(REPO, 'dist/test/vsix/index.js');
if (!existsSync(entry)) {
  console.error(`missing ${entry}: run \`node esbuild.mjs --only=vsixtest\` first`);
  process.exit(1);
}
const vsix = join(tempDir('juicenet-vsix-'), 'juicenet-vscode.vsix');
const { bytes } = packageVsix(vsix);
const problems = vsixProblems(vsixEntries(vsix));
if (problems.length) {
  console.error(`[vsix] the package is not fit to ship:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`[vsix] packaged ${(bytes / 1024).toFixed(0)} KiB; installing it into the host`);
const dataDir = tempDir('juicenet-vsix-host-');
installVsix(dataDir, vsix);

// PATH without any folder that holds a `node`: the extension must not need one.
const hasNode = (d) => {
  try {
    return statSync(join(d, 'node')).isFile();
  } catch {
    return false;
  }
};
const path = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((d) => d && !hasNode(d))
  .join(delimiter);
const localData = tempDir('juicenet-vsix-local-');
const server = await startServer({
  dataDir,
  env: { PATH: path },
  settings: {
    // Free ports, and a data folder of its own.
    'juicenet.localServer.udpPort': '0',
    'juicenet.localServer.httpPort': 0,
    'juicenet.localServer.dataDir': join(localData, 'data'),
  },
  onLog: (l) => log(`[server] ${l}`),
});
console.log(`[vsix] VS Code server ready at ${server.url} (PATH without node: ${path})`);
const { context, close } = await launchBrowser();
let exitCode = 1;
try {
  const page = await context.newPage();
  page.on('console', (m) => log(`[browser ${m.type()}] ${m.text()}`));
  const done = new Promise((resolve) => {
    page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = Array.isArray(args) ? args.map(String).join(' ') : String(args);
      log(`[host ${type}] ${text}`);
      for (const line of text.split('\n')) if (/^(PASS|FAIL) |\d+ passed, \d+ failed/i.test(line.trim())) console.log(`  ${line.trim()}`);
    });
    page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
  });
  // The host runs extension tests only beside a development extension: an empty one, so that the
  // JuiceNet extension that runs is the installed one.
  const runner = tempDir('juicenet-vsix-runner-');
  writeFileSync(
    join(runner, 'package.json'),
    JSON.stringify({ name: 'vsix-test-runner', publisher: 'juicenet-tests', version: '0.0.1', engines: { vscode: '^1.100.0' } }),
  );
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://remote${runner}`],
    ['extensionTestsPath', `vscode-remote://remote${entry}`],
    ['skipWelcome', 'true'],
  ];
  await page.goto(`${server.url}/?folder=${encodeURIComponent(localData)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  let timer;
  const r = await Promise.race([done, new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS)))]);
  clearTimeout(timer);
  if (r === 'timeout') {
    await page.screenshot({ path: join(resultsDir, 'vsix-timeout.png') }).catch(() => {});
    console.error(`[vsix] FAILED: the extension host did not finish within ${TIMEOUT_MS / 1000} s (see ${logFile})`);
  } else exitCode = r;
} finally {
  await close();
  server.stop();
}
const resFile = join(resultsDir, 'vsix.json');
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
console.log(`[vsix] finished in ${((Date.now() - t0) / 1000).toFixed(1)} s, full log: ${logFile}`);
process.exit(exitCode);
