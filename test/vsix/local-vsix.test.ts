// In a VS Code host where the packaged .vsix is installed (not the development folder) and no
// Node.js is on PATH: Start Local Server runs JuiceNet Local on VS Code's own runtime, with
// node:sqlite; an emulated JuiceBox reports, is added to the local account, and obeys a new limit.
import { strict as assert } from 'node:assert';
import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import type { JuiceNetTestApi } from '../../src/test-api';
import { EXT_ID, extensionApi, waitFor } from '../integration/helpers';

describe('the installed .vsix runs JuiceNet Local with no Node.js on PATH', function () {
  this.timeout(120_000);
  let api: JuiceNetTestApi;
  let emu: JuiceBoxEmulator | undefined;

  before(async () => {
    api = await extensionApi();
  });
  after(async () => {
    await emu?.stop();
    await vscode.commands.executeCommand('juicenet.stopLocalServer');
  });

  const withNode = (path: string) =>
    path.split(delimiter).filter((d) => {
      try {
        return d !== '' && statSync(join(d, 'node')).isFile();
      } catch {
        return false;
      }
    });

  it('is the installed package, and PATH holds no node', () => {
    const ext = vscode.extensions.getExtension(EXT_ID)!;
    assert.match(ext.extensionPath, /[/\\]exts[/\\]juicenet-vscode\.juicenet-vscode-\d/, `installed from the .vsix: ${ext.extensionPath}`);
    assert.ok(existsSync(join(ext.extensionPath, 'dist', 'local-cli.js')), 'the package carries dist/local-cli.js');
    assert.ok(!existsSync(join(ext.extensionPath, 'node_modules')), 'and no node_modules');
    // The host was started without node on PATH, but VS Code's server adds the login shell's PATH
    // to the extension host: take the folders with a node out of it here too, so that nothing the
    // extension starts can find one.
    const path = process.env.PATH ?? '';
    process.env.PATH = path
      .split(delimiter)
      .filter((d) => !withNode(d).length)
      .join(delimiter);
    assert.deepEqual(withNode(process.env.PATH), [], 'no node on PATH');
  });

  let serial = '';
  it('Start Local Server runs it on the editor runtime (node:sqlite) and connects', async () => {
    const ok = await vscode.commands.executeCommand<boolean>('juicenet.startLocalServer');
    assert.equal(ok, true, `started and connected: ${JSON.stringify(api.messages().slice(-2))} ${JSON.stringify(api.local.server.state)}`);
    assert.ok(
      api.logLines().some((l) => /\[local server\] Data in .* \(SQLite: node:sqlite\)/.test(l)),
      `the server keeps its data with node:sqlite: ${api.logLines().slice(-8).join('\n')}`,
    );
    assert.ok(
      api.backend.accounts().some((a) => a.label === 'Local server'),
      'a Local server account',
    );
  });

  it('an emulated JuiceBox reports, is added, and obeys a new limit', async () => {
    const s = api.local.server.state;
    assert.equal(s.kind, 'running');
    if (s.kind !== 'running') return;
    emu = await startJuiceBoxEmulator({
      target: { host: '127.0.0.1', port: s.udpPort },
      simulatorOptions: { units: 1, seed: 5151, speed: 20, autoPlug: false, spareUnits: 0 },
      protocol: 'v09u',
      tickMs: 20,
    });
    const e = emu;
    serial = e.boxes[0].serial;
    await e.waitFor(() => e.box(serial).commandsObeyed >= 1, 20_000, 'a first reply to the box');
    const account = api.backend.accounts().find((a) => a.label === 'Local server')!;
    await vscode.commands.executeCommand('juicenet.addUnit', account.accountId, serial);
    await waitFor('the added charger', () => api.backend.units().find((u) => u.unitId === serial && u.accountLabel === 'Local server'));
    const amps = e.box(serial).onlineLimitA === 20 ? 18 : 20;
    await vscode.commands.executeCommand('juicenet.setLimit', serial, amps);
    await e.waitFor(() => e.box(serial).onlineLimitA === amps && e.box(serial).appliedLimitA === amps, 20_000, `the box at ${amps} A`);
    await waitFor('the charger read back at the new limit', async () => {
      await api.backend.refresh(serial, 'manual');
      return api.backend.getUnit(serial)?.status?.charging.ampsLimit === amps;
    });
  });
});
