// In the real host, the owner's whole path with emulated JuiceBoxes: start JuiceNet Local from
// VS Code (a child process under the machine's Node), connect to it with the token from its data
// folder, watch the setup assistant go from "waiting" through "seen" to "obeys", add the box from
// the assistant, change its limit and see the emulated box follow. The assistant's problem states
// (encrypted firmware, bad checksums, Miss CRC) are each driven by the emulator.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import { encodeDebug } from '../../src/juicebox/codec';
import type { JuiceNetTestApi } from '../../src/test-api';
import type { SetupModel } from '../../src/protocol/setup-messages';
import { extensionApi, waitFor } from './helpers';

describe('local server setup (JuiceBox to Chargers view)', function () {
  this.timeout(120_000);
  let api: JuiceNetTestApi;
  const emulators: JuiceBoxEmulator[] = [];
  const cfg = () => vscode.workspace.getConfiguration('juicenet.localServer');

  /** Reads the server now and returns the model the page got. */
  const model = async (): Promise<SetupModel> => {
    const m = await api.local.assistant.push();
    assert.ok(m, 'the assistant is open');
    return m;
  };
  const modelWhere = (what: string, probe: (m: SetupModel) => boolean, timeoutMs = 20_000) =>
    waitFor(
      what,
      async () => {
        const m = await model();
        return probe(m) ? m : undefined;
      },
      timeoutMs,
    );
  const udpPort = () => {
    const s = api.local.server.state;
    assert.equal(s.kind, 'running', `the local server runs (${JSON.stringify(s)})`);
    return s.kind === 'running' ? s.udpPort : 0;
  };

  before(async () => {
    api = await extensionApi();
    // Free ports: parallel runs and the machine's own services never collide.
    await cfg().update('udpPort', 0, vscode.ConfigurationTarget.Global);
    await cfg().update('httpPort', 0, vscode.ConfigurationTarget.Global);
    // A data folder of its own: boxes other suites taught the server are not in it.
    await cfg().update('dataDir', mkdtempSync(join(tmpdir(), 'juicenet-local-host-')), vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    for (const e of emulators) await e.stop();
    api.local.assistant.dispose();
    await vscode.commands.executeCommand('juicenet.stopLocalServer');
    const local = api.backend.accounts().filter((a) => a.label.startsWith('Local server'));
    for (const a of local) await vscode.commands.executeCommand('juicenet.signOut', a.accountId);
    await cfg().update('udpPort', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('httpPort', undefined, vscode.ConfigurationTarget.Global);
    const dir = cfg().get<string>('dataDir');
    await cfg().update('dataDir', undefined, vscode.ConfigurationTarget.Global);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts the local server from VS Code, connects with the token from its data folder, and shows "Local server"', async () => {
    const ok = await vscode.commands.executeCommand<boolean>('juicenet.startLocalServer');
    assert.equal(ok, true, `started and connected: ${JSON.stringify(api.messages().slice(-2))}`);
    const account = api.backend.accounts().find((a) => a.label === 'Local server');
    assert.ok(account, `a "Local server" account: ${JSON.stringify(api.backend.accounts())}`);
    const tree = await api.treeSnapshot();
    const row = tree.find((n) => n.label === 'Local server: running');
    assert.ok(row, `a running row in the tree: ${JSON.stringify(tree.map((n) => n.label))}`);
    assert.match(row.description ?? '', /^http:\/\/127\.0\.0\.1:\d+ · UDP \d+$/);
    assert.ok(
      api.logLines().some((l) => /\[local server\] JuiceNet Local listening/.test(l)),
      'the server output is in the JuiceNet log',
    );
    const token = await api.backend.accountToken(account.accountId);
    assert.ok(token, 'the account token is in secret storage');
    assert.ok(!api.logLines().some((l) => l.includes(token)), 'no token in the log');
    assert.ok(!JSON.stringify(api.globalStateSnapshot()).includes(token), 'no token in globalState');
  });

  it('the assistant waits for the first report, leads with the DNS lines for this machine, and checks the names with the resolver', async () => {
    api.local.assistant.open();
    await waitFor('the assistant page to load under its CSP', () => api.local.assistant.pageReady, 30_000);
    const m = await model();
    assert.equal(m.phase, 'waiting');
    assert.equal(m.server.connected, true);
    assert.equal(m.pointing.udpPort, udpPort());
    assert.match(m.pointing.udpcLine, new RegExp(`^udpc \\S+ ${udpPort()}$`));
    assert.equal(m.pointing.udpcLine, `udpc ${m.pointing.address} ${udpPort()}`);
    assert.ok(m.pointing.dns[0].lines.includes(`address=/juicenet-udp-prod3-usa.enelx.com/${m.pointing.address}`), m.pointing.dns[0].lines);
    assert.deepEqual(
      m.pointing.forwarding.map((f) => f.id),
      ['nftables', 'iptables'],
    );
    assert.deepEqual(
      m.steps.map((s) => s.done),
      [true, false, false, false],
    );
    // Check asks the resolver (a stand-in here: no lookup leaves the test) and says it in words.
    const asked: string[] = [];
    api.local.useResolver(async (host) => {
      asked.push(host);
      return host === 'ohm.voltie.us' ? [] : [{ address: m.pointing.address, family: 4 }];
    });
    try {
      await api.local.assistant.simulatePage({ kind: 'checkDns' });
      const checked = await modelWhere('the check in the model', (x) => x.pointing.check !== undefined);
      assert.equal(asked.length, 5, 'the four names and the directory service');
      const c = checked.pointing.check!;
      if (m.pointing.addresses.includes(m.pointing.address)) assert.equal(c.names.filter((n) => n.verdict === 'here').length, 3, JSON.stringify(c));
      assert.equal(c.names.find((n) => n.host === 'ohm.voltie.us')?.text, 'has no address');
    } finally {
      api.local.useResolver(undefined);
    }
  });

  let serial = '';
  it('shows a box once it reports: serial, address, protocol version, firmware, report period', async () => {
    const emu = await startJuiceBoxEmulator({
      target: { host: '127.0.0.1', port: udpPort() },
      simulatorOptions: { units: 1, seed: 4242, speed: 20, autoPlug: false, spareUnits: 0 },
      protocol: 'v09u',
      tickMs: 20,
    });
    emulators.push(emu);
    serial = emu.boxes[0].serial;
    const m = await modelWhere('the box in the assistant', (x) => x.boxes.some((b) => b.serial === serial && b.known && b.firmware !== undefined));
    assert.equal(m.phase, 'seen');
    const b = m.boxes.find((x) => x.serial === serial)!;
    assert.equal(b.address, '127.0.0.1');
    assert.equal(b.protocolVersion, 'v09u');
    assert.match(b.firmware ?? '', /JuiceNet-Sim-2\.1\.0/);
    assert.equal(typeof b.reportPeriodS, 'number');
    assert.equal(b.added, false);
    assert.equal(b.obey.state, 'not-added');
    assert.deepEqual(b.problems, []);
  });

  it('"Add this charger" adds the box to the local account: its row appears and the box obeys', async () => {
    await api.local.assistant.simulatePage({ kind: 'add', serial, name: 'Garage' });
    const view = await waitFor('the added charger in the store, under the name given', () =>
      api.backend.units().find((u) => u.unitId === serial && u.accountLabel === 'Local server' && u.name === 'Garage'),
    );
    assert.ok(view);
    const m = await modelWhere('the box obeying', (x) => x.phase === 'obeys');
    const b = m.boxes.find((x) => x.serial === serial)!;
    assert.equal(b.added, true);
    assert.equal(b.obey.sentA, b.obey.reportedA);
    assert.deepEqual(
      m.steps.map((s) => s.done),
      [true, true, true, true],
    );
  });

  it('a new limit set from VS Code reaches the emulated box, which reports it back; the tree row follows', async () => {
    const emu = emulators[0];
    const before = emu.box(serial).onlineLimitA;
    const amps = before === 20 ? 18 : 20;
    await vscode.commands.executeCommand('juicenet.setLimit', serial, amps);
    await emu.waitFor(() => emu.box(serial).onlineLimitA === amps && emu.box(serial).appliedLimitA === amps, 20_000, `the box at ${amps} A`);
    const m = await modelWhere('the assistant showing the new limit obeyed', (x) => {
      const b = x.boxes.find((y) => y.serial === serial);
      return b?.obey.state === 'obeys' && b.obey.reportedA === amps;
    });
    assert.equal(m.boxes.find((y) => y.serial === serial)?.obey.sentA, amps);
    await waitFor('the tree row with the new limit', async () => {
      await api.backend.refresh(serial, 'manual');
      return api.backend.getUnit(serial)?.status?.charging.ampsLimit === amps;
    });
  });

  it('the server pushes each report: the charger is refreshed at once, not at its next poll', async () => {
    const account = api.backend.accounts().find((a) => a.label === 'Local server')!;
    await waitFor('the push channel', () => api.local.push.isConnected(account.accountId));
    const before = api.local.push.events;
    const t0 = Date.now();
    await emulators[0].sendReport(serial);
    await waitFor(
      'a pushed refresh',
      () => api.local.push.events > before && api.backend.getUnit(serial)?.lastGoodAt !== undefined && api.backend.getUnit(serial)!.lastGoodAt! >= t0,
      5000,
    );
  });

  it('checksum failures and Miss CRC lines are explained', async () => {
    const emu = emulators[0];
    await emu.sendFault({ kind: 'bad-checksum', serial });
    await emu.sendFault({ kind: 'raw', serial, text: encodeDebug(serial, 'WRN', 'Miss CRC') });
    const m = await modelWhere('both problems', (x) => {
      const kinds = x.boxes.find((y) => y.serial === serial)?.problems.map((p) => p.kind) ?? [];
      return kinds.includes('checksum') && kinds.includes('miss-crc');
    });
    const b = m.boxes.find((y) => y.serial === serial)!;
    assert.match(b.problems.find((p) => p.kind === 'miss-crc')!.meaning, /refused a reply/);
    assert.ok(
      b.debugLines.some((l) => /Miss CRC/.test(l)),
      'the debug log shows the line',
    );
  });

  it('a box with encrypted firmware is named with what it means and the remedy, and cannot be added', async () => {
    const emu = await startJuiceBoxEmulator({
      target: { host: '127.0.0.1', port: udpPort() },
      simulatorOptions: { units: 1, seed: 777, speed: 20, autoPlug: false, spareUnits: 0 },
      protocol: 'v09e',
      tickMs: 20,
    });
    emulators.push(emu);
    const enc = emu.boxes[0].serial;
    const m = await modelWhere('the encrypted box', (x) => x.boxes.some((b) => b.serial === enc && b.problems.some((p) => p.kind === 'encrypted')));
    const b = m.boxes.find((x) => x.serial === enc)!;
    assert.equal(b.known, false);
    const p = b.problems.find((x) => x.kind === 'encrypted')!;
    assert.match(p.remedy, /directory-api\.emotorwerks\.com/);
    assert.match(p.remedy, /restart the box/);
  });

  it('says what a local server cannot do instead of failing: email and push, a box that has not reported', async () => {
    api.clearMessages();
    await vscode.commands.executeCommand('juicenet.editNotifications', serial);
    assert.match(api.messages().slice(-1)[0]?.text ?? '', /local server, which cannot send email or push notifications/);
    const account = api.backend.accounts().find((a) => a.label === 'Local server')!;
    api.answerNextMessage(Promise.resolve(undefined));
    await vscode.commands.executeCommand('juicenet.addUnit', account.accountId, '0912345678901234567890123456');
    const m = api.messages().slice(-1)[0];
    assert.match(m?.text ?? '', /no report from JuiceBox 0912345678901234567890123456 has reached the local server yet/);
    assert.deepEqual(m?.actions, ['Open Setup Assistant']);
  });

  it('stopping the server shows it in the tree and the assistant says the server cannot be read', async () => {
    await vscode.commands.executeCommand('juicenet.stopLocalServer');
    const tree = await api.treeSnapshot();
    assert.ok(
      tree.some((n) => n.label === 'Local server: stopped'),
      JSON.stringify(tree.map((n) => n.label)),
    );
    const m = await model();
    assert.equal(m.phase, 'no-server');
    assert.match(m.server.message ?? '', /Could not reach the local server/);
    assert.equal(m.server.runHere, 'stopped');
  });
});
