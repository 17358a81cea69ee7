// Fuzzing the JuiceBox console client: `list` parsing on random text, and a console over real TCP
// on 127.0.0.1 that answers random bytes (with or without a prompt, then closes or goes quiet).
// Properties: parsing never throws and gives sane streams; reading the streams either succeeds or
// fails with a ConsoleError that says nothing changed, within the time allowed; nothing but `list`
// is ever written.
import { strict as assert } from 'node:assert';
import net from 'node:net';
import fc from 'fast-check';
import { ConsoleError, parseStreamList, planUdpcChange, readStreams } from '../../src/juicebox/console';
import { RUNS, fuzz, fuzzAsync } from './arbitraries';

const lineArb = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc
    .tuple(
      fc.nat(999),
      fc.constantFrom('UDPC', 'udpc', 'TCPC', 'FILE', 'X'),
      fc.string({ maxLength: 40 }),
      fc.option(fc.tuple(fc.stringMatching(/^[a-z0-9.-]{1,30}$/), fc.nat(99999))),
    )
    .map(([id, type, info, hp]) => `# ${id} ${type}  ${hp ? `${hp[0]}:${hp[1]} ` : ''}${info}`),
);

describe('JuiceBox console fuzzing', function () {
  this.timeout(120_000);

  it('parseStreamList never throws; every stream has a whole id, an upper-case type and a real port', () => {
    fuzz(
      fc.property(fc.array(lineArb, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (lines, nl) => {
        const streams = parseStreamList(lines.join(nl));
        for (const s of streams) {
          assert.ok(Number.isInteger(s.id) && s.id >= 0);
          assert.equal(s.type, s.type.toUpperCase());
          if (s.port !== undefined) assert.ok(Number.isInteger(s.port) && s.port <= 65535 && typeof s.host === 'string');
        }
        const plan = planUdpcChange(streams, { host: '192.168.1.50', port: 8047 });
        assert.ok(plan.alreadyPointed ? plan.command === '' : plan.command === 'udpc 192.168.1.50 8047');
      }),
    );
  });

  it('a console answering random bytes: streams or a ConsoleError that changed nothing, never anything else', async () => {
    // Over real sockets: fewer cases than the pure properties, a fixed seed all the same.
    const runs = Math.max(20, Math.floor(RUNS / 40));
    let answer: { bytes: Uint8Array; prompt: boolean; close: boolean } = { bytes: new Uint8Array(), prompt: false, close: true };
    const received: string[] = [];
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.on('data', (d: Buffer) => received.push(...d.toString('latin1').split(/\r?\n/).filter(Boolean)));
      const a = answer;
      socket.write(Buffer.from(a.bytes));
      if (a.prompt) socket.write('\r\n> ');
      if (a.close) socket.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await fuzzAsync(
        fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), fc.boolean(), async (bytes, prompt, close) => {
          answer = { bytes, prompt, close };
          const t0 = Date.now();
          try {
            const streams = await readStreams({ host: '127.0.0.1', port, timeoutMs: 60 });
            assert.ok(Array.isArray(streams));
          } catch (e) {
            assert.ok(e instanceof ConsoleError, `not a ConsoleError: ${String(e)}`);
            assert.equal(e.changed, false, e.message);
            assert.ok(e.message.length > 0);
          }
          assert.ok(Date.now() - t0 < 2000, 'answered within the time allowed');
        }),
        runs,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    assert.ok(
      received.every((l) => l === 'list'),
      `only list was written: ${received
        .filter((l) => l !== 'list')
        .slice(0, 3)
        .join(' | ')}`,
    );
  });
});
