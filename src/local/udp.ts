// The UDP side of JuiceNet Local: one socket per port the boxes may report to (by default every
// port JuiceBoxes are known to use), each report answered from the socket it arrived on, to the
// address and port it came from (a box obeys only replies on its own stream). A port that cannot
// be opened is reported by name and the others still serve. A flood (one source sending far more
// than any box, or one port swamped from many sources) is cut off before decoding, per source
// and per port, so that it cannot starve the boxes on the other ports.
import * as dgram from 'node:dgram';
import { JUICEBOX_UDP_PORTS } from '../domain/local-ports';
import { describeStartFault } from './start-faults';

export { JUICEBOX_UDP_PORTS };

/** How much one source and one port may send before datagrams are dropped (token buckets). */
export interface FloodLimits {
  /** Datagrams per second one source (address and port) may keep sending; a box sends one every 9-30 s. */
  perSourcePerS: number;
  /** Datagrams one source may send at once. */
  perSourceBurst: number;
  /** Datagrams per second one server port takes from all sources together. */
  perPortPerS: number;
  perPortBurst: number;
}

/**
 * A box sends a report every 9-30 s (and a few debug lines); a thousand boxes on one port are about
 * 100 datagrams a second, and the benchmark drives them 20 times faster. The per-port limit sits
 * well above that and bounds what a flood from many sources can cost.
 */
export const DEFAULT_FLOOD_LIMITS: FloodLimits = { perSourcePerS: 20, perSourceBurst: 500, perPortPerS: 10_000, perPortBurst: 20_000 };

/** Sources whose buckets are kept at most (a flood from made-up source ports is bounded). */
const MAX_SOURCES = 10_000;

/** What one port is doing, for the diagnostics read. */
export interface UdpPortStatus {
  /** The port asked for (0 = any free one). */
  requested: number;
  /** The port listening (absent when it could not be opened). */
  port?: number;
  listening: boolean;
  /** Why it could not be opened, in words. */
  error?: string;
  datagrams: number;
  replies: number;
  /** Datagrams dropped by the flood limits. */
  dropped: number;
}

/** Where a datagram came from and which of this server's ports it reached. */
export interface UdpOrigin {
  address: string;
  port: number;
  localPort: number;
}

export interface UdpListenerOptions {
  ports: readonly number[];
  /** Address every port binds (default 0.0.0.0). */
  host?: string;
  /** Handles a datagram; returns the reply to send back, or undefined. May throw (counted, logged). */
  onDatagram: (data: Buffer, from: UdpOrigin) => string | undefined;
  log: (line: string) => void;
  floodLimits?: Partial<FloodLimits>;
  /** Real milliseconds (default performance.now). */
  clockMs?: () => number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/** A token bucket: `take` is false when the bucket is empty. */
function take(b: Bucket, nowMs: number, perS: number, burst: number): boolean {
  b.tokens = Math.min(burst, b.tokens + ((nowMs - b.atMs) * perS) / 1000);
  b.atMs = nowMs;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

/** Reads "8047,8055" (0 = a free port); throws with words on anything else. */
export function parseUdpPorts(text: string): number[] {
  return text.split(',').map((raw) => {
    const p = raw.trim();
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) {
      throw new Error(`--udp-port needs a whole number from 0 to 65535 for each port (commas between ports, 0 = any free port), got ${JSON.stringify(raw)}`);
    }
    return Number(p);
  });
}

export class UdpListener {
  readonly ports: UdpPortStatus[] = [];
  private readonly sockets: dgram.Socket[] = [];
  private readonly sources = new Map<string, Bucket>();
  private readonly portBuckets = new Map<number, Bucket>();
  private readonly limits: FloodLimits;
  private readonly clockMs: () => number;
  /** Datagrams received, replies sent, internal errors, dropped by the flood limits. */
  readonly stats = { datagrams: 0, replies: 0, errors: 0, dropped: 0 };
  /** Recent reply latencies (ms): received -> reply handed to send() (handling), and -> sent. */
  readonly latency = new Float64Array(65536);
  readonly handling = new Float64Array(65536);
  latencyCount = 0;
  handlingCount = 0;
  private warnedFlood = new Set<string>();

  private constructor(private readonly opts: UdpListenerOptions) {
    this.limits = { ...DEFAULT_FLOOD_LIMITS, ...opts.floodLimits };
    this.clockMs = opts.clockMs ?? (() => performance.now());
  }

