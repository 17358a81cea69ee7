// The JuiceBox console client against the fake console over real TCP on 127.0.0.1: reading the
// streams, the plan, nothing written without confirmation, the change and its verification, and
// a clear error that says nothing changed for a console that hangs, refuses, answers garbage,
// shows another prompt, closes, or says yes and changes nothing.
import { strict as assert } from 'node:assert';
import net from 'node:net';
import {
  ConsoleError,
  durationInWords,
  findUdpcStream,
  parseStreamList,
  planUdpcChange,
  pointBoxAt,
  readStreams,
  type UdpcPlan,
} from '../../src/juicebox/console';
import { startFakeConsole, type FakeConsole, type FakeConsoleMode } from '../fixtures/fake-console';

const TARGET = { host: '192.168.1.50', port: 8047 };
const VENDOR = { host: 'juicenet-udp-prod3-usa.enelx.com', port: 8047 };

describe('JuiceBox console: parsing and planning', () => {
  it('parses list output into streams and finds the UDPC stream host and port', () => {
    const streams = parseStreamList(
      'list\r\n! # Type  Info\r\n# 0 FILE  webapp/index.html-1.4.0.24 (1995, 0)\r\n# 1 UDPC  juicenet-udp-prod3-usa.enelx.com:8047 (26674)\r\n> ',
    );
    assert.equal(streams.length, 2);
    assert.deepEqual(findUdpcStream(streams), {
      id: 1,
      type: 'UDPC',
      info: 'juicenet-udp-prod3-usa.enelx.com:8047 (26674)',
      host: 'juicenet-udp-prod3-usa.enelx.com',
      port: 8047,
    });
    assert.equal(streams[0].host, undefined);
    assert.deepEqual(parseStreamList('2 udpc 10.0.0.5:9004'), [{ id: 2, type: 'UDPC', info: '10.0.0.5:9004', host: '10.0.0.5', port: 9004 }]);
    assert.deepEqual(parseStreamList('garbage\nmore garbage'), []);
  });

  it('plans the change in words, or nothing when the box already points at the target', () => {
    const streams = parseStreamList('# 1 UDPC  juicenet-udp-prod3-usa.enelx.com:8047 (26674)');
    const p = planUdpcChange(streams, TARGET);
    assert.equal(p.command, 'udpc 192.168.1.50 8047');
    assert.equal(p.alreadyPointed, false);
    assert.match(p.summary, /sends its reports to juicenet-udp-prod3-usa\.enelx\.com:8047 \(stream 1\); it will send them to 192\.168\.1\.50:8047/);
    const same = planUdpcChange(parseStreamList('# 1 UDPC 192.168.1.50:8047'), TARGET);
    assert.ok(same.alreadyPointed && same.command === '');
    assert.match(planUdpcChange([], TARGET).summary, /no UDP report stream; one will be opened/);
  });

  it('refuses a target that could smuggle another command', () => {
    for (const t of [
      { host: '1.2.3.4\r\nstream_close 1', port: 8047 },
      { host: 'a b', port: 1 },
      { host: '1.2.3.4', port: 0 },
      { host: '1.2.3.4', port: 8047.5 },
    ]) {
      assert.throws(
        () => planUdpcChange([], t),
        (e: unknown) => e instanceof ConsoleError && e.code === 'invalid-target',
      );
    }
  });
});

