// Fault injection (each kind, determinism for a seed, stored state never corrupted) and the CLI.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { startSimulator, RunningSimulator, FaultConfig } from '../../src/simulator';

const START = 1795003200;
type Json = Record<string, unknown>;

describe('simulator: fault injection', () => {
  let sim: RunningSimulator;
  let unitId: string;
  const send = (cmd: string, extra: Json = {}, s = sim) =>
    fetch(s.baseUrl + '/box_api_secure', {
      method: 'POST',
      body: JSON.stringify({ cmd, device_id: 'fault-test', token: s.units[0].token, account_token: s.accountToken, ...extra }),
    });

  beforeEach(async () => {
    sim = await startSimulator({ seed: 3, manualClock: true, startTime: START, autoPlug: false });
    unitId = sim.units[0].unitId;
  });
  afterEach(() => sim.close());

  it('latencyMs delays every reply', async () => {
    sim.setFaults({ latencyMs: 150 });
    const t0 = Date.now();
    const r = await send('get_state');
    await r.json();
    assert.ok(Date.now() - t0 >= 140, `took ${Date.now() - t0} ms`);
    sim.clearFaults();
    const t1 = Date.now();
    await (await send('get_state')).json();
    assert.ok(Date.now() - t1 < 140);
  });

  it('http5xxRate answers 500/503 and does not apply the write', async () => {
    sim.setFaults({ http5xxRate: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const r = await send('set_limit', { amperage: 10 });
      statuses.add(r.status);
      await r.text();
    }
    assert.deepEqual([...statuses].sort(), [500, 503]);
    assert.equal(sim.unit(unitId).ampsLimit, 32);
  });

  it('failureRate answers success:false 500 "Temporary failure" and does not apply the write', async () => {
    sim.setFaults({ failureRate: 1 });
    const r = await send('set_limit', { amperage: 10 });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { success: false, error_code: 500, error_message: 'Temporary failure', cmd: 'set_limit' });
    assert.equal(sim.unit(unitId).ampsLimit, 32);
  });

  it('dropRate destroys the connection without a reply; the write is applied (a lost reply)', async () => {
    sim.setFaults({ dropRate: 1 });
    await assert.rejects(send('set_limit', { amperage: 12 }));
    assert.equal(sim.unit(unitId).ampsLimit, 12, 'unit() shows the truth');
  });

  it('malformedRate sends broken JSON with HTTP 200; the write is applied', async () => {
    sim.setFaults({ malformedRate: 1 });
    const r = await send('set_limit', { amperage: 14 });
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.throws(() => JSON.parse(text));
    assert.equal(sim.unit(unitId).ampsLimit, 14);
    const g = await (await send('get_state')).text();
    assert.throws(() => JSON.parse(g));
  });

  it('numbersAsStrings sends every number as a string', async () => {
    sim.setFaults({ numbersAsStrings: true });
    const s = (await (await send('get_state')).json()) as Json;
    assert.equal(s.success, true);
    assert.equal((s.charging as Json).amps_limit, '32');
    assert.equal(typeof s.utc_time, 'string');
    assert.equal(s.utc_time, String(START));
    assert.equal(typeof ((s.lifetime as Json).co2 as Json).actual, 'string');
    const h = (await (await send('get_history')).json()) as { sessions: Json[] };
    // Odd session ids carry the protocol's " wh_energy" key.
    assert.equal(typeof (h.sessions[0].wh_energy ?? h.sessions[0][' wh_energy']), 'string');
  });

  it('offlineUnits turns units to disconnect until the fault is cleared', async () => {
    sim.plugIn(unitId);
    sim.setFaults({ offlineUnits: [unitId] });
    sim.advance(120);
    assert.equal(((await (await send('get_state')).json()) as Json).state, 'disconnect');
    assert.equal(sim.unit(unitId).state, 'charging');
    sim.clearFaults();
    assert.equal(((await (await send('get_state')).json()) as Json).state, 'charging');
  });

  it('faults can be given as options and are validated', async () => {
    const s = await startSimulator({ seed: 3, manualClock: true, faults: { failureRate: 1 } });
    try {
      assert.equal(((await (await send('get_state', {}, s)).json()) as Json).error_code, 500);
    } finally {
      await s.close();
    }
    assert.throws(() => sim.setFaults({ dropRate: 2 }), /0 to 1/);
    assert.throws(() => sim.setFaults({ latencyMs: -1 } as Partial<FaultConfig>), /latencyMs/);
    assert.equal(sim.faults().dropRate, 0, 'a rejected fault config changes nothing');
  });

  it('is deterministic for a seed: the same requests meet the same faults', async () => {
    const outcomes = async (seed: number) => {
      const s = await startSimulator({
        seed,
        manualClock: true,
        startTime: START,
        autoPlug: false,
        faults: { http5xxRate: 0.3, failureRate: 0.2, malformedRate: 0.2 },
      });
      const out: string[] = [];
      try {
        for (let i = 0; i < 40; i++) {
          const r = await send('get_state', {}, s);
          const text = await r.text();
          let kind = String(r.status);
          if (r.status === 200) {
            try {
              kind = (JSON.parse(text) as Json).success ? 'ok' : 'fail';
            } catch {
              kind = 'malformed';
            }
          }
          out.push(kind);
        }
      } finally {
        await s.close();
      }
      return out;
    };
    const a = await outcomes(21);
    const b = await outcomes(21);
    const c = await outcomes(22);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    for (const k of ['ok', 'fail', 'malformed']) assert.ok(a.includes(k), `${k} in ${a.join(',')}`);
    assert.ok(a.includes('500') || a.includes('503'));
  });

  it('the control endpoint sets and clears faults', async () => {
    const ctl = (body: Json) => fetch(sim.baseUrl + '/_sim/control', { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<Json>);
    await ctl({ action: 'faults', faults: { failureRate: 1 } });
    assert.equal(((await (await send('get_state')).json()) as Json).error_code, 500);
    const bad = await ctl({ action: 'faults', faults: { http5xxRate: 7 } });
    assert.equal(bad.success, false);
    await ctl({ action: 'clear_faults' });
    assert.equal(((await (await send('get_state')).json()) as Json).success, true);
  });
});

describe('simulator: CLI', () => {
  let dir: string;
  let cli: string;
  before(async function () {
    this.timeout(30_000);
    dir = mkdtempSync(join(tmpdir(), 'juicenet-sim-'));
    cli = join(dir, 'simulator-cli.js');
    // The same bundle options as esbuild.mjs's simulator target, into a private folder.
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

  it('starts, prints its URL and account token, serves, and closes cleanly on SIGTERM', async function () {
    this.timeout(20_000);
    const token = '4dd4e456-2304-4a05-88a6-3bbabc900660';
    const child = spawn(process.execPath, [cli, '--port', '0', '--account-token', token, '--units', '2', '--speed', '60', '--seed', '1', '--latency-ms', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
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
      assert.match(out, new RegExp(`Account token: ${token}`));
      const r = await fetch(url + '/box_pin', {
        method: 'POST',
        body: JSON.stringify({ cmd: 'get_account_units', account_token: token, device_id: 'cli-test' }),
      });
      const json = (await r.json()) as { units: unknown[] };
      assert.equal(json.units.length, 2);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });

  it('refuses unknown flags and bad numbers with exit code 2', async function () {
    this.timeout(10_000);
    for (const args of [['--bogus'], ['--units', 'many']]) {
      const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 2, err);
      assert.match(err, /simulator: /);
    }
  });
});
