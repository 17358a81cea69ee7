// The juicenet-local command: its help, the account token kept owner-only in the data folder,
// clean stops on SIGINT/SIGTERM, and durability: a server killed with SIGKILL in the middle of
// the boxes' traffic loses nothing it had acknowledged, and continues the open session.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../../src/local/storage';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import { post, tempDir } from './local-helpers';
import { freeUdpPort } from '../free-ports';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'local-cli.js');

interface Child {
  proc: ChildProcess;
  baseUrl: string;
  udpPort: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(args: string[]): Promise<Child> {
  const proc = spawn(process.execPath, [CLI, ...args, '--ready-line'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`juicenet-local did not start: ${err}`)), 15_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /LOCAL_READY (\{.*\})/.exec(out);
      if (m) {
        clearTimeout(timer);
        const ready = JSON.parse(m[1]) as { baseUrl: string; udpPort: number };
        resolve({ proc, baseUrl: ready.baseUrl, udpPort: ready.udpPort, stdout: () => out, stderr: () => err, exited });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`juicenet-local exited (${code}) before it was ready: ${err}`));
    });
  });
}

describe('juicenet-local (the command)', function () {
  this.timeout(90_000);
  before(() => {
    const r = spawnSync(process.execPath, ['esbuild.mjs', '--only=local'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('npm run local -- --help lists every option', () => {
    const r = spawnSync('npm', ['run', '--silent', 'local', '--', '--help'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const source = readFileSync(join(ROOT, 'src', 'local', 'cli.ts'), 'utf8');
    const flags = [...source.matchAll(/case '(--[a-z-]+)'/g)].map((m) => m[1]);
    assert.ok(flags.length >= 9, `found ${flags.length} options`);
    for (const f of flags) assert.ok(r.stdout.includes(f), `--help lists ${f}`);
  });

  it('docs/juicenet-local.service starts the installed command with options it has, grants ports below 1024, and says how to get the token', () => {
    // systemd-analyze verifies it against the installed package: test/package/local-package.test.ts.
    const unit = readFileSync(join(ROOT, 'docs', 'juicenet-local.service'), 'utf8');
    const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
    assert.match(exec, /^\/usr\/bin\/juicenet-local /);
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).stdout;
    for (const flag of exec.match(/--[a-z-]+/g) ?? []) assert.ok(help.includes(flag), `the service's ${flag} is an option`);
    assert.match(unit, /^User=juicenet$/m);
    assert.match(unit, /^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
    assert.match(unit, /sudo -u juicenet juicenet-local token --data-dir \/var\/lib\/juicenet-local/);
    assert.match(unit, /Node\.js 22\.13 or later \(Debian 12's own is 18/);
  });

  it('refuses a bad option with a message and exit code 2', () => {
    const r = spawnSync(process.execPath, [CLI, '--udp-port', 'eighty'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--udp-port needs a whole number/);
  });

  it('prints where it listens and the account token (once, when created), kept in the data folder with owner-only permissions; SIGTERM and SIGINT stop it cleanly', async () => {
    const tmp = tempDir();
    try {
      const dataDir = join(tmp.dir, 'data');
      const a = await startCli(['--udp-port', '0', '--udp-host', '127.0.0.1', '--http-port', '0', '--data-dir', dataDir]);
      const token = readFileSync(join(dataDir, 'account-token'), 'utf8').trim();
      assert.match(a.stdout(), /listening for JuiceBox reports on UDP port \d+/);
      assert.match(a.stdout(), /JuiceNet API on http:\/\/127\.0\.0\.1:\d+/);
      assert.ok(a.stdout().includes(`Account token (new, shown this once): ${token}`));
      assert.equal(statSync(join(dataDir, 'account-token')).mode & 0o777, 0o600);
      assert.equal(statSync(join(dataDir, 'juicenet-local.sqlite')).mode & 0o777, 0o600);
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      const units = await post(a.baseUrl, '/box_pin', { cmd: 'get_account_units', device_id: 't', account_token: token });
      assert.deepEqual(units.body.units, []);
      // The README's diagnostics command, as a user runs it.
      const curl = spawnSync('sh', ['-c', `curl -s -X POST ${a.baseUrl}/local/diagnostics -d "{\\"account_token\\": \\"$(cat ${dataDir}/account-token)\\"}"`], {
        encoding: 'utf8',
      });
      assert.equal(curl.status, 0, curl.stderr);
      const diag = JSON.parse(curl.stdout) as { success: boolean; waitingToBeAdded: string[]; server: { schemaVersion: number } };
      assert.equal(diag.success, true);
      assert.deepEqual(diag.waitingToBeAdded, []);
      assert.ok(diag.server.schemaVersion >= 1);
      a.proc.kill('SIGTERM');
      assert.deepEqual(await a.exited, { code: 0, signal: null });
      const b = await startCli(['--udp-port', '0', '--udp-host', '127.0.0.1', '--http-port', '0', '--data-dir', dataDir]);
      assert.equal(readFileSync(join(dataDir, 'account-token'), 'utf8').trim(), token, 'the same token after a restart');
      assert.ok(!b.stdout().includes(token), 'printed only when it was created');
      b.proc.kill('SIGINT');
      assert.deepEqual(await b.exited, { code: 0, signal: null });
      assert.ok(!a.stderr().includes(token) && !b.stderr().includes(token), 'the token is never logged');
    } finally {
      tmp.remove();
    }
  });

  it('--http-host opens the API beyond this machine only with a warning (and the diagnostics stay local)', async () => {
    const tmp = tempDir();
    try {
      const c = await startCli(['--udp-port', '0', '--udp-host', '127.0.0.1', '--http-port', '0', '--http-host', '0.0.0.0', '--data-dir', join(tmp.dir, 'd')]);
      await new Promise((r) => setTimeout(r, 100));
      assert.match(c.stderr(), /warning: listening on 0\.0\.0\.0, reachable from other machines/);
      c.proc.kill('SIGTERM');
      assert.equal((await c.exited).code, 0);
      const quiet = await startCli(['--udp-port', '0', '--udp-host', '127.0.0.1', '--http-port', '0', '--data-dir', join(tmp.dir, 'd')]);
      assert.doesNotMatch(quiet.stderr(), /warning/);
      quiet.proc.kill('SIGTERM');
      await quiet.exited;
    } finally {
      tmp.remove();
    }
  });

  it('survives kill -9 in the middle of the traffic: nothing acknowledged is lost and the open session continues', async () => {
    const tmp = tempDir();
    const dataDir = join(tmp.dir, 'data');
    const udpPort = await freeUdpPort();
    const args = ['--udp-port', String(udpPort), '--udp-host', '127.0.0.1', '--http-port', '0', '--data-dir', dataDir, '--time-zone', 'UTC'];
    let sim: RunningSimulator | undefined;
    let emu: JuiceBoxEmulator | undefined;
    let child: Child | undefined;
    try {
      child = await startCli(args);
      const token = readFileSync(join(dataDir, 'account-token'), 'utf8').trim();
      sim = await startSimulator({ units: 2, seed: 5, speed: 20, autoPlug: false, spareUnits: 0 });
      emu = await startJuiceBoxEmulator({ target: { host: '127.0.0.1', port: udpPort }, simulator: sim, tickMs: 20 });
      const id = sim.units[0].unitId;
      const e = emu;
      await e.waitFor(() => e.box(id).commandsObeyed >= 1, 10_000, 'a first reply');
      const add = await post(child.baseUrl, '/box_pin', { cmd: 'add_unit', device_id: 't', account_token: token, ID: id });
      assert.equal(add.body.success, true, JSON.stringify(add.body));
      const unitToken = add.body.token as string;
      const api = async (baseUrl: string, cmd: string, fields: Record<string, unknown> = {}) =>
        (await post(baseUrl, '/box_api_secure', { cmd, device_id: 't', token: unitToken, account_token: token, ...fields })).body;
      sim.plugIn(id, { energyToAddWh: 40000 });
      assert.equal((await api(child.baseUrl, 'set_limit', { amperage: 10 })).success, true);
      assert.equal((await api(child.baseUrl, 'set_info', { name: 'Carport' })).success, true);
      await e.waitFor(() => sim!.unit(id).ampsCurrent === 10, 10_000, 'charging at 10 A');
      const s0 = await api(child.baseUrl, 'get_state');
      await e.waitFor(() => e.box(id).commandsObeyed >= 12, 20_000, 'a dozen replies');
      // Acknowledged = answered: every reply the boxes got before the kill came after its sample was stored.
      const answered = e.boxes.reduce((n, b) => n + b.commandsObeyed, 0);
      child.proc.kill('SIGKILL');
      assert.equal((await child.exited).signal, 'SIGKILL');
      const db = openSqlite(join(dataDir, 'juicenet-local.sqlite'));
      const stored = db.prepare('SELECT COUNT(*) AS n FROM samples').get<{ n: number }>()!.n;
      const open = db.prepare('SELECT id, time_start FROM sessions WHERE open = 1 AND unit_id = ?').all<{ id: number; time_start: number }>(id);
      db.close();
      assert.ok(stored >= answered, `${stored} samples stored, ${answered} reports answered`);
      assert.equal(open.length, 1, 'the open session is stored');

      child = await startCli(args);
      const s1 = await api(child.baseUrl, 'get_state');
      assert.equal((s1.charging as Record<string, number>).amps_limit, 10, 'the limit set before the kill');
      assert.equal(s1.plug_unplug_time, s0.plug_unplug_time, 'the same session');
      assert.equal((await api(child.baseUrl, 'get_info')).name, 'Carport');
      await e.waitFor(() => e.box(id).commandsObeyed >= 20, 20_000, 'replies from the restarted server');
      sim.unplug(id);
      const c = child;
      const deadline = Date.now() + 10_000;
      let history: Record<string, number>[] = [];
      while (Date.now() < deadline) {
        history = (await api(c.baseUrl, 'get_history')).sessions as Record<string, number>[];
        if (history.length > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(history.length, 1, 'one session across the restart');
      assert.equal(history[0].id, open[0].id);
      assert.equal(history[0].time_start, open[0].time_start);
      const truth = sim.unit(id).sessions[0].energyWh;
      assert.ok(Math.abs(history[0].wh_energy - truth) <= 60, `session ${history[0].wh_energy} Wh vs the charger's ${truth} Wh`);
      child.proc.kill('SIGTERM');
      assert.equal((await child.exited).code, 0);
    } finally {
      await emu?.stop();
      await sim?.close();
      if (child && child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
      tmp.remove();
    }
  });
});