describe('JuiceBox console against the fake console', function () {
  this.timeout(20_000);
  let fake: FakeConsole;
  const start = async (mode: FakeConsoleMode) => (fake = await startFakeConsole({ mode }));
  afterEach(async () => fake?.close());
  const opts = () => ({ host: fake.host, port: fake.port, timeoutMs: 400 });

  it('reads the streams with list (telnet negotiation ignored) and changes nothing', async () => {
    await start('normal');
    const streams = await readStreams(opts());
    assert.deepEqual(findUdpcStream(streams)?.host, VENDOR.host);
    assert.deepEqual(fake.received, ['list']);
    assert.equal(fake.changes, 0);
  });

  it('sends udpc only after the confirmation, then verifies with list', async () => {
    await start('normal');
    let shown: UdpcPlan | undefined;
    const r = await pointBoxAt({
      ...opts(),
      target: TARGET,
      confirm: (plan) => {
        shown = plan;
        assert.deepEqual(fake.received, ['list'], 'nothing but list before the confirmation');
        return true;
      },
    });
    assert.equal(r.outcome, 'changed');
    assert.equal(shown?.command, 'udpc 192.168.1.50 8047');
    assert.deepEqual(fake.received, ['list', 'list', 'udpc 192.168.1.50 8047', 'list']);
    assert.deepEqual(findUdpcStream(fake.streams), { id: 1, type: 'UDPC', info: '192.168.1.50:8047 (10000)', host: '192.168.1.50', port: 8047 });
    assert.equal(findUdpcStream(r.after!)?.host, '192.168.1.50');
    // A second run finds nothing to do and asks nothing.
    const again = await pointBoxAt({ ...opts(), target: TARGET, confirm: () => assert.fail('no confirmation needed') });
    assert.equal(again.outcome, 'already-pointed');
    assert.equal(fake.changes, 1);
  });

  it('writes nothing when the owner declines (or the confirmation is anything but true)', async () => {
    await start('normal');
    for (const answer of [false, undefined as unknown as boolean, 'yes' as unknown as boolean]) {
      const r = await pointBoxAt({ ...opts(), target: TARGET, confirm: async () => answer });
      assert.equal(r.outcome, 'declined');
    }
    assert.ok(fake.received.every((l) => l === 'list'));
    assert.equal(fake.changes, 0);
  });

  const expectError = async (mode: FakeConsoleMode, code: string, message: RegExp, changed: boolean | 'unknown' = false) => {
    await start(mode);
    let confirmed = false;
    await assert.rejects(
      pointBoxAt({
        ...opts(),
        target: TARGET,
        confirm: () => (confirmed = true),
      }),
      (e: unknown) => {
        assert.ok(e instanceof ConsoleError, String(e));
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        assert.equal(e.changed, changed, e.message);
        return true;
      },
    );
    assert.equal(fake.changes, 0);
    return confirmed;
  };

  it('a console that hangs: a timeout error, nothing sent', async () => {
    const confirmed = await expectError('hangs', 'timeout', /did not answer within 0\.4 seconds \(waiting for the first prompt\)\. Nothing was changed/);
    assert.equal(confirmed, false);
    assert.deepEqual(fake.received, []);
  });

  it('a console that hangs on the change: a timeout error, and a new look shows the stream unchanged', async () => {
    await expectError('hangs-on-change', 'timeout', /waiting for the answer to "udpc 192\.168\.1\.50 8047"\)\. A new look shows its report stream unchanged/);
    assert.equal(findUdpcStream(fake.streams)?.host, VENDOR.host);
  });

  it('a console that refuses the change: a refusal error that says nothing changed', async () => {
    await expectError('refuses', 'refused', /the box refused "udpc 192\.168\.1\.50 8047" \("ERROR: command not permitted"\)\. Nothing was changed/);
    assert.equal(findUdpcStream(fake.streams)?.host, VENDOR.host);
  });

  it('a console that answers garbage: a garbage error, nothing sent', async () => {
    const confirmed = await expectError('garbage', 'garbage', /bytes that are not console text \(0x1b\): is it a JuiceBox\? Nothing was changed/);
    assert.equal(confirmed, false);
    assert.deepEqual(fake.received, []);
  });

  it('a console with another prompt: an unexpected-prompt error naming it, nothing sent', async () => {
    const confirmed = await expectError(
      'wrong-prompt',
      'unexpected-prompt',
      /answered "login:" where the JuiceBox prompt ">" was expected.*Nothing was changed/,
    );
    assert.equal(confirmed, false);
    assert.deepEqual(fake.received, []);
  });

  it('a console that closes at once: a connection error, nothing sent', async () => {
    const confirmed = await expectError('closes', 'connect', /closed the connection.*Nothing was changed/);
    assert.equal(confirmed, false);
  });

  it('a console that says yes and changes nothing: not verified, and it says the stream did not change', async () => {
    await expectError(
      'ignores-change',
      'not-verified',
      /accepted "udpc 192\.168\.1\.50 8047" but its UDP report stream points at juicenet-udp-prod3-usa\.enelx\.com:8047\. Nothing was changed/,
    );
  });

  it('refuses to act when the streams changed between the plan and the confirmation', async () => {
    await start('normal');
    await assert.rejects(
      pointBoxAt({
        ...opts(),
        target: TARGET,
        confirm: async () => {
          // Someone else changes the box while the owner reads the plan.
          await readStreams(opts());
          const s = net.connect(fake.port, fake.host);
          await new Promise((r) => s.once('connect', r));
          s.write('udpc 10.0.0.9 9004\r\n');
          await new Promise((r) => setTimeout(r, 100));
          s.destroy();
          return true;
        },
      }),
      (e: unknown) => e instanceof ConsoleError && e.code === 'changed-meanwhile' && e.changed === false && /nothing was sent/.test(e.message),
    );
    assert.ok(!fake.received.includes('udpc 192.168.1.50 8047'));
  });

  it('a closed port: a connection error in words, without the socket’s error code', async () => {
    await start('normal');
    const port = fake.port;
    await fake.close();
    await assert.rejects(readStreams({ host: '127.0.0.1', port, timeoutMs: 400 }), (e: unknown) => {
      assert.ok(e instanceof ConsoleError && e.code === 'connect', String(e));
      assert.equal(
        e.message,
        `could not connect to the box's console: nothing answers on 127.0.0.1:${port}: the console is off, or this is not the box’s address or console port`,
      );
      assert.doesNotMatch(e.message, /ECONN|\d+ ms/);
      return true;
    });
    assert.equal(durationInWords(5000), '5 seconds');
    assert.equal(durationInWords(1000), '1 second');
  });

  it('the fake console listens on loopback only', async () => {
    await assert.rejects(startFakeConsole({ host: '0.0.0.0' }), /this machine only/);
  });
});
