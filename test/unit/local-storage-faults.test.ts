// JuiceNet Local's start-up faults, each refused in words with what to do and nothing lost: a
// second server on the same data folder (named), a data folder this user may not use, a Node with
// no SQLite to keep the data, a taken port; and the account token, printed once when it is created
// and by `juicenet-local token` after that. Runs under Node 20 (better-sqlite3) and Node 24
// (node:sqlite) in `npm test`.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalServer } from '../../src/local/server';
import { checkSqliteDriver, openSqlite, StorageError } from '../../src/local/storage';
import { encodeReport } from '../../src/juicebox/codec';
import { tempDir } from './local-helpers';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'local-cli.js');

/** Runs the command to its end (a refusal) and returns what it said. */
function runCli(args: string[], opts: { uid?: number; gid?: number; cli?: string; env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(process.execPath, [opts.cli ?? CLI, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    uid: opts.uid,
    gid: opts.gid,
    env: opts.env ?? process.env,
  });
}

/** Starts the command and resolves once it prints its ready line. */
function startCli(args: string[]): Promise<{ stdout: () => string; stop(): Promise<number | null>; ready: { baseUrl: string; udpPort: number } }> {
  const proc = spawn(process.execPath, [CLI, ...args, '--ready-line'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^LOCAL_READY (\{.*\})$/m.exec(out);
      if (m)
        resolve({
          stdout: () => out,
          ready: JSON.parse(m[1]) as { baseUrl: string; udpPort: number },
          stop: () => {
            proc.kill('SIGTERM');
            return exited;
          },
        });
    });
    void exited.then((code) => reject(new Error(`juicenet-local exited (${code}) before it was ready: ${err}`)));
  });
}

const baseArgs = (dataDir: string) => ['--udp-port', '0', '--udp-host', '127.0.0.1', '--http-port', '0', '--data-dir', dataDir, '--time-zone', 'UTC'];

