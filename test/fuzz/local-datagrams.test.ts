// Fuzzing JuiceNet Local's UDP side with random bytes, random text after a known box's serial,
// and mutations of that box's valid report. Properties: taking a datagram never throws; a reply is
// sent only for a report whose checksum matches; anything else leaves the box's state, its stored
// samples and its sessions exactly as they were.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { decodeDatagram, encodeReport, type JuiceBoxField } from '../../src/juicebox/codec';
import { startLocalServer, type RunningLocalServer } from '../../src/local/server';
import { tempDir } from '../unit/local-helpers';
import { RUNS, fuzz } from './arbitraries';

const SERIAL = '0910000000000000000000000042';
const ADDRESS = '192.168.1.40';
const FIELDS: JuiceBoxField[] = [
  ['v', '09u'],
  ['s', '001'],
  ['V', '2414'],
  ['L', '00004555804'],
  ['S', '02'],
  ['T', '08'],
  ['M', '0040'],
  ['C', '0016'],
  ['m', '0040'],
  ['t', '09'],
  ['A', '00161'],
  ['E', '00500'],
  ['f', '5999'],
];
const VALID = encodeReport(SERIAL, FIELDS);

describe('JuiceNet Local: random and mutated datagrams (fast-check)', function () {
  this.timeout(300_000);
  let server: RunningLocalServer;
  let tmp: { dir: string; remove(): void };

  before(async () => {
    tmp = tempDir();
    server = await startLocalServer({ dataDir: tmp.dir, udpPort: 0, udpHost: '127.0.0.1', httpPort: 0, timeZone: 'UTC', log: () => undefined });
    assert.ok(server.source.handleDatagram(VALID, ADDRESS), 'the box is learned from its valid report');
  });
  after(async () => {
    await server?.close();
    tmp?.remove();
  });

  const snapshot = () => {
    const st = server.source.state(SERIAL, 1_800_000_000);
    return {
      state: st.state,
      charging: st.charging,
      lifetime: st.lifetime,
      ping: st.time_last_ping,
      samples: (server.db.db.prepare('SELECT COUNT(*) AS n FROM samples').get() as { n: number }).n,
      sessions: server.db.db.prepare('SELECT * FROM sessions').all(),
      boxes: server.source.unitIds().length,
    };
  };

  /** Feeds a datagram; a reply only for a checksummed report of a known or new box; nothing else changes anything. */
  const feed = (data: Uint8Array | string, from = ADDRESS) => {
    const before = snapshot();
    const reply = server.source.handleDatagram(data, from);
    const d = decodeDatagram(data);
    if (reply !== undefined) {
      assert.equal(d.kind, 'report', 'a reply only answers a report');
      assert.ok(d.kind === 'report' && (d.checksum === 'valid' || d.checksum === 'absent'));
      assert.match(reply, /^CMD\d{5}A\d+M\d+C\d{3}S\d{3}!...\$$/);
    } else if (d.kind !== 'report' || d.serial === SERIAL) {
      assert.deepEqual(snapshot(), before, 'an unanswered datagram changes nothing');
    }
  };

  it('random bytes never throw and change nothing unless they form a valid report', () => {
    fuzz(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => feed(bytes)),
      Math.min(RUNS, 3000),
    );
  });

  it('random text after the known serial never throws; only a checksummed report is answered', () => {
    fuzz(
      fc.property(fc.string({ maxLength: 200 }), (text) => feed(`${SERIAL}:${text}`)),
      Math.min(RUNS, 3000),
    );
  });

  it('mutations of a valid report (a changed, dropped or inserted character) are refused unless the checksum still matches', () => {
    fuzz(
      fc.property(fc.nat(VALID.length - 1), fc.integer({ min: 32, max: 126 }), fc.constantFrom('replace', 'drop', 'insert'), (at, code, how) => {
        const c = String.fromCharCode(code);
        const text =
          how === 'replace'
            ? VALID.slice(0, at) + c + VALID.slice(at + 1)
            : how === 'drop'
              ? VALID.slice(0, at) + VALID.slice(at + 1)
              : VALID.slice(0, at) + c + VALID.slice(at);
        feed(text);
      }),
      Math.min(RUNS, 3000),
    );
  });

  it('a valid report of the known box from another address is refused and changes nothing', () => {
    fuzz(
      fc.property(fc.ipV4(), (ip) => {
        if (ip === ADDRESS) return;
        const before = snapshot();
        assert.equal(server.source.handleDatagram(VALID, ip), undefined);
        assert.deepEqual(snapshot(), before);
      }),
      Math.min(RUNS, 500),
    );
  });
});
