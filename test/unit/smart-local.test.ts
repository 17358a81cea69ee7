// Smart charging end to end: JuiceNet Local answers emulated JuiceBoxes over loopback UDP on the
// simulator's virtual clock, and is driven over HTTP (POST /local/smart). Boxes share circuits, a
// plan meets its deadline at the cheapest hours across a server restart, and a solar box follows a
// simulated meter served over HTTP until the meter dies.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalSmartStatus } from '../../src/api/local-contract';
import { callLocalSmart, LocalSmartError, type LocalSmartAction } from '../../src/api/local-smart';
import { smartReason, type SmartBoxState } from '../../src/domain/smart';
import { startLocalServer, type RunningLocalServer } from '../../src/local/server';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import mqtt, { type MqttClient } from 'mqtt';
import { startBroker, type Broker } from '../mqtt-broker';
import { post, tempDir } from './local-helpers';

interface SmartRig {
  sim: RunningSimulator;
  server: RunningLocalServer;
  emu: JuiceBoxEmulator;
  ids: string[];
  logs: string[];
  dataDir: string;
  smart(action: LocalSmartAction): Promise<LocalSmartStatus>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where the virtual clock starts: a fixed instant, so that a run does not depend on the time of day
 * or the weekday it is run on. The simulator gives every third unit (the second and the fifth here)
 * a night-time schedule (23:00-07:00 on weekdays in its zone, Pacific and Eastern); a car on such a
 * unit waits for its timer by day, and a box whose car takes nothing gives its seat on a circuit up.
 * Wednesday 7 January 2026 08:00 UTC is midnight in Pacific and 03:00 in Eastern: every car charges
 * at once, for hours of virtual time past the end of this file.
 */
const START_S = Date.UTC(2026, 0, 7, 8, 0, 0) / 1000;

async function startSmartRig(units: number, speed: number, smartOpts: Parameters<typeof startLocalServer>[0]['smart'] = {}): Promise<SmartRig> {
  const tmp = tempDir('juicenet-smart-');
  const logs: string[] = [];
  const sim = await startSimulator({ units, seed: 21, speed, autoPlug: false, spareUnits: 0, startTime: START_S });
  const serverOpts = (udpPort: number) => ({
    dataDir: tmp.dir,
    udpPort,
    udpHost: '127.0.0.1',
    httpPort: 0,
    tickMs: 50,
    timeZone: 'UTC',
    now: () => sim.now(),
    smart: smartOpts,
    log: (l: string) => logs.push(l),
  });
  let server = await startLocalServer(serverOpts(0));
  const emu = await startJuiceBoxEmulator({ target: { host: '127.0.0.1', port: server.udpPort }, simulator: sim, protocol: 'v09u', tickMs: 10 });
  const ids = sim.units.map((u) => u.unitId);
  for (const id of ids) await emu.waitFor(() => server.source.hasUnit(id), 10_000, `the first report of ${id}`);
  const rig: SmartRig = {
    sim,
    get server() {
      return server;
    },
    emu,
    ids,
    logs,
    dataDir: tmp.dir,
    // Through the extension's own client of /local/smart.
    smart: (action) => callLocalSmart(server.baseUrl, server.accountToken, action),
    restart: async () => {
      const port = server.udpPort;
      await server.close();
      server = await startLocalServer(serverOpts(port));
    },
    stop: async () => {
      await emu.stop();
      await sim.close();
      await server.close();
      tmp.remove();
    },
  };
  return rig;
}

/** The reason line of a box from the status, as the extension words it. */
function reasonOf(status: LocalSmartStatus, unitId: string, nowS: number): string | undefined {
  const b = status.boxes.find((x) => x.unitId === unitId) as SmartBoxState | undefined;
  return b ? smartReason(b, 'UTC', nowS)?.short : undefined;
}

/** Watches what the boxes report: the largest sum of reported currents per circuit. */
function watchCircuits(rig: SmartRig, circuits: Record<string, string[]>): { max: Record<string, number>; stop(): void } {
  const current = new Map<string, number>();
  const max: Record<string, number> = Object.fromEntries(Object.keys(circuits).map((k) => [k, 0]));
  const off = rig.server.source.on('report', (e) => {
    current.set(e.unitId, e.report.currentA ?? 0);
    for (const [name, ids] of Object.entries(circuits))
      max[name] = Math.max(
        max[name],
        ids.reduce((s, id) => s + (current.get(id) ?? 0), 0),
      );
  });
  return { max, stop: off };
}

describe('JuiceNet Local smart charging (emulated boxes, the virtual clock, /local/smart over HTTP)', function () {
  this.timeout(90_000);

  describe('two boxes and five boxes sharing circuits', () => {
    let rig: SmartRig;
    let legacy: JuiceBoxEmulator;
    before(async () => {
      rig = await startSmartRig(7, 20);
      legacy = await startJuiceBoxEmulator({
        target: { host: '127.0.0.1', port: rig.server.udpPort },
        simulatorOptions: { units: 1, seed: 99, speed: 20, autoPlug: false, spareUnits: 0, startTime: START_S },
        protocol: 'legacy',
        tickMs: 10,
      });
      const serial = legacy.boxes[0].serial;
      await legacy.waitFor(() => rig.server.source.hasUnit(serial), 10_000, 'the old box');
    });
    after(async () => {
      await legacy?.stop();
      await legacy?.simulator?.close();
      await rig?.stop();
    });

    it('refuses a wrong token, a circuit under 6 A, and a box that does not say its limit, in words', async () => {
      await assert.rejects(
        rig.smart({ action: 'set-circuit', name: 'Shed', capacityA: 16, unitIds: [legacy.boxes[0].serial] }),
        (e) => e instanceof LocalSmartError && /does not report the limit it obeys \(old firmware\).*cannot share a circuit safely/.test(e.message),
      );
      const bad = await post(rig.server.baseUrl, '/local/smart', { account_token: 'nope', action: 'status' });
      assert.equal(bad.status, 401);
      await assert.rejects(callLocalSmart(rig.server.baseUrl, 'nope', { action: 'status' }), (e) => e instanceof LocalSmartError && e.kind === 'token');
      await assert.rejects(
        rig.smart({ action: 'set-circuit', name: 'Garage', capacityA: 3, unitIds: [rig.ids[0]] }),
        (e) => e instanceof LocalSmartError && e.kind === 'refused' && /whole number of amps from 6 to 400/.test(e.message),
      );
      assert.ok(!rig.logs.some((l) => l.includes(rig.server.accountToken)), 'no log line carries the account token');
      const twice = await post(rig.server.baseUrl, '/local/smart', {
        account_token: rig.server.accountToken,
        action: 'set-circuit',
        name: 'Garage',
        capacityA: 3,
        unitIds: [rig.ids[0]],
      });
      assert.equal(twice.status, 422);
      assert.match(String(twice.body.error_message ?? twice.body.message ?? JSON.stringify(twice.body)), /whole number of amps from 6 to 400/);
    });

    it('divides each circuit among the charging boxes (16 + 16 of 32 A; 7 + 7 + 6 + 6 + 6 of 32 A), the reported currents never above it', async () => {
      const garage = rig.ids.slice(0, 2);
      const carport = rig.ids.slice(2, 7);
      const g = await rig.smart({ action: 'set-circuit', id: 'garage', name: 'Garage', capacityA: 32, unitIds: garage });
      assert.match(g.message!, /The Garage circuit \(32 A\) is shared by 2 boxes\. The offline limits add up to 32 A, within/);
      const c = await rig.smart({ action: 'set-circuit', id: 'carport', name: 'Carport', capacityA: 32, unitIds: carport });
      const twice = await post(rig.server.baseUrl, '/local/smart', {
        account_token: rig.server.accountToken,
        action: 'set-circuit',
        name: 'Shed',
        capacityA: 16,
        unitIds: [garage[0]],
      });
      assert.equal(twice.status, 422);
      assert.match(JSON.stringify(twice.body), /already on the Garage circuit: a box is on one circuit only/);
      assert.match(c.message!, /The offline limits add up to 80 A, more than the Carport circuit's 32 A.*Set them to 6 A, 6 A, 6 A, 6 A, 6 A/);
      // Safe once every box has reported since the circuits were defined.
      await rig.emu.waitFor(() => rig.server.smart.status().circuits!.every((x) => x.mayDrawA <= x.capacityA), 10_000, 'every box counted within its circuit');
      const watch = watchCircuits(rig, { garage, carport });
      for (const id of [...garage, ...carport]) rig.sim.plugIn(id, { energyToAddWh: 60_000 });
      await rig.emu.waitFor(
        () => garage.every((id) => rig.sim.unit(id).ampsCurrent === 16) && carport.every((id) => rig.sim.unit(id).ampsCurrent >= 6),
        30_000,
        'every car charging with its share',
      );
      // The reports say it too (a report follows each box's change within its period).
      await rig.emu.waitFor(() => watch.max.garage >= 31, 10_000, 'reports of the Garage circuit in use');
      const shares = carport.map((id) => rig.emu.box(id).onlineLimitA).sort((a, b) => b - a);
      assert.deepEqual(shares, [7, 7, 6, 6, 6]);
      const status = await rig.smart({ action: 'status' });
      assert.equal(reasonOf(status, garage[0], rig.sim.now()), 'sharing the Garage circuit: 16 A of 32 A');
      watch.stop();
      assert.ok(watch.max.garage <= 32 && watch.max.carport <= 32, `reported sums ${JSON.stringify(watch.max)}`);
    });

    it('pauses a box in turn when the circuit is too small for all, and says when its turn comes', async () => {
      const carport = rig.ids.slice(2, 7);
      const watch = watchCircuits(rig, { carport });
      await rig.smart({ action: 'set-circuit', id: 'carport', name: 'Carport', capacityA: 24, unitIds: carport });
      await rig.emu.waitFor(
        () => carport.filter((id) => rig.emu.box(id).onlineLimitA === 0).length === 1 && carport.every((id) => rig.sim.unit(id).ampsCurrent <= 6),
        30_000,
        'one box paused',
      );
      const paused = carport.find((id) => rig.emu.box(id).onlineLimitA === 0)!;
      const status = await rig.smart({ action: 'status' });
      assert.match(reasonOf(status, paused, rig.sim.now())!, /^paused: the Carport circuit is full \(turn at \d\d:\d\d\)$/);
      watch.stop();
      // The watch began while the circuit still carried 32 A: the sum stayed within the old capacity and came down to 24 A.
      assert.ok(watch.max.carport <= 32);
    });

    it('writes the suggested offline limits only when the owner confirms', async () => {
      const carport = rig.ids.slice(2, 7);
      assert.ok(
        carport.every((id) => rig.emu.box(id).offlineLimitWrites === 0),
        'no offline limit written before the confirmation',
      );
      const r = await rig.smart({ action: 'confirm-offline-limits', id: 'carport' });
      assert.match(r.message!, /Offline limits set to 6 A, 6 A, 6 A, 6 A, 0 A/);
      await rig.emu.waitFor(() => carport.every((id) => rig.emu.box(id).offlineLimitWrites === 1), 10_000, 'the new offline limits in the boxes');
      assert.deepEqual(
        carport.map((id) => rig.emu.box(id).offlineLimitA),
        [6, 6, 6, 6, 0],
      );
      const s = await rig.smart({ action: 'status' });
      assert.equal(s.circuits.find((x) => x.id === 'carport')!.offlineFit.fits, true);
    });
  });

  describe('ready by a time, at the cheapest hours, across a server restart', () => {
    let rig: SmartRig;
    before(async () => {
      rig = await startSmartRig(1, 120);
    });
    after(async () => rig?.stop());

    it('waits for the cheap window, charges in it, meets the deadline, and keeps the plan when the server restarts', async () => {
      const id = rig.ids[0];
      const now = rig.sim.now();
      const minute = (s: number) => Math.floor((s % 86400) / 60);
      const hhmm = (m: number) => `${String(Math.floor((m % 1440) / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      const cheapFrom = minute(now) + 6;
      const cheapTo = cheapFrom + 30;
      const windows = [
        { from: hhmm(cheapFrom), to: hhmm(cheapTo), centsPerKwh: 10 },
        { from: hhmm(cheapTo), to: hhmm(cheapFrom), centsPerKwh: 40 },
      ];
      await rig.smart({ action: 'set-tariff', tariff: { mode: 'timeOfUse', weekday: windows, weekend: windows } });
      const set = await rig.smart({ action: 'set-ready-by', unitId: id, readyBy: hhmm(cheapTo), energyWh: 2000 });
      assert.match(set.message!, new RegExp(`Ready by ${hhmm(cheapTo)} .* with 2 kWh`));
      rig.sim.plugIn(id, { energyToAddWh: 40_000 });
      const cheapStartS = Math.floor(now / 60) * 60 + 6 * 60;
      // Before the window: plugged in, held at 0 A, and the reason says why.
      await rig.emu.waitFor(() => rig.sim.unit(id).state === 'plugged' && rig.emu.box(id).onlineLimitA === 0, 20_000, 'plugged in and waiting');
      const waiting = await rig.smart({ action: 'status' });
      assert.match(
        reasonOf(waiting, id, rig.sim.now())!,
        new RegExp(`^ready by ${hhmm(cheapTo)}: charging ${hhmm(cheapFrom)}–\\d\\d:\\d\\d at the cheapest hours, ready at \\d\\d:\\d\\d$`),
      );
      // The server restarts before the window opens: the plan survives in SQLite.
      await rig.restart();
      await rig.emu.waitFor(() => rig.server.smart.status().boxes!.some((b) => b.readyBy?.slots.length), 20_000, 'the plan after the restart');
      assert.ok(rig.sim.now() < cheapStartS, 'restarted before the cheap window');
      assert.equal(rig.sim.unit(id).ampsCurrent, 0, 'still waiting after the restart');
      // It charges in the window and is done by the deadline.
      await rig.emu.waitFor(() => rig.sim.unit(id).ampsCurrent > 0, 30_000, 'charging in the cheap window');
      assert.ok(rig.sim.now() >= cheapStartS - 15, `charging started at ${rig.sim.now() - cheapStartS} s from the window`);
      await rig.emu.waitFor(() => rig.emu.box(id).onlineLimitA === 0 && rig.sim.unit(id).ampsCurrent === 0, 40_000, 'the plan done');
      const deadlineS = cheapStartS + 30 * 60;
      assert.ok(rig.sim.now() < deadlineS, 'done before the deadline');
      const added = (rig.server.source.state(id, rig.sim.now()).charging as Record<string, number>).wh_energy;
      assert.ok(added >= 2000, `added ${added} Wh`);
    });
  });

  describe('solar surplus from a meter over HTTP', () => {
    let rig: SmartRig;
    let meter: http.Server;
    let exportW = 0;
    let meterDown = false;
    before(async () => {
      rig = await startSmartRig(1, 20, { solar: { meterStaleAfterS: 60 } });
      // The meter: the grid power (export negative) from a sun curve value set by the test, plus the car's draw.
      meter = http.createServer((_req, res) => {
        if (meterDown) {
          res.writeHead(500).end('{}');
          return;
        }
        const car = rig.sim.unit(rig.ids[0]);
        const gridW = Math.round(car.ampsCurrent * car.voltageV - exportW);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ emeters: [{ power: -gridW }] }));
      });
      await new Promise<void>((r) => meter.listen(0, '127.0.0.1', r));
    });
    after(async () => {
      await rig?.stop();
      meter?.close();
    });

    it('follows the surplus, and falls back to the normal limit in words when the meter dies', async () => {
      const id = rig.ids[0];
      const url = `http://127.0.0.1:${(meter.address() as AddressInfo).port}/status`;
      // This meter gives export as positive: the sign -1 makes it a grid power.
      await rig.smart({ action: 'set-meter', meter: { kind: 'http', url, path: 'emeters.0.power', sign: -1, intervalS: 1 } });
      await rig.smart({ action: 'set-solar', unitId: id, mode: 'solar-only' });
      exportW = 10 * 240;
      rig.sim.plugIn(id, { energyToAddWh: 60_000 });
      await rig.emu.waitFor(() => rig.sim.unit(id).ampsCurrent >= 9 && rig.sim.unit(id).ampsCurrent <= 10, 30_000, 'charging at the surplus (about 10 A)');
      exportW = 16 * 240;
      await rig.emu.waitFor(() => rig.sim.unit(id).ampsCurrent >= 14 && rig.sim.unit(id).ampsCurrent <= 16, 30_000, 'following a larger surplus');
      const tracking = await rig.smart({ action: 'status' });
      assert.match(reasonOf(tracking, id, rig.sim.now())!, /^charging from solar surplus: 1\d A \(surplus 1\d A\)$/);
      const owner = rig.server.source.settings(id).ampsLimit;
      meterDown = true;
      await rig.emu.waitFor(() => rig.emu.box(id).onlineLimitA === owner, 30_000, "the owner's normal limit");
      const lost = await rig.smart({ action: 'status' });
      assert.equal(reasonOf(lost, id, rig.sim.now()), `solar: the meter answers HTTP 500, so charging at your normal limit (${owner} A)`);
      assert.ok(
        rig.logs.some((l) => /the meter answers HTTP 500; charging at the normal limit/.test(l)),
        'said in the log',
      );
    });
  });

  describe('solar surplus from a meter on MQTT (a real Mosquitto)', () => {
    let rig: SmartRig;
    let broker: Broker;
    let publisher: MqttClient;
    let timer: NodeJS.Timeout | undefined;
    before(async () => {
      broker = await startBroker();
      rig = await startSmartRig(1, 20, { solar: { meterStaleAfterS: 60 } });
      publisher = await mqtt.connectAsync(broker.url, { clientId: 'test-meter' });
    });
    after(async () => {
      clearInterval(timer);
      await publisher?.endAsync();
      await rig?.stop();
      await broker?.dispose();
    });

    it('follows the grid power published on a topic (import positive), and says so when the broker goes', async () => {
      const id = rig.ids[0];
      await rig.smart({ action: 'set-meter', meter: { kind: 'mqtt', url: broker.url, topic: 'home/meter/state', path: 'ENERGY.Power', sign: 1 } });
      await rig.smart({ action: 'set-solar', unitId: id, mode: 'solar-plus-min' });
      // House export 12 A; the car's draw is part of the import the meter sees.
      timer = setInterval(() => {
        const car = rig.sim.unit(id);
        void publisher.publishAsync('home/meter/state', JSON.stringify({ ENERGY: { Power: Math.round(car.ampsCurrent * car.voltageV - 12 * 240) } }));
      }, 300);
      rig.sim.plugIn(id, { energyToAddWh: 60_000 });
      await rig.emu.waitFor(() => rig.sim.unit(id).ampsCurrent >= 11 && rig.sim.unit(id).ampsCurrent <= 12, 30_000, 'charging at the surplus (about 12 A)');
      const s = await rig.smart({ action: 'status' });
      assert.equal(s.meter.kind, 'mqtt');
      assert.match(s.meter.where!, /^mqtt:\/\/127\.0\.0\.1:\d+\/? topic home\/meter\/state$/);
      clearInterval(timer);
      await broker.stop();
      const owner = rig.server.source.settings(id).ampsLimit;
      await rig.emu.waitFor(() => rig.emu.box(id).onlineLimitA === owner, 30_000, "the owner's normal limit without the meter");
      const lost = await rig.smart({ action: 'status' });
      assert.match(
        reasonOf(lost, id, rig.sim.now())!,
        new RegExp(`^solar: the meter's broker at mqtt:.* cannot be reached, so charging at your normal limit \\(${owner} A\\)$`),
      );
    });
  });
});
