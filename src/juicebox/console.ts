// A client for the JuiceBox's telnet console (TCP port 2000, a `>` prompt), to point the box's
// UDP reports (its UDPC stream) at a local JuiceNet server: read the streams with `list`, plan the
// change, ask for confirmation, send `udpc <host> <port>`, and read `list` again to verify.
// Nothing is written before the confirmation. Every timeout, unexpected prompt, refusal or
// garbage is a ConsoleError that says whether anything changed.
import net from 'node:net';

/** The box's console port. */
export const CONSOLE_PORT = 2000;
const DEFAULT_TIMEOUT_MS = 5000;
/** More output than any console answer, without a prompt: not a JuiceBox console. */
const MAX_OUTPUT_BYTES = 64 * 1024;

/** One line of `list`: a stream of the box (`UDPC` is the one carrying the UDP reports). */
export interface ConsoleStream {
  id: number;
  /** `UDPC`, `TCPC`, `FILE`, ... (upper case). */
  type: string;
  /** The rest of the line as the box wrote it. */
  info: string;
  /** The server host and port, for a stream that names one (`host:port`). */
  host?: string;
  port?: number;
}

export type ConsoleErrorCode =
  /** Could not connect (refused, unreachable, closed before the first prompt). */
  | 'connect'
  /** No answer within the time allowed. */
  | 'timeout'
  /** The console answered with a prompt other than `>` (a login, another device). */
  | 'unexpected-prompt'
  /** Bytes that are not console text. */
  | 'garbage'
  /** The connection closed in the middle of a command. */
  | 'closed'
  /** The box answered the command with an error. */
  | 'refused'
  /** After the command, `list` does not show the stream pointing at the target. */
  | 'not-verified'
  /** The box's streams changed between the plan and the confirmation. */
  | 'changed-meanwhile'
  /** The target host or port is not something to send to the box. */
  | 'invalid-target';

export class ConsoleError extends Error {
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
    /** Whether the box's streams changed: false (certainly not), true, or 'unknown'. */
    readonly changed: boolean | 'unknown' = false,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

export interface ConsoleOptions {
  /** The box's address on the owner's network. */
  host: string;
  /** Default 2000. */
  port?: number;
  /** Milliseconds allowed for each step (connect, each command); default 5000. */
  timeoutMs?: number;
}

// ---------------------------------------------------------------- parsing

/**
 * The streams in `list` output. A stream line is an id, a type word and the rest
 * (`# 1 UDPC  juicenet-udp-prod3-usa.enelx.com:8047 (26674)`); other lines are ignored.
 */
export function parseStreamList(text: string): ConsoleStream[] {
  const out: ConsoleStream[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*#?\s*(\d{1,3})\s+([A-Za-z][A-Za-z0-9_]*)\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const s: ConsoleStream = { id: Number(m[1]), type: m[2].toUpperCase(), info: m[3] };
    const hp = /(?:^|\s)([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})(?=\s|$|[,;)(])/.exec(m[3]);
    if (hp && Number(hp[2]) <= 65535) {
      s.host = hp[1].replace(/^\[(.*)\]$/, '$1');
      s.port = Number(hp[2]);
    }
    out.push(s);
  }
  return out;
}

/** The stream that carries the UDP reports. */
export function findUdpcStream(streams: readonly ConsoleStream[]): ConsoleStream | undefined {
  return streams.find((s) => s.type === 'UDPC');
}

export interface UdpcTarget {
  host: string;
  port: number;
}

/** A host and port safe to put in a console command (no spaces or line breaks; a real port). */
export function checkTarget(t: UdpcTarget): UdpcTarget {
  if (typeof t.host !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(t.host)) {
    throw new ConsoleError('invalid-target', `"${String(t.host)}" is not a host name or IPv4 address the box can use`);
  }
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535)
    throw new ConsoleError('invalid-target', `the port must be a whole number from 1 to 65535, got ${t.port}`);
  return { host: t.host, port: t.port };
}

