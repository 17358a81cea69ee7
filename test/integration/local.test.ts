// In the host: the extension signed in to a JuiceNet Local server (dist/local-cli.js, run by the
// host's own Node, which has node:sqlite) with emulated JuiceBoxes reporting to it over
// loopback UDP. The tree shows the boxes' live state, and Set Current Limit reaches the box.
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import type { JuiceNetTestApi } from '../../src/test-api';
import { EXT_ID, startLocalCli, waitFor } from './helpers';

describe('JuiceNet Local: the extension with emulated JuiceBoxes (in the host)', function () {
  this.timeout(90_000);
  let dataDir: string;
  let server: { proc: ChildProcess; baseUrl: string; udpPort: number } | undefined;
  let sim: RunningSimulator | undefined;
  let emu: JuiceBoxEmulator | undefined;
  let api: JuiceNetTestApi;
  let accountToken: string;
  let accountId: string | undefined;
  const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(id, ...args);

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'juicenet-local-host-'));
    server = await startLocalCli(path.join(dataDir, 'data'));
    accountToken = fs.readFileSync(path.join(dataDir, 'data', 'account-token'), 'utf8').trim();
    sim = await startSimulator({ units: 2, seed: 21, speed: 20, autoPlug: false, spareUnits: 0 });
    emu = await startJuiceBoxEmulator({ target: { host: '127.0.0.1', port: server.udpPort }, simulator: sim, tickMs: 20 });
    for (const u of sim.units) {
      const e = emu;
      await e.waitFor(() => e.box(u.unitId).commandsObeyed >= 1, 15_000, `a reply to ${u.unitId}`);
      const res = await fetch(`${server.baseUrl}/box_pin`, {
        method: 'POST',
        body: JSON.stringify({ cmd: 'add_unit', device_id: 'host-test', account_token: accountToken, ID: u.unitId }),
      });
      const body = (await res.json()) as { success: boolean };
      assert.equal(body.success, true, `add_unit ${u.unitId}`);
    }
    const ext = vscode.extensions.getExtension<JuiceNetTestApi>(EXT_ID);
    assert.ok(ext, 'extension installed');
    api = await ext.activate();
    await api.ready();
  });

  after(async () => {
    if (accountId) await run('juicenet.signOut', accountId).then(undefined, () => undefined);
    await emu?.stop();
    await sim?.close();
    if (server && server.proc.exitCode === null) {
      const p = server.proc;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      });
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in to the local server and shows the boxes live: a car plugged into a box is seen charging', async () => {
    const [first, second] = sim!.units.map((u) => u.unitId);
    await run('juicenet.signIn', { token: accountToken, baseUrl: server!.baseUrl, label: 'JuiceNet Local' });
    const view = await waitFor('both boxes in the extension', () => api.backend.getUnit(first) && api.backend.getUnit(second) && api.backend.getUnit(first));
    accountId = view.accountId;
    sim!.plugIn(first, { energyToAddWh: 30_000 });
    await run('juicenet.refresh');
    const charging = await waitFor(
      'the box reported charging in the extension',
      async () => {
        const u = api.backend.getUnit(first);
        if (u?.status?.state === 'charging') return u;
        await run('juicenet.refresh');
        return undefined;
      },
      30_000,
    );
    const truth = sim!.unit(first);
    assert.ok(
      Math.abs((charging.status!.charging.ampsCurrent ?? 0) - truth.ampsCurrent) <= 1,
      `current ${charging.status!.charging.ampsCurrent} A vs the box's ${truth.ampsCurrent} A`,
    );
    const tree = JSON.stringify(await api.treeSnapshot());
    assert.match(tree, /charging/);
    assert.equal(api.backend.getUnit(second)?.status?.state, 'standby');
  });

  it('Set Current Limit reaches the box: the replies carry it and the charger draws it', async () => {
    const id = sim!.units[0].unitId;
    api.clearMessages();
    await run('juicenet.setLimit', id, 10);
    const m = api.messages();
    assert.ok(m.length > 0 && m[m.length - 1].level === 'info', JSON.stringify(m));
    assert.match(m[m.length - 1].text, /10 A/);
    const e = emu!;
    await e.waitFor(() => e.box(id).onlineLimitA === 10 && sim!.unit(id).ampsCurrent === 10, 20_000, 'the box at 10 A');
    assert.ok(!api.logLines().some((l) => l.includes(accountToken)), 'the account token is not in the log');
  });
});
