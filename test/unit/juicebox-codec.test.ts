// The JuiceBox UDP codec against the protocol's worked examples: the checksum, every report form
// (v09u, v07, old firmware without version or checksum, repeated letters), debug and boot lines,
// encrypted firmware, refusals, and command datagrams in both field widths.
import { strict as assert } from 'node:assert';
import {
  checksumMatches,
  commandWidths,
  decodeCommand,
  decodeDatagram,
  encodeCommand,
  encodeDebug,
  encodeReport,
  juiceboxChecksum,
  nextCommandCounter,
  type JuiceBoxDatagram,
  type JuiceBoxReport,
} from '../../src/juicebox/codec';

const V09U_BODY = '0910000000000000000000000000:v09u,s627,F10,u01254993,V2414,L00004555804,S01,T08,M0040,C0040,m0040,t29,i75,e00000,f5999,r61,b000,B0000000';
const V09U = `${V09U_BODY}!S1H:`;
const OLD = '0910042001260513476122621631:V247,L11097,S0,T34,E14,i84,e1,t30:';

function asReport(d: JuiceBoxDatagram): JuiceBoxReport {
  assert.equal(d.kind, 'report', `expected a report, got ${JSON.stringify(d)}`);
  return d as JuiceBoxReport;
}

describe('JuiceBox checksum', () => {
  it('matches the status report example (S1H)', () => {
    assert.equal(juiceboxChecksum(V09U_BODY), 'S1H');
  });
  it('matches both command examples (5N5 and 5RE)', () => {
    assert.equal(juiceboxChecksum('CMD41325A0040M040C006S638'), '5N5');
    assert.equal(juiceboxChecksum('CMD52324A20M16C006S001'), '5RE');
  });
  it('never writes the letter O (digit 24 is Z) and always gives three characters', () => {
    let sawZ = false;
    for (let i = 0; i < 5000; i++) {
      const c = juiceboxChecksum(`CMD${i}`);
      assert.match(c, /^[0-9A-NP-Z]{3}$/);
      if (c.includes('Z')) sawZ = true;
    }
    assert.ok(sawZ, 'some checksum among 5,000 should contain the digit 24 (Z)');
  });
  it('checksumMatches says no to a wrong or short checksum', () => {
    assert.ok(checksumMatches(V09U_BODY, 'S1H'));
    assert.ok(!checksumMatches(V09U_BODY, 'S1I'));
    assert.ok(!checksumMatches(V09U_BODY, 'S1'));
  });
});

