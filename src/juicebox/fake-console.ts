// A fake JuiceBox telnet console, for tests and for trying the "point the box at this server"
// flow without a charger. Listens on loopback only. It keeps a list of streams (one UDPC stream
// to the vendor's server by default) and understands `list`, `udpc <host> <port>`,
// `stream_close <id>` and `exit`. Modes misbehave on purpose: a console that hangs, refuses the
// change, answers garbage, shows another prompt, closes at once, or says yes and changes nothing.
import net from 'node:net';
import type { ConsoleStream } from './console';

export type FakeConsoleMode =
  /** Answers like a box. */
  | 'normal'
  /** Accepts the connection and never answers. */
  | 'hangs'
  /** Answers `list`, then never answers `udpc`. */
  | 'hangs-on-change'
  /** Answers `list`; answers `udpc` and `stream_close` with an error and changes nothing. */
  | 'refuses'
  /** Sends binary bytes instead of a prompt. */
  | 'garbage'
  /** Shows a login prompt instead of `>`. */
  | 'wrong-prompt'
  /** Closes every connection at once. */
  | 'closes'
  /** Answers `udpc` as if it worked and changes nothing. */
  | 'ignores-change';

export const FAKE_CONSOLE_MODES: readonly FakeConsoleMode[] = [
  'normal',
  'hangs',
  'hangs-on-change',
  'refuses',
  'garbage',
  'wrong-prompt',
  'closes',
  'ignores-change',
];

export interface FakeConsoleOptions {
  /** 127.0.0.1 (default) or ::1; nothing else. */
  host?: string;
  /** 0 (default) = a free port. */
  port?: number;
  mode?: FakeConsoleMode;
  /** The streams to start with (default: a web file stream and a UDPC stream to port 8047 of the vendor's server). */
  streams?: ConsoleStream[];
}

export interface FakeConsole {
  host: string;
  port: number;
  mode: FakeConsoleMode;
  /** The streams now (copies). */
  readonly streams: ConsoleStream[];
  /** Every command line received, in order, over all connections. */
  readonly received: string[];
  /** Commands that changed the streams. */
  readonly changes: number;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_STREAMS: readonly ConsoleStream[] = [
  { id: 0, type: 'FILE', info: 'webapp/index.html (2014, 0)' },
  { id: 1, type: 'UDPC', info: 'juicenet-udp-prod3-usa.enelx.com:8047 (26674)', host: 'juicenet-udp-prod3-usa.enelx.com', port: 8047 },
];

const BANNER = 'JuiceBox console (simulated)\r\n';

function render(streams: readonly ConsoleStream[]): string {
  return ['! # Type  Info', ...streams.map((s) => `# ${s.id} ${s.type.padEnd(5)} ${s.info}`)].join('\r\n') + '\r\n';
}

/** Starts a fake console on loopback. */
export async function startFakeConsole(opts: FakeConsoleOptions = {}): Promise<FakeConsole> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1') throw new Error(`the fake console listens on this machine only (127.0.0.1 or ::1), not on ${host}`);
  let streams: ConsoleStream[] = structuredClone([...(opts.streams ?? DEFAULT_FAKE_STREAMS)]);
  const received: string[] = [];
  let changes = 0;
  const sockets = new Set<net.Socket>();
  const state = { mode: opts.mode ?? 'normal' };

  const handle = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const mode = state.mode;
    if (mode === 'closes') {
      socket.destroy();
      return;
    }
    if (mode === 'hangs') return;
    if (mode === 'garbage') {
      socket.write(Buffer.from([0x1b, 0x5b, 0x00, 0x9c, 0xfe, 0x80, 0x07, 0x3e]));
      return;
    }
    if (mode === 'wrong-prompt') {
      socket.write('\r\nUser Access Verification\r\nlogin: ');
      return;
    }
    // Telnet negotiation first, as many consoles do (the client must ignore it).
    socket.write(Buffer.from([0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03]));
    socket.write(`${BANNER}> `);
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      let nl: number;
      while ((nl = buf.search(/\r?\n/)) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(buf[nl] === '\r' ? nl + 2 : nl + 1);
        received.push(line);
        const reply = answer(line, mode);
        if (reply === null) return; // hangs
        if (reply === 'exit') {
          socket.end('bye\r\n');
          return;
        }
        // The console echoes the command, as a terminal does.
        socket.write(`${line}\r\n${reply}> `);
      }
    });
  };

  const answer = (line: string, mode: FakeConsoleMode): string | null => {
    const [cmd, ...args] = line.split(/\s+/);
    switch (cmd) {
      case '':
        return '';
      case 'list':
        return render(streams);
      case 'exit':
        return 'exit';
      case 'udpc': {
        if (mode === 'hangs-on-change') return null;
        if (mode === 'refuses') return 'ERROR: command not permitted\r\n';
        const [h, p] = args;
        const port = Number(p);
        if (!h || !/^\d{1,5}$/.test(p ?? '') || port < 1 || port > 65535 || args.length !== 2) return 'Usage: udpc <host> <port>\r\n';
        if (mode === 'ignores-change') return `[Opening: ${h}:${port}]\r\n`;
        const old = streams.find((s) => s.type === 'UDPC');
        const id = old ? old.id : Math.max(-1, ...streams.map((s) => s.id)) + 1;
        streams = streams.filter((s) => s.type !== 'UDPC');
        streams.push({ id, type: 'UDPC', info: `${h}:${port} (${10000 + changes})`, host: h, port });
        streams.sort((a, b) => a.id - b.id);
        changes++;
        return `[Opening: ${h}:${port}]\r\n`;
      }
      case 'stream_close': {
        if (mode === 'hangs-on-change') return null;
        if (mode === 'refuses') return 'ERROR: command not permitted\r\n';
        const id = Number(args[0]);
        if (!streams.some((s) => s.id === id)) return `ERROR: no stream ${args[0] ?? ''}\r\n`;
        if (mode === 'ignores-change') return `[Closed: ${id}]\r\n`;
        streams = streams.filter((s) => s.id !== id);
        changes++;
        return `[Closed: ${id}]\r\n`;
      }
      default:
        return `Unknown command: ${cmd}\r\n`;
    }
  };

  const server = net.createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    host,
    port,
    get mode() {
      return state.mode;
    },
    set mode(m: FakeConsoleMode) {
      state.mode = m;
    },
    get streams() {
      return structuredClone(streams);
    },
    get received() {
      return [...received];
    },
    get changes() {
      return changes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
