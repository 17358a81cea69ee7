// Start and Stop Charging: the one rule (src/domain/start-stop.ts) and its run against the simulator
// over real HTTP (src/state/start-stop.ts), as the commands, the panel and the soak use it.
import { strict as assert } from 'node:assert';
import { JuiceNetClient } from '../../src/api/client';
import { planStart, planStop, startBlockers, startDoneText, startSendsOverride, type StartFacts } from '../../src/domain/start-stop';
import { forgetLimit, rememberedLimit } from '../../src/state/limit-memory';
import { runStart, runStop, writeLimitRemembering } from '../../src/state/start-stop';
import type { UnitTarget } from '../../src/state/unit-writes';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';

const LA = 'America/Los_Angeles';
const NOON = Date.UTC(2026, 5, 3, 19, 0) / 1000; // Wednesday 12:00 in Los Angeles
const night = { start: 22 * 60, end: 6 * 60, carReadyBy: 0 };
const SCHEDULE = { type: 'custom' as const, weekday: night, weekend: night };

function facts(over: Partial<StartFacts> & { limit?: number; state?: string; overrideTime?: number } = {}): StartFacts {
  const { limit = 32, state = 'plugged', overrideTime = 0, ...rest } = over;
  return { status: { state: state as never, overrideTime, charging: { ampsLimit: limit } }, zone: LA, nowS: NOON, ...rest };
}

describe('domain/start-stop: one rule for Start and Stop', () => {
  it('Start after Stop on a charger with no schedule restores the limit and sends no override', () => {
    const plan = planStart(facts({ limit: 0, rememberedAmps: 16 }));
    assert.deepEqual(plan, { kind: 'start', restoreAmps: 16, blockers: [] });
    assert.equal(startDoneText(plan as never, LA, NOON, false), 'may charge again: limit restored to 16 A; no schedule or hold blocks it.');
  });

  it('Start makes an override only when the schedule, a hold or a later override blocks, and says which', () => {
    const bySchedule = planStart(facts({ schedule: SCHEDULE }));
    assert.deepEqual(bySchedule, { kind: 'start', restoreAmps: undefined, blockers: [{ kind: 'schedule' }] });
    assert.equal(startDoneText(bySchedule as never, LA, NOON, false), 'will charge now, ignoring the schedule (an override; Cancel Override goes back to it).');
    const held = planStart(facts({ holdUntilS: NOON + 3600, limit: 0, rememberedAmps: 20 }));
    assert.deepEqual(held, { kind: 'start', restoreAmps: 20, blockers: [{ kind: 'hold', untilS: NOON + 3600 }] });
    assert.match(startDoneText(held as never, LA, NOON, true), /ignoring the hold until 13:00 .*Limit restored to 20 A\. Plug the car in to start\.$/);
    const later = startBlockers(facts({ overrideTime: NOON + 7200, schedule: SCHEDULE }));
    assert.deepEqual(later, [{ kind: 'laterOverride', atS: NOON + 7200 }, { kind: 'schedule' }]);
    // Inside the window the schedule blocks nothing.
    assert.deepEqual(startBlockers(facts({ schedule: SCHEDULE, nowS: NOON + 11 * 3600 })), []);
    // Judged in the charger's zone: noon in Los Angeles is inside a 10:00-14:00 window there; 19:00 UTC is not.
    const midday = { start: 10 * 60, end: 14 * 60, carReadyBy: 0 };
    assert.deepEqual(startBlockers(facts({ schedule: { type: 'custom', weekday: midday, weekend: midday } })), []);
    assert.deepEqual(startBlockers(facts({ zone: 'UTC', schedule: { type: 'custom', weekday: midday, weekend: midday } })), [{ kind: 'schedule' }]);
  });

  it('Start with an amount always sends an override: only it carries the energy to add', () => {
    const p = planStart(facts({ energyToAddWh: 12_500 }));
    assert.deepEqual(p, { kind: 'start', restoreAmps: undefined, blockers: [], energyToAddWh: 12_500 });
    assert.equal(startSendsOverride(p as never), true);
    assert.equal(startDoneText(p as never, LA, NOON, false), 'will charge now, adding 12.5 kWh (an override; Cancel Override ends it).');
    const both = planStart(facts({ energyToAddWh: 10_000, schedule: SCHEDULE }));
    assert.match(startDoneText(both as never, LA, NOON, false), /^will charge now, adding 10 kWh, ignoring the schedule/);
    assert.equal(startSendsOverride(planStart(facts({ limit: 0, rememberedAmps: 16 })) as never), false);
  });

  it('Start with nothing blocking and the limit on sends nothing, and says why', () => {
    const p = planStart(facts());
    assert.equal(p.kind, 'nothingToDo');
    assert.match((p as { why: string }).why, /^Nothing stops it: no schedule or hold blocks charging and the limit is 32 A\. The car draws nothing/);
    assert.deepEqual(planStart(facts({ state: 'charging' })), { kind: 'nothingToDo', why: 'It is charging already.' });
    assert.match((planStart(facts({ overrideTime: NOON - 60, schedule: SCHEDULE })) as { why: string }).why, /An override already lets it charge now/);
  });

  it('Start at 0 A asks for a limit when none is remembered; a chosen limit wins and is checked', () => {
    assert.deepEqual(planStart(facts({ limit: 0 })), { kind: 'needLimit' });
    assert.deepEqual(planStart(facts({ limit: 0, rememberedAmps: 16, chosenAmps: 24 })), { kind: 'start', restoreAmps: 24, blockers: [] });
    assert.equal(planStart(facts({ limit: 0, chosenAmps: 48, maxAmps: 40 })).kind, 'refused');
    assert.match((planStart(facts({ limit: 0, chosenAmps: 3 })) as { message: string }).message, /out of range/);
  });

  it('Stop remembers the limit it had; a charger off already is left alone', () => {
    assert.deepEqual(planStop({ state: 'plugged', charging: { ampsLimit: 32 } }), { kind: 'stop', rememberAmps: 32 });
    assert.deepEqual(planStop({ state: 'plugged', charging: { ampsLimit: 0 } }), { kind: 'nothingToDo', why: 'Charging is off already (limit 0 A).' });
    assert.deepEqual(planStop({ state: 'plugged', charging: {} }), { kind: 'stop', rememberAmps: undefined });
  });

  it('Stop on an offline charger sends 0 A even when its last check-in said 0 A (the server may hold another limit since)', () => {
    assert.deepEqual(planStop({ state: 'disconnect', charging: { ampsLimit: 0 } }), { kind: 'stop', rememberAmps: undefined });
  });
});

