// Fuzzing the JuiceBox UDP codec with random bytes, random text, and mutations of valid reports
// and commands. Properties: decoding never throws and always gives one of the four kinds with
// finite numbers and a printable raw rendering; a report is only accepted with a checksum that
// matches; a corrupted checksum is always refused; encode and decode round trip.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  decodeCommand,
  decodeDatagram,
  encodeCommand,
  encodeReport,
  juiceboxChecksum,
  type JuiceBoxDatagram,
  type JuiceBoxField,
} from '../../src/juicebox/codec';
import { CHECKSUM_DIGITS } from '../../src/juicebox/checksum';
import { fuzz } from './arbitraries';

const KINDS = ['report', 'debug', 'encrypted', 'refused'];
const REASONS = ['bad-checksum', 'not-a-report', 'too-long', 'not-text'];

/** The shape every decoded datagram must have. */
function assertWellFormed(d: JuiceBoxDatagram): void {
  assert.ok(KINDS.includes(d.kind), d.kind);
  assert.equal(typeof d.raw, 'string');
  assert.match(d.raw, /^[\x20-\x7e…]*$/, 'raw is printable');
  if (d.kind === 'refused') {
    assert.ok(REASONS.includes(d.reason));
    assert.ok(d.detail.length > 0);
  }
  if (d.kind === 'report') {
    assert.match(d.serial, /^\d+$/);
    for (const [k, v] of Object.entries(d)) if (typeof v === 'number') assert.ok(Number.isFinite(v), `${k} = ${v}`);
    assert.ok(d.fields.length > 0);
  }
}

/** If the text was accepted as a checksummed report, its checksum really matches. */
function assertNoFalseAcceptance(text: string, d: JuiceBoxDatagram): void {
  if (d.kind === 'report' && d.checksum === 'valid') {
    const bang = text.indexOf('!');
    assert.ok(bang > 0);
    assert.equal(text.slice(bang + 1, bang + 4), juiceboxChecksum(text.slice(0, bang)));
  }
  if (d.kind === 'report' && d.checksum === 'absent') assert.equal(d.protocolVersion, undefined, 'a versioned report needs a checksum');
}

const serialArb = fc.stringMatching(/^\d{1,28}$/);
const valueArb = fc.oneof(fc.stringMatching(/^[+-]?\d{1,12}$/), fc.integer({ min: 0, max: 99999 }).map(String));
const letterArb = fc.constantFrom(...'ABCEFILMPSTVXYbefimprstuV'.split(''));
const fieldsArb: fc.Arbitrary<JuiceBoxField[]> = fc.array(fc.tuple(letterArb, valueArb), { minLength: 1, maxLength: 25 });
const versionArb = fc.constantFrom('09u', '07', '09', '10a');
const reportArb = fc.record({ serial: serialArb, version: fc.option(versionArb, { nil: undefined }), fields: fieldsArb }).map(({ serial, version, fields }) => {
  const all: JuiceBoxField[] = version === undefined ? fields : [['v', version], ...fields];
  return { serial, fields: all, text: encodeReport(serial, all, { checksum: version !== undefined }) };
});

type Mutation = { op: 'flip' | 'insert' | 'delete' | 'replace'; at: number; byte: number };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<Mutation['op']>('flip', 'insert', 'delete', 'replace'),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(bytes: Buffer, muts: Mutation[]): Buffer {
  let b = Buffer.from(bytes);
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.op === 'flip' && b.length > 0) b[at] ^= 1 << (m.byte % 8);
    else if (m.op === 'replace' && b.length > 0) b[at] = m.byte;
    else if (m.op === 'delete' && b.length > 0) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
  }
  return b;
}

