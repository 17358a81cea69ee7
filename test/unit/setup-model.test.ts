// The setup assistant's page model from a diagnostics read, and the push channel's event-stream
// parsing: pure functions, checked on hand-made inputs (the in-host and browser suites drive them
// with a real server and emulated boxes).
import { strict as assert } from 'node:assert';
import { buildSetupModel, type SetupInput } from '../../src/setup/model';
import { parseEventStream } from '../../src/api/local-events';
import { encodeReport } from '../../src/juicebox/codec';
import type { LocalDiagnostics } from '../../src/api/local-contract';
import { BOX_REPORT_NAMES, checkNames, dnsBlocks, forwardingBlocks, networkOf, type Lookup } from '../../src/setup/pointing';

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
  addresses: [
    { address: '192.168.1.20', cidr: '192.168.1.20/24' },
    { address: '10.0.0.2', cidr: '10.0.0.2/8' },
  ],
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
    assert.match(m.boxes[0].problems[0].remedy, /Block the directory service/);
    assert.equal(m.boxes[0].problems[0].lines?.split('\n')[0], 'address=/directory-api.emotorwerks.com/');
  });

  it('a box on port 8055, one that does not obey, one in monitor-only and one unreachable since a time are each said in words', () => {
    const silentS = 1_800_000_000 - 600;
    const m = buildSetupModel(
      input(
        diagnostics({
          lastRawReport: report(40),
          udpPort: 8055,
          ignoring: 'Garage ignores the limit',
          ignoredReports: 4,
          monitorOnly: true,
          online: false,
          unreachableSinceS: silentS,
        }),
        [[SERIAL, { name: 'Garage', limitA: 20 }]],
      ),
    );
    const b = m.boxes[0];
    assert.equal(b.udpPort, 8055);
    assert.deepEqual(
      b.problems.map((p) => p.kind),
      ['newer-firmware', 'not-obeying', 'monitor-only', 'offline'],
    );
    assert.match(b.problems[0].remedy, /ohm\.voltie\.us/);
    const at = new Date(silentS * 1000).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    assert.equal(b.problems[3].title, `Unreachable since ${at}`);
    assert.match(b.problems[1].title, /^Does not obey.*\(4 reports\)$/);
    // The server's own words (in the box's zone) when it gives them.
    const worded = buildSetupModel(input(diagnostics({ online: false, unreachableSinceS: silentS, unreachable: 'unreachable since 09:15' })));
    assert.equal(worded.boxes[0].problems[0].title, 'Unreachable since 09:15');
    assert.equal(b.obey.text, 'Monitor only: the server sends it no command.');
    const ignoring = buildSetupModel(
      input(diagnostics({ lastRawReport: report(40), ignoring: 'ignores', ignoredReports: 3 }), [[SERIAL, { name: 'Garage', limitA: 20 }]]),
    );
    assert.equal(ignoring.boxes[0].obey.text, 'Does not obey: the server sends 20 A, the box keeps reporting 40 A.');
  });

  it('keeps the boxes in one order (by serial) whether added or not', () => {
    const d = diagnostics({ lastRawReport: report(40) });
    const other = '0810000000000000000000000001';
    d.boxes[other] = { ...d.boxes[SERIAL] };
    const before = buildSetupModel(input(d)).boxes.map((b) => b.serial);
    const after = buildSetupModel(input(d, [[other, { name: 'Drive' }]])).boxes.map((b) => b.serial);
    assert.deepEqual(before, [other, SERIAL]);
    assert.deepEqual(after, before);
  });

  it('fills the DNS and router lines with the chosen address, and names the ports the server does not listen on', () => {
    const one = buildSetupModel(input(diagnostics(undefined)));
    assert.equal(one.pointing.address, '192.168.1.20');
    assert.deepEqual(
      one.pointing.names.filter((n) => !n.listening).map((n) => n.port),
      [8042, 8042, 8055],
    );
    const picked = buildSetupModel({ ...input(diagnostics(undefined)), chosenAddress: '10.0.0.2' });
    assert.equal(picked.pointing.address, '10.0.0.2');
    assert.match(picked.pointing.dns[0].lines, /^address=\/juicenet-udp-prod3-usa\.enelx\.com\/10\.0\.0\.2$/m);
    assert.match(
      picked.pointing.forwarding[0].lines,
      /ip saddr 10\.0\.0\.0\/8 ip daddr != 10\.0\.0\.0\/8 udp dport \{ 8042, 8047, 8055, 9004 \} dnat to 10\.0\.0\.2:8047'/,
    );
    assert.equal(picked.pointing.udpcLine, 'udpc 10.0.0.2 8047');
    const taken = diagnostics(undefined);
    taken.server.ports = [
      { requested: 8047, port: 8047, listening: true, datagrams: 0, replies: 0, dropped: 0 },
      { requested: 8042, listening: false, error: 'UDP port 8042 (where the boxes report) is already in use', datagrams: 0, replies: 0, dropped: 0 },
    ];
    assert.deepEqual(buildSetupModel(input(taken)).server.portProblems, ['UDP port 8042 (where the boxes report) is already in use']);
    const all = diagnostics(undefined);
    all.server.udpPorts = [8042, 8047, 8055, 9004];
    const m = buildSetupModel(input(all));
    assert.ok(m.pointing.names.every((n) => n.listening));
    assert.match(m.pointing.forwarding[1].lines, /--dports 8042,8047,8055,9004 -j DNAT --to-destination 192\.168\.1\.20$/m);
  });
});

