// Runs every benchmark of the project in sequence and writes bench/results/summary.md: each figure
// next to its target and, where the same run measured one, the naive alternative.
//   npm run bench            (builds everything first: node esbuild.mjs && node bench/run-all.mjs)
//   node bench/run-all.mjs client load     (only the named ones; the summary still lists all)
// A benchmark that crashes or writes no fresh result is marked FAILED and the exit code is 1.
// A missed target is marked FAIL in the table; it fails the run only with BENCH_STRICT=1
// (timings on a shared 2-core machine are noisy; benchmarks are not tests).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');

/** name -> how to run it and where it writes. `missingNote`: a reason to skip instead of failing. */
const BENCHES = [
  { name: 'client', cmd: ['dist/bench/client.js'], result: 'client.json', needs: 'dist/simulator-cli.js' },
  { name: 'webview', cmd: ['bench/webview.mjs'], result: 'webview.json', needs: 'bench/webview.mjs' },
  { name: 'extension', cmd: ['bench/extension.mjs'], result: 'extension.json', needs: 'bench/extension.mjs' },
  { name: 'load', cmd: ['dist/bench/load.js'], result: 'load.json', needs: 'dist/bench/load.js' },
  { name: 'local', cmd: ['dist/bench/local.js'], result: 'local.json', needs: 'dist/local-cli.js' },
  { name: 'push', cmd: ['dist/bench/push.js'], result: 'push.json', needs: 'dist/bench/push.js' },
  { name: 'mqtt', cmd: ['dist/bench/mqtt.js'], result: 'mqtt.json', needs: 'dist/local-cli.js' },
  { name: 'smart', cmd: ['dist/bench/smart.js'], result: 'smart.json', needs: 'dist/bench/smart.js' },
  {
    name: 'soak',
    cmd: ['dist/bench/soak.js'],
    result: 'soak.json',
    needs: 'dist/bench/soak.js',
    skipWhenMissing: 'dist/bench/soak.js does not exist (bench/soak.ts not written or not built yet)',
  },
];

const only = process.argv.slice(2);
const started = Date.now();
const loadAtStart = loadavg()[0];

function run(b) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, b.cmd, { cwd: ROOT, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve({ code: code ?? 1, signal, seconds: (Date.now() - t0) / 1000 }));
    child.on('error', (e) => resolve({ code: 1, error: String(e), seconds: (Date.now() - t0) / 1000 }));
  });
}

/** status: ok | failed | skipped | not-run */
const outcomes = {};
for (const b of BENCHES) {
  if (only.length && !only.includes(b.name)) {
    outcomes[b.name] = { status: 'not-run', note: 'not selected in this run' };
    continue;
  }
  if (!existsSync(join(ROOT, b.needs))) {
    outcomes[b.name] = b.skipWhenMissing
      ? { status: 'skipped', note: b.skipWhenMissing }
      : { status: 'failed', note: `${b.needs} is missing (run \`node esbuild.mjs\` first, or use \`npm run bench\`)` };
    console.log(`\n=== ${b.name}: ${outcomes[b.name].status}: ${outcomes[b.name].note}`);
    continue;
  }
  console.log(`\n=== ${b.name}: node ${b.cmd.join(' ')}`);
  const file = join(RESULTS, b.result);
  const before = Date.now();
  const r = await run(b);
  const fresh = existsSync(file) && statSync(file).mtimeMs >= before - 1000;
  const exitNote = `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.error ? `: ${r.error}` : ''}`;
  if (r.code !== 0 && fresh) {
    // It ran and wrote its figures but judged them a failure (e.g. the soak's own checks): show them.
    outcomes[b.name] = { status: 'failed', withResult: true, seconds: r.seconds, note: `${exitNote}, results written` };
  } else if (r.code !== 0) outcomes[b.name] = { status: 'failed', seconds: r.seconds, note: exitNote };
  else if (!fresh) outcomes[b.name] = { status: 'failed', seconds: r.seconds, note: `exited 0 but did not write bench/results/${b.result}` };
  else outcomes[b.name] = { status: 'ok', seconds: r.seconds };
  console.log(`=== ${b.name}: ${outcomes[b.name].status} in ${r.seconds.toFixed(1)} s${outcomes[b.name].note ? ` (${outcomes[b.name].note})` : ''}`);
}