describe('JuiceBox codec fuzzing', function () {
  this.timeout(120_000);

  it('random bytes: never throws, always one of the four kinds', () => {
    fuzz(
      fc.property(fc.uint8Array({ maxLength: 1500 }), (bytes) => {
        const d = decodeDatagram(bytes);
        assertWellFormed(d);
        assertNoFalseAcceptance(Buffer.from(bytes).toString('latin1'), d);
      }),
    );
  });

  it('random text (any Unicode): never throws', () => {
    fuzz(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const d = decodeDatagram(text);
        assertWellFormed(d);
        if (d.kind === 'report') assertNoFalseAcceptance(text, d);
      }),
    );
  });

  it('valid reports round trip: the same serial, version and fields in order', () => {
    fuzz(
      fc.property(reportArb, ({ serial, fields, text }) => {
        const d = decodeDatagram(text);
        assertWellFormed(d);
        assert.equal(d.kind, 'report', `${text} -> ${JSON.stringify(d)}`);
        if (d.kind !== 'report') return;
        assert.equal(d.serial, serial);
        assert.deepEqual(d.fields, fields);
        const v = fields.find(([k]) => k === 'v');
        assert.equal(d.protocolVersion, v ? `v${v[1]}` : undefined);
      }),
    );
  });

  it('mutated reports: never throw, never accepted with a checksum that does not match', () => {
    let refusedCount = 0;
    fuzz(
      fc.property(reportArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), ({ text }, muts) => {
        const bytes = mutate(Buffer.from(text, 'latin1'), muts);
        const d = decodeDatagram(bytes);
        assertWellFormed(d);
        assertNoFalseAcceptance(bytes.toString('latin1'), d);
        if (d.kind === 'refused') refusedCount++;
      }),
    );
    assert.ok(refusedCount > 0, 'some mutations must be refused');
  });

  it('a corrupted checksum is always refused as a bad checksum', () => {
    const checksumArb = fc.array(fc.constantFrom(...CHECKSUM_DIGITS.split(''), 'O', 'a', '!', ':'), { minLength: 0, maxLength: 5 }).map((a) => a.join(''));
    fuzz(
      fc.property(reportArb, checksumArb, ({ text }, wrong) => {
        const bang = text.lastIndexOf('!');
        fc.pre(bang > 0);
        const good = text.slice(bang + 1, bang + 4);
        fc.pre(wrong !== good && wrong !== `${good}:`);
        const d = decodeDatagram(`${text.slice(0, bang + 1)}${wrong}:`);
        assert.equal(d.kind, 'refused');
        if (d.kind === 'refused') assert.equal(d.reason, 'bad-checksum');
      }),
    );
  });

  it('commands round trip through encodeCommand and decodeCommand in both widths', () => {
    const cmdArb = fc
      .record({
        wide: fc.boolean(),
        dayOfWeek: fc.integer({ min: 0, max: 6 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        code: fc.integer({ min: 0, max: 999 }),
        counter: fc.integer({ min: 1, max: 999 }),
        a: fc.nat(),
        m: fc.nat(),
      })
      .map(({ wide, a, m, ...rest }) => ({
        ...rest,
        protocolVersion: wide ? 'v09u' : 'v07',
        onlineA: a % (wide ? 10000 : 100),
        offlineA: m % (wide ? 1000 : 100),
        wide,
      }));
    fuzz(
      fc.property(cmdArb, ({ wide, ...c }) => {
        const text = encodeCommand(c);
        const d = decodeCommand(text);
        assert.equal(d.kind, 'command', text);
        if (d.kind !== 'command') return;
        assert.deepEqual(
          {
            dayOfWeek: d.dayOfWeek,
            hour: d.hour,
            minute: d.minute,
            onlineA: d.onlineA,
            offlineA: d.offlineA,
            code: d.code,
            counter: d.counter,
            width: d.width,
          },
          {
            dayOfWeek: c.dayOfWeek,
            hour: c.hour,
            minute: c.minute,
            onlineA: c.onlineA,
            offlineA: c.offlineA,
            code: c.code,
            counter: c.counter,
            width: wide ? 'wide' : 'narrow',
          },
        );
        // Any other checksum is refused.
        const body = text.slice(0, text.indexOf('!'));
        const other = juiceboxChecksum(`${body}x`);
        if (other !== juiceboxChecksum(body)) {
          const bad = decodeCommand(`${body}!${other}$`);
          assert.ok(bad.kind === 'refused' && bad.reason === 'bad-checksum');
        }
      }),
    );
  });

  it('random and mutated commands: decodeCommand never throws and only accepts a matching checksum', () => {
    const base = encodeCommand({ protocolVersion: 'v09u', dayOfWeek: 4, hour: 13, minute: 25, onlineA: 40, offlineA: 40, counter: 638 });
    fuzz(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
          fc.array(mutationArb, { minLength: 1, maxLength: 3 }).map((m) => mutate(Buffer.from(base), m)),
        ),
        (bytes) => {
          const d = decodeCommand(bytes);
          assert.ok(d.kind === 'command' || d.kind === 'refused');
          if (d.kind === 'command') {
            const t = bytes.toString('latin1').replace(/[\r\n]+$/, '');
            assert.equal(t.slice(t.indexOf('!') + 1, t.indexOf('!') + 4), juiceboxChecksum(t.slice(0, t.indexOf('!'))));
          }
        },
      ),
    );
  });
});
