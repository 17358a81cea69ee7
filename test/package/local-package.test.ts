// The standalone package of JuiceNet Local, installed as the README tells an owner to, on a Node
// with node:sqlite (run by `npm run test:unit:node24`): `npm run package:local`, `npm install -g`
// of the .tgz, `juicenet-local --help`, a start on free ports that answers a JuiceBox report,
// `juicenet-local token`, a clean stop; and the systemd unit it carries, verified by
// systemd-analyze against the installed command.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { encodeReport } from '../../src/juicebox/codec';
import { tempDir } from '../unit/local-helpers';

const ROOT = join(__dirname, '..', '..');

describe('the juicenet-local package, installed with npm install -g', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempDir>;
  let root: string;
  let tgz: string;
  let env: NodeJS.ProcessEnv;
  before(function () {
    const [major, minor] = process.versions.node.split('.').map(Number);
    assert.ok(major > 22 || (major === 22 && minor >= 13), `run under Node 22.13 or later (npm run test:unit:node24), not ${process.versions.node}`);
    tmp = tempDir('juicenet-local-package-');
    // A system root of its own: npm's global prefix /usr, as with NodeSource's Node.
    root = join(tmp.dir, 'root');
    env = { ...process.env, PATH: `${join(root, 'usr', 'bin')}${delimiter}${process.env.PATH ?? ''}` };
  });
  after(() => tmp?.remove());

  it('npm run package:local makes dist/juicenet-local-<version>.tgz: the command, its unit, no dependency, Node 22.13 or later', () => {
    const r = spawnSync('npm', ['run', 'package:local'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    tgz = join(ROOT, 'dist', `juicenet-local-${version}.tgz`);
    assert.ok(existsSync(tgz), r.stdout);
    console.log(
      `      ${r.stdout
        .trim()
        .split('\n')
        .find((l) => l.startsWith('[package:local]'))}`,
    );
  });

  it('installs with npm install -g (nothing but itself), and juicenet-local --help answers', () => {
    const install = spawnSync('npm', ['install', '-g', '--prefix', join(root, 'usr'), tgz, '--no-audit', '--no-fund'], { encoding: 'utf8', env });
    assert.equal(install.status, 0, install.stderr);
    const pkgDir = join(root, 'usr', 'lib', 'node_modules', 'juicenet-local');
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(manifest.bin, { 'juicenet-local': 'local-cli.js' });
    assert.deepEqual(manifest.engines, { node: '>=22.13' });
    assert.equal(manifest.dependencies, undefined);
    assert.ok(!existsSync(join(pkgDir, 'node_modules')), `installed nothing else: ${readdirSync(pkgDir).join(', ')}`);
    const help = spawnSync('juicenet-local', ['--help'], { encoding: 'utf8', env });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: juicenet-local \[options\]/);
    assert.match(help.stdout, /juicenet-local token/);
  });

  it('starts on free ports, answers a JuiceBox report, keeps its data with node:sqlite, prints the token by `juicenet-local token`, stops cleanly', async () => {
    const dataDir = join(tmp.dir, 'data');
    const proc = spawn('juicenet-local', ['--udp-port', '0', '--udp-host', '127.0.0.1', '--http-port', '0', '--data-dir', dataDir, '--ready-line'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    try {
      const ready = await new Promise<{ baseUrl: string; udpPort: number }>((resolve, reject) => {
        proc.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /^LOCAL_READY (\{.*\})$/m.exec(out);
          if (m) resolve(JSON.parse(m[1]) as { baseUrl: string; udpPort: number });
        });
        void exited.then((code) => reject(new Error(`juicenet-local exited (${code}): ${err}`)));
      });
      assert.match(out, /Data in .* \(SQLite: node:sqlite\)/);
      const sock = dgram.createSocket('udp4');
      const reply = await new Promise<string>((resolve) => {
        sock.on('message', (m) => resolve(m.toString()));
        sock.send(
          encodeReport('0910000000000000000000000077', [
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
          ]),
          ready.udpPort,
          '127.0.0.1',
        );
      });
      sock.close();
      assert.match(reply, /^CMD\d{5}A\d{4}M\d{3}C\d{3}S\d{3}!...\$$/, 'the box is answered with its limits');
      const token = spawnSync('juicenet-local', ['token', '--data-dir', dataDir], { encoding: 'utf8', env });
      assert.equal(token.status, 0, token.stderr);
      assert.match(out, new RegExp(`Account token \\(new, shown this once\\): ${token.stdout.trim()}`));
      const units = await fetch(`${ready.baseUrl}/box_pin`, {
        method: 'POST',
        body: JSON.stringify({ cmd: 'get_account_units', device_id: 't', account_token: token.stdout.trim() }),
      });
      assert.equal(((await units.json()) as { success: boolean }).success, true);
      console.log(`      ${out.trim().split('\n').slice(0, 3).join('\n      ')}`);
    } finally {
      proc.kill('SIGTERM');
    }
    assert.equal(await exited, 0, err);
  });

  it('the unit it carries passes systemd-analyze verify against the installed /usr/bin/juicenet-local', () => {
    const unit = join(root, 'usr', 'lib', 'node_modules', 'juicenet-local', 'juicenet-local.service');
    assert.match(readFileSync(unit, 'utf8'), /^ExecStart=\/usr\/bin\/juicenet-local /m);
    const doc = /^Documentation=file:\/\/(\S+)$/m.exec(readFileSync(unit, 'utf8'))?.[1];
    assert.ok(doc && existsSync(join(root, doc)), `the unit's documentation is installed with it: ${doc}`);
    mkdirSync(join(root, 'etc', 'systemd', 'system'), { recursive: true });
    cpSync(unit, join(root, 'etc', 'systemd', 'system', 'juicenet-local.service'));
    // The system's own units (sysinit.target and friends) in the root, as on a real machine.
    cpSync('/lib/systemd/system', join(root, 'usr', 'lib', 'systemd', 'system'), { recursive: true });
    const which = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' });
    assert.equal(which.status, 0, "systemd-analyze is missing: .ci/setup installs Debian's systemd for this check");
    const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, 'juicenet-local.service'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), '', r.stderr);
  });

  it("the README's steps name this package's file and the paths it installs", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**Keep it running**'), readme.indexOf('**Sign in from the extension**'));
    assert.ok(section.includes(`sudo npm install -g ./${basename(tgz)}`), 'the install line names the file package:local makes');
    const cp = /sudo cp (\S+) \/etc\/systemd\/system\//.exec(section)?.[1];
    assert.ok(cp && existsSync(join(root, cp)), `the unit is where the README copies it from: ${cp}`);
    assert.ok(section.includes('sudo -u juicenet juicenet-local token --data-dir /var/lib/juicenet-local'));
    // The ports the firewall step opens are the ones the service listens on by default.
    const help = spawnSync('juicenet-local', ['--help'], { encoding: 'utf8', env }).stdout;
    const ports = /known to use,\s+([\d,]+)/.exec(help)?.[1];
    assert.ok(ports && section.includes(`sudo ufw allow ${ports}/udp`), `the firewall step opens ${ports}`);
    assert.ok(section.includes('npm run package:local') && section.includes('juicenet-local --help'));
  });
});
