// `npm run package:local`: JuiceNet Local alone, as an npm package for the always-on machine:
// dist/juicenet-local-<version>.tgz, made by `npm pack` of a staged folder with its own
// package.json (a `juicenet-local` command, Node.js 22.13 or later, no dependency at all: the data
// is kept with Node's built-in SQLite). Install it with `npm install -g <file>`.
//   node scripts/package-local.mjs        (after `node esbuild.mjs --production --only=local`)
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '..', '..');
export const LOCAL_PACKAGE_NAME = 'juicenet-local';

const README = (version) => `# JuiceNet Local ${version}

The JuiceNet API (all 16 commands) for your own JuiceBoxes: it answers the boxes' UDP reports and
serves the JuiceNet HTTP API about them, so the JuiceNet extension for VS Code (and any old JuiceNet
client) works without the vendor's cloud. Needs Node.js 22.13 or later; nothing else.

    npm install -g ./juicenet-local-${version}.tgz
    juicenet-local --help
    juicenet-local --data-dir ~/.juicenet-local            (Ctrl-C stops it)
    juicenet-local token --data-dir ~/.juicenet-local      (the account token, to paste into VS Code)

To keep it running on a Linux machine, \`juicenet-local.service\` (in this package) is a systemd
unit: its header says how to install it. The project's README has the whole path, step by step.
`;

export function packageLocal() {
  const cli = join(REPO, 'dist', 'local-cli.js');
  if (!existsSync(cli)) throw new Error('dist/local-cli.js is missing: run `node esbuild.mjs --production --only=local` first');
  const project = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const stage = join(REPO, 'dist', 'juicenet-local-package');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  copyFileSync(cli, join(stage, 'local-cli.js'));
  chmodSync(join(stage, 'local-cli.js'), 0o755);
  copyFileSync(join(REPO, 'LICENSE'), join(stage, 'LICENSE'));
  copyFileSync(join(REPO, 'docs', 'juicenet-local.service'), join(stage, 'juicenet-local.service'));
  writeFileSync(join(stage, 'README.md'), README(project.version));
  const manifest = {
    name: LOCAL_PACKAGE_NAME,
    version: project.version,
    description: 'JuiceNet Local: the JuiceNet API for your own JuiceBox EV chargers, answering their UDP reports',
    license: project.license,
    keywords: ['juicebox', 'juicenet', 'ev', 'charger'],
    bin: { [LOCAL_PACKAGE_NAME]: 'local-cli.js' },
    engines: { node: '>=22.13' },
    files: ['local-cli.js', 'juicenet-local.service', 'README.md', 'LICENSE'],
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const r = spawnSync('npm', ['pack', '--json', '--pack-destination', join(REPO, 'dist')], { cwd: stage, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`.trim());
  const [info] = JSON.parse(r.stdout);
  const path = join(REPO, 'dist', info.filename);
  const files = info.files.map((f) => f.path).sort();
  rmSync(stage, { recursive: true, force: true });
  return { path, bytes: statSync(path).size, files, manifest };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { path, bytes, files } = packageLocal();
    console.log(`[package:local] ${path} (${(bytes / 1024).toFixed(0)} KiB: ${files.join(', ')})`);
    console.log(`[package:local] install it with: npm install -g ${path}`);
  } catch (e) {
    console.error(`[package:local] ${e.message}`);
    process.exit(1);
  }
}