export interface UdpcPlan {
  /** The UDPC stream now, if the box has one. */
  current?: { id: number; host?: string; port?: number };
  target: UdpcTarget;
  /** The box already sends its reports to the target: nothing to do. */
  alreadyPointed: boolean;
  /** The command that will be sent (empty when already pointed). */
  command: string;
  /** One sentence for the owner. */
  summary: string;
}

/** What will change, from the streams `list` showed. */
export function planUdpcChange(streams: readonly ConsoleStream[], target: UdpcTarget): UdpcPlan {
  const t = checkTarget(target);
  const u = findUdpcStream(streams);
  const current = u ? { id: u.id, host: u.host, port: u.port } : undefined;
  const alreadyPointed = !!u && sameHost(u.host, t.host) && u.port === t.port;
  const now = u ? (u.host !== undefined ? `${u.host}:${u.port}` : `"${u.info}"`) : undefined;
  const summary = alreadyPointed
    ? `The box already sends its reports to ${t.host}:${t.port}; nothing will change.`
    : now
      ? `The box sends its reports to ${now} (stream ${u!.id}); it will send them to ${t.host}:${t.port}.`
      : `The box has no UDP report stream; one will be opened to ${t.host}:${t.port}.`;
  return { current, target: t, alreadyPointed, command: alreadyPointed ? '' : `udpc ${t.host} ${t.port}`, summary };
}

const sameHost = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

// ---------------------------------------------------------------- words

/** "5 seconds", "0.4 seconds": a wait as a person says it. */
export function durationInWords(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(1))} second${s === 1 ? '' : 's'}`;
}

/** Why a connection to the console failed, in words (the socket's error code stays out of the message). */
export function connectFailureInWords(e: unknown, where: string): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing answers on ${where}: the console is off, or this is not the box’s address or console port`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} cannot be reached from this machine: check the box’s address, and that this machine is on the box’s network`;
    case 'ETIMEDOUT':
      return `no answer from ${where}: check the box’s address, and that it is switched on`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `the console at ${where} dropped the connection`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the name in ${where} is not known on this network: use the box’s IP address`;
    case 'EADDRNOTAVAIL':
    case 'EINVAL':
      return `${where} is not an address this machine can connect to`;
    default:
      return `the connection to ${where} failed`;
  }
}

// ---------------------------------------------------------------- the session

const IAC = 0xff;

/** Removes telnet negotiation (IAC sequences) from console bytes; the box gets no answer to them. */
function stripTelnet(bytes: Buffer): Buffer {
  if (!bytes.includes(IAC)) return bytes;
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== IAC) {
      out.push(b);
      continue;
    }
    const cmd = bytes[i + 1];
    if (cmd === IAC) {
      out.push(IAC);
      i++;
    } else if (cmd === 0xfa) {
      // Subnegotiation: skip to IAC SE.
      const end = bytes.indexOf(Buffer.from([IAC, 0xf0]), i + 2);
      i = end < 0 ? bytes.length : end + 1;
    } else if (cmd !== undefined && cmd >= 0xfb && cmd <= 0xfe) i += 2;
    else i += 1;
  }
  return Buffer.from(out);
}

