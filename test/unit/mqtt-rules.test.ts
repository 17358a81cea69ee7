// The MQTT side's pure parts: the switch's rule, command payloads, broker addresses, the proxy's
// topic names.
import * as assert from 'node:assert/strict';
import { parseAmpsPayload, parseOnOff, switchLimit } from '../../src/local/mqtt/commands';
import { discoveryId } from '../../src/local/mqtt/discovery';
import { jppCommand, jppDevices, jppName } from '../../src/local/mqtt/jpp';
import { brokerAddress, checkBrokerUrl } from '../../src/local/mqtt/options';

describe('MQTT rules', () => {
  it('the switch: off = 0 A remembering the limit; on = the remembered limit, else the rating; nothing when already so', () => {
    assert.deepEqual(switchLimit(false, 24, undefined, 40), { write: 0, remember: 24 });
    assert.deepEqual(switchLimit(false, 0, 24, 40), {});
    assert.deepEqual(switchLimit(true, 0, 24, 40), { write: 24 });
    assert.deepEqual(switchLimit(true, 0, undefined, 32), { write: 32 });
    assert.deepEqual(switchLimit(true, 0, 48, 32), { write: 32 }, 'never above the rating');
    assert.deepEqual(switchLimit(true, 16, 24, 40), {});
  });

  it('reads amps and on/off payloads as Home Assistant, evcc and Node-RED send them', () => {
    assert.deepEqual(parseAmpsPayload('16'), { ok: true, amps: 16 });
    assert.deepEqual(parseAmpsPayload(' 16.0 '), { ok: true, amps: 16 });
    assert.deepEqual(parseAmpsPayload('16 A'), { ok: true, amps: 16 });
    assert.equal(parseAmpsPayload('').ok, false);
    assert.equal(parseAmpsPayload('NaN').ok, false);
    assert.equal(parseAmpsPayload('6.5').ok, false);
    for (const on of ['true', 'ON', 'on', '1']) assert.equal(parseOnOff(on), true);
    for (const off of ['false', 'OFF', '0']) assert.equal(parseOnOff(off), false);
    assert.equal(parseOnOff('yes please'), undefined);
  });

  it('broker addresses: mqtt:// and mqtts:// only, no credentials inside; shown as host:port', () => {
    assert.equal(checkBrokerUrl('--mqtt', '192.168.1.10'), 'mqtt://192.168.1.10');
    assert.equal(checkBrokerUrl('--mqtt', 'mqtts://broker.example:8883'), 'mqtts://broker.example:8883');
    assert.throws(() => checkBrokerUrl('--mqtt', 'mqtt://a:b@host'), /no user or password in the address/);
    assert.throws(() => checkBrokerUrl('--mqtt', 'ws://host'), /mqtt:\/\/ \(plain\) or mqtts:\/\/ \(TLS\)/);
    assert.equal(brokerAddress('mqtt://10.0.0.2'), '10.0.0.2:1883');
    assert.equal(brokerAddress('mqtts://h.example'), 'h.example:8883');
  });

  it("the proxy's topic names: one box is 'JuiceBox', several go by their names; its numbers map to our commands", () => {
    assert.equal(jppName('Garage (left)'), 'Garage--left-');
    assert.deepEqual([...jppDevices([{ unitId: '1', name: 'Garage', ratingA: 40 }])], [['1', 'JuiceBox']]);
    assert.deepEqual(
      [
        ...jppDevices([
          { unitId: '1', name: 'Garage', ratingA: 40 },
          { unitId: '2', name: 'Drive way', ratingA: 32 },
        ]),
      ],
      [
        ['1', 'Garage'],
        ['2', 'Drive-way'],
      ],
    );
    assert.deepEqual(jppCommand('hmd/number/JuiceBox/Max-Current-Online-Wanted-/command', '0'), {
      device: 'JuiceBox',
      parsed: { ok: true, command: { kind: 'limit', amps: 0 } },
    });
    assert.deepEqual(jppCommand('hmd/number/JuiceBox/Max-Current-Offline-Wanted-/command', '16')?.parsed, {
      ok: true,
      command: { kind: 'offlineLimit', amps: 16 },
    });
    assert.equal(jppCommand('hmd/number/JuiceBox/Other/command', '16')?.parsed.ok, false);
    assert.equal(jppCommand('juicenet/1/max_current/set', '16'), undefined);
    assert.equal(discoveryId('home/juice net'), 'home_juice_net');
  });
});
