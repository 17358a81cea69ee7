// JuiceNet Local watching over the boxes: does a box obey the limit it is sent; a silent box is
// "unreachable since HH:MM" (its zone) and "back" when it reports again; monitor-only boxes are
// recorded and served but never sent a command; the offline limit (the box's EEPROM) is sent
// once per owner's change. Also the seams others build on: the registry's events and the one
// function that sets a limit. Real UDP on loopback (hand-driven boxes and the emulator), free ports.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BoxEventMap } from '../../src/local/registry';
import type { RunningLocalServer } from '../../src/local/server';
import { type BareServer, ManualBox, post, startBareServer, startRig, tempDir } from './local-helpers';

const SERIAL_A = '0910000000000000000000004599';
const SERIAL_B = '0910000000000000000000007311';

const start = startBareServer;

async function boxDiagnostics(s: BareServer, serial: string): Promise<Record<string, unknown>> {
  return (await s.diagnostics()).boxes[serial];
}

/** Resolves with the next event of that name. */
function nextEvent<K extends keyof BoxEventMap & string>(server: RunningLocalServer, name: K, timeoutMs = 10_000): Promise<BoxEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no "${name}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = server.source.on(name, (e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Reads the push channel until an `alert` event of `kind` arrives; returns its data. */
async function alertOnPushChannel(server: RunningLocalServer, kind: string, trigger: () => void): Promise<Record<string, unknown>> {
  const ac = new AbortController();
  const res = await fetch(`${server.baseUrl}/local/events`, { headers: { authorization: `Bearer ${server.accountToken}` }, signal: ac.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let triggered = false;
  const deadline = setTimeout(() => ac.abort(), 10_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the push channel closed');
      buffer += decoder.decode(value, { stream: true });
      if (!triggered && buffer.includes(': connected')) {
        triggered = true;
        trigger();
      }
      for (const block of buffer.split('\n\n')) {
        if (!block.includes('event: alert')) continue;
        const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]) as Record<string, unknown>;
        if (data.kind === kind) return data;
      }
    }
  } finally {
    clearTimeout(deadline);
    ac.abort();
  }
}

