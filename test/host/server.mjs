// Starts the VS Code server embedded in code-server on a free loopback port, in its own process
// group (the extension host outlives the browser otherwise), and stops it by killing that group.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { node24Bin, serverMain, REPO as REPO_ROOT } from './paths.mjs';

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const running = new Set();
const tempDirs = new Set();

/** A fresh temporary folder, removed when this process exits (after the servers it holds are killed). */
export function tempDir(prefix) {
  hookExit();
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  const all = () => {
    for (const c of running) killGroup(c);
    running.clear();
    for (const d of tempDirs) {
      try {
        rmSync(d, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        /* best effort */
      }
    }
    tempDirs.clear();
  };
  process.on('exit', all);
  for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => {
      all();
      process.exit(130);
    });
  process.on('uncaughtException', (e) => {
    console.error(e);
    all();
    process.exit(1);
  });
  process.on('unhandledRejection', (e) => {
    console.error(e);
    all();
    process.exit(1);
  });
}

/** Spawns a command detached (own process group) and registers it for cleanup. */
export function spawnGroup(cmd, args, opts = {}) {
  hookExit();
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  running.add(child);
  child.on('exit', () => running.delete(child));
  return {
    child,
    stop: () => {
      killGroup(child);
      running.delete(child);
    },
  };
}

/**
 * testDriver (default true) starts the workbench with the smoke-test driver that the in-host tests
 * need; it also keeps notification toasts from showing, so the run command turns it off.
 * @param {{host?:string, port?:number, dataDir?:string, settings?:object, env?:object, testDriver?:boolean, onLog?:(line:string)=>void}} o
 */
export async function startServer(o = {}) {
  if (!existsSync(serverMain())) throw new Error('VS Code host not installed: run `npm run host:install` first');
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? (await freePort(host));
  const d = o.dataDir ?? tempDir('juicenet-host-');
  for (const sub of ['sd', 'ud/User', 'exts']) mkdirSync(join(d, sub), { recursive: true });
  if (o.settings) {
    // Server-side user settings (read by the remote extension host); the workbench also merges them.
    writeFileSync(join(d, 'ud/User/settings.json'), JSON.stringify(o.settings, null, 2));
    mkdirSync(join(d, 'sd/data/Machine'), { recursive: true });
    writeFileSync(join(d, 'sd/data/Machine/settings.json'), JSON.stringify(o.settings, null, 2));
  }
  const args = [
    serverMain(),
    '--host',
    host,
    '--port',
    String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    ...(o.testDriver === false ? [] : ['--enable-smoke-test-driver']),
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--server-data-dir',
    join(d, 'sd'),
    '--user-data-dir',
    join(d, 'ud'),
    '--extensions-dir',
    join(d, 'exts'),
  ];
  const t0 = Date.now();
  const { child, stop } = spawnGroup(node24Bin(), args, { env: { ...process.env, ...o.env } });
  const log = o.onLog ?? (() => {});
  let out = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`VS Code server did not become ready in 60 s. Output:\n${out}`)), 60_000);
    const onData = (b) => {
      const s = b.toString();
      out += s;
      for (const line of s.split('\n')) if (line.trim()) log(line);
      if (/Extension host agent listening on|Web UI available at|Server bound to/i.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`VS Code server exited (${code}) before ready:\n${out}`));
    });
  });
  try {
    await ready;
  } catch (e) {
    stop();
    throw e;
  }
  return { url: `http://${host}:${port}`, port, host, dataDir: d, child, stop, startMs: Date.now() - t0 };
}

/** Installs a .vsix into the given data dir's extensions folder. */
export function installVsix(dataDir, vsix) {
  const r = spawnSync(
    node24Bin(),
    [
      serverMain(),
      '--accept-server-license-terms',
      '--server-data-dir',
      join(dataDir, 'sd'),
      '--user-data-dir',
      join(dataDir, 'ud'),
      '--extensions-dir',
      join(dataDir, 'exts'),
      '--install-extension',
      vsix,
      '--force',
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (exit ${r.status})`);
}

/** Starts dist/simulator-cli.js as a child process group; resolves with its SIMULATOR_READY info. */
export async function startSimulatorProcess(args = [], onLog = () => {}) {
  const cli = join(REPO_ROOT, 'dist/simulator-cli.js');
  if (!existsSync(cli)) throw new Error(`missing ${cli}: run \`node esbuild.mjs\` first`);
  const { child, stop } = spawnGroup(process.execPath, [cli, '--port', '0', ...args]);
  let out = '';
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator not ready in 20 s:\n${out}`)), 20_000);
    const onData = (b) => {
      const s = b.toString();
      out += s;
      for (const line of s.split('\n')) if (line.trim()) onLog(line);
      const m = /SIMULATOR_READY (\{.*\})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited (${c}):\n${out}`));
    });
  }).catch((e) => {
    stop();
    throw e;
  });
  return { ...info, child, stop };
}
