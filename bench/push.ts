// Benchmark of push updates from JuiceNet Local (not a test): how long from a JuiceBox report
// reaching the server to the charger's row changing in the extension's state (the UnitStore the
// tree renders, in plain Node). Two stores watch the same server and the same reports in the same
// run: one with the push channel (GET /local/events), one polling only (the extension's default
// bounds: each charger read at its update_interval, at least every 10 s). An emulated box sends a
// report every 1.1-1.6 s; for each report, the delay until each store shows it (its get_state
// time_last_ping reaching the report's second). Target: push p95 < 1 s; the polling figure is the
// baseline. Writes bench/results/push.json.
//   npm run bench:push        (node esbuild.mjs --only=bench && node dist/bench/push.js)
//   REPORTS=40 npm run bench:push
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JuiceNetClient } from '../src/api/client';
import { startLocalServer } from '../src/local/server';
import { startJuiceBoxEmulator } from '../src/simulator/juicebox-udp';
import { AccountManager, MemoryKeyValueStore, MemorySecretStore } from '../src/state/accounts';
import { LocalPush } from '../src/state/local-push';
import { UnitStore } from '../src/state/unit-store';
import type { Logger } from '../src/state/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const REPORTS = Number(process.env.REPORTS ?? 40);
const TARGETS = { pushP95Ms: 1000 };

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet: Logger = { trace: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'juicenet-push-bench-'));
  const server = await startLocalServer({ dataDir, udpPort: 0, udpHost: '127.0.0.1', httpPort: 0, log: () => undefined });
  // Manual reports only (tickMs 0): each one is sent when the benchmark says.
  const emu = await startJuiceBoxEmulator({
    target: { host: '127.0.0.1', port: server.udpPort },
    simulatorOptions: { units: 1, seed: 5, speed: 1, autoPlug: false, spareUnits: 0 },
    tickMs: 0,
  });
  const serial = emu.boxes[0].serial;
  await emu.sendReport(serial);
  await emu.waitFor(() => server.source.hasUnit(serial), 5000, 'the first report');
  const added = await fetch(`${server.baseUrl}/box_pin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cmd: 'add_unit', device_id: 'bench', account_token: server.accountToken, ID: serial }),
  });
  if (((await added.json()) as { success?: boolean }).success !== true) throw new Error('add_unit failed');

  const makeStore = async () => {
    const store = new UnitStore({
      accounts: new AccountManager(new MemorySecretStore(), new MemoryKeyValueStore()),
      log: quiet,
      minIntervalS: 10,
      maxIntervalS: 300,
      makeClient: (baseUrl) => new JuiceNetClient({ baseUrl, deviceId: 'bench', deviceName: 'bench' }),
    });
    await store.load();
    const a = await store.signIn({ accountToken: server.accountToken, baseUrl: server.baseUrl, label: 'Local server' });
    store.policy.setVisible('tree', true);
    return { store, accountId: a.accountId };
  };
  const pushed = await makeStore();
  const polled = await makeStore();
  const push = new LocalPush(pushed.store, quiet);
  push.sync([{ accountId: pushed.accountId, baseUrl: server.baseUrl, accountToken: server.accountToken }]);
  const t0 = Date.now();
  while (!push.isConnected(pushed.accountId)) {
    if (Date.now() - t0 > 5000) throw new Error('the push channel did not connect');
    await sleep(20);
  }

  /** Per store: reports not yet seen (sent at ms, of second s), and the delays measured. */
  const watch = (store: UnitStore) => {
    const pending: { sentMs: number; second: number }[] = [];
    const delays: number[] = [];
    store.onDidChangeUnits(() => {
      const seen = store.getUnit(serial)?.status?.timeLastPing ?? 0;
      const now = performance.now();
      for (let i = pending.length - 1; i >= 0; i--) {
        if (pending[i].second <= seen) {
          delays.push(now - pending[i].sentMs);
          pending.splice(i, 1);
        }
      }
    });
    return { pending, delays };
  };
  const w = { push: watch(pushed.store), poll: watch(polled.store) };
  let lastSecond = 0;
  for (let i = 0; i < REPORTS; i++) {
    await sleep(1100 + Math.random() * 500);
    // A report in a second of its own: get_state's time_last_ping has whole seconds.
    while (Math.floor(Date.now() / 1000) <= lastSecond) await sleep(10);
    const second = Math.floor(Date.now() / 1000);
    lastSecond = second;
    const sentMs = performance.now();
    for (const x of [w.push, w.poll]) x.pending.push({ sentMs, second });
    await emu.sendReport(serial);
  }
  // Polling catches up within one interval of the last report.
  const end = Date.now() + 35_000;
  while ((w.poll.pending.length || w.push.pending.length) && Date.now() < end) await sleep(100);

  const stat = (xs: number[]) => ({ n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), max: Math.max(...xs) });
  const pushStats = stat(w.push.delays);
  const pollStats = stat(w.poll.delays);
  const result = {
    date: new Date().toISOString(),
    reports: REPORTS,
    push: { ...pushStats, unseen: w.push.pending.length, events: push.events },
    polling: { ...pollStats, unseen: w.poll.pending.length, minIntervalS: 10, reportIntervalS: emu.box(serial).lastSent?.match(/,t(\d+)/)?.[1] },
    ratioPollingToPushP95: pollStats.p95 / pushStats.p95,
    targets: TARGETS,
    pass: { pushP95Ms: pushStats.p95 < TARGETS.pushP95Ms && w.push.pending.length === 0 },
  };
  push.dispose();
  await pushed.store.dispose();
  await polled.store.dispose();
  await emu.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(join('bench', 'results', 'push.json'), JSON.stringify(result, null, 2) + '\n');
  const f = (x: number) => `${Math.round(x)} ms`;
  console.log(
    `report -> row changed, ${REPORTS} reports: push p50 ${f(pushStats.p50)} p95 ${f(pushStats.p95)} (target < 1 s); polling p50 ${f(pollStats.p50)} p95 ${f(pollStats.p95)}; polling/push p95 ×${result.ratioPollingToPushP95.toFixed(0)}`,
  );
  console.log(result.pass.pushP95Ms ? 'PASS -> bench/results/push.json' : 'target missed -> bench/results/push.json');
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
