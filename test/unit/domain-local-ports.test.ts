// The UDP ports JuiceNet Local listens on, as the owner narrows them (the server's --udp-port and
// the extension's setting): empty means every known port, a list narrows, anything else is refused
// in words.
import { strict as assert } from 'node:assert';
import { JUICEBOX_UDP_PORTS, readUdpPortList } from '../../src/domain/local-ports';

describe('UDP port lists', () => {
  it('means every known port when empty', () => {
    assert.deepEqual(JUICEBOX_UDP_PORTS, [8042, 8047, 9004, 8055]);
    for (const v of [undefined, null, '', '  ']) assert.deepEqual(readUdpPortList(v), {});
  });
  it('narrows to the ports given, from a list, a number or an array', () => {
    assert.deepEqual(readUdpPortList('8047, 8055'), { ports: [8047, 8055] });
    assert.deepEqual(readUdpPortList('8047,8047'), { ports: [8047] });
    assert.deepEqual(readUdpPortList(8047), { ports: [8047] });
    assert.deepEqual(readUdpPortList(0), { ports: [0] });
    assert.deepEqual(readUdpPortList([9004, 8042]), { ports: [9004, 8042] });
  });
  it('refuses anything else in words', () => {
    assert.match(readUdpPortList('8047;8055').error ?? '', /whole number from 0 to 65535 .* got "8047;8055"/);
    assert.match(readUdpPortList('70000').error ?? '', /got "70000"/);
    assert.match(readUdpPortList('8047,').error ?? '', /got ""/);
    assert.match(readUdpPortList(true).error ?? '', /port numbers separated by commas/);
  });
});