  /** Opens every port; resolves once each is listening or has failed (throws only when none listens). */
  static async open(opts: UdpListenerOptions): Promise<UdpListener> {
    const l = new UdpListener(opts);
    const wanted = [...new Set(opts.ports.filter((p) => p !== 0)), ...opts.ports.filter((p) => p === 0)];
    if (wanted.length === 0) throw new Error('No UDP port to listen on: give at least one with --udp-port');
    await Promise.all(wanted.map((p) => l.openPort(p)));
    const listening = l.listeningPorts;
    if (listening.length === 0) throw new Error(l.ports.map((p) => p.error).join('\n'));
    for (const p of l.ports) {
      if (p.error)
        opts.log(
          `${p.error} Boxes reporting to it are not heard here; port${listening.length > 1 ? 's' : ''} ${listening.join(', ')} still serve${listening.length > 1 ? '' : 's'}.`,
        );
    }
    return l;
  }

  private openPort(requested: number): Promise<void> {
    const host = this.opts.host ?? '0.0.0.0';
    const status: UdpPortStatus = { requested, listening: false, datagrams: 0, replies: 0, dropped: 0 };
    this.ports.push(status);
    const sock = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    return new Promise<void>((resolve) => {
      const failed = (e: NodeJS.ErrnoException) => {
        // The words of every start-up fault live in one place.
        status.error = describeStartFault(e, { udpPort: requested, udpHost: host });
        sock.close();
        resolve();
      };
      sock.once('error', failed);
      sock.bind(requested, host, () => {
        sock.off('error', failed);
        status.port = sock.address().port;
        status.listening = true;
        this.sockets.push(sock);
        const port = status.port;
        sock.on('message', (msg, rinfo) => this.onMessage(sock, status, port, msg, rinfo));
        sock.on('error', (e) => this.opts.log(`UDP port ${port}: ${e.message}`));
        resolve();
      });
    });
  }

  /** The ports listening now. */
  get listeningPorts(): number[] {
    return this.ports.filter((p) => p.listening).map((p) => p.port as number);
  }

  private admit(status: UdpPortStatus, localPort: number, rinfo: dgram.RemoteInfo): boolean {
    const now = this.clockMs();
    const key = `${localPort}|${rinfo.address}|${rinfo.port}`;
    let b = this.sources.get(key);
    if (!b) {
      if (this.sources.size >= MAX_SOURCES) this.sources.delete(this.sources.keys().next().value as string);
      this.sources.set(key, (b = { tokens: this.limits.perSourceBurst, atMs: now }));
    }
    let pb = this.portBuckets.get(localPort);
    if (!pb) this.portBuckets.set(localPort, (pb = { tokens: this.limits.perPortBurst, atMs: now }));
    const ok = take(b, now, this.limits.perSourcePerS, this.limits.perSourceBurst) && take(pb, now, this.limits.perPortPerS, this.limits.perPortBurst);
    if (ok) return true;
    status.dropped++;
    this.stats.dropped++;
    const warnKey = b.tokens < 1 ? key : `${localPort}`;
    if (!this.warnedFlood.has(warnKey)) {
      if (this.warnedFlood.size > 1000) this.warnedFlood.clear();
      this.warnedFlood.add(warnKey);
      this.opts.log(
        b.tokens < 1
          ? `UDP port ${localPort}: ${rinfo.address} port ${rinfo.port} sends far more than a JuiceBox does; its datagrams beyond ${this.limits.perSourcePerS} a second are dropped`
          : `UDP port ${localPort} receives more than ${this.limits.perPortPerS} datagrams a second; the excess is dropped (the other ports are not affected)`,
      );
    }
    return false;
  }

  private onMessage(sock: dgram.Socket, status: UdpPortStatus, localPort: number, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const t0 = performance.now();
    this.stats.datagrams++;
    status.datagrams++;
    if (!this.admit(status, localPort, rinfo)) return;
    let reply: string | undefined;
    try {
      reply = this.opts.onDatagram(msg, { address: rinfo.address, port: rinfo.port, localPort });
    } catch (e) {
      this.stats.errors++;
      this.opts.log(`internal error on a datagram from ${rinfo.address} to UDP port ${localPort}: ${(e as Error).message}`);
      return;
    }
    if (reply === undefined) return;
    this.handling[this.handlingCount++ % this.handling.length] = performance.now() - t0;
    // From the socket the report arrived on, to the address and port it came from.
    sock.send(reply, rinfo.port, rinfo.address, (err) => {
      if (err) {
        this.stats.errors++;
        this.opts.log(`could not answer ${rinfo.address}:${rinfo.port} on UDP port ${localPort}: ${err.message}`);
      } else {
        this.stats.replies++;
        status.replies++;
        this.latency[this.latencyCount++ % this.latency.length] = performance.now() - t0;
      }
    });
  }

  async close(): Promise<void> {
    const socks = this.sockets.splice(0);
    await Promise.all(socks.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