/** HH:MM of an epoch second at a fixed UTC offset (minutes). */
function clockAt(epochS: number, offsetMin: number): string {
  const d = new Date((epochS + offsetMin * 60) * 1000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

describe('JuiceNet Local watching over the boxes (real UDP on loopback)', function () {
  this.timeout(40_000);

  it('flags a box that keeps ignoring the limit it is sent (diagnostics, an event, the push channel, the log), and clears it when the box obeys', async () => {
    const s = await start();
    const box = await ManualBox.open(SERIAL_A);
    try {
      const port = s.server.udpPort;
      assert.equal((await box.exchange(port, { M: 40 })).command.onlineA, 40);
      const api = await s.add(SERIAL_A);
      assert.equal((await api('set_limit', { amperage: 12 })).success, true);
      assert.equal((await box.exchange(port, { M: 40 })).command.onlineA, 12, 'the reply carries the new limit');
      await box.exchange(port, { M: 40 });
      await box.exchange(port, { M: 40 });
      assert.equal((await boxDiagnostics(s, SERIAL_A)).ignoring, undefined, 'two reports are not yet "keeps ignoring"');
      const flagged = nextEvent(s.server, 'disobeying');
      const pushed = alertOnPushChannel(s.server, 'disobeying', () => void box.exchange(port, { M: 40 }));
      const e = await flagged;
      assert.equal(e.sentA, 12);
      assert.equal(e.reportedA, 40);
      assert.match(e.words, /ignores the limit this server sends: it reports 40 A after 3 replies of 12 A/);
      assert.match(e.words, /redirected stream/);
      assert.match(e.words, /another server answers it/);
      assert.match(e.words, /encrypts/);
      assert.equal((await pushed).unit, SERIAL_A);
      const d = await boxDiagnostics(s, SERIAL_A);
      assert.equal(d.sentLimitA, 12);
      assert.equal(d.reportedLimitA, 40);
      assert.equal(d.ignoredReports, 3);
      assert.match(String(d.ignoring), /ignores the limit/);
      assert.ok(s.logs.some((l) => l.includes('ignores the limit this server sends')));
      const cleared = nextEvent(s.server, 'obeying');
      await box.exchange(port, { M: 12 });
      assert.match((await cleared).words, /obeys the server again/);
      const after = await boxDiagnostics(s, SERIAL_A);
      assert.equal(after.ignoring, undefined);
      assert.equal(after.ignoredReports, 0);
    } finally {
      await box.close();
      await s.stop();
    }
  });

  it('a silent box is "unreachable since HH:MM" in its own zone (event, push channel, diagnostics, get_state), and "back" when it reports again', async () => {
    // Asia/Kolkata is UTC+5:30 all year: the words must not be in UTC or this machine's zone.
    const s = await start({ timeZone: 'Asia/Kolkata', offlineAfterS: 1 });
    const box = await ManualBox.open(SERIAL_A);
    try {
      const port = s.server.udpPort;
      const silent = nextEvent(s.server, 'silent');
      await box.exchange(port);
      const api = await s.add(SERIAL_A);
      const e = await silent;
      const lastReportS = (await boxDiagnostics(s, SERIAL_A)).lastReportS as number;
      assert.equal(e.sinceS, lastReportS);
      assert.match(e.words, new RegExp(`^JuiceBox 4599 is unreachable since ${clockAt(lastReportS, 330)}: no report for \\d+ s$`));
      const d = await boxDiagnostics(s, SERIAL_A);
      assert.equal(d.online, false);
      assert.equal(d.unreachable, `unreachable since ${clockAt(lastReportS, 330)}`);
      assert.equal(d.unreachableSinceS, lastReportS);
      assert.equal((await api('get_state')).state, 'disconnect');
      const back = nextEvent(s.server, 'back');
      const pushed = alertOnPushChannel(s.server, 'back', () => void box.exchange(port));
      const b = await back;
      assert.equal(b.silentSinceS, lastReportS);
      assert.match(b.words, new RegExp(`JuiceBox 4599 is back: it reports again since \\d\\d:\\d\\d \\(unreachable since ${clockAt(lastReportS, 330)}\\)`));
      assert.equal((await pushed).unit, SERIAL_A);
      const again = await boxDiagnostics(s, SERIAL_A);
      assert.equal(again.unreachable, undefined);
      assert.ok(s.logs.some((l) => l.includes(`is unreachable since ${clockAt(lastReportS, 330)}`)));
    } finally {
      await box.close();
      await s.stop();
    }
  });

  it('monitor only (--monitor-only for new boxes, a switch per box kept in the database): recorded and served, never sent a command; writes are refused in words', async () => {
    const tmp = tempDir();
    let s = await start({ monitorOnly: true }, tmp.dir);
    const a = await ManualBox.open(SERIAL_A);
    const b = await ManualBox.open(SERIAL_B);
    try {
      const port = s.server.udpPort;
      await b.send(port, { M: 32 });
      await a.send(port, { S: 2, A: 160, M: 32 });
      await waitUntil(() => s.server.source.hasUnit(SERIAL_A) && s.server.source.hasUnit(SERIAL_B));
      // The switch, checked and then turned off for B: B is answered from then on.
      const sw = (body: Record<string, unknown>) => post(s.server.baseUrl, '/local/monitor-only', { account_token: s.server.accountToken, ...body });
      assert.equal((await post(s.server.baseUrl, '/local/monitor-only', { account_token: 'wrong', unit_id: SERIAL_B, monitor_only: false })).status, 401);
      assert.match(String((await sw({ unit_id: '123456', monitor_only: false })).body.error_message), /Unknown unit "123456"/);
      assert.match(String((await sw({ unit_id: SERIAL_B, monitor_only: 'no' })).body.error_message), /monitor_only must be true/);
      // The README's command, as an owner runs it.
      const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
      const line = readme.split('\n').find((l) => l.startsWith('curl') && l.includes('/local/monitor-only'));
      assert.ok(line, 'the README gives the command');
      const command = line
        .replace('http://127.0.0.1:8080', s.server.baseUrl)
        .replace('~/.juicenet-local', s.dataDir)
        .replace(/\d{20,}/, SERIAL_B);
      // Run without blocking: the server answers from this very process.
      const curl = await promisify(execFile)('sh', ['-c', command], { encoding: 'utf8', timeout: 10_000 });
      assert.deepEqual(JSON.parse(curl.stdout), { success: true, unit_id: SERIAL_B, monitor_only: false });
      // A's report is recorded, never answered: B's reply on the same port comes after it.
      await a.send(port, { S: 2, A: 160, M: 32 });
      assert.equal((await b.exchange(port, { M: 32 })).command.onlineA, 32);
      assert.equal(a.replies.length, 0, 'the monitor-only box was sent nothing');
      const d = await boxDiagnostics(s, SERIAL_A);
      assert.equal(d.reports, 2, 'its reports are recorded');
      assert.equal(d.monitorOnly, true);
      assert.equal((await boxDiagnostics(s, SERIAL_B)).monitorOnly, false);
      const api = await s.add(SERIAL_A);
      const st = await api('get_state');
      assert.equal(st.state, 'charging');
      assert.equal((st.charging as Record<string, number>).amps_limit, 32, 'it shows the limit the box keeps');
      for (const [cmd, fields] of [
        ['set_limit', { amperage: 12 }],
        ['set_schedule', { type: 'custom', weekday: { start: 0, end: 60, car_ready_by: 60 }, weekend: { start: 0, end: 60, car_ready_by: 60 } }],
        ['set_override', { override_time: Math.floor(Date.now() / 1000) }],
        ['set_charging_time', { charging_time: Math.floor(Date.now() / 1000) + 3600 }],
        ['set_info', { offline_amps_limit: 12 }],
        ['set_info', { amps_wire_rating: 24 }],
      ] as const) {
        const r = await api(cmd, fields);
        assert.equal(r.success, false, `${cmd} ${JSON.stringify(fields)} is refused`);
        assert.equal(r.error_code, 403);
        assert.match(
          String(r.error_message),
          /^JuiceBox 4599 is monitor only: this server records it but never sends it a command, so its .+ cannot be changed here/,
        );
      }
      assert.equal((await api('set_info', { name: 'Garage' })).success, true, 'a name is not sent to the box: it may change');
      assert.throws(() => s.server.source.limits.setLimit(SERIAL_A, 10, 'mqtt'), /Garage is monitor only/);
      // The switches outlive a restart.
      await s.stop({ keepData: true });
      s = await start({}, tmp.dir);
      assert.equal((await boxDiagnostics(s, SERIAL_A)).monitorOnly, true);
      assert.equal(s.server.source.registry.get(SERIAL_B)?.monitorOnly, false);
    } finally {
      await a.close();
      await b.close();
      await s.stop();
      tmp.remove();
    }
  });

  it("sends the offline limit (kept in the box's EEPROM) once per owner's change, never otherwise, and counts the writes", async () => {
    const tmp = tempDir();
    let s = await start({}, tmp.dir);
    const box = await ManualBox.open(SERIAL_A);
    try {
      const port = s.server.udpPort;
      assert.equal((await box.exchange(port, { C: 24 })).command.offlineA, 24, "the box's own offline limit");
      const api = await s.add(SERIAL_A);
      assert.equal((await api('set_limit', { amperage: 20 })).success, true);
      assert.equal((await box.exchange(port, { C: 24 })).command.offlineA, 24, 'a limit change does not touch it');
      assert.equal((await api('set_info', { offline_amps_limit: 16 })).success, true);
      assert.equal((await box.exchange(port, { C: 24 })).command.offlineA, 16, 'the change is sent once');
      // This box did not take it: it is not sent again (each send is a write in the box's memory).
      assert.equal((await box.exchange(port, { C: 24 })).command.offlineA, 24);
      assert.equal((await box.exchange(port, { C: 24 })).command.offlineA, 24);
      let d = await boxDiagnostics(s, SERIAL_A);
      assert.equal(d.offlineLimitWrites, 1);
      assert.equal(d.offlineLimitA, 16);
      assert.equal(d.reportedOfflineLimitA, 24);
      assert.equal((await api('set_info', { offline_amps_limit: 16 })).success, true);
      assert.equal((await box.exchange(port, { C: 24 })).command.offlineA, 24, 'the same value again is no change');
      assert.equal((await api('set_info', { offline_amps_limit: 20 })).success, true);
      await s.stop({ keepData: true });
      s = await start({}, tmp.dir);
      assert.equal((await box.exchange(s.server.udpPort, { C: 24 })).command.offlineA, 20, 'a change made before a restart is still sent once');
      assert.equal((await box.exchange(s.server.udpPort, { C: 20 })).command.offlineA, 20);
      d = await boxDiagnostics(s, SERIAL_A);
      assert.equal(d.offlineLimitWrites, 2);
    } finally {
      await box.close();
      await s.stop();
      tmp.remove();
    }
  });

  it('emulated boxes obey: after a limit and an offline-limit change they are never flagged, and each box wrote its offline limit exactly once', async () => {
    const rig = await startRig({ units: 2, protocol: ['v09u', 'v07'], server: { timeZone: 'UTC' }, reportIntervalS: 5 });
    try {
      await rig.addAll();
      const ids = rig.sim.units.map((u) => u.unitId);
      for (const id of ids) {
        await rig.api(id, 'set_limit', { amperage: 14 });
        await rig.api(id, 'set_info', { offline_amps_limit: 12 });
      }
      for (const id of ids) {
        const before = rig.emu.box(id).commandsObeyed;
        await rig.emu.waitFor(() => rig.emu.box(id).commandsObeyed >= before + 5, 15_000, `five more replies to ${id}`);
        const b = rig.emu.box(id);
        assert.equal(b.onlineLimitA, 14);
        assert.equal(b.offlineLimitA, 12);
        assert.equal(b.offlineLimitWrites, 1, `box ${id} wrote its offline limit once`);
      }
      const diag = (await post(rig.server.baseUrl, '/local/diagnostics', { account_token: rig.server.accountToken })).body.boxes as Record<
        string,
        Record<string, unknown>
      >;
      for (const id of ids) {
        assert.equal(diag[id].ignoring, undefined, `${id} obeys`);
        assert.equal(diag[id].ignoredReports, 0);
        assert.equal(diag[id].offlineLimitWrites, 1);
        assert.equal(diag[id].udpPort, rig.server.udpPort);
      }
    } finally {
      await rig.stop();
    }
  });

  it('the seams: registry events (added, renamed, report with its stream) and one function that sets a limit (MQTT, smart charging); a listener that throws breaks nothing', async () => {
    const s = await start();
    const box = await ManualBox.open(SERIAL_A);
    try {
      const port = s.server.udpPort;
      const seen: string[] = [];
      s.server.source.on('report', () => {
        throw new Error('a broken listener');
      });
      const added = nextEvent(s.server, 'added');
      const report = nextEvent(s.server, 'report');
      await box.exchange(port, { S: 1 });
      assert.equal((await added).unitId, SERIAL_A);
      const r = await report;
      assert.deepEqual(r.stream, { localPort: port, address: '127.0.0.1', port: box.sourcePort });
      assert.equal(r.state, 'plugged');
      assert.equal(r.sentLimitA, 40);
      assert.ok(s.logs.some((l) => l.includes('internal error in a listener of "report": a broken listener')));
      s.server.source.on('renamed', (e) => seen.push(`${e.previousName} -> ${e.name}`));
      const api = await s.add(SERIAL_A);
      await api('set_info', { name: 'Garage' });
      assert.deepEqual(seen, ['JuiceBox 4599 -> Garage']);
      s.server.source.limits.setLimit(SERIAL_A, 10, 'mqtt');
      assert.equal((await box.exchange(port)).command.onlineA, 10);
      assert.ok(s.logs.some((l) => l === `Garage (${SERIAL_A}): limit set to 10 A by MQTT`));
      assert.equal(((await api('get_state')).charging as Record<string, number>).amps_limit, 10);
      assert.throws(
        () => s.server.source.limits.setLimit(SERIAL_A, 99, 'smart-charging'),
        /Invalid amperage 99: use 0 \(off\) or a whole number from 6 to 40 A/,
      );
      assert.deepEqual(s.server.source.limits.decide(s.server.source.registry.require(SERIAL_A), Date.now() / 1000), { amps: 10, reason: 'limit' });
    } finally {
      await box.close();
      await s.stop();
    }
  });
});

/** Resolves once `check` holds (the server handles datagrams on its own schedule). */
async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