// ---- summary ----
const read = (f) => {
  try {
    return JSON.parse(readFileSync(join(RESULTS, f), 'utf8'));
  } catch {
    return undefined;
  }
};
const get = (o, path) => path.split('.').reduce((x, k) => (x == null ? undefined : x[k]), o);
const n = (x, digits = 1) => (typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: digits }) : '—');
const ms = (x) => (typeof x === 'number' ? `${n(x)} ms` : '—');
const bytes = (x) => (typeof x === 'number' ? `${n(x, 0)} B (${x >= 1024 * 1024 ? `${n(x / 1024 / 1024, 2)} MiB` : `${n(x / 1024, 1)} KiB`})` : '—');
const mib = (x) => (typeof x === 'number' ? `${n(x)} MiB` : '—');
const verdict = (p) => (p === true ? 'pass' : p === false ? '**FAIL**' : 'info');

/** Rows per benchmark: [figure, measured, target, naive alternative (same run), pass?] */
const ROWS = {
  client: (j) => [
    [
      '1,000 get_state, wall (median)',
      ms(get(j, 'client.wallMsMedian')),
      `< ${j.targets?.wallMs} ms`,
      `${ms(get(j, 'naive.wallMsMedian'))} (sequential fetch, keep-alive); ${ms(get(j, 'naiveConnectionPerRequest.wallMsMedian'))} (a connection per request)`,
      j.pass?.wallMs,
    ],
    [
      'sockets opened per round',
      n(get(j, 'client.socketsOpenedMax')),
      `≤ ${j.targets?.sockets}`,
      `${n(get(j, 'naive.serverConnectionsMedian'))} connections`,
      j.pass?.sockets,
    ],
    ['speed-up over naive', `${n(j.speedupVsNaive)}×`, `≥ ${j.targets?.speedupVsNaive}×`, '1×', j.pass?.speedupVsNaive],
    ['peak RSS of the client process (simulator in its own process)', mib(j.peakRssMiB), '—', '—', undefined],
  ],
  webview: (j) => [
    ['panel bundle, gzip (js + css)', bytes(get(j, 'bundle.totalGzipBytes')), '—', '—', undefined],
    ['panel first contentful paint (median)', ms(get(j, 'firstContentfulPaintMs.median')), '—', '—', undefined],
    ['panel UI ready (median)', ms(get(j, 'panelUiReadyMs.median')), '—', '—', undefined],
    [
      '10,000-point power plot (median)',
      ms(get(j, 'plot10kPointsMs.median')),
      `< ${get(j, 'plot10kPointsMs.targetMs')} ms`,
      '—',
      get(j, 'plot10kPointsMs.pass'),
    ],
    [
      `Insights: a year (${n(get(j, 'insightsYear.sessions'), 0)} sessions) figured and summed per day/week/month/year + calendar, charger price (median)`,
      ms(get(j, 'insightsYear.aggregateChargerPriceMs.median')),
      `< ${get(j, 'insightsYear.targetMs')} ms`,
      `${ms(get(j, 'insightsYear.naiveFilterPerPeriodMs.median'))} (filter per period; ratio ${get(j, 'insightsYear.ratioToNaive')})`,
      get(j, 'insightsYear.pass'),
    ],
    [
      `… with a time-of-use tariff over ${n(get(j, 'insightsYear.powerSamples'), 0)} power samples (median)`,
      ms(get(j, 'insightsYear.aggregateTimeOfUseMs.median')),
      `< ${get(j, 'insightsYear.targetMs')} ms`,
      '—',
      get(j, 'insightsYear.pass'),
    ],
    [
      '… first (cold) run, charger price / time-of-use',
      `${ms(get(j, 'insightsYear.firstRunColdMs.chargerPrice'))} / ${ms(get(j, 'insightsYear.firstRunColdMs.timeOfUse'))}`,
      `< ${get(j, 'insightsYear.targetMs')} ms`,
      '—',
      get(j, 'insightsYear.pass'),
    ],
    ['… drawing the bars (median)', ms(get(j, 'insightsYear.drawBarsMs.median')), '—', '—', undefined],
  ],
  extension: (j) => [
    [
      `activation in the host: code load + activate() (median of ${get(j, 'activation.runs')?.length})`,
      `${ms(get(j, 'activation.medianMs'))} = ${n(get(j, 'activation.vsEmptyMedian'), 1)}x the empty extension`,
      `≤ ${j.targets?.activationVsEmpty}x the empty extension's`,
      `${ms(get(j, 'activation.emptyExtensionMedianMs'))} (an empty extension, same host and run)`,
      j.pass?.activationVsEmpty,
    ],
    ['… of which code load / activate()', `${ms(get(j, 'activation.codeLoadMedianMs'))} / ${ms(get(j, 'activation.activateMedianMs'))}`, '—', '—', undefined],
    ['… host total incl. context preparation', ms(get(j, 'activation.hostTotalMedianMs')), '—', '—', undefined],
    [
      'require() alone, quiet Node: the activation bundle / dist/main.js (after the first paint)',
      `${ms(get(j, 'activation.requireIsolated.productionMsMedian'))} / ${ms(get(j, 'activation.requireIsolated.mainJsMsMedian'))}`,
      '—',
      `${ms(get(j, 'activation.requireIsolated.naiveDevBundleMsMedian'))} (main as a dev bundle)`,
      undefined,
    ],
    [
      'production bundles: dist/extension.js (activation) + dist/main.js (after the first paint)',
      `${bytes(get(j, 'bundle.extensionJsBytes'))} + ${bytes(get(j, 'bundle.mainJsBytes'))}`,
      `< ${bytes(j.targets?.bundleBytes)}`,
      `${bytes(get(j, 'bundle.naiveUnbundled.bytes'))} (undici + zod unbundled)`,
      j.pass?.bundleBytes,
    ],
    [
      `the .vsix (npm run package, ${n(get(j, 'bundle.vsix.files'), 0)} files, no source maps, tests or sources)`,
      bytes(get(j, 'bundle.vsix.bytes')),
      `< ${bytes(j.targets?.vsixBytes)}`,
      `${bytes(get(j, 'bundle.vsix.sourceMapsLeftOutBytes'))} of source maps left out`,
      j.pass?.vsixBytes,
    ],
    ['… gzip', bytes(get(j, 'bundle.extensionJsGzipBytes')), '—', '—', undefined],
    [
      `get_state in ${n(get(j, 'polling.hidden.windowS'), 0)} s, view hidden, status bar off`,
      n(get(j, 'polling.hidden.getState')),
      '0',
      '—',
      j.pass?.hiddenGetState,
    ],
    [
      `get_state in ${n(get(j, 'polling.visible.windowS'), 0)} s, view visible, ${get(j, 'polling.units')} units (intervals ${(get(j, 'polling.visible.units') ?? []).map((u) => `${u.updateIntervalS}→${u.clampedS}`).join(', ')} s)`,
      n(get(j, 'polling.visible.getState')),
      `${n(get(j, 'polling.visible.expected'))} ± ${j.targets?.visibleToleranceRequests}`,
      '—',
      j.pass?.visibleGetState,
    ],
  ],
  load: (j) => [
    [
      `sign-in of ${n(j.units, 0)} units through the store (state + info + schedule)`,
      ms(get(j, 'store.firstLoadMs')),
      `< ${j.targets?.firstLoadMs} ms`,
      '—',
      j.pass?.firstLoadMs,
    ],
    [
      `refreshAll of ${n(j.units, 0)} units (median)`,
      ms(get(j, 'store.refreshAllMsMedian')),
      `< ${j.targets?.refreshAllMs} ms`,
      `${ms(get(j, 'naiveEveryEventTree.refreshAllMsMedian'))} (tree re-rendered per event)`,
      j.pass?.refreshAllMs,
    ],
    [
      'event-loop delay, max (sign-in / refreshes)',
      `${ms(get(j, 'store.firstLoadEventLoop.maxMs'))} / ${ms(get(j, 'store.refreshEventLoopMaxMs'))}`,
      `< ${j.targets?.eventLoopMaxMs} ms`,
      `${ms(get(j, 'naiveEveryEventTree.refreshEventLoopMaxMs'))} (per-event tree)`,
      j.pass?.eventLoopMaxMs,
    ],
    ['tree re-render of 1,000 rows (max of 20)', ms(get(j, 'tree.snapshotMsMax')), `< ${j.targets?.treeSnapshotMaxMs} ms`, '—', j.pass?.treeSnapshotMaxMs],
    [
      'tree cost per row / the least a row can be (same rows, same run)',
      `${n(get(j, 'tree.perRowUs'), 2)} us / ${n(get(j, 'tree.referencePerRowUs'), 2)} us = ${n(get(j, 'tree.perRowRatioToReference'), 1)}x`,
      `< 10 x ${n(get(j, 'tree.perRowRatioWhenSet'), 1)}x`,
      `${n(get(j, 'tree.referencePerRowUs'), 2)} us (name, state, power only)`,
      j.pass?.perRowRatio,
    ],
    ['heap for 1,000 units (after GC)', mib(get(j, 'memory.heapDeltaMiB')), `< ${j.targets?.heapDeltaMiB} MiB`, '—', j.pass?.heapDeltaMiB],
    ['RSS of the extension side after load', mib(get(j, 'memory.rssAfterMiB')), '—', '—', undefined],
    [
      `simulator, ${n(j.units, 0)} units at speed ${get(j, 'simulator.speed')}: peak RSS`,
      mib(get(j, 'simulator.peakRssMiB')),
      `< ${j.targets?.simRssMiB} MiB`,
      '—',
      j.pass?.simRssMiB,
    ],
    [
      'simulator: get_state round over all units, clock running (median)',
      ms(get(j, 'simulator.getStateRoundMsMedian')),
      `< ${j.targets?.simGetStateRoundMs} ms`,
      '—',
      j.pass?.simGetStateRoundMs,
    ],
  ],
};

