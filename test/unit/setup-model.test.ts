// The setup assistant's page model from a diagnostics read, and the push channel's event-stream
// parsing: pure functions, checked on hand-made inputs (the in-host and browser suites drive them
// with a real server and emulated boxes).
import { strict as assert } from 'node:assert';
import { buildSetupModel, type SetupInput } from '../../src/setup/model';
import { parseEventStream } from '../../src/api/local-events';
import { encodeReport } from '../../src/juicebox/codec';
import type { LocalDiagnostics } from '../../src/api/local-contract';

const SERIAL = '0910000000000000000000000000';
const report = (m: number) =>
  encodeReport(SERIAL, [
    ['v', '09u'],
    ['s', '627'],
    ['S', '01'],
    ['M', String(m).padStart(4, '0')],
    ['C', '0016'],
    ['m', '0040'],
    ['t', '29'],
  ]);

function diagnostics(box: Partial<LocalDiagnostics['boxes'][string]> | undefined): LocalDiagnostics {
  return {
    server: { version: '0.1.0', udpPort: 8047, datagrams: 3, replies: 2, errors: 0 },
    unattributed: { count: 0, recent: [] },
    boxes: box
      ? {
          [SERIAL]: {
            reports: 1,
            checksumFailures: 0,
            encryptedReports: 0,
            refusedFromOtherAddress: 0,
            debugLines: [],
            missCrc: 0,
            known: true,
            online: true,
            ...box,
          },
        }
      : {},
    waitingToBeAdded: box?.known === false ? [] : [SERIAL],
  };
}
const input = (d: LocalDiagnostics | undefined, units: [string, { name: string; limitA?: number }][] = []): SetupInput => ({
  diagnostics: d,
  runHere: 'running',
  accountUnits: new Map(units),
  addresses: ['192.168.1.20', '10.0.0.2'],
  fallbackUdpPort: 8047,
  nowMs: 1_800_000_000_000,
});

describe('setup assistant model', () => {
  it('without a readable server: no-server, with the reason and the configured port in the udpc line', () => {
    const m = buildSetupModel({ ...input(undefined), error: { message: 'Could not reach the local server', nextStep: 'Start it' } });
    assert.equal(m.phase, 'no-server');
    assert.equal(m.server.message, 'Could not reach the local server');
    assert.equal(m.pointing.udpcLine, 'udpc 192.168.1.20 8047');
  });

  it('waiting for the first report, then a box seen with its report period from its last report', () => {
    assert.equal(buildSetupModel(input(diagnostics(undefined))).phase, 'waiting');
    const m = buildSetupModel(
      input(diagnostics({ lastRawReport: report(40), protocolVersion: 'v09u', address: '192.168.1.50', lastReportS: 1_800_000_000 - 12 })),
    );
    assert.equal(m.phase, 'seen');
    const b = m.boxes[0];
    assert.equal(b.reportPeriodS, 29);
    assert.equal(b.lastReportAgoS, 12);
    assert.equal(b.obey.state, 'not-added');
  });

  it('obeys only when the reported online limit equals the one the server sends', () => {
    const waiting = buildSetupModel(input(diagnostics({ lastRawReport: report(40) }), [[SERIAL, { name: 'Garage', limitA: 20 }]]));
    assert.equal(waiting.phase, 'added');
    assert.equal(waiting.boxes[0].obey.state, 'waiting');
    assert.match(waiting.boxes[0].obey.text, /sends 20 A, the box still reports 40 A.*every 29 s/);
    const obeys = buildSetupModel(input(diagnostics({ lastRawReport: report(20) }), [[SERIAL, { name: 'Garage', limitA: 20 }]]));
    assert.equal(obeys.phase, 'obeys');
    assert.deepEqual(
      obeys.steps.map((s) => s.done),
      [true, true, true, true],
    );
  });

  it('names encrypted reports, checksum failures, Miss CRC, another address and silence, each with a remedy', () => {
    const m = buildSetupModel(
      input(diagnostics({ encryptedReports: 2, checksumFailures: 3, missCrc: 1, refusedFromOtherAddress: 4, online: false, firstAddress: '192.168.1.50' })),
    );
    assert.deepEqual(
      m.boxes[0].problems.map((p) => p.kind),
      ['encrypted', 'checksum', 'miss-crc', 'other-address', 'offline'],
    );
    for (const p of m.boxes[0].problems) assert.ok(p.meaning.length > 20 && p.remedy.length > 20, p.kind);
  });
});

describe('push channel event stream', () => {
  it('splits events, joins data lines, skips comments, and keeps an unfinished event for later', () => {
    const { events, rest } = parseEventStream(
      ': connected\n\nid: 1\nevent: change\ndata: {"units":["1"],\ndata: "atS":5}\n\nevent: change\r\ndata: {"units":[]',
    );
    assert.deepEqual(events, [{ event: 'change', data: '{"units":["1"],\n"atS":5}' }]);
    assert.equal(rest, 'event: change\ndata: {"units":[]');
  });
});
