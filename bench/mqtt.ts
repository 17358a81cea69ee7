// Benchmark of JuiceNet Local's MQTT side (not a test), against a real Mosquitto on a free loopback
// port. The server runs as its own process (dist/local-cli.js); 100 emulated JuiceBoxes report to
// it, paced by this script. Measured in one run:
//   - report -> state published on MQTT (a box's report sent -> its last_report topic received by a
//     subscriber), p50/p99 at 100 boxes;
//   - command -> the next UDP reply carrying it (one box reporting every millisecond): MQTT
//     max_current/set against HTTP set_limit, interleaved, the baseline;
//   - the UDP reply latency with MQTT on against off (runs alternate off, on, off, on; the in-server
//     p99 from the diagnostics, median of the runs; target: grows by less than 20 %).
// Writes bench/results/mqtt.json.
//   npm run bench:mqtt          (node esbuild.mjs --only=bench,local && node dist/bench/mqtt.js)
//   BOXES=100 ROUNDS=20 COMMANDS=100 npm run bench:mqtt
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../src/simulator';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../src/simulator/juicebox-udp';
import { freeTcpPort, freeUdpPort } from '../test/free-ports';
import { startBroker, watch, type Broker } from '../test/mqtt-broker';

const BOXES = Number(process.env.BOXES ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const COMMANDS = Number(process.env.COMMANDS ?? 100);
/** Real ms between two reports (all boxes in turn): 200 reports/s. */
const PACE_MS = Number(process.env.PACE_MS ?? 5);
const TARGETS = { replyP99GrowthPct: 20 };
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'local-cli.js');

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const summary = (xs: number[]) => ({ n: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99), max: xs.length ? Math.max(...xs) : NaN });
const median = (xs: number[]) => percentile(xs, 50);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(baseUrl: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

interface Server {
  proc: ChildProcess;
  baseUrl: string;
  udpPort: number;
  token: string;
  stop(): Promise<void>;
}

async function startServer(broker: Broker | undefined): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'juicenet-bench-mqtt-'));
  const udpPort = await freeUdpPort();
  const httpPort = await freeTcpPort();
  const args = [CLI, '--data-dir', dataDir, '--udp-port', String(udpPort), '--udp-host', '127.0.0.1', '--http-port', String(httpPort)];
  if (broker) args.push('--mqtt', broker.url);
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`juicenet-local exited: ${err}`);
    try {
      if ((await fetch(`${baseUrl}/local/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (i > 300) throw new Error(`juicenet-local did not answer within 15 s: ${err}`);
    await sleep(50);
  }
  const token = readFileSync(join(dataDir, 'account-token'), 'utf8').trim();
  return {
    proc,
    baseUrl,
    udpPort,
    token,
    stop: async () => {
      const gone = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await gone;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const broker = await startBroker();
  const sim = await startSimulator({ units: BOXES, seed: 5, speed: 1, spareUnits: 0, autoPlug: false });
  const ids = sim.units.map((u) => u.unitId);
  const runs: { mqtt: boolean; serverReplyP99Ms: number; serverReplyP50Ms: number; boxReplyMs: ReturnType<typeof summary> }[] = [];
  const reportToPublish: number[] = [];
  const commandMs = { mqtt: [] as number[], http: [] as number[] };

  for (const mqttOn of [false, true, false, true]) {
    const server = await startServer(mqttOn ? broker : undefined);
    const replies: number[] = [];
    let onReply: ((serial: string, onlineA: number) => void) | undefined;
    const emu: JuiceBoxEmulator = await startJuiceBoxEmulator({
      target: { host: '127.0.0.1', port: server.udpPort },
      simulator: sim,
      tickMs: 0,
      onCommand: (serial, c, ms) => {
        replies.push(ms);
        onReply?.(serial, c.onlineA);
      },
    });
    const unitTokens = new Map<string, string>();
    for (const id of ids) await emu.sendReport(id);
    await emu.waitFor(() => emu.stats().commandsObeyed >= ids.length, 20_000, 'the first replies');
    for (const id of ids) {
      const r = await post(server.baseUrl, '/box_pin', { cmd: 'add_unit', device_id: 'bench', account_token: server.token, ID: id });
      if (r.success !== true) throw new Error(`add_unit: ${JSON.stringify(r)}`);
      unitTokens.set(id, r.token as string);
    }
    const w = mqttOn ? await watch(broker, ['juicenet/+/last_report']) : undefined;
    if (w) await w.waitFor((m) => m.topic.endsWith('/last_report'), 10_000, 'the first publication', 0);
    // Report -> publish: per box, the send times of reports whose publication has not arrived.
    const sentAt = new Map<string, number[]>(ids.map((id) => [id, []]));
    w?.client.on('message', (topic) => {
      const id = topic.split('/')[1];
      const t0 = sentAt.get(id)?.shift();
      if (t0 !== undefined) reportToPublish.push(performance.now() - t0);
    });
    replies.length = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const id of ids) {
        const next = performance.now() + PACE_MS;
        if (w) sentAt.get(id)!.push(performance.now());
        await emu.sendReport(id);
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
      }
    }
    await emu.waitFor(() => replies.length >= ROUNDS * ids.length, 20_000, 'the last replies').catch(() => undefined);
    if (w) await sleep(500);
    const diag = (await post(server.baseUrl, '/local/diagnostics', { account_token: server.token })).server as { replyMs: { p50: number; p99: number } };
    runs.push({ mqtt: mqttOn, serverReplyP99Ms: diag.replyMs.p99, serverReplyP50Ms: diag.replyMs.p50, boxReplyMs: summary(replies) });
    console.log(`MQTT ${mqttOn ? 'on ' : 'off'}: reply in the server p50/p99 ${diag.replyMs.p50.toFixed(3)} / ${diag.replyMs.p99.toFixed(3)} ms`);

    if (mqttOn && runs.filter((r) => r.mqtt).length === 2 && w) {
      // Command -> the next reply carrying it: one box reports every millisecond.
      const id = ids[0];
      const pinger = setInterval(() => void emu.sendReport(id), 1);
      try {
        for (let i = 0; i < 2 * COMMANDS; i++) {
          const amps = 10 + (i % 2) * 6; // 10, 16, 10, ... (each differs from the one before)
          const via: 'mqtt' | 'http' = i % 4 < 2 ? 'mqtt' : 'http';
          const got = new Promise<number>((resolve) => {
            onReply = (serial, onlineA) => {
              if (serial === id && onlineA === amps) {
                onReply = undefined;
                resolve(performance.now());
              }
            };
          });
          const t0 = performance.now();
          if (via === 'mqtt') await w.publish(`juicenet/${id}/max_current/set`, String(amps), { qos: 0 });
          else
            await post(server.baseUrl, '/box_api_secure', {
              cmd: 'set_limit',
              device_id: 'bench',
              token: unitTokens.get(id),
              account_token: server.token,
              amperage: amps,
            });
          const t1 = await Promise.race([got, sleep(5000).then(() => NaN)]);
          if (Number.isNaN(t1)) throw new Error(`no reply carried ${amps} A within 5 s (${via})`);
          commandMs[via].push(t1 - t0);
        }
      } finally {
        clearInterval(pinger);
        onReply = undefined;
      }
    }
    await w?.close();
    await emu.stop();
    await server.stop();
  }
  await sim.close();
  await broker.dispose();

  const off = runs.filter((r) => !r.mqtt);
  const on = runs.filter((r) => r.mqtt);
  const offP99 = median(off.map((r) => r.serverReplyP99Ms));
  const onP99 = median(on.map((r) => r.serverReplyP99Ms));
  const growthPct = ((onP99 - offP99) / offP99) * 100;
  const result = {
    when: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAverageAtStart: loadavg()[0],
    boxes: BOXES,
    reportsPerRun: BOXES * ROUNDS,
    reportsPerSecond: 1000 / PACE_MS,
    reportToPublishMs: summary(reportToPublish),
    commandToReplyMs: { mqtt: summary(commandMs.mqtt), httpSetLimit: summary(commandMs.http) },
    udpReplyMs: {
      runs,
      mqttOffServerP99: offP99,
      mqttOnServerP99: onP99,
      mqttOffBoxP99: median(off.map((r) => r.boxReplyMs.p99)),
      mqttOnBoxP99: median(on.map((r) => r.boxReplyMs.p99)),
      growthPct,
    },
    targets: TARGETS,
    pass: { replyP99GrowthPct: growthPct < TARGETS.replyP99GrowthPct },
  };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'mqtt.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify({ reportToPublishMs: result.reportToPublishMs, commandToReplyMs: result.commandToReplyMs, growthPct }, null, 2));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
