// JuiceNet Local on several UDP ports at once (as boxes report to 8042, 8047, 9004 or 8055):
// each report answered from the port it reached, to the box's own address and port; a taken port
// named in words while the others serve; a box followed when its reports move to another port;
// a flood on one port cut off without starving the others. Real UDP on loopback, free ports.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalServer, type LocalServerOptions } from '../../src/local/server';
import { JUICEBOX_UDP_PORTS, parseUdpPorts } from '../../src/local/udp';
import { type BareServer, ManualBox, post, startBareServer, tempDir } from './local-helpers';

const ROOT = join(__dirname, '..', '..');

const SERIAL_A = '0910000000000000000000004599';
const SERIAL_B = '0910000000000000000000007311';

/** A server on two free UDP ports (unless `extra` says otherwise). */
function start(extra: Partial<LocalServerOptions> = {}): Promise<BareServer> {
  return startBareServer({ udpPorts: [0, 0], ...extra });
}

/** Binds a UDP port on 127.0.0.1 and keeps it (another program holding the port). */
async function holdPort(): Promise<{ port: number; close(): void }> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind({ port: 0, address: '127.0.0.1', exclusive: true }, () => resolve()));
  return { port: s.address().port, close: () => s.close() };
}

describe('JuiceNet Local on every port the boxes use (real UDP on loopback)', function () {
  this.timeout(30_000);

  it('by default listens on 8042, 8047, 9004 and 8055; --udp-port takes a comma-separated list (0 = a free port) and refuses anything else in words', () => {
    assert.deepEqual([...JUICEBOX_UDP_PORTS], [8042, 8047, 9004, 8055]);
    assert.deepEqual(parseUdpPorts('8047'), [8047]);
    assert.deepEqual(parseUdpPorts('8047, 8055,0'), [8047, 8055, 0]);
    for (const bad of ['', 'eighty', '8047,', '70000', '-1', '8047;8055']) {
      assert.throws(() => parseUdpPorts(bad), /--udp-port needs a whole number from 0 to 65535 for each port/, bad);
    }
  });

  it('answers each report from the port it arrived on, to the address and port it came from; diagnostics show the port each box uses', async () => {
    const s = await start({ udpPorts: [0, 0, 0] });
    const a = await ManualBox.open(SERIAL_A);
    const b = await ManualBox.open(SERIAL_B);
    try {
      const [p1, p2, p3] = s.server.udpPorts;
      assert.equal(new Set([p1, p2, p3]).size, 3, 'three ports listen');
      const ra = await a.exchange(p1);
      const rb = await b.exchange(p3);
      assert.equal(ra.fromPort, p1, 'the reply comes from the port the report reached');
      assert.equal(rb.fromPort, p3);
      assert.equal(ra.command.onlineA, 40);
      const d = await s.diagnostics();
      assert.equal(d.boxes[SERIAL_A].udpPort, p1);
      assert.equal(d.boxes[SERIAL_A].sourcePort, a.sourcePort);
      assert.equal(d.boxes[SERIAL_B].udpPort, p3);
      assert.deepEqual(d.server.udpPorts, [p1, p2, p3]);
      const ports = d.server.ports as { port: number; listening: boolean; datagrams: number; replies: number }[];
      assert.deepEqual(
        ports.map((p) => [p.port, p.listening, p.datagrams, p.replies]),
        [
          [p1, true, 1, 1],
          [p2, true, 0, 0],
          [p3, true, 1, 1],
        ],
      );
    } finally {
      await a.close();
      await b.close();
      await s.stop();
    }
  });

  it('names a port that another program holds, and serves on the others; with every port taken it does not start and says why', async () => {
    const held = await holdPort();
    const s = await start({ udpPorts: [held.port, 0] });
    const a = await ManualBox.open(SERIAL_A);
    try {
      assert.equal(s.server.udpPorts.length, 1);
      const line = s.logs.find((l) =>
        l.startsWith(`UDP port ${held.port} (where the boxes report) is already in use on 127.0.0.1: another program listens there`),
      );
      assert.ok(line, `the log names the port: ${s.logs.join(' | ')}`);
      assert.match(line, /Stop that program, or start this one on another port with --udp-port/, 'and says what to do');
      assert.match(line, new RegExp(`Boxes reporting to it are not heard here; port ${s.server.udpPort} still serves\\.$`));
      const r = await a.exchange(s.server.udpPort);
      assert.equal(r.fromPort, s.server.udpPort);
      const d = await s.diagnostics();
      const taken = (d.server.ports as { requested: number; listening: boolean; error?: string }[]).find((p) => p.requested === held.port);
      assert.equal(taken?.listening, false);
      assert.match(String(taken?.error), new RegExp(`UDP port ${held.port} \\(where the boxes report\\) is already in use`));
      const none = tempDir();
      try {
        await assert.rejects(
          startLocalServer({ dataDir: none.dir, udpPorts: [held.port], udpHost: '127.0.0.1', httpPort: 0, log: () => undefined }),
          new RegExp(`UDP port ${held.port} \\(where the boxes report\\) is already in use on 127\\.0\\.0\\.1: another program listens there`),
        );
      } finally {
        none.remove();
      }
    } finally {
      held.close();
      await a.close();
      await s.stop();
    }
  });

  it('follows a box that moves to another port mid-session: the newest stream is answered, the change is logged in words, the session goes on', async () => {
    const s = await start();
    const box = await ManualBox.open(SERIAL_A);
    const other = await ManualBox.open(SERIAL_B);
    try {
      const [p1, p2] = s.server.udpPorts;
      await box.exchange(p1, { S: 2, A: 160, L: 10_000, E: 0 });
      await box.exchange(p1, { S: 2, A: 160, L: 10_200, E: 200 });
      const moved = await box.exchange(p2, { S: 2, A: 160, L: 10_400, E: 400 });
      assert.equal(moved.fromPort, p2, 'the reply goes out on the new stream');
      assert.ok(
        s.logs.some(
          (l) => l.includes(`now reports to UDP port ${p2}`) && l.includes(`it reported to UDP port ${p1}`) && l.includes('Replies go to the new stream'),
        ),
        s.logs.join(' | '),
      );
      let d = await s.diagnostics();
      assert.equal(d.boxes[SERIAL_A].udpPort, p2);
      const streams = d.boxes[SERIAL_A].streams as { udpPort: number; active: boolean; reports: number }[];
      assert.deepEqual(
        streams.map((x) => [x.udpPort, x.active, x.reports]),
        [
          [p1, false, 2],
          [p2, true, 1],
        ],
      );
      // A report still arriving on the old stream is recorded, not answered: the sentinel box's
      // reply on the same port comes after it, so a reply to it would have come first.
      const replies = box.replies.length;
      await box.send(p1, { S: 2, A: 160, L: 10_500, E: 500 });
      await other.exchange(p1);
      assert.equal(box.replies.length, replies, 'no reply on the old stream');
      d = await s.diagnostics();
      assert.equal(d.boxes[SERIAL_A].reports, 4, 'the old stream report is recorded');
      // A new source port of the box (a restart of its network stack) on the active server port is
      // the same stream: answered, and no move is logged.
      const restarted = await ManualBox.open(SERIAL_A);
      const newSourcePort = restarted.sourcePort;
      try {
        assert.equal((await restarted.exchange(p2, { S: 2, A: 160, L: 10_600, E: 600 })).fromPort, p2);
      } finally {
        await restarted.close();
      }
      assert.equal(s.logs.filter((l) => l.includes('now reports to UDP port')).length, 1, 'one move logged');
      d = await s.diagnostics();
      assert.equal(d.boxes[SERIAL_A].sourcePort, newSourcePort);
      const sessions = s.server.db.db.prepare('SELECT id, open, energy_wh FROM sessions WHERE unit_id = ?').all(SERIAL_A) as {
        open: number;
        energy_wh: number;
      }[];
      assert.equal(sessions.length, 1, 'one session across the move');
      assert.equal(sessions[0].open, 1);
      assert.equal(sessions[0].energy_wh, 600);
    } finally {
      await box.close();
      await other.close();
      await s.stop();
    }
  });

  it('juicenet-local --udp-port 0,0 --monitor-only: listens on both ports and records new boxes without answering them', async () => {
    const tmp = tempDir();
    const args = ['--require', 'tsx/cjs', join(ROOT, 'src', 'local', 'cli.ts')];
    const proc = spawn(
      process.execPath,
      [...args, '--udp-port', '0,0', '--udp-host', '127.0.0.1', '--http-port', '0', '--data-dir', tmp.dir, '--monitor-only', '--ready-line'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const box = await ManualBox.open(SERIAL_A);
    try {
      let out = '';
      const ready = await new Promise<{ baseUrl: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`juicenet-local did not start: ${out}`)), 20_000);
        proc.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /LOCAL_READY (\{.*\})/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(JSON.parse(m[1]) as { baseUrl: string });
          }
        });
      });
      const m = /listening for JuiceBox reports on UDP ports (\d+), (\d+) \(127\.0\.0\.1\)/.exec(out);
      assert.ok(m, out);
      const second = Number(m[2]);
      await box.send(second, { S: 1 });
      const token = readFileSync(join(tmp.dir, 'account-token'), 'utf8').trim();
      let d: Record<string, unknown> | undefined;
      let server: Record<string, unknown> = {};
      for (let i = 0; i < 500 && d === undefined; i++) {
        const r = await post(ready.baseUrl, '/local/diagnostics', { account_token: token });
        d = (r.body.boxes as Record<string, Record<string, unknown>>)[SERIAL_A];
        server = r.body.server as Record<string, unknown>;
        if (d === undefined) await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(d?.udpPort, second);
      assert.equal(d?.monitorOnly, true);
      assert.equal(d?.reports, 1);
      // Replies handed to the socket are counted as they are sent: none.
      assert.equal((server.handlingMs as { count: number }).count, 0);
      assert.deepEqual(server.udpPorts, [Number(m[1]), second]);
      assert.match(out, new RegExp(`LOCAL_READY \\{"baseUrl":"[^"]+","udpPort":${m[1]},"udpPorts":\\[${m[1]},${second}\\]\\}`));
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      await box.close();
      tmp.remove();
    }
  });

  it('a flood on one port, from one source or from many, is cut off and counted while a box on another port gets every reply', async () => {
    // Small limits, so that the flood needs only a few thousand datagrams.
    const s = await start({ floodLimits: { perSourcePerS: 5, perSourceBurst: 50, perPortPerS: 200, perPortBurst: 400 } });
    const quiet = await ManualBox.open(SERIAL_B);
    const flooder = await ManualBox.open(SERIAL_A);
    const crowd = await Promise.all(Array.from({ length: 20 }, (_, i) => ManualBox.open(`09100000000000000000009${String(i).padStart(3, '0')}`)));
    try {
      const [floodPort, quietPort] = s.server.udpPorts;
      const t0 = performance.now();
      let answered = 0;
      // Valid reports of one box from one socket, far faster than any box sends, with garbage from a crowd of sources.
      for (let round = 0; round < 20; round++) {
        const burst: Promise<void>[] = [];
        for (let i = 0; i < 100; i++) burst.push(flooder.send(floodPort, { S: 1, L: 10_000 + round * 100 + i }));
        for (const c of crowd) for (let i = 0; i < 10; i++) burst.push(c.send(floodPort, `${c.serial}:garbage ${round} ${i}`));
        await Promise.all(burst);
        await quiet.exchange(quietPort, { S: 1 });
        answered++;
      }
      assert.equal(answered, 20, 'the box on the other port got every reply');
      const samples = (s.server.db.db.prepare('SELECT COUNT(*) AS n FROM samples WHERE unit_id = ?').get(SERIAL_A) as { n: number }).n;
      const d = await s.diagnostics();
      // Everything counted was handled by now: the buckets refilled for at most this long.
      const elapsedS = (performance.now() - t0) / 1000;
      // The flooding source's bucket: 50 at once, then 5 a second.
      assert.ok(samples <= 50 + 5 * elapsedS + 1, `the flooding source stored ${samples} samples in ${elapsedS.toFixed(2)} s`);
      assert.ok(samples >= 1);
      const ports = d.server.ports as { port: number; datagrams: number; dropped: number; replies: number }[];
      const calm = ports.find((p) => p.port === quietPort)!;
      const flood = ports.find((p) => p.port === floodPort)!;
      // The kernel may drop some of the flood before the server sees it; of what arrived, the port's
      // bucket let through at most 400 at once and 200 a second.
      assert.ok(flood.dropped > 0, 'the flood is cut off');
      assert.ok(
        flood.datagrams - flood.dropped <= 400 + 200 * elapsedS + 1,
        `the flooded port took ${flood.datagrams - flood.dropped} of ${flood.datagrams} in ${elapsedS.toFixed(2)} s`,
      );
      assert.equal(calm.dropped, 0, 'nothing dropped on the other port');
      assert.equal(calm.replies, 20);
      assert.equal(d.server.dropped, flood.dropped);
      assert.ok(s.logs.some((l) => l.includes(`UDP port ${floodPort}: 127.0.0.1 port ${flooder.sourcePort} sends far more than a JuiceBox does`)));
      assert.ok(s.logs.some((l) => l.includes(`UDP port ${floodPort} receives more than 200 datagrams a second`)));
      assert.ok(s.logs.filter((l) => l.includes('sends far more than a JuiceBox')).length <= crowd.length + 1, 'each flooding source is logged once');
    } finally {
      await quiet.close();
      await flooder.close();
      await Promise.all(crowd.map((c) => c.close()));
      await s.stop();
    }
  });
});
