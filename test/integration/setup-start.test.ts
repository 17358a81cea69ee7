// In the host, what a new owner runs into when Start Local Server fails: the failure is said with
// its cause, the Chargers view shows it, the JuiceNet log holds it, Stop dismisses it, and
// connecting to the server that does run (the one holding the port) clears it. When that server
// stops, its account row says "the local server does not answer" instead of blaming the chargers.
// (Named to run after the suites that expect no local server row: it leaves "Local server: stopped".)
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import type { JuiceNetTestApi } from '../../src/test-api';
import { extensionApi, startLocalCli, stopProcess, waitFor } from './helpers';

describe('Start Local Server: a failure said, logged, dismissed; a server that does not answer', function () {
  this.timeout(90_000);
  let api: JuiceNetTestApi;
  let dir: string;
  let taken: dgram.Socket | undefined;
  let other: { proc: ChildProcess; baseUrl: string; udpPort: number } | undefined;
  let emu: JuiceBoxEmulator | undefined;
  const cfg = () => vscode.workspace.getConfiguration('juicenet.localServer');
  const run = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args);
  const rowLabels = async () => (await api.treeSnapshot()).map((n) => n.label);

  before(async () => {
    api = await extensionApi();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'juicenet-local-start-'));
    taken = dgram.createSocket('udp4');
    const t = taken;
    await new Promise<void>((r) => t.bind(0, () => r()));
    await cfg().update('udpPort', t.address().port, vscode.ConfigurationTarget.Global);
    await cfg().update('httpPort', 0, vscode.ConfigurationTarget.Global);
    await cfg().update('dataDir', path.join(dir, 'here'), vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await emu?.stop();
    taken?.close();
    if (other) await stopProcess(other.proc);
    await run('juicenet.stopLocalServer');
    for (const a of api.backend.accounts().filter((x) => x.label.startsWith('Local server') || x.demo)) await run('juicenet.signOut', a.accountId);
    for (const k of ['udpPort', 'httpPort', 'dataDir']) await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a taken port: the failure names the port, shows in the Chargers view and in the log; Stop dismisses it', async () => {
    const port = taken!.address().port;
    assert.equal(await run<boolean>('juicenet.startLocalServer'), false);
    const s = api.local.server.state;
    assert.equal(s.kind, 'failed', JSON.stringify(s));
    assert.match(api.messages().slice(-1)[0]?.text ?? '', new RegExp(`could not start\\. Port ${port} is in use`));
    const row = (await api.treeSnapshot()).find((n) => n.label === 'Local server: failed');
    assert.ok(row, `a failed row: ${JSON.stringify(await rowLabels())}`);
    assert.ok(
      api.logLines().some((l) => l.includes(`The local server could not start: Port ${port} is in use`)),
      'Show Log holds the failure',
    );
    await run('juicenet.stopLocalServer');
    assert.equal(api.local.server.state.kind, 'stopped');
    assert.ok(!(await rowLabels()).includes('Local server: failed'), 'dismissed');
  });

  it('connecting to the server that holds the port clears the failure', async () => {
    assert.equal(await run<boolean>('juicenet.startLocalServer'), false);
    other = await startLocalCli(path.join(dir, 'service'));
    const token = fs.readFileSync(path.join(dir, 'service', 'account-token'), 'utf8').trim();
    assert.equal(await run<boolean>('juicenet.connectLocalServer', { baseUrl: other.baseUrl, token }), true);
    assert.notEqual(api.local.server.state.kind, 'failed');
    assert.ok(!(await rowLabels()).includes('Local server: failed'), `no failed row once connected: ${JSON.stringify(await rowLabels())}`);
  });

  it('when that server stops, its account row says "the local server does not answer", and its charger is not called unreachable', async () => {
    const o = other!;
    emu = await startJuiceBoxEmulator({
      target: { host: '127.0.0.1', port: o.udpPort },
      simulatorOptions: { units: 1, seed: 8181, speed: 20, autoPlug: false, spareUnits: 0 },
      tickMs: 20,
    });
    const e = emu;
    const serial = e.boxes[0].serial;
    await e.waitFor(() => e.box(serial).commandsObeyed >= 1, 15_000, 'a first reply');
    const account = api.backend.accounts().find((a) => a.label === 'Local server')!;
    await run('juicenet.addUnit', account.accountId, serial);
    await waitFor('the charger', () => api.backend.getUnit(serial));
    // Two accounts, so that accounts are rows of their own.
    if (api.backend.accounts().length < 2) await run('juicenet.tryDemo');
    await stopProcess(o.proc);
    await waitFor('the read that gets no answer', async () => {
      await api.backend.refresh(serial, 'manual');
      return api.backend.getUnit(serial)?.serverSilent;
    });
    const rows = await api.treeSnapshot();
    const accountRow = rows.find((n) => n.label === 'Local server');
    assert.ok(accountRow, JSON.stringify(rows.map((n) => n.label)));
    assert.equal(accountRow.description, 'the local server does not answer');
    const unitRow = accountRow.children?.find((n) => n.description?.includes('the server does not answer'));
    assert.ok(unitRow, `the charger says the server does not answer: ${JSON.stringify(accountRow.children?.map((n) => n.description))}`);
    assert.ok(!accountRow.children?.some((n) => /unreachable/.test(n.description ?? '')), 'no charger is blamed');
  });
});
