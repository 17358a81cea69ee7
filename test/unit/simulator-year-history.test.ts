// The simulator's year of history: believable (seasons, weekday habits, time-of-use start),
// consistent (no overlaps, plots that add up) and deterministic for a seed.
import { strict as assert } from 'node:assert';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { JuiceNetClient } from '../../src/api/client';
import { localTime, toIanaZone } from '../../src/domain/time-zone';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const START = Date.UTC(2026, 10, 30, 12) / 1000;

describe('simulator: a year of charging history', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ units: 5, seed: 3, manualClock: true, startTime: START, autoPlug: false, historyDays: 365 });
  });
  after(async () => sim?.close());

  it('covers the year before the start, without overlapping sessions', () => {
    for (const u of sim.units) {
      const s = [...sim.unit(u.unitId).sessions].reverse();
      assert.ok(s.length >= 120 && s.length <= 400, `${u.name}: ${s.length} sessions`);
      assert.ok(s[0].timeStart < START - 350 * 86400 && s[0].timeStart > START - 367 * 86400, 'starts about a year back');
      assert.ok(s[s.length - 1].timeEnd < START);
      for (let i = 1; i < s.length; i++) {
        assert.ok(s[i].timeStart >= s[i - 1].timeEnd, 'one car, one session at a time');
        assert.ok(s[i].id > s[i - 1].id, 'ids grow with time (the paging cursor relies on it)');
      }
      for (const x of s) assert.ok(x.durationS <= x.timeEnd - x.timeStart && x.energyWh >= 500);
    }
  });

  it('needs more energy in winter than in summer, and plugs in more on weekday evenings', () => {
    let jan = 0;
    let jul = 0;
    let weekdayPlugs = 0;
    let weekendPlugs = 0;
    for (const u of sim.units) {
      const zone = toIanaZone(sim.unit(u.unitId).info.timeZoneId as string);
      for (const x of sim.unit(u.unitId).sessions) {
        const m = new Date(x.timeStart * 1000).getUTCMonth();
        if (m === 0) jan += x.energyWh;
        if (m === 6) jul += x.energyWh;
        if (localTime(zone, x.timeStart).weekend) weekendPlugs++;
        else weekdayPlugs++;
      }
    }
    assert.ok(jan > jul * 1.1, `January ${jan} Wh vs July ${jul} Wh`);
    // Per day: 5 weekdays, 2 weekend days.
    assert.ok(weekdayPlugs / 5 > (weekendPlugs / 2) * 1.2, `${weekdayPlugs} weekday vs ${weekendPlugs} weekend plug-ins`);
  });

  it('starts charging when a time-of-use window opens (the unit with a custom schedule)', async () => {
    const entry = sim.units.find((u) => sim.unit(u.unitId).schedule.type === 'custom')!;
    const unit = sim.unit(entry.unitId);
    const zone = toIanaZone(unit.info.timeZoneId as string);
    const opens = unit.schedule.weekday.start;
    const client = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'year-test' });
    try {
      const auth = { token: entry.token, accountToken: sim.accountToken, unitId: entry.unitId };
      let atWindow = 0;
      const sample = unit.sessions.slice(0, 20);
      for (const s of sample) {
        // One-minute buckets: the first with power is when charging started.
        const points = await client.getPlot(auth, s.id, Math.round((s.timeEnd - s.timeStart) / 60));
        const first = points.find((p) => p.v > 0)!;
        const minute = localTime(zone, first.t).minuteOfDay;
        const plugged = localTime(zone, s.timeStart).minuteOfDay;
        // Plugged in before the window: waits for it; plugged in later (inside it): starts at once.
        if (Math.abs(minute - (plugged < opens && plugged > 600 ? opens : plugged)) <= 1) atWindow++;
      }
      assert.ok(atWindow >= sample.length - 1, `${atWindow} of ${sample.length} started as the schedule says`);
    } finally {
      await client.close();
    }
  });

  it('serves the year through get_history and plots that add up to each session’s energy', async () => {
    const client = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'year-test' });
    try {
      const u = sim.units[0];
      const auth = { token: u.token, accountToken: sim.accountToken, unitId: u.unitId };
      const all = await client.getHistory(auth);
      assert.equal(all.length, sim.unit(u.unitId).sessions.length);
      for (const s of all.slice(0, 5)) {
        const points = await client.getPlot(auth, s.id!, 48);
        const step = (s.timeEnd! - s.timeStart!) / 48;
        const wh = points.reduce((sum, p) => sum + (p.v * step) / 3600, 0);
        assert.ok(Math.abs(wh - s.energyWh!) / s.energyWh! < 0.01, `${wh} vs ${s.energyWh}`);
      }
    } finally {
      await client.close();
    }
  });

  it('is the same year for the same seed, and another for another seed', async () => {
    const again = await startSimulator({ units: 1, seed: 3, manualClock: true, startTime: START, autoPlug: false, historyDays: 365 });
    const other = await startSimulator({ units: 1, seed: 4, manualClock: true, startTime: START, autoPlug: false, historyDays: 365 });
    try {
      assert.deepEqual(again.unit(again.units[0].unitId).sessions, sim.unit(sim.units[0].unitId).sessions);
      assert.notDeepEqual(other.unit(other.units[0].unitId).sessions, sim.unit(sim.units[0].unitId).sessions);
    } finally {
      await again.close();
      await other.close();
    }
  });

  it('refuses a history length that is not a whole number of days', async () => {
    await assert.rejects(startSimulator({ historyDays: 1.5 }), /historyDays must be a whole number/);
  });

  it('serves a year from the command line by default, and the days asked for with --history-days', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'juicenet-sim-year-'));
    const cli = join(dir, 'simulator-cli.js');
    await esbuild.build({
      entryPoints: ['src/simulator/cli.ts'],
      outfile: cli,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'error',
    });
    const sessionsFrom = async (args: string[]) => {
      const token = '7f3c1e00-1017-4048-b0bd-423da512f4c2';
      const child = spawn(process.execPath, [cli, '--port', '0', '--account-token', token, '--units', '1', '--no-auto-plug', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      try {
        let out = '';
        const url = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 10_000);
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
            if (m && out.includes('SIMULATOR_READY')) {
              clearTimeout(timer);
              resolve(m[1]);
            }
          });
        });
        const c = new JuiceNetClient({ baseUrl: url, deviceId: 'cli-year' });
        try {
          const [unit] = await c.getAccountUnits(token);
          return await c.getHistory({ token: unit.token, accountToken: token, unitId: unit.unitId });
        } finally {
          await c.close();
        }
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    };
    try {
      const year = await sessionsFrom([]);
      const days = (Math.max(...year.map((s) => s.timeStart!)) - Math.min(...year.map((s) => s.timeStart!))) / 86400;
      assert.ok(days > 340 && year.length > 120, `${year.length} sessions over ${days} days`);
      const month = await sessionsFrom(['--history-days', '30']);
      assert.ok(month.length > 5 && month.length < 40, `${month.length} sessions`);
      assert.ok(Math.max(...month.map((s) => s.timeStart!)) - Math.min(...month.map((s) => s.timeStart!)) < 31 * 86400);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
