// The extension's side of MQTT, without the editor: the server's options from the settings (the
// password only in its environment), the broker test the setup assistant runs with the server's
// own program against a real Mosquitto, the Local server row's words, and the Home Assistant step.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { LocalMqttStatus } from '../../src/api/local-contract';
import { homeAssistantStep, withMqttStatus } from '../../src/setup/home-assistant-model';
import { checkBrokerWithServer, checkMqttUrl, mqttProcessExtra } from '../../src/state/local-mqtt';
import { mqttRowText } from '../../src/views/local-mqtt';
import { startBroker, type Broker } from '../mqtt-broker';

const ROOT = join(__dirname, '..', '..');
const status = (over: Partial<LocalMqttStatus> = {}): LocalMqttStatus => ({
  broker: '192.168.1.10:1883',
  connected: true,
  sinceS: 0,
  boxes: 2,
  published: 10,
  commands: 0,
  refused: 0,
  ...over,
});

describe('MQTT in the extension (settings, broker test, row, Home Assistant step)', function () {
  this.timeout(30_000);
  const user = { name: 'ha', password: 'ext-Secret-42' };
  let broker: Broker;
  before(async () => {
    const r = spawnSync(process.execPath, ['esbuild.mjs', '--only=local'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    broker = await startBroker({ user });
  });
  after(async () => broker?.dispose());

  it('gives the server the broker and user as options and the password only in its environment', () => {
    assert.deepEqual(mqttProcessExtra({ url: '', user: '', proxyTopics: false }, 'x'), { args: [], env: {} });
    assert.deepEqual(mqttProcessExtra({ url: '192.168.1.10:1883', user: 'ha', proxyTopics: true }, 'pw'), {
      args: ['--mqtt', 'mqtt://192.168.1.10:1883', '--mqtt-user', 'ha', '--mqtt-compat', 'jpp'],
      env: { JUICENET_MQTT_PASSWORD: 'pw' },
    });
    assert.equal(checkMqttUrl('mqtts://broker.example:8883'), undefined);
    assert.match(checkMqttUrl('http://x') ?? '', /mqtt:\/\/ \(plain\) or mqtts:\/\/ \(TLS\)/);
    assert.match(checkMqttUrl('mqtt://u:p@x') ?? '', /no user or password in the address/);
    assert.match(checkMqttUrl('') ?? '', /Type the broker address/);
  });

  it("tests a broker with the server's own program: connected, or the reason in words", async () => {
    const program = { nodePath: process.execPath, cliPath: join(ROOT, 'dist', 'local-cli.js') };
    const ok = await checkBrokerWithServer(program, { url: broker.url, user: user.name, proxyTopics: false }, user.password);
    assert.deepEqual(ok, { ok: true, words: `connected to 127.0.0.1:${broker.port} as ha` });
    const bad = await checkBrokerWithServer(program, { url: broker.url, user: user.name, proxyTopics: false }, 'wrong');
    assert.equal(bad.ok, false);
    assert.match(bad.words, /refused the user name or password/);
    assert.ok(!bad.words.includes('wrong'));
    const typo = await checkBrokerWithServer(program, { url: 'ftp://x', user: '', proxyTopics: false }, undefined);
    assert.deepEqual(typo, { ok: false, words: 'Use mqtt:// (plain) or mqtts:// (TLS).' });
  });

  it('the Local server row says where MQTT is connected, or why not', () => {
    assert.equal(mqttRowText(undefined), undefined);
    assert.deepEqual(mqttRowText(status()), {
      short: 'MQTT 192.168.1.10:1883',
      detail: 'MQTT: connected to 192.168.1.10:1883, publishing 2 chargers (Home Assistant, evcc).',
    });
    const down = mqttRowText(status({ connected: false, reason: 'the broker refused the connection (is it running, on that port?)' }));
    assert.equal(down?.short, 'MQTT not connected');
    assert.match(down?.detail ?? '', /not connected to 192\.168\.1\.10:1883: the broker refused the connection/);
    const row = withMqttStatus(
      { label: 'Local server: running', description: 'http://127.0.0.1:8080 · UDP 8047', tooltip: 'JuiceNet Local runs here.' },
      status(),
    );
    assert.equal(row?.description, 'http://127.0.0.1:8080 · UDP 8047 · MQTT 192.168.1.10:1883');
    assert.match(row?.tooltip ?? '', /\nMQTT: connected to 192\.168\.1\.10:1883/);
  });

  it('the Home Assistant step: settings, connection, what will appear, and when a restart is needed', () => {
    const settings = { url: 'mqtt://192.168.1.10:1883', user: 'ha', proxyTopics: false };
    const step = homeAssistantStep({
      settings,
      passwordSet: true,
      status: status(),
      running: true,
      runningWith: settings.url,
      chargerNames: ['Garage', 'Drive'],
    });
    assert.equal(step.passwordSet, true);
    assert.equal(step.connection?.connected, true);
    assert.deepEqual(step.devices, ['Garage', 'Drive']);
    assert.ok(step.entities.some((e) => /Energy dashboard/.test(e)));
    assert.equal(step.restartNeeded, false);
    assert.equal(homeAssistantStep({ settings, passwordSet: false, running: true, runningWith: '', chargerNames: [] }).restartNeeded, true);
    assert.ok(!JSON.stringify(step).includes(user.password));
  });
});