describe('state/start-stop against the simulator (the commands’, the panel’s and the soak’s Start and Stop)', () => {
  let sim: RunningSimulator;
  let client: JuiceNetClient;
  let t: UnitTarget;
  let id: string;
  const key = 'acc/start-stop';

  beforeEach(async () => {
    sim = await startSimulator({ units: 1, seed: 11, manualClock: true, autoPlug: false });
    client = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'start-stop-test' });
    const u = sim.units[0];
    id = u.unitId;
    t = { client, auth: { token: u.token, accountToken: sim.accountToken, unitId: id } };
    forgetLimit(key);
    await client.setSchedule(t.auth, { type: 'disabled', weekday: night, weekend: night });
    await client.setOverride(t.auth, { overrideTime: 0 });
    await writeLimitRemembering(t, key, 16);
    sim.plugIn(id);
  });
  afterEach(async () => {
    forgetLimit(key);
    await client.close();
    await sim.close();
  });

  it('Stop then Start with no schedule: the 16 A limit back, no override, and the read-back to show', async () => {
    const stop = await runStop(t, key);
    assert.equal(stop.kind, 'stopped');
    assert.equal(sim.unit(id).ampsLimit, 0);
    assert.equal(rememberedLimit(key), 16);
    const start = await runStart(t, { memoryKey: key, zone: 'UTC' });
    assert.equal(start.kind, 'started');
    if (start.kind !== 'started') return;
    assert.equal(start.confirmed, true);
    assert.equal(sim.unit(id).ampsLimit, 16);
    assert.equal(sim.unit(id).overrideTime, 0, 'no override on a charger nothing blocks');
    assert.equal(start.after?.charging.ampsLimit, 16);
    assert.match(start.text, /^may charge again: limit restored to 16 A/);
    assert.equal(rememberedLimit(key), undefined, 'restored: forgotten');
  });

  it('Start while the schedule blocks: an override, confirmed by the read-back', async () => {
    // A window that is never now: the hour before the charger's current one.
    const zone = 'UTC';
    const hour = Math.floor((sim.now() % 86400) / 3600);
    const w = { start: ((hour + 22) % 24) * 60, end: ((hour + 23) % 24) * 60, carReadyBy: 0 };
    await client.setSchedule(t.auth, { type: 'custom', weekday: w, weekend: w });
    const start = await runStart(t, { memoryKey: key, zone });
    assert.equal(start.kind, 'started');
    if (start.kind !== 'started') return;
    assert.deepEqual(start.plan.blockers, [{ kind: 'schedule' }]);
    assert.equal(start.confirmed, true);
    assert.ok(sim.unit(id).overrideTime > 0);
    assert.equal(start.after?.overrideTime, sim.unit(id).overrideTime);
    assert.match(start.text, /^will charge now, ignoring the schedule/);
  });

  it('Stop twice keeps the first limit remembered; Start at 0 A with nothing remembered sends nothing', async () => {
    await runStop(t, key);
    const again = await runStop(t, key);
    assert.equal(again.kind, 'nothingToDo');
    assert.equal(rememberedLimit(key), 16);
    forgetLimit(key);
    const before = sim.requestCount();
    const start = await runStart(t, { memoryKey: key, zone: 'UTC' });
    assert.equal(start.kind, 'needLimit');
    assert.equal(sim.unit(id).ampsLimit, 0);
    assert.equal(sim.requestCount() - before, 2, 'only the two reads (state and schedule)');
  });
});