describe('pointing a box: DNS lines, router rules and the resolver check', () => {
  it('gives every name in each DNS style', () => {
    const [dnsmasq, openwrt, hosts] = dnsBlocks('192.168.1.20');
    for (const n of BOX_REPORT_NAMES) {
      assert.ok(dnsmasq.lines.includes(`address=/${n.host}/192.168.1.20`), n.host);
      assert.ok(openwrt.lines.includes(`uci add_list dhcp.@dnsmasq[0].address='/${n.host}/192.168.1.20'`), n.host);
      assert.ok(hosts.lines.startsWith('192.168.1.20 ') && hosts.lines.includes(n.host), n.host);
    }
    assert.match(openwrt.lines, /uci commit dhcp\n\/etc\/init\.d\/dnsmasq restart$/);
  });

  it('router rules keep each port when the server listens on all, and answer through the router', () => {
    const [nft, ipt] = forwardingBlocks('192.168.1.20', '192.168.1.0/24', [8042, 8047, 8055, 9004]);
    assert.match(nft.lines, /dnat to 192\.168\.1\.20'$/m);
    assert.match(nft.lines, /postrouting ip saddr 192\.168\.1\.0\/24 ip daddr 192\.168\.1\.20 udp dport \{ 8042, 8047, 8055, 9004 \} masquerade'$/m);
    assert.match(ipt.lines, /-j MASQUERADE$/);
    assert.equal(networkOf('172.20.5.9/12'), '172.16.0.0/12');
    assert.equal(networkOf(undefined), undefined);
  });

  it('says per name whether this machine’s resolver points it here, elsewhere, at loopback or nowhere', async () => {
    const answers: Record<string, string[] | string> = {
      'juicenet-udp-prod3-usa.enelx.com': ['192.168.1.20'],
      'juicenet-udp-prod4-exw.enelx.com': ['34.1.2.3'],
      'jbv1.emotorwerks.com': ['127.0.0.1'],
      'ohm.voltie.us': 'ENOTFOUND',
    };
    const asked: string[] = [];
    const lookup: Lookup = async (host) => {
      asked.push(host);
      const a = answers[host];
      if (typeof a === 'string') throw Object.assign(new Error(`getaddrinfo ${a} ${host}`), { code: a });
      return a.map((address) => ({ address, family: 4 }));
    };
    const c = await checkNames(lookup, ['192.168.1.20'], 5);
    assert.deepEqual(
      c.names.map((n) => n.verdict),
      ['here', 'elsewhere', 'elsewhere', 'none'],
    );
    assert.equal(c.names[0].text, 'points here (192.168.1.20)');
    assert.match(c.names[2].text, /this computer.*network address/);
    assert.equal(c.names[3].text, 'is not known to this resolver (no address)');
    assert.equal(c.allHere, false);
    assert.deepEqual(asked.sort(), [...Object.keys(answers), 'directory-api.emotorwerks.com'].sort());
    assert.equal(c.directory.blocked, false);
    assert.equal(c.directory.text, 'could not be looked up, so whether it is blocked is not known');
    assert.match(c.summary, /^1 of 4 names point at this machine/);
    const all = await checkNames(
      async (host) => (host === 'directory-api.emotorwerks.com' ? [{ address: '0.0.0.0', family: 4 }] : [{ address: '192.168.1.20', family: 4 }]),
      ['192.168.1.20'],
      5,
    );
    assert.ok(all.allHere);
    assert.equal(all.directory.blocked, true);
    assert.match(all.directory.text, /^is blocked/);
    assert.match(all.summary, /restart the box/);
    assert.doesNotMatch(JSON.stringify([c, all]), /ENOTFOUND|getaddrinfo/);
    // A resolver that does not answer does not hold the check.
    const silent = await checkNames(() => new Promise(() => undefined), ['192.168.1.20'], 5, BOX_REPORT_NAMES.slice(0, 1), 30);
    assert.equal(silent.names[0].verdict, 'error');
    assert.equal(silent.names[0].text, 'got no answer (the DNS server did not reply in time)');
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
