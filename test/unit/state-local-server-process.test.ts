// The local server run as a child process (what "JuiceNet: Start Local Server" does), with the
// real dist/local-cli.js under this Node: it starts and says where it listens, keeps the token off
// the log, stops on request, and a failure to start names its cause: a port in use, no
// permission for a port below 1024, a database locked by another server, no Node.js.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LocalServerProcess, explainFailure, type LocalServerState } from '../../src/state/local-server-process';

const CLI = join(__dirname, '..', '..', 'dist', 'local-cli.js');

describe('local server child process', function () {
  this.timeout(30_000);
  let dir: string;
  const procs: LocalServerProcess[] = [];
  const make = (o: Partial<ConstructorParameters<typeof LocalServerProcess>[0]> = {}, lines: string[] = []) => {
    const p = new LocalServerProcess({
      cliPath: CLI,
      nodePath: process.execPath,
      dataDir: dir,
      udpPort: 0,
      httpPort: 0,
      udpHost: '127.0.0.1',
      log: (_l, line) => lines.push(line),
      ...o,
    });
    procs.push(p);
    return p;
  };
  before(function () {
    // The command line this test runs is the bundle the extension ships: build it when missing.
    if (!existsSync(CLI)) spawnSync(process.execPath, ['esbuild.mjs', '--only=local'], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
    if (!existsSync(CLI)) throw new Error(`missing ${CLI}: run \`node esbuild.mjs --only=local\` first`);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'juicenet-child-'));
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, reports where it listens, keeps the token off the log, and stops', async () => {
    const lines: string[] = [];
    const p = make({}, lines);
    const seen: string[] = [];
    p.onDidChange((s) => seen.push(s.kind));
    const s = await p.start();
    assert.equal(s.kind, 'running', JSON.stringify(s));
    if (s.kind !== 'running') return;
    assert.match(s.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${s.baseUrl}/local/health`);
    assert.equal(health.status, 200);
    const token = readFileSync(p.tokenFile, 'utf8').trim();
    assert.ok(
      lines.some((l) => /listening/.test(l)),
      lines.join('\n'),
    );
    assert.ok(!lines.some((l) => l.includes(token)), 'the token is not logged');
    await p.stop();
    assert.equal(p.state.kind, 'stopped');
    assert.deepEqual(seen, ['starting', 'running', 'stopped']);
    await assert.rejects(fetch(`${s.baseUrl}/local/health`));
  });

  it('names a UDP port in use', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((r) => taken.bind(0, '127.0.0.1', r));
    try {
      const s = await make({ udpPort: taken.address().port }).start();
      assert.equal(s.kind, 'failed');
      assert.equal((s as Extract<LocalServerState, { kind: 'failed' }>).reason, 'port-in-use');
      assert.match((s as Extract<LocalServerState, { kind: 'failed' }>).message, new RegExp(`Port ${taken.address().port} is in use`));
    } finally {
      taken.close();
    }
  });

  it('names a database locked by another server', async () => {
    // Another process holds the database in an exclusive write transaction.
    await make().start();
    await procs[0].stop();
    const db = new Database(join(dir, 'juicenet-local.sqlite'));
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    try {
      const s = await make().start();
      assert.equal(s.kind, 'failed', JSON.stringify(s));
      assert.equal((s as Extract<LocalServerState, { kind: 'failed' }>).reason, 'database-locked');
    } finally {
      db.exec('ROLLBACK');
      db.close();
    }
  });

  it('says that an installation without JuiceNet Local cannot start it, and what to run instead', async () => {
    const s = await make({ cliPath: join(dir, 'dist', 'local-cli.js') }).start();
    assert.equal(s.kind, 'failed');
    const f = s as Extract<LocalServerState, { kind: 'failed' }>;
    assert.match(f.message, /does not include JuiceNet Local/);
    assert.match(f.nextStep, /npm run local/);
    assert.match(f.nextStep, /Connect to a Local Server/);
  });

  it('names a missing Node.js and says how to set one', async () => {
    const s = await make({ nodePath: join(dir, 'no-such-node') }).start();
    assert.equal(s.kind, 'failed');
    const f = s as Extract<LocalServerState, { kind: 'failed' }>;
    assert.equal(f.reason, 'no-node');
    assert.match(f.nextStep, /juicenet\.localServer\.nodePath/);
  });

  it('explains no permission for a port below 1024, and a Node.js of another version', () => {
    const low = explainFailure('juicenet-local: listen EACCES: permission denied 0.0.0.0:80\n', { udpPort: 8047, httpPort: 80, nodePath: 'node' });
    assert.equal(low.reason, 'port-permission');
    assert.match(low.message, /port 80: ports below 1024 need administrator rights/);
    const abi = explainFailure('Error: The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.', {
      udpPort: 8047,
      httpPort: 8080,
      nodePath: '/opt/node24/bin/node',
    });
    assert.equal(abi.reason, 'wrong-node');
  });
});