ROWS.push = (j) => [
  [
    `report reaching the local server -> charger row changed, push p50 / p95 (${n(j.push?.n, 0)} reports)`,
    `${ms(j.push?.p50)} / ${ms(j.push?.p95)}`,
    `p95 < ${j.targets?.pushP95Ms} ms`,
    `${ms(j.polling?.p50)} / ${ms(j.polling?.p95)} (polling, same reports; ×${n(j.ratioPollingToPushP95, 0)} at p95)`,
    j.pass?.pushP95Ms,
    'pushP95Ms',
  ],
];

ROWS.mqtt = (j) => [
  [
    `report -> state published on MQTT, p50 / p99 (${n(j.boxes, 0)} boxes, ${n(j.reportsPerSecond, 0)} reports/s)`,
    `${ms(get(j, 'reportToPublishMs.p50'))} / ${ms(get(j, 'reportToPublishMs.p99'))}`,
    '—',
    '—',
    undefined,
  ],
  [
    'command -> the next UDP reply carrying it, p50 / p99 (MQTT max_current/set)',
    `${ms(get(j, 'commandToReplyMs.mqtt.p50'))} / ${ms(get(j, 'commandToReplyMs.mqtt.p99'))}`,
    '—',
    `${ms(get(j, 'commandToReplyMs.httpSetLimit.p50'))} / ${ms(get(j, 'commandToReplyMs.httpSetLimit.p99'))} (HTTP set_limit)`,
    undefined,
  ],
  [
    'UDP reply p99 in the server, MQTT on / off (median of runs)',
    `${ms(get(j, 'udpReplyMs.mqttOnServerP99'))} / ${ms(get(j, 'udpReplyMs.mqttOffServerP99'))} (${n(get(j, 'udpReplyMs.growthPct'))} %)`,
    `grows < ${j.targets?.replyP99GrowthPct} %`,
    `MQTT off: ${ms(get(j, 'udpReplyMs.mqttOffServerP99'))}`,
    j.pass?.replyP99GrowthPct,
    'replyP99GrowthPct',
  ],
];