const lastLine = (text: string) => text.split(/\r?\n/).pop()!.trim();
const isPrompt = (text: string) => lastLine(text) === '>';
const show = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** One telnet connection to the console, command by command. */
export class ConsoleSession {
  private buf = '';
  private waiter?: { resolve: (text: string) => void; reject: (e: ConsoleError) => void };
  private failure?: ConsoleError;
  private closed = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly where: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      this.fail(
        new ConsoleError('closed', `the console at ${this.where} closed the connection${this.buf ? ` after ${show(lastLine(this.buf))}` : ''}`, 'unknown'),
      );
    });
    socket.on('error', (e) => this.fail(new ConsoleError('connect', connectFailureInWords(e, this.where), 'unknown')));
  }

  /** Connects and waits for the first `>` prompt. */
  static async open(opts: ConsoleOptions): Promise<ConsoleSession> {
    const port = opts.port ?? CONSOLE_PORT;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const where = `${opts.host}:${port}`;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: opts.host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(
          new ConsoleError(
            'timeout',
            `no connection to the box's console at ${where} within ${durationInWords(timeoutMs)}: check its address, and that it is on this network`,
          ),
        );
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(new ConsoleError('connect', `could not connect to the box's console: ${connectFailureInWords(e, where)}`));
      });
    });
    const session = new ConsoleSession(socket, where, timeoutMs);
    try {
      await session.untilPrompt('the first prompt', false);
    } catch (e) {
      session.close();
      // Nothing was sent yet: nothing changed.
      throw e instanceof ConsoleError ? new ConsoleError(e.code === 'closed' ? 'connect' : e.code, e.message, false) : e;
    }
    return session;
  }

  private onData(d: Buffer): void {
    const bytes = stripTelnet(d);
    for (const b of bytes) {
      if (b !== 0x0a && b !== 0x0d && b !== 0x09 && (b < 0x20 || b > 0x7e)) {
        this.fail(
          new ConsoleError(
            'garbage',
            `the console at ${this.where} sent bytes that are not console text (0x${b.toString(16).padStart(2, '0')}): is it a JuiceBox?`,
            'unknown',
          ),
        );
        return;
      }
    }
    this.buf += bytes.toString('latin1');
    if (this.buf.length > MAX_OUTPUT_BYTES) {
      this.fail(new ConsoleError('garbage', `the console at ${this.where} sent more than ${MAX_OUTPUT_BYTES} bytes without a prompt`, 'unknown'));
      return;
    }
    if (isPrompt(this.buf) && this.waiter) {
      const text = this.buf;
      this.buf = '';
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(text);
    }
  }

  private fail(e: ConsoleError): void {
    if (!this.failure) this.failure = e;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(e);
    this.socket.destroy();
  }

  /** Waits for the `>` prompt; `sent` tells the errors whether a write may have taken effect. */
  private untilPrompt(what: string, sent: boolean | 'unknown'): Promise<string> {
    const changed = (e: ConsoleError) => new ConsoleError(e.code, e.message, sent === false ? false : e.changed === false ? false : 'unknown');
    if (this.failure) return Promise.reject(changed(this.failure));
    if (isPrompt(this.buf)) {
      const text = this.buf;
      this.buf = '';
      return Promise.resolve(text);
    }
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        const line = lastLine(this.buf);
        const e = line
          ? new ConsoleError(
              'unexpected-prompt',
              `the console at ${this.where} answered ${show(line)} where the JuiceBox prompt ">" was expected (waiting for ${what})`,
              sent === false ? false : 'unknown',
            )
          : new ConsoleError(
              'timeout',
              `the console at ${this.where} did not answer within ${durationInWords(this.timeoutMs)} (waiting for ${what})`,
              sent === false ? false : 'unknown',
            );
        this.socket.destroy();
        reject(e);
      }, this.timeoutMs);
      this.waiter = {
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(changed(e));
        },
      };
    });
  }

  /** Sends one command line and returns its output (without the echo and the prompt). */
  async command(line: string, writes: boolean): Promise<string> {
    if (/[\r\n]/.test(line)) throw new ConsoleError('invalid-target', 'a console command is one line');
    if (this.closed || this.failure) throw this.failure ?? new ConsoleError('closed', `the console at ${this.where} is closed`, false);
    this.buf = '';
    this.socket.write(`${line}\r\n`);
    const text = await this.untilPrompt(`the answer to "${line}"`, writes ? 'unknown' : false);
    const lines = text.split(/\r?\n/);
    lines.pop(); // the prompt
    if (lines.length > 0 && lines[0].replace(/^\s*>?\s*/, '').trim() === line) lines.shift(); // the echo
    return lines.join('\n');
  }

  async list(): Promise<ConsoleStream[]> {
    return parseStreamList(await this.command('list', false));
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.socket.end();
      this.socket.destroy();
    }
  }
}

// ---------------------------------------------------------------- the flow

