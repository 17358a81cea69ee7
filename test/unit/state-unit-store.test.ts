// UnitStore and AccountManager against the real simulator over HTTP (in-process, loopback port).
import * as assert from 'node:assert/strict';
import { JuiceNetClient } from '../../src/api/client';
import { AccountManager, MemoryKeyValueStore, MemorySecretStore } from '../../src/state/accounts';
import { AlertEvent, UnitStore } from '../../src/state/unit-store';
import type { Logger } from '../../src/state/contracts';
import { startSimulator, RunningSimulator } from '../../src/simulator';

const lines: string[] = [];
const log: Logger = {
  trace: (m) => lines.push(m),
  info: (m) => lines.push(m),
  warn: (m) => lines.push(m),
  error: (m) => lines.push(String(m)),
};

describe('UnitStore against the simulator', function () {
  this.timeout(20000);
  let sim: RunningSimulator;
  let secrets: MemorySecretStore;
  let state: MemoryKeyValueStore;
  let store: UnitStore;
  let alerts: { event: AlertEvent; text: string }[];

  beforeEach(async () => {
    sim = await startSimulator({ units: 3, seed: 7, manualClock: true });
    secrets = new MemorySecretStore();
    state = new MemoryKeyValueStore();
    alerts = [];
    store = new UnitStore({
      accounts: new AccountManager(secrets, state),
      log,
      minIntervalS: 5,
      maxIntervalS: 60,
      makeClient: (baseUrl) => new JuiceNetClient({ baseUrl, deviceId: 'test-device', retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } }),
      onAlert: (_u, event, text) => alerts.push({ event, text }),
    });
  });
  afterEach(async () => {
    await store.dispose();
    await sim.close();
  });

  it('shows a verified write’s read-back at once, and names each view’s server', async () => {
    await store.signIn({ accountToken: sim.accountToken, baseUrl: sim.baseUrl, label: 'Home' });
    const v = store.units()[0];
    assert.equal(v.server, sim.baseUrl, 'the same unit ID on another server is another charger');
    const changed: string[][] = [];
    const sub = store.onDidChangeUnits((ids) => changed.push(ids));
    const api = store.api(v.key)!;
    await api.client.setLimit(api.auth, 0);
    const after = await api.client.getState(api.auth);
    store.applyReading(v.key, after);
    sub.dispose();
    assert.equal(store.getUnit(v.key)!.status!.charging.ampsLimit, 0, 'no poll needed');
    assert.ok(
      changed.some((ids) => ids.includes(v.key)),
      'the views are told',
    );
  });

  it("puts what a local server says of its boxes on their views (the rows' tooltips), and takes it away when it no longer says it", async () => {
    const a = await store.signIn({ accountToken: sim.accountToken, baseUrl: sim.baseUrl, label: 'Home' });
    const [v, other] = store.units();
    const changed: string[][] = [];
    const sub = store.onDidChangeUnits((ids) => changed.push(ids));
    store.setLocalBoxes(a.accountId, new Map([[v.unitId, { udpPort: 8055, monitorOnly: true }]]));
    assert.deepEqual(store.getUnit(v.key)!.localBox, { udpPort: 8055, monitorOnly: true });
    assert.equal(store.getUnit(other.key)!.localBox, undefined);
    assert.deepEqual(changed, [[v.key, v.unitId]], 'only the row that changed is told');
    store.setLocalBoxes(a.accountId, new Map([[v.unitId, { udpPort: 8055, monitorOnly: true }]]));
    assert.equal(changed.length, 1, 'the same notes change nothing');
    store.setLocalBoxes('another-account', new Map([[v.unitId, { udpPort: 8042 }]]));
    assert.deepEqual(store.getUnit(v.key)!.localBox, { udpPort: 8055, monitorOnly: true }, "another account's notes are not this charger's");
    store.setLocalBoxes(a.accountId, new Map());
    assert.equal(store.getUnit(v.key)!.localBox, undefined);
    sub.dispose();
  });

  it('signs in: units listed and read, tokens only in the secret store', async () => {
    const summary = await store.signIn({ accountToken: sim.accountToken, baseUrl: sim.baseUrl, label: 'Home' });
    assert.equal(summary.label, 'Home');
    const units = store.units();
    assert.deepEqual(units.map((u) => u.unitId).sort(), sim.units.map((u) => u.unitId).sort());
    for (const u of units) {
      assert.ok(u.status, 'read at sign-in');
      assert.equal(u.status!.state, sim.unit(u.unitId).state);
      assert.ok(u.info && u.schedule, 'info and schedule read at sign-in');
      assert.equal(u.stale, false);
    }
    const plain = JSON.stringify([...state.map.entries()]);
    assert.ok(!plain.includes(sim.accountToken), 'no account token in plain storage');
    for (const u of sim.units) assert.ok(!plain.includes(u.token), 'no unit token in plain storage');
    assert.ok(!JSON.stringify(units).includes(sim.accountToken));
    for (const u of sim.units) assert.ok(!JSON.stringify(units).includes(u.token), 'no unit token in a UnitView');
    assert.ok([...secrets.map.values()].includes(sim.accountToken));
    assert.equal(secrets.map.size, 1 + sim.units.length);

    // A second store over the same storage loads the account without asking the server for units.
    const again = new UnitStore({
      accounts: new AccountManager(secrets, state),
      log,
      minIntervalS: 5,
      maxIntervalS: 60,
      makeClient: (b) => new JuiceNetClient({ baseUrl: b, deviceId: 'x' }),
    });
    await again.load();
    assert.equal(again.units().length, 3);
    assert.ok(again.api(sim.units[0].unitId));
    await again.dispose();

    await store.signOut(summary.accountId);
    assert.equal(store.units().length, 0);
    assert.equal(secrets.map.size, 0, 'every secret of the account removed');
  });

  it('a rejected token throws AuthError and stores nothing', async () => {
    await assert.rejects(store.signIn({ accountToken: 'not-a-real-token-1234', baseUrl: sim.baseUrl }), (e: Error) => e.name === 'AuthError');
    assert.equal(secrets.map.size, 0);
    assert.equal(store.accounts().length, 0);
  });

  it('re-reads info and schedule only when info_timestamp grows or after a write', async () => {
    await store.signIn({ accountToken: sim.accountToken, baseUrl: sim.baseUrl });
    const id = sim.units[0].unitId;
    sim.resetRequestCount();
    await store.refresh(id, 'manual');
    await store.refresh(id, 'interval');
    let counts = sim.commandCounts();
    assert.equal(counts.get_state, 2);
    assert.ok(!counts.get_info && !counts.get_schedule, 'unchanged info_timestamp: no re-read');
    // A change made elsewhere (another app) bumps info_timestamp on the server.
    const { client, auth } = store.api(id)!;
    await client.setLimit(auth, 16);
    sim.resetRequestCount();
    await store.refresh(id, 'interval');
    counts = sim.commandCounts();
    assert.equal(counts.get_info, 1);
    assert.equal(counts.get_schedule, 1);
    sim.resetRequestCount();
    await store.refresh(id, 'write');
    assert.equal(sim.commandCounts().get_info, 1, 'a write re-reads even without a newer timestamp');
  });

  it('shows a state change and raises alerts; goes stale on failure and recovers', async () => {
    await store.signIn({ accountToken: sim.accountToken, baseUrl: sim.baseUrl });
    const standby = sim.units.find((u) => sim.unit(u.unitId).state === 'standby');
    assert.ok(standby, 'the seed gives a unit in standby');
    const id = standby!.unitId;
    const changes: string[][] = [];
    store.onDidChangeUnits((ids) => changes.push(ids));
    sim.plugIn(id);
    sim.advance(60);
    await store.refresh(id, 'manual');
    assert.equal(changes.length, 1, 'one change event per refresh');
    const after = store.getUnit(id)!;
    assert.equal(after.status!.state, sim.unit(id).state);
    assert.ok(['plugged', 'charging'].includes(after.status!.state));
    assert.ok(alerts.some((a) => a.event === 'plugged_in'));

    sim.setFaults({ http5xxRate: 1 });
    const lastGood = after.lastGoodAt;
    await store.refresh(id, 'manual');
    const failed = store.getUnit(id)!;
    assert.equal(failed.stale, true);
    assert.ok(failed.error && failed.error.length > 0);
    assert.equal(failed.lastGoodAt, lastGood, 'keeps the time of the last good reading');
    assert.ok(failed.status, 'keeps the last good status');
    assert.equal(failed.serverFailed, true, 'HTTP 5xx: the server failed');
    assert.ok(failed.failedSince !== undefined, 'remembers since when it fails');
    assert.ok(
      alerts.some((a) => a.event === 'server_failed'),
      'an HTTP 5xx is the server failing',
    );
    assert.ok(!alerts.some((a) => a.event === 'went_offline'), 'never "went offline" for a server error');
    assert.equal(store.policy.failuresOf(store.keyOf(id)!), 1, 'the policy counts per account and unit');

    // The connection drops: now the charger cannot be reached at all.
    sim.setFaults({ http5xxRate: 0, dropRate: 1 });
    await store.refresh(id, 'manual');
    assert.equal(store.getUnit(id)!.serverFailed, false);
    assert.ok(alerts.some((a) => a.event === 'went_offline'));

    sim.clearFaults();
    await store.refresh(id, 'recover');
    const back = store.getUnit(id)!;
    assert.equal(back.stale, false);
    assert.equal(back.error, undefined);
    assert.equal(back.failedSince, undefined);
    assert.ok(alerts.some((a) => a.event === 'back_online'));
  });

  it('addUnitToAccount stores the new unit token as a secret and shows the unit', async () => {
    const summary = await store.signIn({ accountToken: sim.accountToken, baseUrl: sim.baseUrl });
    const spare = sim.spareUnitIds[0];
    assert.ok(spare);
    const token = (await store.accountToken(summary.accountId))!;
    const { client } = store.api(sim.units[0].unitId)!;
    const added = await client.addUnit(token, spare);
    await store.addUnitToAccount(summary.accountId, added);
    assert.ok(store.getUnit(spare)?.status, 'read after adding');
    assert.ok([...secrets.map.values()].includes(added.token));
    assert.ok(!JSON.stringify([...state.map.entries()]).includes(added.token));
  });

  it('a charger in two accounts is two views, each with its own account, credentials and alerts once', async () => {
    const home = await store.signIn({ accountToken: sim.accountToken, baseUrl: sim.baseUrl, label: 'Home' });
    const otherToken = sim.createAccount();
    const shared = sim.units[0].unitId;
    sim.addUnitToAccount(otherToken, shared);
    const other = await store.signIn({ accountToken: otherToken, baseUrl: sim.baseUrl, label: 'Neighbour' });
    const views = store.viewsOfUnit(shared);
    assert.equal(views.length, 2, 'one view per account');
    assert.deepEqual(views.map((v) => v.accountLabel).sort(), ['Home', 'Neighbour']);
    assert.notEqual(views[0].key, views[1].key);
    assert.equal(store.units().filter((u) => u.accountId === home.accountId).length, 3, 'the first account keeps all its chargers');
    assert.equal(store.units().filter((u) => u.accountId === other.accountId).length, 1);
    // Each key reaches the charger with its own account's credentials.
    const byKey = (accountId: string) => store.api(views.find((v) => v.accountId === accountId)!.key)!;
    assert.equal(byKey(home.accountId).auth.accountToken, sim.accountToken);
    assert.equal(byKey(other.accountId).auth.accountToken, otherToken);
    for (const v of views) assert.equal(store.getUnit(v.key)!.status!.state, sim.unit(shared).state);

    // A change raises one alert, not one per account.
    alerts.length = 0;
    if (sim.unit(shared).state === 'standby') sim.plugIn(shared);
    else sim.unplug(shared);
    sim.advance(60);
    await Promise.all(views.map((v) => store.refresh(v.key, 'manual')));
    const kinds = alerts.map((a) => a.event);
    assert.equal(new Set(kinds).size, kinds.length, `no alert twice: ${kinds.join(', ')}`);

    // Signing out of one account leaves the other's view of the charger as it was.
    await store.signOut(other.accountId);
    assert.equal(store.viewsOfUnit(shared).length, 1);
    assert.equal(store.getUnit(shared)!.accountId, home.accountId);
    assert.equal(store.units().length, 3);
  });

  it('remembers the hold of a unit per account until it passes, and forgets it at sign-out', async () => {
    const home = await store.signIn({ accountToken: sim.accountToken, baseUrl: sim.baseUrl, label: 'Home' });
    const key = store.units()[0].key;
    const until = Math.floor(Date.now() / 1000) + 3600;
    await store.rememberHold(key, until);
    assert.equal(store.getUnit(key)!.holdUntilS, until);
    assert.equal(store.units()[1].holdUntilS, undefined, 'only that unit');
    // Kept in plain storage (no secret), so a new window shows it too.
    const again = new UnitStore({
      accounts: new AccountManager(secrets, state),
      log,
      minIntervalS: 5,
      maxIntervalS: 60,
      makeClient: (b) => new JuiceNetClient({ baseUrl: b, deviceId: 'x' }),
    });
    await again.load();
    assert.equal(again.getUnit(key)!.holdUntilS, until);
    await again.dispose();
    await store.rememberHold(key, 0);
    assert.equal(store.getUnit(key)!.holdUntilS, undefined, '0 forgets it');
    await store.rememberHold(key, until);
    await store.signOut(home.accountId);
    assert.deepEqual(state.map.get('juicenet.holds'), {}, 'forgotten with the account');
  });

  it('tells when accounts change, also for an account without chargers, whose own client adds one', async () => {
    const empty = await startSimulator({ units: 0, seed: 7, manualClock: true });
    try {
      let changes = 0;
      const unitEvents: string[][] = [];
      const subs = [store.onDidChangeAccounts(() => changes++), store.onDidChangeUnits((ids) => unitEvents.push(ids))];
      const summary = await store.signIn({ accountToken: empty.accountToken, baseUrl: empty.baseUrl, label: 'Empty' });
      assert.equal(changes, 1, 'signing in fires once');
      assert.deepEqual(unitEvents, [], 'no unit changed, so only the accounts event says so');
      const client = store.accountClient(summary.accountId);
      assert.ok(client, 'the account has a client before it has a unit');
      const spare = empty.spareUnitIds[0];
      const added = await client.addUnit(empty.accountToken, spare);
      await store.addUnitToAccount(summary.accountId, added);
      assert.deepEqual(
        store.units().map((u) => u.unitId),
        [spare],
      );
      assert.equal(store.accountClient('no-such-account'), undefined);
      await store.signOut(summary.accountId);
      assert.equal(changes, 2, 'signing out fires once');
      subs.forEach((d) => d.dispose());
    } finally {
      await empty.close();
    }
  });
});
