// juicenet-local --mqtt as an owner runs it (dist/local-cli.js in its own process) against a real
// Mosquitto with a password file: the password from a file or from JUICENET_MQTT_PASSWORD (never
// on the command line, never printed), the server "online" retained, and "offline" from the last
// will when the process is killed with SIGKILL. Bad MQTT options are refused in words.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker, watch, type Broker } from '../mqtt-broker';
import { tempDir } from './local-helpers';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'local-cli.js');

describe('juicenet-local --mqtt (the command, a real Mosquitto)', function () {
  this.timeout(60_000);
  const user = { name: 'house', password: 's3cret-Broker-pw' };
  let broker: Broker;
  const tmp = tempDir();

  before(async () => {
    const r = spawnSync(process.execPath, ['esbuild.mjs', '--only=local'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    broker = await startBroker({ user });
  });
  after(async () => {
    await broker?.dispose();
    tmp.remove();
  });

  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const proc = spawn(
      process.execPath,
      [CLI, '--data-dir', join(tmp.dir, 'data'), '--udp-port', '0', '--udp-host', '127.0.0.1', '--http-port', '0', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    return { proc, output: () => out, exited };
  };

  for (const how of ['a password file', 'the environment'] as const) {
    it(`takes the password from ${how}, publishes "online", and the last will says "offline" on kill -9`, async () => {
      const w = await watch(broker, ['juicenet/status']);
      try {
        const pwFile = join(tmp.dir, 'mqtt-password');
        writeFileSync(pwFile, `${user.password}\n`, { mode: 0o600 });
        const args = ['--mqtt', broker.url, '--mqtt-user', user.name, ...(how === 'a password file' ? ['--mqtt-password-file', pwFile] : [])];
        const child = run(args, how === 'the environment' ? { JUICENET_MQTT_PASSWORD: user.password } : {});
        try {
          await w.waitFor((m) => m.topic === 'juicenet/status' && m.payload === 'online', 20_000, 'online', 0);
          const from = w.mark();
          child.proc.kill('SIGKILL');
          await child.exited;
          await w.waitFor((m) => m.topic === 'juicenet/status' && m.payload === 'offline', 10_000, 'the last will', from);
          assert.match(child.output(), /MQTT: connected to 127\.0\.0\.1:\d+/);
          assert.ok(!child.output().includes(user.password), 'the password is never printed');
        } finally {
          child.proc.kill('SIGKILL');
        }
      } finally {
        await w.close();
      }
    });
  }

  it('--mqtt-check tests the broker with its user and password and says so in words', () => {
    const args = [CLI, '--mqtt', broker.url, '--mqtt-user', user.name, '--mqtt-check'];
    const ok = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 15_000, env: { ...process.env, JUICENET_MQTT_PASSWORD: user.password } });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^MQTT: connected to 127\.0\.0\.1:\d+ as house$/m);
    const bad = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 15_000, env: { ...process.env, JUICENET_MQTT_PASSWORD: 'not-it' } });
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /MQTT: cannot connect to 127\.0\.0\.1:\d+: the broker refused the user name or password/);
    assert.ok(!`${ok.stdout}${ok.stderr}${bad.stdout}${bad.stderr}`.includes(user.password));
  });

  it('refuses a password on the command line or in the address, and MQTT options without --mqtt, in words', () => {
    const cases: [string[], RegExp][] = [
      [['--mqtt', broker.url, '--mqtt-password', 'x'], /--mqtt-password is not taken: a password on the command line shows in process lists/],
      [['--mqtt', `mqtt://u:p@127.0.0.1:${broker.port}`], /put no user or password in the address/],
      [['--mqtt', 'http://127.0.0.1:1883'], /use mqtt:\/\/ \(plain\) or mqtts:\/\/ \(TLS\)/],
      [['--mqtt-user', 'x'], /the MQTT options need --mqtt URL/],
      [['--mqtt', broker.url, '--mqtt-user', 'u', '--mqtt-password-file', join(tmp.dir, 'missing')], /cannot read .*missing \(no such file\)/],
      [['--mqtt', broker.url, '--mqtt-compat', 'other'], /unknown topic set "other" \(use jpp\)/],
    ];
    for (const [args, words] of cases) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, words);
    }
  });
});
