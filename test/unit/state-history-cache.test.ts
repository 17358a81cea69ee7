// The history cache over real HTTP against the simulator: a first open reads every page, the next
// reads only newer pages, a reload (a new cache over the same storage) keeps everything, and no
// token is ever stored.
import { strict as assert } from 'node:assert';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { JuiceNetClient } from '../../src/api/client';
import { MemoryKeyValueStore } from '../../src/state/accounts';
import { HistoryCache, plotIntervalsFor } from '../../src/state/history-cache';
import type { HistoryPage } from '../../src/domain/model';
import type { UnitAuth } from '../../src/api/types';

const START = Date.UTC(2026, 10, 30, 12) / 1000;

/** A store that keeps what a Memento keeps: JSON text (so a reload sees only what was serialised). */
class JsonStore extends MemoryKeyValueStore {
  override async update(k: string, v: unknown) {
    this.map.set(k, v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  }
}

describe('history cache', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  let client: JuiceNetClient;
  let auth: UnitAuth;
  let unitId: string;
  before(async () => {
    sim = await startSimulator({ units: 1, seed: 5, manualClock: true, startTime: START, autoPlug: false, historyDays: 120 });
    client = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'cache-test' });
    unitId = sim.units[0].unitId;
    auth = { token: sim.units[0].token, accountToken: sim.accountToken, unitId };
  });
  after(async () => {
    await client?.close();
    await sim?.close();
  });

  it('reads every page once, then only the newer ones, and survives a reload', async () => {
    const store = new JsonStore();
    const truth = sim.unit(unitId).sessions;
    sim.resetRequestCount();
    const first = await new HistoryCache(store).sync(unitId, { client, auth });
    assert.equal(first.sessions.length, truth.length);
    assert.deepEqual(
      first.sessions.map((s) => s.id),
      truth.map((s) => s.id),
    );
    assert.equal(first.newSessions, truth.length);
    assert.equal(first.complete, true);
    assert.equal(sim.commandCounts().get_history, Math.ceil(truth.length / 20));

    // Two new sessions on the charger, then a reload: one page is enough.
    sim.plugIn(unitId, { energyToAddWh: 3000 });
    sim.advance(3 * 3600);
    sim.unplug(unitId);
    sim.plugIn(unitId, { energyToAddWh: 2000 });
    sim.advance(3 * 3600);
    sim.unplug(unitId);
    sim.resetRequestCount();
    const reloaded = new HistoryCache(store);
    assert.equal(reloaded.cached(unitId).length, truth.length, 'kept across a reload without a request');
    const second = await reloaded.sync(unitId, { client, auth });
    assert.equal(sim.commandCounts().get_history, 1, 'only the newest page');
    assert.equal(second.newSessions, 2);
    assert.equal(second.sessions.length, truth.length + 2);
    assert.deepEqual(
      second.sessions.map((s) => s.id),
      sim.unit(unitId).sessions.map((s) => s.id),
    );

    const stored = JSON.stringify([...store.map.values()]);
    assert.ok(!stored.includes(auth.token) && !stored.includes(sim.accountToken), 'no token in storage');
  });

  it('goes on from where an interrupted first read stopped', async () => {
    const store = new JsonStore();
    let pages = 0;
    const flaky = {
      getPlot: client.getPlot.bind(client),
      getHistoryPage: async (a: UnitAuth, token?: string): Promise<HistoryPage> => {
        if (++pages === 3) throw new Error('connection reset');
        return client.getHistoryPage(a, token);
      },
    };
    await assert.rejects(new HistoryCache(store).sync(unitId, { client: flaky, auth }), /connection reset/);
    assert.equal(new HistoryCache(store).cached(unitId).length, 40, 'the two pages read are kept');
    sim.resetRequestCount();
    const r = await new HistoryCache(store).sync(unitId, { client, auth });
    assert.equal(r.complete, true);
    assert.deepEqual(
      r.sessions.map((s) => s.id),
      sim.unit(unitId).sessions.map((s) => s.id),
    );
    const total = sim.unit(unitId).sessions.length;
    assert.equal(sim.commandCounts().get_history, 1 + Math.ceil((total - 40) / 20), 'the newest page, then from the cursor on');
  });

  it('reads power samples once per session and keeps them', async () => {
    const store = new JsonStore();
    const cache = new HistoryCache(store);
    await cache.sync(unitId, { client, auth });
    sim.resetRequestCount();
    const r = await cache.ensureSamples(unitId, { client, auth });
    const sessions = new HistoryCache(store).cached(unitId);
    assert.equal(r.fetched, sessions.length);
    assert.equal(sim.commandCounts().get_plot, sessions.length);
    for (const s of sessions.slice(0, 10)) {
      assert.equal(s.samples!.w.length, plotIntervalsFor(s));
      const wh = s.samples!.w.reduce((a, w) => a + (w * s.samples!.stepS) / 3600, 0);
      assert.ok(Math.abs(wh - s.energyWh!) / s.energyWh! < 0.01);
    }
    sim.resetRequestCount();
    assert.deepEqual(await new HistoryCache(store).ensureSamples(unitId, { client, auth }), { fetched: 0, failed: 0 });
    assert.equal(sim.commandCounts().get_plot ?? 0, 0);
  });
});
