/* global customElements, queueMicrotask -- used inside page.evaluate / waitForFunction (run in the browser) */
// Unit panel benchmark (npm run bench:webview) -> bench/results/webview.json
//   - webview bundle size, production build (bytes, gzip)
//   - time to first paint of the panel page in Chromium, and time until the panel's UI is up
//   - time to draw a 10,000-point power plot with uPlot (target < 50 ms; median of several runs)
//   - Insights: time to compute the figures of a year of sessions and sum them per day, week, month
//     and year plus the calendar (target < 100 ms), at the charger's price and with a time-of-use
//     tariff over every session's power samples; the naive alternative (a filter over all sessions per
//     period, local dates by toLocaleDateString) measured in the same run; time to draw the bars
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import { readFile, mkdir, writeFile, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../test/host/browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'bench-webview');
const RUNS = 9;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 100) / 100;

// 1. The production bundle, built as `npm run package` builds it.
await rm(OUT, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  minify: true,
  sourcemap: false,
  entryPoints: { main: 'webview/main.ts' },
  outdir: OUT,
  loader: { '.css': 'css' },
  logLevel: 'warning',
});
// A bench-only entry exposing the panel's real plot function.
await esbuild.build({
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  minify: true,
  stdin: { contents: "import { drawPowerPlot } from './webview/history'; window.benchDrawPowerPlot = drawPowerPlot;", resolveDir: ROOT, loader: 'ts' },
  outfile: join(OUT, 'plot-bench.js'),
  logLevel: 'warning',
});
// A bench-only entry exposing the Insights tab's real maths and drawing.
await esbuild.build({
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  minify: true,
  stdin: {
    contents:
      "import { computeFigures, drawBars } from './webview/insights'; import { aggregate, calendar, PERIODS } from './src/domain/insights'; window.benchInsights = { computeFigures, drawBars, aggregate, calendar, PERIODS };",
    resolveDir: ROOT,
    loader: 'ts',
  },
  outfile: join(OUT, 'insights-bench.js'),
  loader: { '.css': 'css' },
  logLevel: 'warning',
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
  if (url.pathname === '/panel.html' || url.pathname === '/plot.html' || url.pathname === '/insights.html') {
    const script =
      url.pathname === '/panel.html' ? `${origin}/main.js` : url.pathname === '/plot.html' ? `${origin}/plot-bench.js` : `${origin}/insights-bench.js`;
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      renderPanelHtml({
        cspSource: origin,
        nonce,
        scriptUri: script,
        styleUris: [`${origin}/uPlot.min.css`, `${origin}/main.css`],
        unitKey: 'BENCH',
        allowRemoteImages: false,
      }),
    );
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

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
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
    fcp.push(
      await page.evaluate(
        () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? performance.getEntriesByType('paint')[0]?.startTime ?? NaN,
      ),
    );
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

  // 5. Insights over a year of sessions: the simulator's own year (with its power samples, 15-minute
  // buckets as the history cache keeps them), in the page, with the panel's real code.
  const { yearOfHistory } = await tsImport('../src/simulator/year-history.ts', import.meta.url);
  const endS = Math.floor(Date.UTC(2026, 10, 30) / 1000);
  const year = yearOfHistory({
    seed: 42,
    idBase: 100_000,
    endS,
    days: 365,
    zone: 'America/Los_Angeles',
    maxPowerW: 7680,
    batteryWh: 75_000,
    whPerMile: 300,
    savingsPerWh: 0.03,
    windowStartMin: 1380,
  });
  const sessions = year.map((s) => {
    // The plot the server would give at one sample per 15 minutes (mean power per bucket).
    const n = Math.min(200, Math.max(4, Math.ceil((s.timeEnd - s.timeStart) / 900)));
    const stepS = (s.timeEnd - s.timeStart) / n;
    const w = [];
    for (let i = 0; i < n; i++) {
      const b0 = s.timeStart + i * stepS;
      const b1 = b0 + stepS;
      let wh = 0;
      for (const [a, b, e] of s.intervals) {
        const overlap = Math.min(b, b1) - Math.max(a, b0);
        if (overlap > 0) wh += (e * overlap) / (b - a);
      }
      w.push(Math.round((wh * 3600) / stepS));
    }
    return {
      id: s.id,
      timeStart: s.timeStart,
      timeEnd: s.timeEnd,
      durationS: s.durationS,
      energyWh: s.energyWh,
      savingsCents: s.savingsCents,
      samples: { t0: s.timeStart, stepS, w },
    };
  });
  const charger = {
    unitId: 'BENCH',
    name: 'Garage',
    zone: 'America/Los_Angeles',
    ecostCents: 14,
    gasCentsPerGallon: 350,
    mpg: 25,
    whPerMile: 300,
    complete: true,
    newSessions: 0,
    samplesMissing: 0,
    sessions,
  };
  const tou = {
    mode: 'timeOfUse',
    weekday: [
      { from: '00:00', to: '07:00', centsPerKwh: 12 },
      { from: '07:00', to: '16:00', centsPerKwh: 24 },
      { from: '16:00', to: '21:00', centsPerKwh: 38 },
      { from: '21:00', to: '24:00', centsPerKwh: 24 },
    ],
    weekend: [{ from: '00:00', to: '24:00', centsPerKwh: 18 }],
  };
  const insightsCtx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const ipage = await insightsCtx.newPage();
  await ipage.addInitScript(stubVsCode);
  await ipage.goto(`${origin}/insights.html`);
  await ipage.waitForFunction(() => typeof window.benchInsights === 'object');
  const insights = await ipage.evaluate(
    async ({ runs, charger, tou, nowS }) => {
      const B = window.benchInsights;
      const flatData = { chargers: [charger], tariff: { mode: 'charger' }, co2GramsPerKwh: 373, nowS, scope: 'unit' };
      const touData = { ...flatData, tariff: tou };
      const full = (data) => {
        const c = B.computeFigures(data);
        const aggs = B.PERIODS.map((p) => B.aggregate(c.figures, p, c.today));
        const cal = B.calendar(c.figures, c.today, 53);
        return { c, aggs, cal };
      };
      // Naive: every period's buckets found by filtering all sessions, local dates from toLocaleDateString.
      const naive = (data) => {
        const fmt = (s) => new Date(s * 1000).toLocaleDateString('en-CA', { timeZone: data.chargers[0].zone });
        const rows = data.chargers[0].sessions.map((s) => ({
          date: fmt(s.timeStart),
          wh: s.energyWh,
          cents: (s.energyWh / 1000) * data.chargers[0].ecostCents,
        }));
        const today = fmt(nowS);
        const out = [];
        const days = [];
        for (let i = 0; i < 371; i++) days.push(fmt(nowS - i * 86400));
        for (const d of days) out.push(rows.filter((r) => r.date === d).reduce((a, r) => a + r.wh, 0));
        for (let m = 0; m < 12; m++) {
          const key = fmt(nowS - m * 30.4 * 86400).slice(0, 7);
          out.push(rows.filter((r) => r.date.startsWith(key)).reduce((a, r) => a + r.wh + r.cents, 0));
        }
        return [today, out.length];
      };
      const time = (fn) => {
        const t = [];
        for (let r = 0; r < runs; r++) {
          const s = performance.now();
          fn();
          t.push(performance.now() - s);
        }
        return t;
      };
      // One warm-up each (JIT, Intl formatters and the zone caches as the page would have them after the first load).
      // The first run is cold (zone offsets looked up with Intl, JIT): reported apart.
      const c0 = performance.now();
      full(flatData);
      const coldFlat = performance.now() - c0;
      const c1 = performance.now();
      full(touData);
      const coldTou = performance.now() - c1;
      naive(flatData);
      const flat = time(() => full(flatData));
      const touTimes = time(() => full(touData));
      const naiveTimes = time(() => naive(flatData));
      const { aggs } = full(flatData);
      const host = document.createElement('div');
      document.body.append(host);
      const draws = [];
      for (let r = 0; r < runs; r++) {
        host.replaceChildren();
        const s = performance.now();
        const u = B.drawBars(host, aggs[2], 'energy', 1000);
        await new Promise((res) => queueMicrotask(res));
        await Promise.resolve();
        host.querySelector('canvas').getContext('2d').getImageData(500, 100, 1, 1);
        draws.push(performance.now() - s);
        u.destroy();
      }
      const sessions = charger.sessions.length;
      const samples = charger.sessions.reduce((a, s) => a + s.samples.w.length, 0);
      return { sessions, samples, flat, tou: touTimes, naive: naiveTimes, draws, coldFlat, coldTou };
    },
    { runs: RUNS, charger, tou, nowS: endS + 3600 },
  );
  await insightsCtx.close();

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
    insightsYear: {
      sessions: insights.sessions,
      powerSamples: insights.samples,
      what: 'figures of every session + sums per day, week, month and year + the calendar',
      aggregateChargerPriceMs: { median: round(median(insights.flat)), runs: insights.flat.map(round) },
      aggregateTimeOfUseMs: { median: round(median(insights.tou)), runs: insights.tou.map(round) },
      naiveFilterPerPeriodMs: { median: round(median(insights.naive)), runs: insights.naive.map(round) },
      firstRunColdMs: { chargerPrice: round(insights.coldFlat), timeOfUse: round(insights.coldTou) },
      ratioToNaive: Math.round((median(insights.flat) / median(insights.naive)) * 10_000) / 10_000,
      drawBarsMs: { median: round(median(insights.draws)), runs: insights.draws.map(round) },
      targetMs: 100,
      pass: median(insights.flat) < 100 && median(insights.tou) < 100 && insights.coldFlat < 100 && insights.coldTou < 100,
    },
  };
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'results', 'webview.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
}
