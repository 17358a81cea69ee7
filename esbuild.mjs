// One build script for every bundle of the project.
//   node esbuild.mjs                 build everything (development: source maps, no minify)
//   node esbuild.mjs --production    minify, with linked source maps
//   node esbuild.mjs --watch         rebuild on change
//   node esbuild.mjs --only=a,b      only the named targets (see `targets` below)
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const production = args.includes('--production');
const watch = args.includes('--watch');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length).split(',') : undefined;

/** All .ts files directly in a folder (used for benchmark and test entry points). */
function tsFiles(dir, suffix = '.ts') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f));
}

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? 'linked' : 'inline',
  minify: production,
  logLevel: 'warning',
  // better-sqlite3 (optional, only for a Node without node:sqlite) is a native module: found in
  // node_modules at run time if at all, never bundled (src/local/storage/better-sqlite3.ts).
  external: ['vscode', 'better-sqlite3'],
};

/** name -> esbuild options. */
const targets = {
  // Activation loads only this small bundle (the first paint); it requires dist/main.js right after.
  extension: { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  main: { ...node, entryPoints: ['src/main.ts'], outfile: 'dist/main.js' },
  // The demo's simulator, its own bundle: the extension requires it on first use (src/demo.ts).
  demo: { ...node, entryPoints: ['src/simulator/index.ts'], outfile: 'dist/simulator.js' },
  simulator: { ...node, entryPoints: ['src/simulator/cli.ts'], outfile: 'dist/simulator-cli.js' },
  local: { ...node, entryPoints: ['src/local/cli.ts'], outfile: 'dist/local-cli.js', banner: { js: '#!/usr/bin/env node' } },
  webview: {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: production ? 'linked' : 'inline',
    minify: production,
    logLevel: 'warning',
    entryPoints: { main: 'webview/main.ts', setup: 'webview/setup/main.ts' },
    outdir: 'dist/webview',
    loader: { '.css': 'css' },
  },
  bench: { ...node, entryPoints: tsFiles('bench'), outdir: 'dist/bench' },
  integration: {
    ...node,
    entryPoints: [...tsFiles('test/integration')],
    outdir: 'dist/test/integration',
    external: ['vscode', 'mocha', 'better-sqlite3'],
  },
  // The suite run in a host where the packaged .vsix is installed (test/host/run-vsix.mjs).
  vsixtest: {
    ...node,
    entryPoints: [...tsFiles('test/vsix')],
    outdir: 'dist/test/vsix',
    external: ['vscode', 'mocha', 'better-sqlite3'],
  },
};

function ready(name, opts) {
  const eps = Array.isArray(opts.entryPoints) ? opts.entryPoints : Object.values(opts.entryPoints);
  if (eps.length === 0 || !eps.every((e) => existsSync(e))) {
    console.warn(`esbuild: skipping ${name} (entry point missing)`);
    return false;
  }
  return true;
}

const chosen = Object.entries(targets).filter(([name, opts]) => (!only || only.includes(name)) && ready(name, opts));
mkdirSync('dist', { recursive: true });

if (watch) {
  for (const [name, opts] of chosen) {
    const ctx = await esbuild.context(opts);
    await ctx.watch();
    console.log(`esbuild: watching ${name}`);
  }
} else {
  const started = Date.now();
  await Promise.all(chosen.map(([, opts]) => esbuild.build(opts)));
  // uPlot's stylesheet ships beside the webview bundle (loaded by <link>, allowed by the CSP).
  if (chosen.some(([n]) => n === 'webview') && existsSync('node_modules/uplot/dist/uPlot.min.css')) {
    copyFileSync('node_modules/uplot/dist/uPlot.min.css', 'dist/webview/uPlot.min.css');
  }
  console.log(`esbuild: built ${chosen.map(([n]) => n).join(', ')} in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