describe('JuiceNet Local start-up faults and the account token', function () {
  this.timeout(60_000);
  before(() => {
    const r = spawnSync(process.execPath, ['esbuild.mjs', '--only=local'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('prints the account token once, when it creates it; afterwards where it is kept, and `juicenet-local token` prints it', async () => {
    const tmp = tempDir();
    try {
      const dataDir = join(tmp.dir, 'data');
      const first = await startCli(baseArgs(dataDir));
      const token = readFileSync(join(dataDir, 'account-token'), 'utf8').trim();
      assert.match(first.stdout(), new RegExp(`Account token \\(new, shown this once\\): ${token}`));
      assert.equal(await first.stop(), 0);
      const second = await startCli(baseArgs(dataDir));
      assert.ok(!second.stdout().includes(token), 'a restart does not print the token');
      assert.match(second.stdout(), /Account token: kept in .*account-token; `juicenet-local token --data-dir .*` prints it/);
      assert.equal(await second.stop(), 0);
      const t = runCli(['token', '--data-dir', dataDir]);
      assert.equal(t.status, 0, t.stderr);
      assert.equal(t.stdout, `${token}\n`);
      const none = runCli(['token', '--data-dir', join(tmp.dir, 'nothing-here')]);
      assert.equal(none.status, 1);
      assert.match(none.stderr, /there is no account token in .* yet: start juicenet-local .* once/);
    } finally {
      tmp.remove();
    }
  });

  it('prints the machine line LOCAL_READY only with --ready-line', async () => {
    const tmp = tempDir();
    try {
      const proc = spawn(process.execPath, [CLI, ...baseArgs(join(tmp.dir, 'data'))], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      await new Promise<void>((resolve) =>
        proc.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (/Account token/.test(out)) resolve();
        }),
      );
      const exited = new Promise((r) => proc.on('exit', r));
      proc.kill('SIGTERM');
      await exited;
      assert.doesNotMatch(out, /LOCAL_READY/);
      assert.match(out, /JuiceNet API on http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      tmp.remove();
    }
  });

  it('refuses a second server on the same data folder, naming the one that runs; the first keeps serving', async () => {
    const tmp = tempDir();
    try {
      const dataDir = join(tmp.dir, 'data');
      const first = await startCli(baseArgs(dataDir));
      const second = runCli(baseArgs(dataDir));
      assert.equal(second.status, 1);
      assert.match(
        second.stderr,
        /The data folder .* is in use by JuiceNet Local process \d+ of user \S+, started \d{4}-\d\d-\d\d \d\d:\d\d UTC, its API on http:\/\/127\.0\.0\.1:\d+, UDP port \d+\./,
      );
      assert.ok(second.stderr.includes(first.ready.baseUrl), 'names the running one by its address');
      assert.match(second.stderr, /stop that one first .* or give this one another --data-dir/);
      // In the same process too (the extension's tests, a program that embeds the server).
      await assert.rejects(
        startLocalServer({ dataDir, udpPort: 0, udpHost: '127.0.0.1', httpPort: 0, log: () => undefined }),
        (e: Error) => e instanceof StorageError && e.code === 'locked',
      );
      // The first still answers a box.
      const sock = dgram.createSocket('udp4');
      const report = encodeReport('0910000000000000000000000042', [
        ['v', '09u'],
        ['s', '1'],
        ['V', '2400'],
        ['L', '00000001000'],
        ['S', '00'],
        ['T', '20'],
        ['M', '0040'],
        ['C', '0024'],
        ['m', '0040'],
        ['t', '30'],
        ['A', '00000'],
        ['E', '00000'],
        ['f', '6000'],
      ]);
      const reply = await new Promise<string>((resolve) => {
        sock.on('message', (m) => resolve(m.toString()));
        sock.send(report, first.ready.udpPort, '127.0.0.1');
      });
      sock.close();
      assert.match(reply, /^CMD/);
      assert.equal(await first.stop(), 0);
      // Once it stopped, the folder is free again.
      const again = await startCli(baseArgs(dataDir));
      assert.equal(await again.stop(), 0);
    } finally {
      tmp.remove();
    }
  });

  it('refuses a data folder this user cannot read and write, in words, and changes nothing in it', () => {
    const tmp = tempDir();
    try {
      const dataDir = join(tmp.dir, 'data');
      mkdirSync(dataDir, { mode: 0o700 });
      writeFileSync(join(dataDir, 'account-token'), '00000000-0000-4000-8000-000000000000\n', { mode: 0o600 });
      // As root, permissions do not stop the owner: run the command as another user (nobody).
      const asRoot = process.getuid?.() === 0;
      if (asRoot) chmodSync(tmp.dir, 0o755);
      else chmodSync(dataDir, 0o000);
      const as = asRoot ? { uid: 65534, gid: 65534 } : {};
      const r = runCli(baseArgs(dataDir), as);
      const t = runCli(['token', '--data-dir', dataDir], as);
      if (!asRoot) chmodSync(dataDir, 0o700);
      assert.equal(r.status, 1, r.stderr);
      assert.match(
        r.stderr,
        /The data folder .*data cannot be read and written by this user \(\S+\): EACCES on the folder\. Run JuiceNet Local as the user that owns the folder/,
      );
      assert.match(r.stderr, /sudo chown -R \S+ .*data/);
      assert.equal(readFileSync(join(dataDir, 'account-token'), 'utf8'), '00000000-0000-4000-8000-000000000000\n');
      assert.equal(t.status, 1);
      assert.match(t.stderr, /cannot read .*account-token \(EACCES\): run this as the user that owns the data folder \(for the service: sudo -u juicenet/);
    } finally {
      tmp.remove();
    }
  });

  it('says what to install when this Node has no node:sqlite and no better-sqlite3', () => {
    const tmp = tempDir();
    try {
      // The program alone in a folder with no node_modules: nothing to fall back on.
      const lone = join(tmp.dir, 'local-cli.js');
      copyFileSync(CLI, lone);
      const env = { ...process.env, JUICENET_LOCAL_SQLITE: 'better-sqlite3' };
      const r = runCli(baseArgs(join(tmp.dir, 'data')), { cli: lone, env });
      assert.equal(r.status, 1, r.stderr);
      assert.match(
        r.stderr,
        /JuiceNet Local needs Node\.js 22\.13 or later, whose built-in SQLite \(node:sqlite\) keeps its data; this is Node\.js [\d.]+ \(node:sqlite is missing and better-sqlite3 is not installed\)\. Install Node\.js 22 or later/,
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.throws(() => checkSqliteDriver({ JUICENET_LOCAL_SQLITE: 'sqlite4' }), /must be node:sqlite or better-sqlite3/);
    } finally {
      tmp.remove();
    }
  });

  it('says a taken port in words: which one, and the option that moves it', async () => {
    const tmp = tempDir();
    const taken = dgram.createSocket('udp4');
    await new Promise<void>((r) => taken.bind(0, '127.0.0.1', () => r()));
    try {
      const port = taken.address().port;
      const r = runCli(['--udp-port', String(port), '--udp-host', '127.0.0.1', '--http-port', '0', '--data-dir', join(tmp.dir, 'data')]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`UDP port ${port} \\(where the boxes report\\) is already in use on 127\\.0\\.0\\.1: another program listens there`));
      assert.match(r.stderr, /start this one on another port with --udp-port/);
      assert.doesNotMatch(r.stderr, /^juicenet-local: bind EADDRINUSE/m);
    } finally {
      taken.close();
      tmp.remove();
    }
  });

  it('reads and writes through the seam alike on this runtime: named values, rows as plain objects, nested transactions roll back', () => {
    const tmp = tempDir();
    try {
      const db = openSqlite(join(tmp.dir, 'x.sqlite'));
      db.exec('CREATE TABLE t (a INTEGER, b TEXT)');
      const ins = db.prepare('INSERT INTO t (a, b) VALUES (@a, @b)');
      assert.equal(ins.run({ a: 1, b: 'one' }).lastInsertRowid, 1);
      assert.throws(() =>
        db.transaction(() => {
          ins.run({ a: 2, b: 'two' });
          db.transaction(() => ins.run({ a: 3, b: 'three' }));
          throw new Error('no');
        }),
      );
      db.transaction(() => {
        ins.run({ a: 4, b: 'four' });
        assert.throws(() =>
          db.transaction(() => {
            ins.run({ a: 5, b: 'five' });
            throw new Error('inner');
          }),
        );
      });
      assert.deepEqual(db.prepare('SELECT a, b FROM t ORDER BY a').all(), [
        { a: 1, b: 'one' },
        { a: 4, b: 'four' },
      ]);
      assert.equal(db.prepare('SELECT b FROM t WHERE a = ?').get(9), undefined);
      db.close();
      assert.equal(db.isOpen, false);
    } finally {
      tmp.remove();
    }
  });
});
