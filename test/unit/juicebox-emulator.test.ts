// The JuiceBox emulator against a plain UDP server on 127.0.0.1 that decodes every datagram and
// answers status reports with encodeCommand: boot lines, each report form, the report timing on
// the virtual clock, obeying replies (the simulated charger's limit and current follow), the
// fallback to the offline limit, Miss CRC, faults, foreign datagrams, the loopback-only rule, and
// the simulator CLI's --juicebox-udp mode.
import { strict as assert } from 'node:assert';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { decodeDatagram, encodeCommand, nextCommandCounter, type JuiceBoxDatagram } from '../../src/juicebox/codec';
import { DEMO_SERIAL_PREFIX, EMULATED_SERIAL_PREFIX, SimEngine, startSimulator } from '../../src/simulator';
import { parseUdpTarget, startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';

const START = 1_767_225_600; // 2026-01-01T00:00:00Z, a Thursday

interface Received {
  d: JuiceBoxDatagram;
  bytes: Buffer;
  from: { address: string; port: number };
}

/** A minimal server: records every datagram; answers reports with `reply(report)` when it returns text. */
class TestServer {
  readonly socket = dgram.createSocket('udp4');
  readonly got: Received[] = [];
  counter = 1;
  onlineA = 40;
  offlineA = 16;
  answer: 'valid' | 'bad-checksum' | 'silent' = 'valid';
  async start(): Promise<number> {
    this.socket.on('message', (bytes, rinfo) => {
      const d = decodeDatagram(bytes);
      this.got.push({ d, bytes, from: { address: rinfo.address, port: rinfo.port } });
      if (d.kind !== 'report' || this.answer === 'silent') return;
      let cmd = encodeCommand({
        protocolVersion: d.protocolVersion,
        dayOfWeek: 4,
        hour: 12,
        minute: 0,
        onlineA: this.onlineA,
        offlineA: this.offlineA,
        counter: this.counter,
      });
      this.counter = nextCommandCounter(this.counter);
      if (this.answer === 'bad-checksum') cmd = cmd.replace(/!(...)\$$/, (_m, c: string) => `!${c === '000' ? '001' : '000'}$`);
      this.socket.send(cmd, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return this.socket.address().port;
  }
  of(serial: string, kind?: JuiceBoxDatagram['kind']): Received[] {
    return this.got.filter((g) => g.d.kind !== 'refused' && g.d.serial === serial && (kind === undefined || g.d.kind === kind));
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

describe('JuiceBox emulator', function () {
  this.timeout(20_000);
  let server: TestServer;
  let port: number;
  let emu: JuiceBoxEmulator | undefined;

  beforeEach(async () => {
    server = new TestServer();
    port = await server.start();
  });
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
    await server.close();
  });

  const start = (
    protocol: Parameters<typeof startJuiceBoxEmulator>[0]['protocol'],
    units = 1,
    extra: Partial<Parameters<typeof startJuiceBoxEmulator>[0]> = {},
  ) =>
    startJuiceBoxEmulator({
      target: { host: '127.0.0.1', port },
      protocol,
      tickMs: 0,
      simulatorOptions: { units, manualClock: true, autoPlug: false, startTime: START, seed: 3 },
      ...extra,
    });

  it('each box announces its boot, then reports in its protocol form; the server reads every one', async () => {
    emu = await start(['v09u', 'v07', 'legacy', 'v09e'], 4);
    const sim = emu.simulator!;
    for (const b of emu.boxes) sim.plugIn(b.serial);
    sim.advance(11);
    assert.equal(await emu.tick(), 4);
    await emu.waitFor(() => server.got.length >= 8, 3000, 'eight datagrams');
    const [v09u, v07, legacy, v09e] = emu.boxes;
    for (const b of emu.boxes) {
      const boot = server.of(b.serial)[0].d;
      assert.ok(boot.kind === 'debug' && boot.boot && boot.boot.firmware.length > 0, `${b.protocol}: boot line first`);
    }
    const rep = (serial: string) => server.of(serial).find((g) => g.d.kind !== 'debug')!.d;
    const a = rep(v09u.serial);
    assert.ok(a.kind === 'report' && a.protocolVersion === 'v09u' && a.checksum === 'valid' && a.state === 'charging', JSON.stringify(a));
    assert.ok(a.kind === 'report' && a.onlineLimitA === 32 && a.offlineLimitA === 16 && a.ratingA === 32 && (a.currentA ?? 0) > 0 && (a.voltageV ?? 0) > 200);
    const b = rep(v07.serial);
    assert.ok(b.kind === 'report' && b.protocolVersion === 'v07' && b.checksum === 'valid' && b.offlineLimitA === undefined, JSON.stringify(b));
    const c = rep(legacy.serial);
    assert.ok(c.kind === 'report' && c.protocolVersion === undefined && c.checksum === 'absent' && c.state === 'charging', JSON.stringify(c));
    assert.equal(c.kind === 'report' && c.fields.filter(([k]) => k === 'E').length, 2, 'old firmware repeats E');
    assert.ok(c.kind === 'report' && !c.fields.some(([k]) => k === 'S'));
    const d = rep(v09e.serial);
    assert.ok(d.kind === 'encrypted' && d.protocolVersion === 'v09e', JSON.stringify(d));
    // Every box reports from its own socket.
    assert.equal(new Set(server.got.map((g) => g.from.port)).size, 4);
    assert.deepEqual(new Set(server.got.map((g) => g.from.port)), new Set(emu.boxes.map((x) => x.sourcePort)));
  });

  it('reports every 9-10 s while charging and every 30 s otherwise, on the virtual clock', async () => {
    emu = await start('v09u', 2);
    const sim = emu.simulator!;
    const [charging, idle] = emu.boxes;
    sim.plugIn(charging.serial);
    for (let s = 0; s < 120; s++) {
      sim.advance(1);
      await emu.tick();
    }
    await emu.waitFor(() => emu!.box(charging.serial).reportsSent === server.of(charging.serial, 'report').length, 3000, 'reports to arrive');
    const c = emu.box(charging.serial).reportsSent;
    const i = emu.box(idle.serial).reportsSent;
    assert.ok(c >= 11 && c <= 14, `charging box sent ${c} reports in 120 s`);
    assert.ok(i >= 4 && i <= 5, `idle box sent ${i} reports in 120 s`);
    const periods = server.of(charging.serial, 'report').map((g) => (g.d.kind === 'report' ? g.d.reportIntervalS : -1));
    assert.ok(
      periods.every((t) => t === 9 || t === 10),
      String(periods),
    );
    const idlePeriods = server.of(idle.serial, 'report').map((g) => (g.d.kind === 'report' ? g.d.reportIntervalS : -1));
    assert.ok(
      idlePeriods.every((t) => t === 30),
      String(idlePeriods),
    );
  });

  it('obeys the online limit of the replies: the simulated charger and its reported current follow', async () => {
    emu = await start('v09u', 1);
    const sim = emu.simulator!;
    const [box] = emu.boxes;
    sim.plugIn(box.serial);
    server.onlineA = 12;
    await emu.sendReport(box.serial);
    await emu.waitFor(() => emu!.box(box.serial).appliedLimitA === 12, 5000, 'the limit to reach the charger');
    assert.equal(sim.unit(box.serial).ampsLimit, 12);
    const st = emu.box(box.serial);
    assert.equal(st.onlineLimitA, 12);
    assert.equal(st.appliedLimitA, 12);
    assert.equal(st.commandsObeyed, 1);
    assert.equal(st.lastCommand?.onlineA, 12);
    sim.advance(10);
    await emu.sendReport(box.serial);
    await emu.waitFor(() => server.of(box.serial, 'report').length === 2, 3000, 'the second report');
    const r = server.of(box.serial, 'report')[1].d;
    assert.ok(r.kind === 'report' && r.onlineLimitA === 12 && r.currentA === 12, JSON.stringify(r));
    // 0 A pauses charging.
    server.onlineA = 0;
    await emu.sendReport(box.serial);
    await emu.waitFor(() => emu!.box(box.serial).appliedLimitA === 0, 5000, 'the pause');
    assert.equal(sim.unit(box.serial).state, 'plugged');
  });

  it('writes the offline limit only when a reply changes it', async () => {
    emu = await start('v09u', 1);
    const [box] = emu.boxes;
    server.offlineA = 16;
    for (let k = 0; k < 3; k++) await emu.sendReport(box.serial);
    await emu.waitFor(() => emu!.box(box.serial).commandsObeyed === 3, 3000, 'three replies');
    assert.equal(emu.box(box.serial).offlineLimitWrites, 0);
    server.offlineA = 20;
    await emu.sendReport(box.serial);
    await emu.waitFor(() => emu!.box(box.serial).commandsObeyed === 4, 3000, 'the fourth reply');
    assert.equal(emu.box(box.serial).offlineLimitWrites, 1);
    assert.equal(emu.box(box.serial).offlineLimitA, 20);
  });

  it('falls back to its offline limit after 5 minutes without replies, and back to the online limit when they return', async () => {
    emu = await start('v09u', 1);
    const sim = emu.simulator!;
    const [box] = emu.boxes;
    server.onlineA = 30;
    await emu.sendReport(box.serial);
    await emu.waitFor(() => emu!.box(box.serial).appliedLimitA === 30, 5000, 'the online limit');
    server.answer = 'silent';
    sim.advance(299);
    await emu.tick();
    assert.equal(emu.box(box.serial).fallenBack, false, 'not before 5 minutes');
    sim.advance(2);
    await emu.tick();
    await emu.waitFor(() => emu!.box(box.serial).appliedLimitA === 16, 5000, 'the offline limit');
    assert.equal(sim.unit(box.serial).ampsLimit, 16);
    assert.equal(emu.box(box.serial).fallenBack, true);
    server.answer = 'valid';
    await emu.sendReport(box.serial);
    await emu.waitFor(() => emu!.box(box.serial).appliedLimitA === 30, 5000, 'the online limit again');
    assert.equal(sim.unit(box.serial).ampsLimit, 30);
    assert.equal(emu.box(box.serial).fallenBack, false);
  });

  it('answers a reply with a bad checksum with a Miss CRC debug line and ignores it', async () => {
    emu = await start('v09u', 1);
    const sim = emu.simulator!;
    const [box] = emu.boxes;
    const before = sim.unit(box.serial).ampsLimit;
    server.answer = 'bad-checksum';
    server.onlineA = 8;
    await emu.sendReport(box.serial);
    await emu.waitFor(() => server.of(box.serial, 'debug').some((g) => g.d.kind === 'debug' && g.d.missCrc), 3000, 'Miss CRC');
    assert.equal(emu.box(box.serial).badChecksumReplies, 1);
    assert.equal(emu.box(box.serial).commandsObeyed, 0);
    assert.equal(sim.unit(box.serial).ampsLimit, before);
  });

  it("gives the boxes of its own simulator serials of their own, never the demo simulator's", async () => {
    emu = await start('v09u', 3);
    const demo = await startSimulator({ units: 3, seed: 3, manualClock: true, startTime: START, historyDays: 0 });
    try {
      const serials = emu.boxes.map((b) => b.serial);
      assert.ok(
        serials.every((s) => /^\d{28}$/.test(s) && s.startsWith(EMULATED_SERIAL_PREFIX)),
        serials.join(),
      );
      assert.ok(demo.units.every((u) => u.unitId.startsWith(DEMO_SERIAL_PREFIX)));
      // The same seed gives the same 20 digits behind the two prefixes: the prefix alone keeps them apart.
      assert.deepEqual(
        serials.map((s) => s.slice(8)),
        demo.units.map((u) => u.unitId.slice(8)),
      );
    } finally {
      await demo.close();
    }
  });

  it('ignores datagrams from any address but the server', async () => {
    emu = await start('v09u', 1);
    const [box] = emu.boxes;
    const intruder = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => intruder.bind(0, '127.0.0.1', resolve));
    try {
      intruder.send(
        encodeCommand({ protocolVersion: 'v09u', dayOfWeek: 1, hour: 1, minute: 1, onlineA: 6, offlineA: 6, counter: 1 }),
        box.sourcePort,
        '127.0.0.1',
      );
      await emu.waitFor(() => emu!.box(box.serial).foreignDatagrams === 1, 3000, 'the foreign datagram');
    } finally {
      intruder.close();
    }
    assert.equal(emu.box(box.serial).commandsObeyed, 0);
    assert.equal(emu.simulator!.unit(box.serial).ampsLimit, 32);
  });

  it('sends faults the server refuses: garbage, bad checksum, too long, encrypted; and a spoofed report from another port', async () => {
    emu = await start('v09u', 1);
    const [box] = emu.boxes;
    await emu.waitFor(() => server.got.length === 1, 3000, 'the boot line');
    const n0 = server.got.length;
    for (const kind of ['garbage', 'bad-checksum', 'too-long', 'encrypted'] as const) await emu.sendFault({ kind, serial: box.serial });
    await emu.sendFault({ kind: 'spoofed', serial: box.serial });
    await emu.waitFor(() => server.got.length === n0 + 5, 3000, 'five fault datagrams');
    const faults = server.got.slice(n0);
    const byPort = faults.filter((g) => g.from.port === box.sourcePort).map((g) => (g.d.kind === 'refused' ? g.d.reason : g.d.kind));
    assert.deepEqual(byPort.sort(), ['bad-checksum', 'encrypted', 'too-long', byPort.find((k) => k === 'not-text' || k === 'not-a-report')!].sort());
    const spoofed = faults.find((g) => g.from.port !== box.sourcePort)!;
    assert.ok(spoofed.d.kind === 'report' && spoofed.d.serial === box.serial, 'a spoofed report is a valid report from elsewhere');
  });

  it('runs on the real clock at the simulator speed by itself', async () => {
    emu = await startJuiceBoxEmulator({
      target: { host: '127.0.0.1', port },
      protocol: 'v07',
      tickMs: 20,
      simulatorOptions: { units: 2, speed: 300, autoPlug: false, startTime: START },
    });
    // 30 s virtual = 100 ms real: several reports per box within a second.
    const reportsOf = (serial: string) => server.of(serial, 'report').length;
    await emu.waitFor(() => emu!.boxes.every((b) => reportsOf(b.serial) >= 3), 5000, 'three reports per box at the server');
    assert.ok(emu.boxes.every((b) => b.protocol === 'v07' && b.reportsSent >= 3));
  });

  it('drives an in-process engine without HTTP', async () => {
    let t = START;
    const engine = new SimEngine({ seed: 1, startTime: START, units: 3, spareUnits: 0, autoPlug: false, historyPageSize: 20, speed: 1, now: () => t });
    emu = await startJuiceBoxEmulator({ target: { host: '127.0.0.1', port }, engine: { engine, now: () => t }, tickMs: 0 });
    assert.equal(emu.simulator, undefined);
    t += 31;
    assert.equal(await emu.tick(), 3);
    server.onlineA = 10;
    await emu.waitFor(() => emu!.boxes.every((b) => b.appliedLimitA === 10), 3000, 'every box at 10 A');
    assert.ok(emu.boxes.every((b) => engine.snapshot(b.serial).ampsLimit === 10));
    const st = emu.stats();
    assert.deepEqual(
      {
        boxes: st.boxes,
        reportsSent: st.reportsSent,
        commandsObeyed: st.commandsObeyed,
        datagramsSent: st.datagramsSent,
        fallenBack: st.fallenBack,
        limitErrors: st.limitErrors,
      },
      { boxes: 3, reportsSent: 3, commandsObeyed: 3, datagramsSent: 6, fallenBack: 0, limitErrors: 0 },
    );
  });

  it('sends nothing while a box is off the network', async () => {
    emu = await start('v09u', 1);
    const [box] = emu.boxes;
    emu.setBoxOnline(box.serial, false);
    emu.simulator!.advance(100);
    assert.equal(await emu.tick(), 0);
    await assert.rejects(emu.sendReport(box.serial), /offline/);
    emu.setBoxOnline(box.serial, true);
    emu.simulator!.advance(30);
    assert.equal(await emu.tick(), 1);
  });

  it('reports to an IPv6 loopback server (::1) as well', async () => {
    const v6 = dgram.createSocket('udp6');
    const got: JuiceBoxDatagram[] = [];
    v6.on('message', (b) => got.push(decodeDatagram(b)));
    await new Promise<void>((resolve) => v6.bind(0, '::1', resolve));
    try {
      emu = await startJuiceBoxEmulator({
        target: { host: '::1', port: v6.address().port },
        tickMs: 0,
        simulatorOptions: { units: 1, manualClock: true, autoPlug: false, startTime: START },
      });
      await emu.sendReport(emu.boxes[0].serial);
      await emu.waitFor(() => got.some((d) => d.kind === 'report'), 3000, 'a report over IPv6');
    } finally {
      v6.close();
    }
  });

  it('refuses any target that is not this machine, with a clear message', async () => {
    for (const host of ['192.168.1.20', '10.0.0.1', 'juicenet-udp-prod3-usa.enelx.com', '0.0.0.0', '::ffff:8.8.8.8']) {
      await assert.rejects(startJuiceBoxEmulator({ target: { host, port: 8047 }, simulatorOptions: { units: 1 } }), /only sends to this machine/);
    }
    assert.throws(() => parseUdpTarget('192.168.1.20:8047'), /only sends to this machine/);
    assert.throws(() => parseUdpTarget('127.0.0.1'), /HOST:PORT/);
    assert.throws(() => parseUdpTarget('127.0.0.1:70000'), /1 to 65535/);
    assert.deepEqual(parseUdpTarget('[::1]:8047'), { host: '::1', port: 8047 });
    assert.deepEqual(parseUdpTarget('localhost:8047'), { host: '127.0.0.1', port: 8047 });
  });
});

describe('simulator CLI: --juicebox-udp', function () {
  this.timeout(30_000);
  let dir: string;
  let cli: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'juicenet-jb-'));
    cli = join(dir, 'simulator-cli.js');
    await esbuild.build({
      entryPoints: ['src/simulator/cli.ts'],
      outfile: cli,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'error',
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('npm run sim -- --juicebox-udp 127.0.0.1:PORT --units 3 --protocol v09u: boxes report to the server and obey it', async () => {
    const server = new TestServer();
    const port = await server.start();
    server.onlineA = 14;
    const child = spawn(process.execPath, [cli, '--juicebox-udp', `127.0.0.1:${port}`, '--units', '3', '--protocol', 'v09u', '--speed', '60', '--seed', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 15_000;
      // At speed 60 a 30 s report period is half a real second: every box reports and obeys.
      while (Date.now() < deadline) {
        const serials = new Set(
          server.got.filter((g) => g.d.kind === 'report' && g.d.onlineLimitA === 14).map((g) => (g.d.kind === 'report' ? g.d.serial : '')),
        );
        if (serials.size === 3) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(out, /JuiceBox emulator: 3 boxes \(v09u\) reporting over UDP to 127\.0\.0\.1:\d+/);
      const bootSerials = new Set(server.got.filter((g) => g.d.kind === 'debug' && g.d.boot).map((g) => (g.d.kind === 'debug' ? g.d.serial : '')));
      assert.equal(bootSerials.size, 3, 'three boot lines');
      const obeying = new Set(server.got.filter((g) => g.d.kind === 'report' && g.d.onlineLimitA === 14).map((g) => (g.d.kind === 'report' ? g.d.serial : '')));
      assert.equal(obeying.size, 3, `every box reports the 14 A it was sent: ${out}`);
      // The README's emulator command and its demo (three units, seed 1) never show one charger twice.
      const demo = await startSimulator({ units: 3, speed: 60, historyDays: 0 });
      const demoSerials = demo.units.map((u) => u.unitId);
      await demo.close();
      assert.ok(demoSerials.every((s) => s.startsWith(DEMO_SERIAL_PREFIX)));
      assert.ok(
        [...bootSerials].every((s) => s.startsWith(EMULATED_SERIAL_PREFIX) && s.length === 28),
        [...bootSerials].join(),
      );
      assert.deepEqual(
        demoSerials.filter((s) => bootSerials.has(s)),
        [],
      );
    } finally {
      child.kill('SIGTERM');
      await server.close();
    }
    assert.equal(await exited, 0);
  });

  it('refuses a target that is not loopback, and --protocol without --juicebox-udp, with exit code 2', async () => {
    for (const args of [
      ['--juicebox-udp', '192.168.1.20:8047'],
      ['--protocol', 'v07'],
      ['--juicebox-udp', '127.0.0.1:8047', '--protocol', 'v11'],
    ]) {
      const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 2, err);
      assert.match(err, /simulator: .*(only sends to this machine|need --juicebox-udp|unknown protocol)/);
    }
  });
});
