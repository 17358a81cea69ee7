// The solar meter's HTTP source (src/local/smart/meter.ts) against a real HTTP server on loopback:
// readings by their path and sign, and every problem in words (not JSON, no number at the path, a
// value no household meter gives, an HTTP error, nothing listening).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { meterWhere, startMeter, type MeterSource } from '../../src/local/smart/meter';

describe('smart charging: the HTTP meter source', () => {
  let server: http.Server;
  let reply: { status: number; body: string } = { status: 200, body: '{}' };
  let url = '';
  before(async () => {
    server = http.createServer((_q, res) => res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/meter`;
  });
  after(() => server.close());

  /** Starts a meter, resolves with its first reading or problem. */
  async function first(path: string, sign: 1 | -1, at = url): Promise<{ gridW?: number; problem?: string }> {
    let meter: MeterSource | undefined;
    try {
      return await new Promise((resolve) => {
        meter = startMeter(
          { kind: 'http', url: at, path, sign, intervalS: 1 },
          { reading: (gridW) => resolve({ gridW }), problem: (problem) => problem && resolve({ problem }) },
          () => Date.now() / 1000,
          () => undefined,
        );
      });
    } finally {
      await meter?.close();
    }
  }

  it('reads the grid power by its path, with its sign', async () => {
    reply = { status: 200, body: JSON.stringify({ emeters: [{ power: 1250.5 }] }) };
    assert.deepEqual(await first('emeters.0.power', 1), { gridW: 1250.5 });
    reply = { status: 200, body: JSON.stringify({ StatusSNS: { ENERGY: { Power: '-800' } } }) };
    assert.deepEqual(await first('StatusSNS.ENERGY.Power', -1), { gridW: 800 });
    reply = { status: 200, body: '-420' };
    assert.deepEqual(await first('', 1), { gridW: -420 });
  });

  it('says what is wrong, in words', async () => {
    reply = { status: 200, body: '<html>' };
    assert.match((await first('power', 1)).problem!, /not JSON/);
    reply = { status: 200, body: '{"power": null}' };
    assert.match((await first('power', 1)).problem!, /no number at "power"/);
    reply = { status: 200, body: '{"power": 9e9}' };
    assert.match((await first('power', 1)).problem!, /cannot be a household's grid power/);
    reply = { status: 503, body: '{}' };
    assert.equal((await first('power', 1)).problem, 'the meter answers HTTP 503');
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    assert.match((await first('power', 1, `http://127.0.0.1:${port}/`)).problem!, /cannot be reached/);
  });

  it('shows where it reads without a user name or password', () => {
    assert.equal(meterWhere({ kind: 'http', url: 'http://admin:secret@192.168.1.40/status', path: '', sign: 1, intervalS: 5 }), 'http://192.168.1.40/status');
    assert.equal(meterWhere({ kind: 'mqtt', url: 'mqtt://u:p@broker:1883', topic: 'home/grid', path: '', sign: 1 }), 'mqtt://broker:1883 topic home/grid');
  });
});