ROWS.smart = (j) => [
  [
    `circuits: reported currents over the circuit (${n(get(j, 'circuits.boxHours'), 0)} virtual box-hours, random churn)`,
    n(j.violations, 0),
    `${j.targets?.violations} over ≥ ${n(j.targets?.boxHoursAtLeast, 0)} box-hours`,
    `${n(get(j, 'circuits.naiveNoSharing.violations'), 0)} (no sharing)`,
    j.pass?.violations,
    'violations',
  ],
  [
    'circuits: use of the circuit while the cars want more',
    `${n((j.utilisation ?? NaN) * 100)} %`,
    `≥ ${n((j.targets?.utilisationAtLeast ?? NaN) * 100, 0)} %`,
    `${n((get(j, 'circuits.naiveFixedSplit.utilisation') ?? NaN) * 100)} % (a fixed split)`,
    j.pass?.utilisation,
    'utilisation',
  ],
  [
    `ready by: cost of the plans / charging at plug-in (${n(j.deadlinesTotal, 0)} sessions of a year, default tariff)`,
    `${n(j.readyByCostRatio, 3)} (${n(j.deadlinesMet, 0)} deadlines met)`,
    `≤ ${j.targets?.readyByCostRatioAtMost}, every deadline a plan can meet`,
    '1 (charging at plug-in)',
    j.pass?.readyByCostRatio && j.pass?.deadlinesMet,
    'readyByCostRatio',
    'deadlinesMet',
  ],
  [
    'solar: share of the car energy from surplus / limit changes per hour',
    `${n((j.solarShare ?? NaN) * 100)} % / ${n(j.limitChangesPerHour)}`,
    'more than a fixed limit',
    `${n((j.solarShareFixedLimit ?? NaN) * 100)} % (fixed limit) / ${n(j.limitChangesPerHourEveryReading)} (following every reading)`,
    j.pass?.solarShare,
    'solarShare',
  ],
];

