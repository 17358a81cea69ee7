// Benchmark: refresh get_state for a 1,000-unit account through JuiceNetClient (keep-alive pool,
// concurrency cap) and through a naive client (global fetch, one request at a time, Node's default
// keep-alive), in the same run against a simulator in its own process (as a real server would be:
// the client's figures and memory are the client's alone). Several warm rounds; the medians go to
// bench/results/client.json. A second naive variant (a new connection per request) is reported too.
//   npm run bench:client            (node esbuild.mjs --only=bench,simulator && node dist/bench/client.js)
//   ROUNDS=7 UNITS=1000 npm run bench:client
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JuiceNetClient } from '../src/api/client';

const UNITS = Number(process.env.UNITS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const TARGETS = { wallMs: 300, sockets: 8, speedupVsNaive: 3 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface SimProcess {
  baseUrl: string;
  accountToken: string;
  counts(): Promise<{ requests: number; connections: number }>;
  stop(): void;
}

/** dist/simulator-cli.js in a child process; resolves once it prints SIMULATOR_READY. */
function startSimulatorProcess(args: string[]): Promise<SimProcess> {
  const child = spawn(process.execPath, [join('dist', 'simulator-cli.js'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator not ready in 30 s:\n${out}`)), 30_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /SIMULATOR_READY (\{.*\})/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const info = JSON.parse(m[1]) as { baseUrl: string; accountToken: string };
      resolve({
        ...info,
        counts: async () => {
          const res = await fetch(`${info.baseUrl}/_sim/control`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ action: 'counts' }),
          });
          return (await res.json()) as { requests: number; connections: number };
        },
        stop: () => child.kill('SIGKILL'),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited (${c}):\n${out}`));
    });
  });
}

/** One sequential round of plain global fetch; `close` sends Connection: close (a socket per request). */
async function naiveRound(sim: SimProcess, units: { token: string }[], close: boolean): Promise<number> {
  const t0 = performance.now();
  for (const u of units) {
    const res = await fetch(`${sim.baseUrl}/box_api_secure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) },
      body: JSON.stringify({ cmd: 'get_state', device_id: 'naive', token: u.token, account_token: sim.accountToken }),
    });
    const body = (await res.json()) as { success?: boolean };
    if (!body.success) throw new Error('naive: request failed');
  }
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const sim = await startSimulatorProcess(['--units', String(UNITS), '--seed', '7', '--no-auto-plug']);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  try {
    const accountToken = sim.accountToken;
    const setup = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'bench' });
    const units = (await setup.getAccountUnits(accountToken)).map((u) => ({ ...u, accountToken }));
    await setup.close();
    if (units.length !== UNITS) throw new Error(`simulator gave ${units.length} units, wanted ${UNITS}`);

    const client = { wallMs: [] as number[], sockets: [] as number[], serverConnections: [] as number[], requests: [] as number[] };
    const naive = { wallMs: [] as number[], serverConnections: [] as number[] };
    const naiveClose = { wallMs: [] as number[] };

    // A fresh client per round, so each round opens (and counts) its own sockets; round 0 is a warm-up.
    for (let round = 0; round <= ROUNDS; round++) {
      const c = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'bench' });
      const conn0 = (await sim.counts()).connections;
      const t0 = performance.now();
      const states = await Promise.all(units.map((u) => c.getState(u)));
      const wall = performance.now() - t0;
      if (states.length !== UNITS || states.some((s) => !s.unitId)) throw new Error('client: missing states');
      const st = c.stats();
      await c.close();
      const conn1 = (await sim.counts()).connections;

      // Naive: global fetch, sequential, with Node's default keep-alive.
      const naiveWall = await naiveRound(sim, units, false);
      const conn2 = (await sim.counts()).connections;
      // And the naivest: a new connection for every request.
      const closeWall = await naiveRound(sim, units, true);
      if (round > 0) {
        client.wallMs.push(wall);
        client.sockets.push(st.socketsOpened);
        client.requests.push(st.requests);
        client.serverConnections.push(conn1 - conn0);
        naive.wallMs.push(naiveWall);
        naive.serverConnections.push(conn2 - conn1);
        naiveClose.wallMs.push(closeWall);
      }
      console.log(
        `round ${round}${round === 0 ? ' (warm-up)' : ''}: client ${wall.toFixed(1)} ms, ${st.socketsOpened} sockets; ` +
          `naive fetch ${naiveWall.toFixed(1)} ms; naive, a connection per request ${closeWall.toFixed(1)} ms`,
      );
    }

    const wallMs = median(client.wallMs);
    const naiveWallMs = median(naive.wallMs);
    const sockets = Math.max(...client.sockets);
    const speedup = naiveWallMs / wallMs;
    const figures = {
      units: UNITS,
      rounds: ROUNDS,
      client: {
        wallMsMedian: round1(wallMs),
        wallMsAll: client.wallMs.map(round1),
        requestsPerSecond: Math.round((UNITS / wallMs) * 1000),
        socketsOpenedMax: sockets,
        serverConnectionsMax: Math.max(...client.serverConnections),
        requestsPerRound: median(client.requests),
      },
      naive: {
        note: 'global fetch, one request at a time, default keep-alive',
        wallMsMedian: round1(naiveWallMs),
        wallMsAll: naive.wallMs.map(round1),
        requestsPerSecond: Math.round((UNITS / naiveWallMs) * 1000),
        serverConnectionsMedian: median(naive.serverConnections),
      },
      naiveConnectionPerRequest: {
        note: 'as naive, with Connection: close',
        wallMsMedian: round1(median(naiveClose.wallMs)),
        speedupVsIt: round1(median(naiveClose.wallMs) / wallMs),
      },
      speedupVsNaive: round1(speedup),
      simulator: 'separate process (dist/simulator-cli.js)',
      peakRssMiB: round1(peakRss / 1024 / 1024),
      node: process.version,
      date: new Date().toISOString(),
    };
    const pass = {
      wallMs: wallMs < TARGETS.wallMs,
      sockets: sockets <= TARGETS.sockets,
      speedupVsNaive: speedup >= TARGETS.speedupVsNaive,
    };
    const out = { ...figures, targets: TARGETS, pass };
    mkdirSync(join('bench', 'results'), { recursive: true });
    writeFileSync(join('bench', 'results', 'client.json'), JSON.stringify(out, null, 2) + '\n');
    console.log(JSON.stringify(out, null, 2));
  } finally {
    clearInterval(sampler);
    sim.stop();
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
