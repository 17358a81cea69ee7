// Benchmark: refresh get_state for a 1,000-unit account through JuiceNetClient (keep-alive pool,
// concurrency cap) and through a naive client (global fetch, one request at a time), in the same
// run against an in-process simulator. Several warm rounds; the medians go to bench/results/client.json.
//   npm run bench:client            (node esbuild.mjs --only=bench && node dist/bench/client.js)
//   ROUNDS=7 UNITS=1000 npm run bench:client
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JuiceNetClient } from '../src/api/client';
import { startSimulator } from '../src/simulator/index';

const UNITS = Number(process.env.UNITS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const TARGETS = { wallMs: 300, sockets: 8, speedupVsNaive: 3 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const sim = await startSimulator({ units: UNITS, manualClock: true, seed: 7, autoPlug: false });
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

    // A fresh client per round, so each round opens (and counts) its own sockets; round 0 is a warm-up.
    for (let round = 0; round <= ROUNDS; round++) {
      const c = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'bench' });
      const conn0 = sim.connectionCount();
      const t0 = performance.now();
      const states = await Promise.all(units.map((u) => c.getState(u)));
      const wall = performance.now() - t0;
      if (states.length !== UNITS || states.some((s) => !s.unitId)) throw new Error('client: missing states');
      const st = c.stats();
      await c.close();
      if (round > 0) {
        client.wallMs.push(wall);
        client.sockets.push(st.socketsOpened);
        client.requests.push(st.requests);
        client.serverConnections.push(sim.connectionCount() - conn0);
      }

      // Naive: global fetch, sequential, a new connection each time (Connection: close).
      const n0 = sim.connectionCount();
      const t1 = performance.now();
      for (const u of units) {
        const res = await fetch(`${sim.baseUrl}/box_api_secure`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', connection: 'close' },
          body: JSON.stringify({ cmd: 'get_state', device_id: 'naive', token: u.token, account_token: accountToken }),
          keepalive: false,
        });
        const body = (await res.json()) as { success?: boolean };
        if (!body.success) throw new Error('naive: request failed');
      }
      const naiveWall = performance.now() - t1;
      if (round > 0) {
        naive.wallMs.push(naiveWall);
        naive.serverConnections.push(sim.connectionCount() - n0);
      }
      console.log(`round ${round}${round === 0 ? ' (warm-up)' : ''}: client ${wall.toFixed(1)} ms, ${st.socketsOpened} sockets; naive ${naiveWall.toFixed(1)} ms`);
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
        wallMsMedian: round1(naiveWallMs),
        wallMsAll: naive.wallMs.map(round1),
        requestsPerSecond: Math.round((UNITS / naiveWallMs) * 1000),
        serverConnectionsMedian: median(naive.serverConnections),
      },
      speedupVsNaive: round1(speedup),
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
    await sim.close();
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