describe('JuiceBox status reports', () => {
  it('reads the v09u example with every value in its unit', () => {
    const r = asReport(decodeDatagram(V09U));
    assert.equal(r.serial, '0910000000000000000000000000');
    assert.equal(r.protocolVersion, 'v09u');
    assert.equal(r.checksum, 'valid');
    assert.equal(r.state, 'plugged');
    assert.equal(r.voltageV, 241.4);
    assert.equal(r.lifetimeEnergyWh, 4555804);
    assert.equal(r.temperatureC, 8);
    assert.equal(r.onlineLimitA, 40);
    assert.equal(r.offlineLimitA, 40);
    assert.equal(r.ratingA, 40);
    assert.equal(r.reportIntervalS, 29);
    assert.equal(r.slotOfDay, 75);
    assert.equal(r.frequencyHz, 59.99);
    assert.equal(r.reportCounter, 627);
    assert.equal(r.currentA, undefined, 'the example has no A field');
    assert.equal(r.powerW, undefined, 'no power without a current');
    assert.equal(r.fields.length, 18);
    assert.deepEqual(r.fields[0], ['v', '09u']);
    assert.deepEqual(r.fields[3], ['u', '01254993']);
    assert.equal(r.raw, V09U);
  });

  it('accepts the same datagram as bytes, with a trailing line break', () => {
    const r = asReport(decodeDatagram(Buffer.from(`${V09U}\r\n`, 'latin1')));
    assert.equal(r.voltageV, 241.4);
  });

  it('reads the old form (no version, no checksum): whole volts, S0 standby', () => {
    const r = asReport(decodeDatagram(OLD));
    assert.equal(r.protocolVersion, undefined);
    assert.equal(r.checksum, 'absent');
    assert.equal(r.voltageV, 247);
    assert.equal(r.lifetimeEnergyWh, 11097);
    assert.equal(r.state, 'standby');
    assert.equal(r.sessionEnergyWh, 14);
    assert.equal(r.temperatureC, 34);
    assert.equal(r.reportIntervalS, 30);
  });

  it('old form without S: A0 is plugged in, A above 0 is charging (A137 = 13.7 A)', () => {
    assert.equal(asReport(decodeDatagram('123:V240,A0,L5,t30:')).state, 'plugged');
    const r = asReport(decodeDatagram('123:V240,A137,L5,t9:'));
    assert.equal(r.state, 'charging');
    assert.equal(r.currentA, 13.7);
    assert.equal(asReport(decodeDatagram('123:V240,L5,t30:')).state, 'unknown');
  });

  it('keeps a repeated letter (E twice) in the fields, in order, and uses the first for the value', () => {
    const r = asReport(decodeDatagram('123:V240,E100,L5,E200,S2,A00161:'));
    assert.deepEqual(
      r.fields.filter(([k]) => k === 'E'),
      [
        ['E', '100'],
        ['E', '200'],
      ],
    );
    assert.equal(r.sessionEnergyWh, 100);
    assert.equal(r.currentA, 16.1);
    assert.equal(r.state, 'charging');
  });

  it('maps every state code, signed values and power factor', () => {
    const states = [0, 1, 2, 5, 3].map(
      (s) =>
        asReport(
          decodeDatagram(
            encodeReport('7', [
              ['v', '09u'],
              ['S', String(s)],
            ]),
          ),
        ).state,
    );
    assert.deepEqual(states, ['standby', 'plugged', 'charging', 'error', 'unknown']);
    const r = asReport(
      decodeDatagram(
        encodeReport('7', [
          ['v', '07'],
          ['e', '-0001'],
          ['p', '0987'],
          ['T', '-5'],
        ]),
      ),
    );
    assert.equal(r.protocolVersion, 'v07');
    assert.deepEqual(r.fields[1], ['e', '-0001']);
    assert.equal(r.powerFactor, 0.987);
    assert.equal(r.temperatureC, -5);
  });

  it('encodeReport round trips through decodeDatagram', () => {
    const fields: [string, string][] = [
      ['v', '09u'],
      ['s', '1'],
      ['A', '00320'],
      ['V', '2400'],
      ['S', '2'],
      ['M', '0032'],
      ['C', '0016'],
    ];
    const text = encodeReport('555', fields);
    const r = asReport(decodeDatagram(text));
    assert.deepEqual(r.fields, fields);
    assert.equal(r.currentA, 32);
    assert.equal(r.voltageV, 240);
    assert.equal(r.powerW, 7680, 'power is voltage x current');
    assert.equal(r.offlineLimitA, 16);
    assert.equal(encodeReport('555', [['V', '240']], { checksum: false }), '555:V240:');
  });
});

describe('JuiceBox debug reports', () => {
  it('reads a boot announcement and its firmware', () => {
    const d = decodeDatagram(encodeDebug('0910000000000000000000000000', 'NFO', 'BOT:EMWERK-JB_1_1-1.4.0.28, 2019-03-04T21:53:07Z, ZentriOS-WZ-3.6.4.0'));
    assert.equal(d.kind, 'debug');
    if (d.kind !== 'debug') return;
    assert.equal(d.level, 'NFO');
    assert.equal(d.boot?.firmware, 'EMWERK-JB_1_1-1.4.0.28, 2019-03-04T21:53:07Z, ZentriOS-WZ-3.6.4.0');
    assert.equal(d.missCrc, false);
  });
  it('flags Miss CRC', () => {
    const d = decodeDatagram('123:DBG,WRN:UDPC Miss CRC:');
    assert.ok(d.kind === 'debug' && d.missCrc && d.level === 'WRN' && d.text === 'UDPC Miss CRC' && d.boot === undefined);
  });
});

describe('JuiceBox encrypted reports', () => {
  it('recognises v09e and v08 with unreadable bytes after the version', () => {
    const bytes = Buffer.concat([Buffer.from('0910000000000000000000000000:v09e'), Buffer.from([0x8f, 0x00, 0xff, 0x13, 0x21])]);
    const d = decodeDatagram(bytes);
    assert.deepEqual(
      [d.kind, d.kind === 'encrypted' && d.protocolVersion, d.kind === 'encrypted' && d.serial],
      ['encrypted', 'v09e', '0910000000000000000000000000'],
    );
    assert.match(d.raw, /\\x8f\\x00\\xff/);
    const d8 = decodeDatagram(Buffer.concat([Buffer.from('42:v08'), Buffer.from([1, 2, 250])]));
    assert.ok(d8.kind === 'encrypted' && d8.protocolVersion === 'v08');
  });
  it('recognises encrypted reports whatever byte the ciphertext starts with', () => {
    for (let b = 0; b < 256; b++) {
      const d = decodeDatagram(Buffer.concat([Buffer.from('0910000000000000000000000000:v09e'), Buffer.from([b, 0x8f, 0x00, 0x41])]));
      assert.equal(d.kind, 'encrypted', `first byte 0x${b.toString(16)} after v09e`);
    }
  });
});