ROWS.local = (j) => [
  [
    `reports handled (${n(j.boxes, 0)} boxes every ${j.reportIntervalS} s virtual, ×${j.speed})`,
    `${n(get(j, 'server.reports'), 0)} at ${n(get(j, 'server.reportsPerSecond'), 0)}/s`,
    `≥ ${n(j.targets?.reportsAtLeast, 0)}`,
    `${n(get(j, 'baselineFixedReply.reportsPerSecond'), 0)}/s (fixed-reply UDP server)`,
    j.pass?.reports,
    'reports',
  ],
  [
    'reply latency in the server (received -> sent) p50 / p99',
    `${ms(get(j, 'server.replyMs.p50'))} / ${ms(get(j, 'server.replyMs.p99'))}`,
    `p99 < ${j.targets?.replyP99Ms} ms`,
    `handling alone ${ms(get(j, 'server.handlingMs.p50'))} / ${ms(get(j, 'server.handlingMs.p99'))}`,
    j.pass?.replyP99Ms,
    'replyP99Ms',
  ],
  [
    'reply latency seen by the boxes p50 / p99',
    `${ms(get(j, 'server.replyMsSeenByBoxes.p50'))} / ${ms(get(j, 'server.replyMsSeenByBoxes.p99'))}`,
    '—',
    `${ms(get(j, 'baselineFixedReply.replyMs.p50'))} / ${ms(get(j, 'baselineFixedReply.replyMs.p99'))} (fixed-reply server)`,
    undefined,
  ],
  [
    'valid reports left unanswered',
    n(get(j, 'server.unanswered'), 0),
    `${j.targets?.unanswered}`,
    n(get(j, 'baselineFixedReply.unanswered'), 0),
    j.pass?.unanswered,
    'unanswered',
  ],
  [
    'server CPU per report / share of one core',
    `${n(get(j, 'server.cpuMsPerReport'), 3)} ms / ${n((get(j, 'server.cpuShareOfOneCore') ?? NaN) * 100)} %`,
    '—',
    `${n(get(j, 'baselineFixedReply.cpuMsPerReport'), 3)} ms (fixed-reply server)`,
    undefined,
  ],
  [
    'server RSS idle / peak',
    `${mib(get(j, 'server.rssIdleMiB'))} / ${mib(get(j, 'server.peakRssMiB'))}`,
    '—',
    mib(get(j, 'baselineFixedReply.peakRssMiB')),
    undefined,
  ],
  [
    'database per box-month (typical / a report every 10 s)',
    `${mib(get(j, 'database.perBoxMonthTypicalMiB'))} / ${mib(get(j, 'database.perBoxMonthWorstMiB'))}`,
    '—',
    `${n(get(j, 'database.bytesPerSample'), 0)} B per sample`,
    undefined,
  ],
  [
    `get_history over a year (${n(get(j, 'history.sessionsInYear'), 0)} sessions), median / whole year in ${n(get(j, 'history.wholeYearPages'), 0)} pages`,
    `${ms(get(j, 'history.getHistoryMs.median'))} / ${ms(get(j, 'history.wholeYearMs'))}`,
    `< ${j.targets?.getHistoryMs} ms`,
    `${ms(get(j, 'history.getStateMs.median'))} (get_state, same server)`,
    j.pass?.getHistoryMs,
    'getHistoryMs',
  ],
  [
    `node:sqlite (Node ${get(j, 'drivers.node:sqlite.node') ?? '24'}) vs better-sqlite3 (Node ${get(j, 'drivers.better-sqlite3.node') ?? '20'}): CPU per report, reply p99 in the server, unanswered, reports/s`,
    `${n(get(j, 'drivers.node:sqlite.cpuMsPerReport'), 3)} ms (${n(get(j, 'ratios.nodeSqliteCpuVsBetterSqlite3'), 2)}×), ${ms(get(j, 'drivers.node:sqlite.replyMs.p99'))}, ${n(get(j, 'drivers.node:sqlite.unanswered'), 0)}, ${n(get(j, 'drivers.node:sqlite.reportsPerSecond'), 0)}/s`,
    `CPU ≤ ${j.targets?.nodeSqliteCpuVsBetterSqlite3}× better-sqlite3's, p99 < ${j.targets?.replyP99Ms} ms, 0 unanswered`,
    `${n(get(j, 'drivers.better-sqlite3.cpuMsPerReport'), 3)} ms, ${ms(get(j, 'drivers.better-sqlite3.replyMs.p99'))}, ${n(get(j, 'drivers.better-sqlite3.unanswered'), 0)}, ${n(get(j, 'drivers.better-sqlite3.reportsPerSecond'), 0)}/s (better-sqlite3)`,
    j.pass?.nodeSqlite,
    'nodeSqlite',
  ],
];