/** Reads the box's streams (`list`); changes nothing. */
export async function readStreams(opts: ConsoleOptions): Promise<ConsoleStream[]> {
  const s = await ConsoleSession.open(opts);
  try {
    return await s.list();
  } finally {
    s.close();
  }
}

export interface PointBoxOptions extends ConsoleOptions {
  /** Where the box should send its reports (this machine's address and the local server's UDP port). */
  target: UdpcTarget;
  /** Shown the plan; only `true` lets the command be sent. */
  confirm: (plan: UdpcPlan) => boolean | Promise<boolean>;
}

export interface PointBoxResult {
  outcome: 'changed' | 'already-pointed' | 'declined';
  plan: UdpcPlan;
  before: ConsoleStream[];
  /** The streams read back after the change. */
  after?: ConsoleStream[];
}

const REFUSAL = /\b(error|unknown|invalid|denied|fail(ed|ure)?|not (permitted|allowed|found)|bad|usage)\b/i;

/**
 * Points the box's UDP reports at `target` over its console: list, plan, confirm, `udpc`, list
 * again. Throws ConsoleError (with `changed`) on any failure.
 */
export async function pointBoxAt(opts: PointBoxOptions): Promise<PointBoxResult> {
  try {
    return await pointBox(opts);
  } catch (e) {
    if (!(e instanceof ConsoleError)) throw e;
    if (e.changed === false) throw new ConsoleError(e.code, then(e.message, 'Nothing was changed on the box.'), false);
    if (e.changed === true) throw e;
    // The command may have reached the box: look, on a new connection, and say what is known.
    const now = await readStreams(opts).catch(() => undefined);
    if (now === undefined)
      throw new ConsoleError(e.code, then(e.message, 'The box may have taken the command: read its streams again before retrying.'), 'unknown');
    const u = findUdpcStream(now);
    const pointed = !!u && sameHost(u.host, opts.target.host) && u.port === opts.target.port;
    const look = pointed
      ? `A new look shows the box sending its reports to ${opts.target.host}:${opts.target.port} after all.`
      : 'A new look shows its report stream unchanged.';
    throw new ConsoleError(e.code, then(e.message, look), pointed);
  }
}

/** Two sentences: the first ended with a full stop unless it has its own. */
const then = (first: string, second: string) => `${/[.?!]$/.test(first) ? first : `${first}.`} ${second}`;

async function pointBox(opts: PointBoxOptions): Promise<PointBoxResult> {
  const target = checkTarget(opts.target);
  const before = await readStreams(opts);
  const plan = planUdpcChange(before, target);
  if (plan.alreadyPointed) return { outcome: 'already-pointed', plan, before };
  if ((await opts.confirm(plan)) !== true) return { outcome: 'declined', plan, before };

  const s = await ConsoleSession.open(opts);
  try {
    // The owner confirmed what they saw: refuse to act on a box that changed since.
    const again = await s.list();
    if (JSON.stringify(again) !== JSON.stringify(before)) {
      throw new ConsoleError('changed-meanwhile', "the box's streams changed since the plan was shown, so nothing was sent: read them again", false);
    }
    const answer = await s.command(plan.command, true);
    if (REFUSAL.test(answer)) {
      const after = await s.list().catch(() => undefined);
      const unchanged = after !== undefined && JSON.stringify(after) === JSON.stringify(before);
      throw new ConsoleError('refused', `the box refused "${plan.command}" (${show(answer.trim())})`, unchanged ? false : 'unknown');
    }
    const after = await s.list();
    const u = findUdpcStream(after);
    if (!u || !sameHost(u.host, target.host) || u.port !== target.port) {
      const changed = JSON.stringify(after) !== JSON.stringify(before);
      throw new ConsoleError(
        'not-verified',
        `the box accepted "${plan.command}" but its UDP report stream ${u ? `points at ${u.host !== undefined ? `${u.host}:${u.port}` : show(u.info)}` : 'is missing'}`,
        changed,
      );
    }
    return { outcome: 'changed', plan, before, after };
  } finally {
    s.close();
  }
}
