// `npm run package`: the production .vsix, with the store page of MARKETPLACE.md.
// Used by `npm start` too, so the run command installs exactly what a user would install.
//   node scripts/package.mjs [out.vsix]      (after `node esbuild.mjs --production`)
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(import.meta.url), '..', '..');
export const STORE_README = 'MARKETPLACE.md';

/** Packages the built extension into `out`; throws with vsce's reason when it fails. */
export function packageVsix(out = join(REPO, 'dist/juicenet-vscode.vsix')) {
  if (!existsSync(join(REPO, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run `node esbuild.mjs --production` first');
  // The store page's images are packaged beside it (see .vscodeignore) and linked relatively, so
  // they show in VS Code's extension page without a repository URL to rewrite them against.
  const r = spawnSync(
    process.execPath,
    [
      join(REPO, 'node_modules/@vscode/vsce/vsce'),
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      '--no-rewrite-relative-links',
      '--readme-path',
      STORE_README,
      '--out',
      out,
    ],
    { cwd: REPO, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`vsce package failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`.trim());
  return { path: out, bytes: statSync(out).size };
}

/** The names of the files in a .vsix (a zip), read from its central directory. */
export function vsixEntries(path) {
  const b = readFileSync(path);
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65557); i--)
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error(`${path} is not a zip file`);
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (b.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: broken central directory`);
    const nameLen = b.readUInt16LE(p + 28),
      extraLen = b.readUInt16LE(p + 30),
      commentLen = b.readUInt16LE(p + 32);
    names.push(b.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** The bytes of one file in a .vsix (a zip), found by its central directory entry. */
export function vsixFile(path, name) {
  const b = readFileSync(path);
  let eocd = b.length - 22;
  while (eocd >= 0 && b.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${path} is not a zip file`);
  let p = b.readUInt32LE(eocd + 16);
  for (let n = b.readUInt16LE(eocd + 10); n > 0; n--) {
    const method = b.readUInt16LE(p + 10),
      size = b.readUInt32LE(p + 20),
      nameLen = b.readUInt16LE(p + 28),
      extraLen = b.readUInt16LE(p + 30),
      commentLen = b.readUInt16LE(p + 32),
      local = b.readUInt32LE(p + 42);
    if (b.toString('utf8', p + 46, p + 46 + nameLen) === name) {
      const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
      const data = b.subarray(start, start + size);
      return method === 0 ? Buffer.from(data) : inflateRawSync(data);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${path} has no ${name}`);
}

/** What a .vsix must not carry (source maps, tests, benchmarks, sources) and must carry. */
export function vsixProblems(entries) {
  const problems = [];
  for (const e of entries) {
    if (/\.map$/.test(e)) problems.push(`source map packaged: ${e}`);
    if (/^extension\/(test|bench|src|webview|scripts|\.ci|\.host-cache|node_modules)\//.test(e)) problems.push(`not for users: ${e}`);
  }
  for (const must of [
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/dist/main.js',
    'extension/dist/simulator.js',
    // JuiceNet Local, run by Start Local Server on VS Code's own runtime (node:sqlite, no native module).
    'extension/dist/local-cli.js',
    'extension/dist/webview/main.js',
    'extension/readme.md',
    'extension/media/icon.png',
  ]) {
    if (!entries.some((e) => e.toLowerCase() === must.toLowerCase())) problems.push(`missing: ${must}`);
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { path, bytes } = packageVsix(process.argv[2] ? resolve(process.argv[2]) : undefined);
    const problems = vsixProblems(vsixEntries(path));
    if (problems.length) {
      console.error(`[package] ${path} is not fit to ship:\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    console.log(`[package] ${pkg.name} ${pkg.version}: ${path} (${(bytes / 1024).toFixed(0)} KiB)`);
  } catch (e) {
    console.error(`[package] ${e.message}`);
    process.exit(1);
  }
}
