// In the host: smart charging through the extension's commands on a JuiceNet Local server
// (dist/local-cli.js, run by the machine's Node) with emulated JuiceBoxes reporting over loopback
// UDP: Share a Circuit, Ready By and Charge From Solar Surplus, and the reason lines the tree and
// the status bar show for a shared box, a planned box and a solar box.
import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import type { JuiceNetTestApi } from '../../src/test-api';
import { extensionApi, startLocalCli, stopProcess, waitFor } from './helpers';

describe('JuiceNet Local smart charging: the commands and the reason lines (in the host)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let server: { proc: ChildProcess; baseUrl: string; udpPort: number } | undefined;
  let sim: RunningSimulator | undefined;
  let emu: JuiceBoxEmulator | undefined;
  let meter: http.Server | undefined;
  let api: JuiceNetTestApi;
  let accountToken: string;
  let ids: string[];
  const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(id, ...args);
  /** The row text of a charger once it matches (refreshing while it does not). */
  const rowSays = async (unitId: string, re: RegExp, what: string) =>
    waitFor(
      what,
      async () => {
        const tree = JSON.stringify(await api.treeSnapshot());
        const row = api.backend.getUnit(unitId);
        if (row?.smart && re.test(tree)) return tree;
        await run('juicenet.refresh');
        return undefined;
      },
      60_000,
    );

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'juicenet-smart-host-'));
    server = await startLocalCli(path.join(dataDir, 'data'));
    accountToken = fs.readFileSync(path.join(dataDir, 'data', 'account-token'), 'utf8').trim();
    sim = await startSimulator({ units: 3, seed: 21, speed: 20, autoPlug: false, spareUnits: 0 });
    emu = await startJuiceBoxEmulator({ target: { host: '127.0.0.1', port: server.udpPort }, simulator: sim, tickMs: 20 });
    ids = sim.units.map((u) => u.unitId);
    for (const id of ids) {
      const e = emu;
      await e.waitFor(() => e.box(id).commandsObeyed >= 1, 15_000, `a reply to ${id}`);
    }
    // The meter: 10 A exported, plus what the solar box draws.
    meter = http.createServer((_q, res) => {
      const car = sim!.unit(ids[2]);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ power: Math.round(car.ampsCurrent * car.voltageV - 2400) }));
    });
    await new Promise<void>((r) => meter!.listen(0, '127.0.0.1', r));
    api = await extensionApi();
    for (const id of ids) {
      const res: Response = await fetch(`${server.baseUrl}/box_pin`, {
        method: 'POST',
        body: JSON.stringify({ cmd: 'add_unit', device_id: 'host-test', account_token: accountToken, ID: id }),
      });
      assert.equal(((await res.json()) as { success: boolean }).success, true, `add_unit ${id}`);
    }
    await run('juicenet.connectLocalServer', { baseUrl: server.baseUrl, token: accountToken });
    await run('juicenet.refresh');
    await waitFor('the boxes in the extension', () => ids.every((id) => api.backend.getUnit(id)) || undefined, 30_000);
  });

  after(async () => {
    const a = ids && api?.backend.getUnit(ids[0])?.accountId;
    if (a) await run('juicenet.signOut', a).then(undefined, () => undefined);
    await emu?.stop();
    await sim?.close();
    meter?.close();
    if (server) await stopProcess(server.proc);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('Share a Circuit: two boxes share the Garage circuit, and their rows say so', async () => {
    const [a, b] = ids;
    api.clearMessages();
    await run('juicenet.defineCircuit', a, { name: 'Garage', capacityA: 32, unitIds: [a, b] });
    const m = api.messages();
    assert.match(m[m.length - 1]?.text ?? '', /The Garage circuit \(32 A\) is shared by 2 boxes/);
    sim!.plugIn(a, { energyToAddWh: 60_000 });
    sim!.plugIn(b, { energyToAddWh: 60_000 });
    const e = emu!;
    await e.waitFor(() => sim!.unit(a).ampsCurrent === 16 && sim!.unit(b).ampsCurrent === 16, 30_000, 'both at 16 A');
    await rowSays(a, /sharing the Garage circuit: 16 A of 32 A/, 'the shared row');
    // The status bar's tooltip gives each charger's reason: the same words.
    const bar = await waitFor('the status bar tooltip', () =>
      /sharing the Garage circuit: 16 A of 32 A/.test(api.statusBarSnapshot().tooltip) ? api.statusBarSnapshot() : undefined,
    );
    assert.equal(bar.visible, true);
  });

  it('Ready By: a planned box says its hours and when it is ready', async () => {
    const c = ids[2];
    api.clearMessages();
    await run('juicenet.setReadyBy', c, { readyBy: '07:00', kwh: 20 });
    const m = api.messages();
    assert.match(m[m.length - 1]?.text ?? '', /Ready by 07:00 .* with 20 kWh/);
    sim!.plugIn(c, { energyToAddWh: 60_000 });
    await rowSays(c, /ready by 07:00: (charging .* at the cheapest hours, ready at|cannot be met)/, 'the planned row');
    assert.match(api.statusBarSnapshot().tooltip, /ready by 07:00/);
  });

  it('Charge From Solar Surplus: a solar box follows the meter and says so', async () => {
    const c = ids[2];
    await run('juicenet.setReadyBy', c, { cancel: true });
    const port = (meter!.address() as AddressInfo).port;
    api.clearMessages();
    await run('juicenet.setSolarMode', c, {
      mode: 'solar-only',
      meter: { kind: 'http', url: `http://127.0.0.1:${port}/`, path: 'power', sign: 1, intervalS: 1 },
    });
    const m = api.messages();
    assert.match(m[m.length - 1]?.text ?? '', /Solar charging: solar only/);
    const e = emu!;
    await e.waitFor(() => sim!.unit(c).ampsCurrent >= 9 && sim!.unit(c).ampsCurrent <= 10, 30_000, 'charging at the surplus');
    await rowSays(c, /charging from solar surplus: (9|10) A/, 'the solar row');
    assert.ok(!api.logLines().some((l) => l.includes(accountToken)), 'the account token is not in the log');
  });
});
