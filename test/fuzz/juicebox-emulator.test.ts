// Fuzzing the JuiceBox emulator's reply path over real UDP on 127.0.0.1: random bytes and mutated
// commands sent from the server's address to a box. Properties: the emulator never crashes, every
// datagram is counted once (obeyed, bad checksum, or not a command), the charger's limit changes
// only for a command whose checksum matches, and every bad checksum is answered with Miss CRC.
import { strict as assert } from 'node:assert';
import dgram from 'node:dgram';
import fc from 'fast-check';
import { decodeCommand, decodeDatagram, encodeCommand } from '../../src/juicebox/codec';
import { SimEngine } from '../../src/simulator';
import { startJuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import { RUNS, fuzzAsync } from './arbitraries';

describe('JuiceBox emulator fuzzing', function () {
  this.timeout(120_000);

  it('random and mutated replies: counted once each, obeyed only with a valid checksum, Miss CRC for bad ones', async () => {
    const server = dgram.createSocket('udp4');
    let missCrc = 0;
    server.on('message', (b) => {
      const d = decodeDatagram(b);
      if (d.kind === 'debug' && d.missCrc) missCrc++;
    });
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    const t = 1_767_225_600;
    const engine = new SimEngine({ seed: 5, startTime: t, units: 1, spareUnits: 0, autoPlug: false, historyPageSize: 20, speed: 1, now: () => t });
    const emu = await startJuiceBoxEmulator({ target: { host: '127.0.0.1', port: server.address().port }, engine: { engine, now: () => t }, tickMs: 0 });
    const [box] = emu.boxes;
    const base = encodeCommand({ protocolVersion: 'v09u', dayOfWeek: 2, hour: 8, minute: 30, onlineA: 24, offlineA: 16, counter: 5 });
    const handled = () => {
      const b = emu.box(box.serial);
      return b.commandsObeyed + b.badChecksumReplies + b.garbageReplies;
    };
    const mutated = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
      const b = Buffer.from(base);
      b[at % b.length] = byte;
      return b;
    });
    try {
      await fuzzAsync(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ minLength: 1, maxLength: 200 }).map((u) => Buffer.from(u)),
            mutated,
          ),
          async (bytes) => {
            const before = emu.box(box.serial);
            const n = handled();
            await new Promise<void>((resolve, reject) => server.send(bytes, box.sourcePort, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
            await emu.waitFor(() => handled() === n + 1, 2000, 'the datagram to be handled');
            const after = emu.box(box.serial);
            const cmd = decodeCommand(bytes);
            if (cmd.kind === 'command') {
              assert.equal(after.commandsObeyed, before.commandsObeyed + 1);
              assert.equal(after.onlineLimitA, cmd.onlineA);
            } else {
              assert.equal(after.onlineLimitA, before.onlineLimitA, 'a refused reply changes nothing');
              assert.equal(after.offlineLimitA, before.offlineLimitA);
              if (cmd.reason === 'bad-checksum') assert.equal(after.badChecksumReplies, before.badChecksumReplies + 1);
              else assert.equal(after.garbageReplies, before.garbageReplies + 1);
            }
          },
        ),
        Math.max(50, Math.floor(RUNS / 10)),
      );
      const b = emu.box(box.serial);
      assert.ok(b.commandsObeyed > 0 && b.badChecksumReplies > 0 && b.garbageReplies > 0, JSON.stringify(b));
      await emu.waitFor(() => missCrc === b.badChecksumReplies, 3000, 'a Miss CRC line per bad checksum');
    } finally {
      await emu.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