// The soak (bench/soak.ts) reports its own checks; rows for the keys known when
// this was written, and genericRows() below adds any `pass` key these rows do not cover.
ROWS.soak = (j) => [
  [
    `requests (${n(j.units, 0)} units, time ×${n(j.timeCompression, 0)}, ${n(j.requestsPerSecond, 0)}/s)`,
    n(j.requests, 0),
    `≥ ${n(j.targets?.requestsAtLeast, 0)}`,
    '—',
    j.pass?.requests,
    'requests',
  ],
  ['wall time', typeof j.wallS === 'number' ? `${n(j.wallS)} s` : '—', `≤ ${n(j.targets?.wallSAtMost)} s`, '—', j.pass?.wallS, 'wallS'],
  [
    'crashes / unhandled rejections',
    `${n(j.crashes, 0)} / ${n(j.unhandledRejections, 0)}`,
    '0 / 0',
    '—',
    j.pass?.crashes === undefined ? undefined : j.pass.crashes && j.pass.unhandledRejections !== false,
    'crashes',
    'unhandledRejections',
  ],
  [`invented states (of ${n(j.statesChecked, 0)} checked)`, n(j.inventedStates, 0), '0', '—', j.pass?.inventedStates, 'inventedStates'],
  ['stale readings shown as fresh', n(j.staleShownAsFresh, 0), '0', '—', j.pass?.staleShownAsFresh, 'staleShownAsFresh'],
  ['writes reported done that the server does not hold', n(j.falseWriteReports, 0), '0', '—', j.pass?.falseWriteReports, 'falseWriteReports'],
  [
    'recovery after faults: asked again after (poll intervals, worst)',
    n(get(j, 'recovery.worst.worstAskedAfterPollIntervals'), 2),
    `≤ ${n(j.targets?.recoveryAskedWithinPollIntervals)}`,
    '—',
    j.pass?.recovery,
    'recovery',
  ],
];

