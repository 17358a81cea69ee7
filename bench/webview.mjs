/* global customElements, queueMicrotask -- used inside page.evaluate / waitForFunction (run in the browser) */
// Unit panel benchmark (npm run bench:webview) -> bench/results/webview.json
//   - webview bundle size, production build (bytes, gzip)
//   - time to first paint of the panel page in Chromium, and time until the panel's UI is up
//   - time to draw a 10,000-point power plot with uPlot (target < 50 ms; median of several runs)
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import { readFile, mkdir, writeFile, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'bench-webview');
const RUNS = 9;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 100) / 100;

// 1. The production bundle, built as `npm run package` builds it.
await rm(OUT, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: ROOT, bundle: true, platform: 'browser', target: 'es2022', format: 'iife', minify: true, sourcemap: false,
  entryPoints: { main: 'webview/main.ts' }, outdir: OUT, loader: { '.css': 'css' }, logLevel: 'warning',
});
// A bench-only entry exposing the panel's real plot function.
await esbuild.build({
  absWorkingDir: ROOT, bundle: true, platform: 'browser', target: 'es2022', format: 'iife', minify: true,
  stdin: { contents: "import { drawPowerPlot } from './webview/history'; window.benchDrawPowerPlot = drawPowerPlot;", resolveDir: ROOT, loader: 'ts' },
  outfile: join(OUT, 'plot-bench.js'), logLevel: 'warning',
});
const js = await readFile(join(OUT, 'main.js'));
const css = await readFile(join(OUT, 'main.css'));
const uplotCss = await readFile(join(ROOT, 'node_modules/uplot/dist/uPlot.min.css'));
await writeFile(join(OUT, 'uPlot.min.css'), uplotCss);

// 2. Serve the panel's real HTML (strict CSP) from a local server.
const { renderPanelHtml } = await tsImport('../src/panel/html.ts', import.meta.url);
let origin = '';
const nonce = 'benchnonce';
const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', origin);
  if (url.pathname === '/panel.html' || url.pathname === '/plot.html') {
    const script = url.pathname === '/panel.html' ? `${origin}/main.js` : `${origin}/plot-bench.js`;
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(renderPanelHtml({ cspSource: origin, nonce, scriptUri: script, styleUris: [`${origin}/uPlot.min.css`, `${origin}/main.css`], unitId: 'BENCH', allowRemoteImages: false }));
    return;
  }
  const file = normalize(join(OUT, url.pathname));
  try {
    if (!file.startsWith(OUT)) throw new Error('outside');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/css' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
const stubVsCode = `window.acquireVsCodeApi = () => ({ postMessage() {}, getState() { return undefined; }, setState() {} });`;
try {
  // 3. First paint and "UI up" (custom elements defined, tabs rendered) of the panel page, fresh page each run.
  const fcp = [];
  const uiUp = [];
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await ctx.newPage();
    await page.addInitScript(stubVsCode);
    await page.goto(`${origin}/panel.html`);
    await page.waitForFunction(() => customElements.get('vscode-tabs') && document.querySelector('vscode-tabs')?.shadowRoot);
    uiUp.push(await page.evaluate(() => performance.now()));
    fcp.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? performance.getEntriesByType('paint')[0]?.startTime ?? NaN));
    await ctx.close();
  }

  // 4. 10,000-point power plot: the panel's drawPowerPlot, flushed to the canvas.
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await ctx.newPage();
  await page.addInitScript(stubVsCode);
  await page.goto(`${origin}/plot.html`);
  await page.waitForFunction(() => typeof window.benchDrawPowerPlot === 'function');
  const draws = await page.evaluate(async (runs) => {
    const n = 10_000;
    const t0 = 1_700_000_000;
    const points = Array.from({ length: n }, (_, i) => ({ t: t0 + i * 6, v: 7200 + 400 * Math.sin(i / 50) - (i > 9000 ? (i - 9000) * 7 : 0) }));
    const host = document.createElement('div');
    document.body.append(host);
    const times = [];
    for (let r = 0; r < runs; r++) {
      host.replaceChildren();
      const start = performance.now();
      const u = window.benchDrawPowerPlot(host, points, 1000);
      // uPlot commits its draw in a microtask: wait for it, then read a pixel to force the canvas work.
      await new Promise((res) => queueMicrotask(res));
      await Promise.resolve();
      host.querySelector('canvas').getContext('2d').getImageData(500, 100, 1, 1);
      times.push(performance.now() - start);
      if (u.data[0].length !== n) throw new Error('series length ' + u.data[0].length);
      u.destroy();
    }
    return times;
  }, RUNS);
  await ctx.close();

  const result = {
    measuredAt: new Date().toISOString(),
    machine: 'see README (2 cores)',
    chromium: browser.version(),
    bundle: {
      mainJsBytes: js.length,
      mainJsGzipBytes: gzipSync(js).length,
      mainCssBytes: css.length,
      uplotCssBytes: uplotCss.length,
      totalGzipBytes: gzipSync(js).length + gzipSync(css).length + gzipSync(uplotCss).length,
    },
    firstContentfulPaintMs: { median: round(median(fcp)), runs: fcp.map(round) },
    panelUiReadyMs: { median: round(median(uiUp)), runs: uiUp.map(round) },
    plot10kPointsMs: { median: round(median(draws)), runs: draws.map(round), targetMs: 50, pass: median(draws) < 50 },
  };
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'results', 'webview.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
}
