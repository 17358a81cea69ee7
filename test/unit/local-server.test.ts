// JuiceNet Local end to end: emulated JuiceBoxes report over real loopback UDP, the server
// answers them, and the 16 commands run over real HTTP. What the boxes obey is seen in the
// emulator (its limits) and in the simulated chargers behind it (their current).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_PATHS, localAccountReplySchema, localDiagnosticsSchema } from '../../src/api/local-contract';
import { decodeDatagram } from '../../src/juicebox/codec';
import { post, startRig, type LocalRig } from './local-helpers';

/** A custom schedule whose windows both exclude the minute `now` (in UTC, the boxes' zone here). */
function scheduleExcludingNow(nowS: number): Record<string, unknown> {
  const minute = Math.floor((nowS % 86400) / 60);
  const start = (minute + 120) % 1440;
  const end = (minute + 180) % 1440;
  return { type: 'custom', weekday: { start, end, car_ready_by: end }, weekend: { start, end, car_ready_by: end } };
}

describe('JuiceNet Local server (emulated JuiceBoxes over UDP, the API over HTTP)', function () {
  this.timeout(60_000);
  let rig: LocalRig;
  let ids: string[];

  before(async () => {
    rig = await startRig({ units: 3, protocol: ['v09u', 'v07', 'legacy'], server: { timeZone: 'UTC', offlineAfterS: 2 } });
    ids = rig.sim.units.map((u) => u.unitId);
  });
  after(async () => rig?.stop());

  it('learns each box from its first report and lists it as waiting to be added until an account adds it', async () => {
    for (const id of ids) await rig.emu.waitFor(() => rig.server.source.hasUnit(id), 10_000, `box ${id}`);
    const diag = await post(rig.server.baseUrl, LOCAL_PATHS.diagnostics, { account_token: rig.server.accountToken });
    assert.equal(diag.status, 200);
    assert.deepEqual([...(diag.body.waitingToBeAdded as string[])].sort(), [...ids].sort());
    const boxes = diag.body.boxes as Record<string, Record<string, unknown>>;
    assert.equal(boxes[ids[0]].protocolVersion, 'v09u');
    assert.equal(boxes[ids[1]].protocolVersion, 'v07');
    assert.equal(boxes[ids[2]].protocolVersion, undefined, 'the old form has no version');
    assert.match(String(boxes[ids[0]].firmware), /JuiceNet-Sim/);
    assert.equal(boxes[ids[0]].address, '127.0.0.1');
    assert.ok((boxes[ids[0]].reports as number) >= 1);
    assert.match(String(boxes[ids[0]].lastRawReport), /^\d+:v09u,/);
    await rig.addAll();
    const units = await post(rig.server.baseUrl, '/box_pin', { cmd: 'get_account_units', device_id: 't', account_token: rig.server.accountToken });
    assert.deepEqual((units.body.units as { unit_id: string }[]).map((u) => u.unit_id).sort(), [...ids].sort());
    const after = await post(rig.server.baseUrl, LOCAL_PATHS.diagnostics, { account_token: rig.server.accountToken });
    assert.deepEqual(after.body.waitingToBeAdded, []);
    // The contract (src/api/local-contract) names every field the server sends: parsing drops none.
    assert.deepEqual(localDiagnosticsSchema.parse(after.body), after.body);
  });

  it('refuses the diagnostics and the API without the right token', async () => {
    const d = await post(rig.server.baseUrl, LOCAL_PATHS.diagnostics, { account_token: 'not-the-token' });
    assert.equal(d.status, 401);
    const u = await post(rig.server.baseUrl, '/box_pin', { cmd: 'get_account_units', device_id: 't', account_token: 'not-the-token' });
    assert.equal(u.body.success, false);
    assert.equal(u.body.error_code, 401);
    assert.ok(!rig.logs.some((l) => l.includes(rig.server.accountToken)), 'no log line carries the account token');
  });

  it('answers every valid report at once with the online and offline limits, and never rewrites the offline limit', async () => {
    for (const id of ids) await rig.emu.waitFor(() => rig.emu.box(id).commandsObeyed >= 2, 10_000, `two replies to ${id}`);
    for (const b of rig.emu.boxes) {
      assert.equal(b.offlineLimitWrites, 0, `box ${b.serial} kept its offline limit`);
      assert.equal(b.badChecksumReplies, 0);
      assert.equal(b.garbageReplies, 0);
      assert.ok(b.lastCommand!.onlineA > 0);
    }
  });

  it('get_state tells what the last report said (state, current, voltage, power = V x A, energies, frequency in hundredths of Hz)', async () => {
    const id = ids[0];
    // Every report the server takes for this box, as the box sent it. The box goes on reporting
    // (every few real ms of a clock 20 times faster than real), so the charger's state read after
    // the reply may already be past the report's: the reply is compared with the reports themselves.
    const taken: { raw: string; fields: [string, string][] }[] = [];
    const stop = rig.server.source.registry.events.on('report', (e) => void (e.unitId === id && taken.push({ raw: e.report.raw, fields: e.report.fields })));
    try {
      rig.sim.plugIn(id, { energyToAddWh: 30000 });
      // The box reports the plug-in at once, rather than at its next report (up to 30 virtual s, or
      // 60 Wh of charging, later): the server counts a session from its first report of it, so the
      // session's energy in get_history (below) then owes nothing to when that report arrived.
      await rig.emu.sendReport(id);
      await rig.emu.waitFor(() => rig.server.source.state(id, Date.now() / 1000).state === 'charging', 10_000, 'a charging report');
      const before = taken.length;
      const s = await rig.api(id, 'get_state');
      // The last report taken before the request, or one taken while it ran: the reply tells one of them.
      const candidates = taken.slice(before - 1).map(({ raw, fields }) => {
        // v09u, as sent: A in tenths of amps, V in tenths of volts, L lifetime Wh, f hundredths of Hz, S the state code.
        const f = new Map(fields.map(([k, v]) => [k, Number(v)]));
        const amps = f.get('A')! / 10;
        const volts = f.get('V')! / 10;
        return {
          raw,
          state: f.get('S'),
          amps: Math.round(amps),
          volts: Math.round(volts),
          watts: Math.round(amps * volts),
          lifetime: f.get('L'),
          freq: f.get('f'),
        };
      });
      const c = s.charging as Record<string, number>;
      const got = {
        amps: c.amps_current,
        volts: c.voltage,
        watts: c.watt_power,
        lifetime: (s.lifetime as Record<string, number>).wh_energy,
        freq: s.frequency,
      };
      assert.ok(
        candidates.some(
          (r) => r.state === 2 && r.amps === got.amps && r.volts === got.volts && r.watts === got.watts && r.lifetime === got.lifetime && r.freq === got.freq,
        ),
        `get_state ${JSON.stringify(got)} is none of the reports ${JSON.stringify(candidates)}`,
      );
      assert.equal(s.state, 'charging');
      assert.ok(c.amps_current > 0 && c.voltage > 200);
      assert.ok((s.frequency as number) > 5900 && (s.frequency as number) < 6100, `frequency ${s.frequency} in hundredths of Hz`);
      assert.ok((s.update_interval as number) > 0);
      assert.equal(s.ID, id);
    } finally {
      stop();
    }
  });

  it('set_limit sets the limit the replies carry: the box obeys it and the charger draws it', async () => {
    const id = ids[0];
    await rig.api(id, 'set_limit', { amperage: 12 });
    const st = await rig.api(id, 'get_state');
    assert.equal((st.charging as Record<string, number>).amps_limit, 12);
    await rig.emu.waitFor(() => rig.emu.box(id).onlineLimitA === 12 && rig.sim.unit(id).ampsCurrent === 12, 10_000, 'the box at 12 A');
    const refused = await rig.apiRaw(id, 'set_limit', { amperage: 99 });
    assert.equal(refused.success, false);
    assert.match(String(refused.error_message), /from 6 to \d+ A/);
    assert.equal(rig.emu.box(id).offlineLimitWrites, 0);
  });

  it('enforces the schedule: outside its window the replies carry 0 A and the charger stops; disabled, it charges again', async () => {
    const id = ids[0];
    await rig.api(id, 'set_schedule', scheduleExcludingNow(Date.now() / 1000));
    const got = await rig.api(id, 'get_schedule');
    assert.equal(got.type, 'custom');
    await rig.emu.waitFor(() => rig.emu.box(id).onlineLimitA === 0 && rig.sim.unit(id).ampsCurrent === 0, 10_000, 'the box held at 0 A');
    const st = await rig.api(id, 'get_state');
    assert.equal(st.show_override, true);
    await rig.api(id, 'set_schedule', { type: 'disabled' });
    await rig.emu.waitFor(() => rig.sim.unit(id).ampsCurrent === 12, 10_000, 'charging again at 12 A');
  });

  it('enforces set_override (charge now through the schedule, 0 cancels) and set_charging_time (hold until a time)', async () => {
    const id = ids[0];
    await rig.api(id, 'set_schedule', scheduleExcludingNow(Date.now() / 1000));
    await rig.emu.waitFor(() => rig.sim.unit(id).ampsCurrent === 0, 10_000, 'held by the schedule');
    await rig.api(id, 'set_override', { override_time: Math.floor(Date.now() / 1000), energy_to_add: 0, energy_at_plugin: 0 });
    await rig.emu.waitFor(() => rig.sim.unit(id).ampsCurrent === 12, 10_000, 'charging on the override');
    await rig.api(id, 'set_override', { override_time: 0, energy_to_add: 0, energy_at_plugin: 0 });
    await rig.emu.waitFor(() => rig.sim.unit(id).ampsCurrent === 0, 10_000, 'held again after the cancel');
    await rig.api(id, 'set_schedule', { type: 'disabled' });
    await rig.api(id, 'set_charging_time', { charging_time: Math.floor(Date.now() / 1000) + 3600 });
    await rig.emu.waitFor(() => rig.emu.box(id).onlineLimitA === 0 && rig.sim.unit(id).ampsCurrent === 0, 10_000, 'held until the charging time');
    await rig.api(id, 'set_charging_time', { charging_time: 0 });
    await rig.emu.waitFor(() => rig.sim.unit(id).ampsCurrent === 12, 10_000, 'charging after the hold is lifted');
  });

  it('set_override with energy_to_add ends when the session has added that much', async () => {
    const id = ids[0];
    const st = await rig.api(id, 'get_state');
    const have = (st.charging as Record<string, number>).wh_energy;
    await rig.api(id, 'set_schedule', scheduleExcludingNow(Date.now() / 1000));
    await rig.api(id, 'set_override', { override_time: Math.floor(Date.now() / 1000), energy_to_add: have + 50, energy_at_plugin: 0 });
    await rig.emu.waitFor(() => rig.sim.unit(id).ampsCurrent === 12, 10_000, 'charging on the override');
    await rig.emu.waitFor(() => rig.emu.box(id).onlineLimitA === 0, 20_000, 'the override ends at its energy');
    const after = await rig.api(id, 'get_state');
    assert.ok((after.charging as Record<string, number>).wh_energy >= have + 50);
    assert.equal(after.override_time, 0);
    await rig.api(id, 'set_schedule', { type: 'disabled' });
  });

  it('get_info/set_info: what the box tells plus what the owner sets; info_timestamp grows on every change', async () => {
    const id = ids[1];
    const a = await rig.api(id, 'get_info');
    assert.equal(a.protocol_version, 'v07');
    assert.match(String(a.firmware_version), /JuiceNet-Sim-1\.7/);
    assert.ok((a.amps_unit_rating as number) > 0);
    await rig.api(id, 'set_info', { name: 'Garage', ecost: 21, timeZoneId: 'Europe/Berlin' });
    const b = await rig.api(id, 'get_info');
    assert.equal(b.name, 'Garage');
    assert.equal(b.ecost, 21);
    assert.equal(b.timeZoneId, 'Europe/Berlin');
    assert.ok((b.info_timestamp as number) > (a.info_timestamp as number));
    const bad = await rig.apiRaw(id, 'set_info', { unit_type_id: 'pro' });
    assert.equal(bad.success, false);
  });

  it('sessions from plug-in to unplug in get_history (energy from lifetime differences) with get_plot of the power samples', async () => {
    const id = ids[0];
    const before = rig.sim.unit(id).lifetimeEnergyWh;
    rig.sim.unplug(id);
    await rig.emu.sendReport(id);
    await rig.emu.waitFor(() => rig.server.source.state(id, Date.now() / 1000).state === 'standby', 10_000, 'the unplugged report');
    const truth = rig.sim.unit(id).sessions[0];
    const h = await rig.api(id, 'get_history');
    const sessions = h.sessions as Record<string, number>[];
    assert.equal(sessions.length, 1);
    const s = sessions[0];
    assert.ok(s.wh_energy > 100, `session energy ${s.wh_energy}`);
    // From the plug-in report's lifetime counter to the unplug report's: the charger's own session
    // energy, but for the rounding of the box's whole-Wh counters.
    assert.ok(Math.abs(s.wh_energy - truth.energyWh) <= 1, `history ${s.wh_energy} Wh vs charger ${truth.energyWh} Wh`);
    assert.ok(s.time_end >= s.time_start);
    assert.ok(rig.sim.unit(id).lifetimeEnergyWh >= before);
    const p = await rig.api(id, 'get_plot', { session_id: s.id, intervals: 10, attribute: 'power' });
    const points = p.points as { t: number; v: number }[];
    assert.equal(points.length, 10);
    assert.ok(points.some((x) => x.v > 0));
    const width = (s.time_end - s.time_start) / 10;
    const plotted = points.reduce((sum, x) => sum + (x.v * width) / 3600, 0);
    assert.ok(Math.abs(plotted - s.wh_energy) <= Math.max(30, s.wh_energy * 0.1), `plot adds up to ${plotted} Wh of ${s.wh_energy}`);
  });

  it('notifications are stored, and events reach the webhook with retries (a failing receiver is tried again)', async () => {
    const id = ids[2];
    const got: { method: string; body: Record<string, unknown>; auth?: string }[] = [];
    let failures = 1;
    const receiver = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        if (failures-- > 0) {
          res.writeHead(500).end();
          return;
        }
        got.push({ method: req.method!, body: JSON.parse(text) as Record<string, unknown>, auth: req.headers.authorization });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const webhook = { url, method: 'PUT', authorization_headers: 'Bearer hook-secret' };
      await rig.api(id, 'set_notifications', {
        notifications: { plugin: { email: false, push: false, webhook }, unplug: { email: false, push: false, webhook } },
      });
      const n = await rig.api(id, 'get_notifications');
      assert.deepEqual((n.notifications as Record<string, Record<string, unknown>>).plugin.webhook, webhook);
      rig.sim.plugIn(id, { energyToAddWh: 5000 });
      await rig.emu.waitFor(() => got.some((g) => g.body.event === 'plugin'), 15_000, 'the plug-in webhook');
      const hit = got.find((g) => g.body.event === 'plugin')!;
      assert.equal(hit.method, 'PUT');
      assert.equal(hit.auth, 'Bearer hook-secret');
      assert.equal(hit.body.unit_id, id);
      assert.ok(!rig.logs.some((l) => l.includes('hook-secret')), 'no log line carries the webhook secret');
    } finally {
      receiver.close();
    }
  });

  it('get_share_pin and share_device give a second account the unit; a wrong PIN is refused', async () => {
    const id = ids[1];
    const second = await post(rig.server.baseUrl, LOCAL_PATHS.accounts, { account_token: rig.server.accountToken });
    const other = localAccountReplySchema.parse(second.body).account_token;
    assert.ok(other && other !== rig.server.accountToken);
    const pin = (await rig.api(id, 'get_share_pin')).pin as string;
    const wrong = await post(rig.server.baseUrl, '/box_pin', {
      cmd: 'share_device',
      device_id: 't',
      account_token: other,
      ID: id,
      pin: pin === '0000' ? '1111' : '0000',
    });
    assert.equal(wrong.body.success, false);
    const ok = await post(rig.server.baseUrl, '/box_pin', { cmd: 'share_device', device_id: 't', account_token: other, ID: id, pin });
    assert.equal(ok.body.success, true);
    const st = await post(rig.server.baseUrl, '/box_api_secure', { cmd: 'get_state', device_id: 't', token: ok.body.token, account_token: other });
    assert.equal(st.body.ID, id);
  });

  it('a box that stops reporting shows disconnect, and is live again when it reports again', async () => {
    const id = ids[1];
    rig.emu.setBoxOnline(id, false);
    await rig.emu.waitFor(() => rig.server.source.state(id, Date.now() / 1000).state === 'disconnect', 15_000, 'disconnect');
    const st = await rig.api(id, 'get_state');
    assert.equal(st.state, 'disconnect');
    rig.emu.setBoxOnline(id, true);
    await rig.emu.waitFor(() => rig.server.source.state(id, Date.now() / 1000).state !== 'disconnect', 15_000, 'back online');
  });

  it('a flood of garbage, bad checksums, oversized, encrypted and spoofed datagrams changes nothing and is counted', async () => {
    const id = ids[2];
    const samplesOf = () => (rig.server.db.db.prepare('SELECT COUNT(*) AS n FROM samples WHERE unit_id = ?').get(id) as { n: number }).n;
    // Hold the box's own reports so that only the flood arrives.
    rig.emu.setBoxOnline(id, false);
    await new Promise((r) => setTimeout(r, 300));
    const before = { samples: samplesOf(), state: await rig.api(id, 'get_state'), sessions: rig.server.db.db.prepare('SELECT * FROM sessions').all() };
    const diag0 = (
      (await post(rig.server.baseUrl, LOCAL_PATHS.diagnostics, { account_token: rig.server.accountToken })).body.boxes as Record<string, Record<string, number>>
    )[id];
    let encrypted = 0;
    for (let i = 0; i < 40; i++) {
      await rig.emu.sendFault({ kind: 'garbage', serial: id, bytes: 1 + i * 7 });
      await rig.emu.sendFault({ kind: 'bad-checksum', serial: id });
      await rig.emu.sendFault({ kind: 'too-long', serial: id });
      assert.equal(decodeDatagram(await rig.emu.sendFault({ kind: 'encrypted', serial: id })).kind, 'encrypted');
      encrypted++;
      await rig.emu.sendFault({ kind: 'spoofed', serial: id, fromHost: '127.0.0.2' });
      await rig.emu.sendFault({ kind: 'raw', serial: id, text: `${id}:v09u,S02,A00999,L99999999999!ZZZ:` });
    }
    await new Promise((r) => setTimeout(r, 300));
    const after = { samples: samplesOf(), state: await rig.api(id, 'get_state'), sessions: rig.server.db.db.prepare('SELECT * FROM sessions').all() };
    assert.equal(after.samples, before.samples, 'no sample stored');
    assert.deepEqual(after.sessions, before.sessions, 'no session changed');
    for (const k of ['state', 'charging', 'lifetime', 'time_last_ping', 'plug_unplug_time'] as const) assert.deepEqual(after.state[k], before.state[k], k);
    const diag = (
      (await post(rig.server.baseUrl, LOCAL_PATHS.diagnostics, { account_token: rig.server.accountToken })).body.boxes as Record<string, Record<string, number>>
    )[id];
    assert.equal(diag.checksumFailures - diag0.checksumFailures, 80, 'bad checksums counted');
    assert.equal(encrypted, 40);
    assert.equal(diag.encryptedReports - diag0.encryptedReports, encrypted);
    assert.equal(diag.refusedFromOtherAddress - diag0.refusedFromOtherAddress, 40);
    assert.ok(
      rig.logs.some((l) => l.includes('encrypted') && l.includes('directory-api.emotorwerks.com')),
      'the encrypted-firmware remedy is logged',
    );
    rig.emu.setBoxOnline(id, true);
  });
});
