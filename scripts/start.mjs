// `npm start`: a simulator of three chargers + the packaged extension in a real VS Code
// (code-server's VS Code server), URL printed. Ctrl-C (or SIGTERM) stops everything it started
// and removes its temporary folders (each child runs in its own process group).
//   PORT (default 8089), HOST (default 127.0.0.1)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../test/host/paths.mjs';
import { startServer, startSimulatorProcess, installVsix, tempDir } from '../test/host/server.mjs';
import { packageVsix, vsixEntries, vsixProblems } from './package.mjs';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8089);
const sim = await startSimulatorProcess(['--units', '3', '--speed', '60'], (l) => console.log(`[sim] ${l}`));
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const vsix = join(tempDir('juicenet-vsix-'), `${pkg.name}-${pkg.version}.vsix`);
console.log(`[start] packaging the extension → ${vsix}`);
try {
  packageVsix(vsix);
  const problems = vsixProblems(vsixEntries(vsix));
  if (problems.length) throw new Error(`the package is not fit to ship:\n  ${problems.join('\n  ')}`);
} catch (e) {
  console.error(`[start] ${e.message}`);
  sim.stop();
  process.exit(1);
}
const dataDir = tempDir('juicenet-start-');
installVsix(dataDir, vsix);
// No smoke-test driver here: it would keep notification toasts from showing.
const server = await startServer({
  host,
  port,
  dataDir,
  testDriver: false,
  settings: { 'juicenet.serverURL': sim.baseUrl, 'workbench.startupEditor': 'none' },
  env: { JUICENET_DEV_ACCOUNT_TOKEN: sim.accountToken },
});
console.log(`\nJuiceNet demo: open ${server.url}/?folder=${encodeURIComponent(REPO)}\n(simulator at ${sim.baseUrl}; Ctrl-C stops everything)`);
const stopAll = () => {
  server.stop();
  sim.stop();
  process.exit(0);
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
server.child.on('exit', (c) => {
  console.error(`[start] VS Code server exited (${c})`);
  sim.stop();
  process.exit(1);
});