/** Any benchmark following the house convention ({ targets: {k}, pass: {k: bool} }): one row per pass key. */
function genericRows(j, skip = new Set()) {
  const find = (o, key, depth = 0) => {
    if (!o || typeof o !== 'object' || depth > 4) return undefined;
    for (const [k, v] of Object.entries(o)) {
      if (k === 'targets' || k === 'pass') continue;
      if (k === key) return v;
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'targets' || k === 'pass') continue;
      const f = find(v, key, depth + 1);
      if (f !== undefined) return f;
    }
    return undefined;
  };
  const pass = j.pass && typeof j.pass === 'object' ? j.pass : {};
  const targetOf = (k) => {
    if (!j.targets) return undefined;
    if (k in j.targets) return j.targets[k];
    const tk = Object.keys(j.targets).find((x) => x.startsWith(k));
    return tk === undefined ? undefined : `${tk.slice(k.length) || k}: ${JSON.stringify(j.targets[tk])}`;
  };
  const show = (v) => (typeof v === 'number' ? n(v, 2) : v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v).slice(0, 80) : String(v));
  const rows = Object.entries(pass)
    .filter(([k]) => !skip.has(k))
    .map(([k, p]) => [k, show(find(j, k)), show(targetOf(k)), '—', typeof p === 'boolean' ? p : undefined]);
  if (rows.length === 0) rows.push(['(no `pass` object in the result: see the JSON)', '—', '—', '—', undefined]);
  return rows;
}

const lines = [];
lines.push('# Benchmark summary', '');
lines.push(
  `Run ${new Date().toISOString()} by \`npm run bench\` (bench/run-all.mjs); Node ${process.version}, ${cpus().length} CPUs, load average ${loadAtStart.toFixed(1)} at start.`,
);
lines.push('Figures come from the JSON files beside this one; "naive" is the alternative measured in the same run.', '');
lines.push('| Benchmark | Figure | Measured | Target | Naive alternative (same run) | Result |', '|---|---|---|---|---|---|');
let missed = 0;
for (const b of BENCHES) {
  const o = outcomes[b.name];
  const earlier = o.status === 'not-run' && existsSync(join(RESULTS, b.result));
  if (o.status === 'skipped' || (o.status === 'not-run' && !earlier)) {
    lines.push(`| ${b.name} | — | — | — | — | ${o.status}: ${o.note} |`);
    continue;
  }
  if (o.status === 'failed') {
    lines.push(`| ${b.name} | — | — | — | — | **FAILED** (${o.note}) |`);
    if (!o.withResult) continue;
  }
  const j = read(b.result);
  if (!j) {
    lines.push(`| ${b.name} | — | — | — | — | **FAILED** (bench/results/${b.result} unreadable) |`);
    o.status = 'failed';
    o.note = `bench/results/${b.result} unreadable`;
    continue;
  }
  let rows;
  try {
    rows = ROWS[b.name] ? ROWS[b.name](j) : genericRows(j);
    // Pass keys that the specific rows do not name (a benchmark grew a check): generic rows for them.
    if (ROWS[b.name] && j.pass && typeof j.pass === 'object') {
      const covered = new Set(rows.flatMap((r) => r.slice(5)));
      if (covered.size > 0) rows.push(...genericRows(j, covered).filter((r) => r[4] !== undefined));
    }
  } catch (e) {
    rows = [[`(could not read the figures: ${String(e)})`, '—', '—', '—', undefined]];
  }
  for (const [figure, measured, target, naive, p] of rows.map((r) => r.slice(0, 5))) {
    if (p === false && !earlier) missed++;
    const cell = (x) => String(x).replace(/\|/g, '\\|').replace(/\n/g, ' ');
    lines.push(`| ${b.name} | ${cell(figure)} | ${cell(measured)} | ${cell(target)} | ${cell(naive)} | ${verdict(p)}${earlier ? ' (earlier run)' : ''} |`);
  }
}
const failed = BENCHES.filter((b) => outcomes[b.name].status === 'failed').map((b) => b.name);
const totalS = (Date.now() - started) / 1000;
lines.push('');
const timed = BENCHES.filter((b) => outcomes[b.name].seconds !== undefined).map((b) => `${b.name} ${outcomes[b.name].seconds.toFixed(0)} s`);
lines.push(`Run time: ${timed.length ? `${timed.join(', ')}; ` : ''}total ${totalS.toFixed(0)} s.`);
lines.push(`Benchmarks failed: ${failed.length ? failed.join(', ') : 'none'}. Targets missed: ${missed}.`);
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'summary.md'), lines.join('\n') + '\n');
console.log('\n' + lines.join('\n'));
const strict = process.env.BENCH_STRICT === '1';
process.exit(failed.length > 0 || (strict && missed > 0) ? 1 : 0);
