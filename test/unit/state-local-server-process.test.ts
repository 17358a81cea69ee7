// The local server run as a child process (what "JuiceNet: Start Local Server" does), with the
// real dist/local-cli.js forked on this runtime as the editor forks it on its own (no Node.js on
// PATH needed): it starts and says where it listens, keeps the token off the log, stops on
// request, and a failure to start names its cause (a port in use, no permission for a port below
// 1024, another server on the same data folder, a runtime without SQLite, no Node.js at a
// configured path), is written to the log, and is dismissed by Stop.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalServerProcess, explainFailure, type LocalServerState } from '../../src/state/local-server-process';

const CLI = join(__dirname, '..', '..', 'dist', 'local-cli.js');

describe('local server child process', function () {
  this.timeout(30_000);
  let dir: string;
  const procs: LocalServerProcess[] = [];
  const make = (o: Partial<ConstructorParameters<typeof LocalServerProcess>[0]> = {}, lines: string[] = []) => {
    const p = new LocalServerProcess({
      cliPath: CLI,
      dataDir: dir,
      udpPorts: '0',
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

  it("starts on the editor's runtime with no Node.js on PATH, reports where it listens, keeps the token off the log, and stops", async () => {
    const lines: string[] = [];
    const p = make({ env: { PATH: join(dir, 'no-node-here') } }, lines);
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
      const s = await make({ udpPorts: taken.address().port }).start();
      assert.equal(s.kind, 'failed');
      assert.equal((s as Extract<LocalServerState, { kind: 'failed' }>).reason, 'port-in-use');
      assert.match((s as Extract<LocalServerState, { kind: 'failed' }>).message, new RegExp(`Port ${taken.address().port} is in use`));
    } finally {
      taken.close();
    }
  });

  it('names the server that already runs on the same data folder', async () => {
    const first = await make().start();
    assert.equal(first.kind, 'running', JSON.stringify(first));
    const lines: string[] = [];
    const s = await make({}, lines).start();
    assert.equal(s.kind, 'failed', JSON.stringify(s));
    const f = s as Extract<LocalServerState, { kind: 'failed' }>;
    assert.equal(f.reason, 'database-locked');
    if (first.kind === 'running') assert.ok(f.message.includes(`is in use by JuiceNet Local process ${first.pid}`), f.message);
    assert.ok(f.message.includes(first.kind === 'running' ? first.baseUrl : '?'), 'named by its address');
    assert.match(f.nextStep, /juicenet\.localServer\.dataDir/);
    assert.ok(
      lines.some((l) => l.startsWith('The local server could not start: The data folder')),
      `Show Log holds the failure: ${lines.join('\n')}`,
    );
  });

  it('a failure is dismissed by Stop', async () => {
    const p = make({ cliPath: join(dir, 'dist', 'local-cli.js') });
    assert.equal((await p.start()).kind, 'failed');
    await p.stop();
    assert.equal(p.state.kind, 'stopped');
  });

  it('says what to do on a runtime without SQLite (no node:sqlite, no better-sqlite3)', async () => {
    // The program alone, with nothing beside it to fall back on.
    mkdirSync(join(dir, 'lone'));
    const lone = join(dir, 'lone', 'local-cli.js');
    copyFileSync(CLI, lone);
    const s = await make({ cliPath: lone, dataDir: join(dir, 'data'), nodePath: process.execPath, env: { JUICENET_LOCAL_SQLITE: 'better-sqlite3' } }).start();
    assert.equal(s.kind, 'failed', JSON.stringify(s));
    const f = s as Extract<LocalServerState, { kind: 'failed' }>;
    assert.equal(f.reason, 'wrong-node');
    assert.match(f.message, /has no built-in SQLite \(node:sqlite, Node\.js 22\.13 or later\)/);
    assert.match(f.nextStep, /leave it empty to use the editor's own runtime/);
  });

  it("says that a broken installation without the server's program cannot start it, and what to do instead", async () => {
    const s = await make({ cliPath: join(dir, 'dist', 'local-cli.js') }).start();
    assert.equal(s.kind, 'failed');
    const f = s as Extract<LocalServerState, { kind: 'failed' }>;
    assert.match(f.message, /program is missing from this installation/);
    assert.match(f.nextStep, /Reinstall the JuiceNet extension/);
    assert.match(f.nextStep, /Connect to a Local Server/);
  });

  it('names a missing Node.js and says how to set one', async () => {
    const s = await make({ nodePath: join(dir, 'no-such-node') }).start();
    assert.equal(s.kind, 'failed');
    const f = s as Extract<LocalServerState, { kind: 'failed' }>;
    assert.equal(f.reason, 'no-node');
    assert.match(f.nextStep, /juicenet\.localServer\.nodePath/);
  });

  it('listens on every known port unless the setting narrows it, and refuses a setting that is not a list of ports', async () => {
    // A stand-in for the server's command line that says which arguments it was given.
    const echo = join(dir, 'echo-cli.js');
    writeFileSync(
      echo,
      `const a = process.argv.slice(2); const i = a.indexOf('--udp-port');
       console.log('LOCAL_READY ' + JSON.stringify({ baseUrl: 'http://127.0.0.1:1', udpPort: 8042, udpPorts: i < 0 ? [8042, 8047, 9004, 8055] : a[i + 1].split(',').map(Number) }));
       setInterval(() => {}, 1000);`,
    );
    const all = await make({ cliPath: echo, udpPorts: '' }).start();
    assert.equal(all.kind, 'running', JSON.stringify(all));
    assert.deepEqual((all as Extract<LocalServerState, { kind: 'running' }>).udpPorts, [8042, 8047, 9004, 8055]);
    const unset = await make({ cliPath: echo, udpPorts: undefined, dataDir: join(dir, 'b') }).start();
    assert.deepEqual((unset as Extract<LocalServerState, { kind: 'running' }>).udpPorts, [8042, 8047, 9004, 8055]);
    const narrowed = await make({ cliPath: echo, udpPorts: ' 8047, 8055 ', dataDir: join(dir, 'c') }).start();
    assert.deepEqual((narrowed as Extract<LocalServerState, { kind: 'running' }>).udpPorts, [8047, 8055]);
    const oldNumber = await make({ cliPath: echo, udpPorts: 8047, dataDir: join(dir, 'd') }).start();
    assert.deepEqual((oldNumber as Extract<LocalServerState, { kind: 'running' }>).udpPorts, [8047]);
    const lines: string[] = [];
    const bad = await make({ cliPath: echo, udpPorts: '8047;8055', dataDir: join(dir, 'e') }, lines).start();
    assert.equal(bad.kind, 'failed');
    const f = bad as Extract<LocalServerState, { kind: 'failed' }>;
    assert.equal(f.reason, 'bad-setting');
    assert.match(f.message, /juicenet\.localServer\.udpPort is not a list of UDP ports: .*"8047;8055"/);
    assert.match(f.nextStep, /Leave it empty to listen on every port JuiceBoxes use \(8042, 8047, 9004, 8055\)/);
    assert.ok(lines.some((l) => /could not start/.test(l)));
  });

  it('explains no permission for a port below 1024, and a Node.js of another version', () => {
    const low = explainFailure('juicenet-local: listen EACCES: permission denied 0.0.0.0:80\n', { udpPorts: '', httpPort: 80, nodePath: 'node' });
    assert.equal(low.reason, 'port-permission');
    assert.match(low.message, /port 80: ports below 1024 need administrator rights/);
    const abi = explainFailure('Error: The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.', {
      udpPorts: 8047,
      httpPort: 8080,
      nodePath: '/opt/node24/bin/node',
    });
    assert.equal(abi.reason, 'wrong-node');
  });
});