describe('JuiceBox refusals', () => {
  const refusal = (d: JuiceBoxDatagram) => (d.kind === 'refused' ? d.reason : d.kind);
  it('refuses a report whose checksum is wrong, keeping the serial', () => {
    const d = decodeDatagram(`${V09U_BODY}!S1I:`);
    assert.equal(refusal(d), 'bad-checksum');
    assert.equal(d.kind === 'refused' && d.serial, '0910000000000000000000000000');
    assert.equal(refusal(decodeDatagram(V09U.replace('V2414', 'V2415'))), 'bad-checksum');
    assert.equal(refusal(decodeDatagram(`${V09U_BODY}!S1:`)), 'bad-checksum');
  });
  it('refuses a versioned report with no checksum', () => {
    assert.equal(refusal(decodeDatagram(`${V09U_BODY}:`)), 'bad-checksum');
  });
  it('refuses garbage, empty, unterminated and malformed fields as not a report', () => {
    assert.equal(refusal(decodeDatagram('hello')), 'not-a-report');
    assert.equal(refusal(decodeDatagram('')), 'not-a-report');
    assert.equal(refusal(decodeDatagram('123:V240,L5')), 'not-a-report');
    assert.equal(refusal(decodeDatagram('123:V240,LL5:')), 'not-a-report');
    assert.equal(refusal(decodeDatagram('123::')), 'not-a-report');
  });
  it('refuses binary bytes as not text and oversized datagrams as too long', () => {
    assert.equal(refusal(decodeDatagram(Buffer.from([0x31, 0x3a, 0x00, 0x41]))), 'not-text');
    assert.equal(refusal(decodeDatagram(`123:${'V240,'.repeat(300)}t30:`)), 'too-long');
    assert.equal(refusal(decodeDatagram(`123:V240:`, { maxBytes: 5 })), 'too-long');
  });
});

describe('JuiceBox commands', () => {
  it('builds the v09u example (4-digit online, 3-digit offline)', () => {
    assert.equal(
      encodeCommand({ protocolVersion: 'v09u', dayOfWeek: 4, hour: 13, minute: 25, onlineA: 40, offlineA: 40, counter: 638 }),
      'CMD41325A0040M040C006S638!5N5$',
    );
  });
  it('builds the older-box example (2 and 2 digits), for v07 and for no version', () => {
    const c = { dayOfWeek: 5, hour: 23, minute: 24, onlineA: 20, offlineA: 16, counter: 1 };
    assert.equal(encodeCommand({ ...c, protocolVersion: 'v07' }), 'CMD52324A20M16C006S001!5RE$');
    assert.equal(encodeCommand(c), 'CMD52324A20M16C006S001!5RE$');
    assert.deepEqual(commandWidths('v09u'), { onlineDigits: 4, offlineDigits: 3 });
    assert.deepEqual(commandWidths(undefined), { onlineDigits: 2, offlineDigits: 2 });
  });
  it('refuses values that do not fit, with the range in the message', () => {
    const c = { protocolVersion: 'v07', dayOfWeek: 1, hour: 1, minute: 1, onlineA: 100, offlineA: 16, counter: 1 };
    assert.throws(() => encodeCommand(c), /onlineA must be a whole number from 0 to 99, got 100/);
    assert.throws(() => encodeCommand({ ...c, onlineA: 10, counter: 0 }), /counter must be a whole number from 1 to 999/);
    assert.throws(() => encodeCommand({ ...c, onlineA: 10, dayOfWeek: 7 }), /dayOfWeek/);
    assert.throws(() => encodeCommand({ ...c, onlineA: 10.5 }), /onlineA/);
  });
  it('counts 1..999 and wraps to 1', () => {
    assert.equal(nextCommandCounter(1), 2);
    assert.equal(nextCommandCounter(998), 999);
    assert.equal(nextCommandCounter(999), 1);
  });
  it('decodeCommand reads both examples and refuses a bad checksum', () => {
    const d = decodeCommand('CMD41325A0040M040C006S638!5N5$');
    assert.deepEqual(d, {
      kind: 'command',
      dayOfWeek: 4,
      hour: 13,
      minute: 25,
      onlineA: 40,
      offlineA: 40,
      code: 6,
      counter: 638,
      width: 'wide',
      raw: 'CMD41325A0040M040C006S638!5N5$',
    });
    const n = decodeCommand(Buffer.from('CMD52324A20M16C006S001!5RE$'));
    assert.ok(n.kind === 'command' && n.width === 'narrow' && n.onlineA === 20 && n.offlineA === 16);
    const bad = decodeCommand('CMD41325A0040M040C006S638!5N6$');
    assert.ok(bad.kind === 'refused' && bad.reason === 'bad-checksum');
    assert.equal(decodeCommand('CMD9').kind, 'refused');
  });
});
