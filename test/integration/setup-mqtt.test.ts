// In the real host: JuiceNet Local started from VS Code with an MQTT broker in its settings (a real
// Mosquitto on a free loopback port). The server publishes to it, the Local server row says where,
// the setup assistant's Home Assistant step shows the connection, and the row says so in words when
// the broker goes away. (Named to run after the suites that expect no local server row.)
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { JuiceNetTestApi } from '../../src/test-api';
import { startBroker, watch, type Broker } from '../mqtt-broker';
import { extensionApi, waitFor } from './helpers';

describe('local server on MQTT (Home Assistant) from VS Code', function () {
  this.timeout(120_000);
  let api: JuiceNetTestApi;
  let broker: Broker;
  const cfg = () => vscode.workspace.getConfiguration('juicenet.localServer');
  const row = async () => (await api.treeSnapshot()).find((n) => n.label === 'Local server: running');

  before(async () => {
    api = await extensionApi();
    broker = await startBroker();
    await cfg().update('udpPort', 0, vscode.ConfigurationTarget.Global);
    await cfg().update('httpPort', 0, vscode.ConfigurationTarget.Global);
    await cfg().update('dataDir', mkdtempSync(join(tmpdir(), 'juicenet-local-mqtt-host-')), vscode.ConfigurationTarget.Global);
    await cfg().update('mqttUrl', broker.url, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.commands.executeCommand('juicenet.stopLocalServer');
    const local = api.backend.accounts().filter((a) => a.label.startsWith('Local server'));
    for (const a of local) await vscode.commands.executeCommand('juicenet.signOut', a.accountId);
    for (const k of ['udpPort', 'httpPort', 'mqttUrl']) await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
    const dir = cfg().get<string>('dataDir');
    await cfg().update('dataDir', undefined, vscode.ConfigurationTarget.Global);
    if (dir) rmSync(dir, { recursive: true, force: true });
    await broker?.dispose();
  });

  it('publishes to the broker of its settings, and the Local server row and the assistant say where', async () => {
    const w = await watch(broker, ['juicenet/status']);
    try {
      const ok = await vscode.commands.executeCommand<boolean>('juicenet.startLocalServer');
      assert.equal(ok, true, `started and connected: ${JSON.stringify(api.messages().slice(-2))}`);
      await w.waitValue('juicenet/status', (v) => v === 'online', 20_000);
    } finally {
      await w.close();
    }
    const shown = await waitFor(
      'the row to show the MQTT connection',
      async () => {
        const r = await row();
        return r && /· MQTT 127\.0\.0\.1:\d+$/.test(r.description ?? '') ? r : undefined;
      },
      20_000,
    );
    assert.match(String(shown.tooltip), /MQTT: connected to 127\.0\.0\.1:\d+, publishing 0 chargers/);
    const m = await api.local.assistant.push();
    if (m) {
      assert.equal(m.homeAssistant?.url, broker.url);
      assert.equal(m.homeAssistant?.connection?.connected, true);
    }
  });

  it('says in words when the broker goes away', async () => {
    await broker.stop();
    const r = await waitFor(
      'the row to say MQTT is not connected',
      async () => {
        const x = await row();
        return x && /MQTT not connected$/.test(x.description ?? '') ? x : undefined;
      },
      40_000,
    );
    assert.match(String(r.tooltip), /MQTT: not connected to 127\.0\.0\.1:\d+: (connection lost; reconnecting|the broker refused the connection)/);
    await broker.start();
  });
});
