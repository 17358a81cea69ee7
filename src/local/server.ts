// JuiceNet Local: the JuiceNet protocol server (src/server) for real JuiceBoxes. Boxes send UDP
// status reports here and obey the replies; the 16 HTTP commands read and change them as the
// JuiceNet cloud did. State lives in SQLite in the data folder, with the account token beside it.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Accounts } from '../server/accounts';
import { startHttpServer, type HttpServer } from '../server/http';
import { JuiceNetProtocol } from '../server/protocol';
import { ProtocolError, SERVER_TIME_ZONE } from '../server/rules';
import { openDatabase, type LocalDatabase } from './db';
import { LocalSource } from './source';
import { Notifier } from './notify';
import { SmartCharging, type SmartChargingOptions } from './smart/controller';
import { LocalEvents, serialOf } from './events';
import { type FloodLimits, JUICEBOX_UDP_PORTS, UdpListener } from './udp';
import { LOCAL_PATHS, type LocalAccountReply, type LocalAlertReply, type LocalDiagnosticsReply, type LocalMonitorOnlyReply } from '../api/local-contract';
import { startMqtt, type LocalMqtt } from './mqtt/start';
import type { MqttOptions } from './mqtt/options';

export const TOKEN_FILE = 'account-token';
export const DATABASE_FILE = 'juicenet-local.sqlite';

export interface LocalServerOptions {
  /** Folder for the database and the account token (created, owner-only). */
  dataDir: string;
  /** UDP ports the boxes report to (default: every port JuiceBoxes are known to use, 8042, 8047, 9004 and 8055; 0 = a free port). */
  udpPorts?: readonly number[];
  /** One UDP port (the same as `udpPorts: [udpPort]`). */
  udpPort?: number;
  /** Address the UDP sockets bind (default 0.0.0.0: boxes are on the network). */
  udpHost?: string;
  /** How much one source and one port may send before datagrams are dropped (defaults: far above what boxes send). */
  floodLimits?: Partial<FloodLimits>;
  /** HTTP port of the JuiceNet API (default 8080; 0 = a free port). */
  httpPort?: number;
  /** HTTP address (default 127.0.0.1; another one opens the API to the network, with a warning). */
  httpHost?: string;
  /** Take a known box's reports from any address, not only the one it first reported from. */
  allowAddressChange?: boolean;
  /** Boxes seen for the first time are monitor-only: recorded and served, never sent a command (each box has its own switch). */
  monitorOnly?: boolean;
  /** Days raw samples are kept (sessions are kept for ever; default 365; 0 = for ever). */
  retentionDays?: number;
  /** Time zone of newly learned boxes (default: this machine's). */
  timeZone?: string;
  /** How often offline boxes are looked for, in ms (default 5000). */
  tickMs?: number;
  /** Webhook retry delays (ms). */
  webhookRetryDelaysMs?: readonly number[];
  /** Seconds of silence after which a box is offline (default: two report periods, at least 60 s). */
  offlineAfterS?: number;
  /** The server's clock, epoch seconds (default: the machine's; tests give a simulator's virtual clock). */
  now?: () => number;
  /** Smart charging's timing (tests shorten it; the defaults are the product's). */
  smart?: Pick<SmartChargingOptions, 'solar' | 'circuit'>;
  /** Log lines (default: stderr with a time stamp). Never given a token. */
  log?: (line: string) => void;
  /** Publish to an MQTT broker (Home Assistant, evcc, Node-RED). */
  mqtt?: MqttOptions;
}

export interface RunningLocalServer {
  baseUrl: string;
  httpPort: number;
  /** The first UDP port listening (see udpPorts for all). */
  udpPort: number;
  /** Every UDP port listening. */
  udpPorts: number[];
  /** The UDP sockets, their counters and the ports that could not be opened. */
  udp: UdpListener;
  /** The owner's account token (also in `<dataDir>/account-token`). */
  accountToken: string;
  tokenFile: string;
  databaseFile: string;
  source: LocalSource;
  db: LocalDatabase;
  http: HttpServer;
  notifier: Notifier;
  /** Smart charging (POST /local/smart): circuits, ready-by plans, solar. */
  smart: SmartCharging;
  /** The push channel (GET /local/events). */
  events: LocalEvents;
  /** The MQTT side, when a broker was given. */
  mqtt?: LocalMqtt;
  /** Datagrams received, replies sent, internal errors, datagrams dropped by the flood limits. */
  stats(): { datagrams: number; replies: number; errors: number; dropped: number };
  close(): Promise<void>;
}

const SERVER_VERSION = '0.1.0';

/** p50/p99/max of recent reply latencies (ms). */
function latencySummary(xs: Float64Array): { count: number; p50?: number; p99?: number; max?: number } {
  if (xs.length === 0) return { count: 0 };
  const s = Float64Array.from(xs).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { count: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}

/** The account token: read from the data folder, or created there once with owner-only permissions. */
function accountTokenIn(dataDir: string): string {
  const file = join(dataDir, TOKEN_FILE);
  if (existsSync(file)) {
    const t = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f-]{32,64}$/i.test(t))
      throw new Error(`${file} does not hold an account token: delete it to create a new one (clients must then sign in again)`);
    chmodSync(file, 0o600);
    return t;
  }
  const token = randomUUID();
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, `${token}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return token;
}

export async function startLocalServer(opts: LocalServerOptions): Promise<RunningLocalServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${new Date().toISOString()} juicenet-local: ${line}\n`));
  const now = opts.now ?? (() => Date.now() / 1000);
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const accountToken = accountTokenIn(opts.dataDir);
  const databaseFile = join(opts.dataDir, DATABASE_FILE);
  const db = openDatabase(databaseFile, { backgroundCheckpoints: true });
  // Unit tokens live in it: owner-only, like the token file (the WAL and SHM files follow its mode).
  chmodSync(databaseFile, 0o600);
  const notifier = new Notifier({ log, now, retryDelaysMs: opts.webhookRetryDelaysMs });
  const events = new LocalEvents({ accountToken, log });
  let source: LocalSource;
  let http: HttpServer | undefined;
  let udp: UdpListener | undefined;
  let tick: NodeJS.Timeout | undefined;
  let mqtt: LocalMqtt | undefined;
  let smart: SmartCharging | undefined;
  try {
    source = new LocalSource({
      db,
      now,
      defaultTimeZone: opts.timeZone ?? SERVER_TIME_ZONE,
      allowAddressChange: opts.allowAddressChange ?? false,
      offlineAfterS: opts.offlineAfterS,
      monitorOnlyNewBoxes: opts.monitorOnly,
      log,
    });
    source.on('notification', (e) => notifier.notify(e.unitId, e.event, e.notification, e.details));
    smart = new SmartCharging({ source, db, now, log, ...opts.smart });
    smart.start();
    // What an owner should hear about at once goes out on the push channel, with its words.
    const alert = (unit: string, kind: LocalAlertReply['kind'], words: string) => {
      events.alert({ unit, kind, words, atS: now() });
      events.changed(unit, now());
    };
    source.on('silent', (e) => alert(e.unitId, 'silent', e.words));
    source.on('back', (e) => alert(e.unitId, 'back', e.words));
    source.on('disobeying', (e) => alert(e.unitId, 'disobeying', e.words));
    source.on('obeying', (e) => alert(e.unitId, 'obeying', e.words));
    source.on('streamChanged', (e) => alert(e.unitId, 'stream', e.words));
    const accounts = new Accounts(
      { accountToken: () => randomUUID(), unitToken: () => randomBytes(16).toString('hex'), next: () => randomBytes(4).readUInt32BE() / 2 ** 32 },
      {
        accountCreated: (t) => db.addAccount(t, now()),
        unitAttached: (account, unitId, token) => db.addUnitToken(account, unitId, token),
      },
    );
    for (const t of db.accounts()) accounts.restoreAccount(t);
    for (const r of db.unitTokens()) accounts.restore(r.account, r.unit_id, r.token);
    accounts.create(accountToken);
    const protocol = new JuiceNetProtocol({
      accounts,
      source,
      now,
      historyPageSize: 20,
      pinTtlS: 900,
      unitIdPattern: /^\d{6,40}$/,
      unitIdMessage: 'The unit ID is the serial the JuiceBox reports (its digits, as listed in the diagnostics)',
    });
    const retentionS = (opts.retentionDays ?? 365) * 86400;
    let lastPrune = 0;
    const prune = () => {
      if (retentionS <= 0) return;
      const n = db.pruneSamples(now() - retentionS);
      if (n > 0) log(`Removed ${n} samples older than ${opts.retentionDays ?? 365} days`);
    };
    prune();
    tick = setInterval(() => {
      try {
        source.tick();
        if (now() - lastPrune > 86400) {
          lastPrune = now();
          prune();
        }
      } catch (e) {
        log(`internal error while checking boxes: ${(e as Error).message}`);
      }
    }, opts.tickMs ?? 5000);
    tick.unref();

    udp = await UdpListener.open({
      ports: opts.udpPorts ?? (opts.udpPort !== undefined ? [opts.udpPort] : JUICEBOX_UDP_PORTS),
      host: opts.udpHost,
      floodLimits: opts.floodLimits,
      log,
      onDatagram: (msg, from) => {
        const reply = source.handleDatagram(msg, from.address, from);
        events.changed(serialOf(msg), now());
        return reply;
      },
    });
    const listener = udp;

    const diagnostics = (body: Record<string, unknown>): LocalDiagnosticsReply => {
      if (body.account_token !== accountToken) throw new ProtocolError(401, 'Invalid token: the diagnostics need the account token');
      const boxes = source.diagnostics();
      const waiting = source.unitIds().filter((id) => accounts.ownerCount(id) === 0);
      return {
        server: {
          version: SERVER_VERSION,
          schemaVersion: db.schemaVersion,
          udpPort: listener.listeningPorts[0],
          udpPorts: listener.listeningPorts,
          ports: listener.ports,
          datagrams: listener.stats.datagrams,
          replies: listener.stats.replies,
          errors: listener.stats.errors,
          dropped: listener.stats.dropped,
          replyMs: latencySummary(listener.latency.subarray(0, Math.min(listener.latencyCount, listener.latency.length))),
          handlingMs: latencySummary(listener.handling.subarray(0, Math.min(listener.handlingCount, listener.handling.length))),
        },
        unattributed: source.unattributed,
        boxes,
        waitingToBeAdded: waiting,
        webhooks: { pending: notifier.pending, recent: notifier.recent },
        ...(mqtt ? { mqtt: mqtt.status() } : {}),
      };
    };
    http = await startHttpServer({
      name: 'juicenet-local',
      host: opts.httpHost ?? '127.0.0.1',
      port: opts.httpPort ?? 8080,
      execute: (endpoint, body) => {
        const reply = protocol.execute(endpoint, body);
        if (mqtt && reply.body.success === true) mqtt.commandRan(body.cmd);
        return reply;
      },
      routes: {
        [LOCAL_PATHS.diagnostics]: { loopbackOnly: true, handle: diagnostics },
        [LOCAL_PATHS.monitorOnly]: {
          loopbackOnly: true,
          handle: (body) => {
            if (body.account_token !== accountToken) throw new ProtocolError(401, "Invalid token: the monitor-only switch needs the owner's account token");
            const unitId = body.unit_id;
            if (typeof unitId !== 'string' || !source.hasUnit(unitId)) {
              throw new ProtocolError(404, `Unknown unit ${JSON.stringify(unitId)}: give the serial of a box that has reported (see the diagnostics)`);
            }
            if (typeof body.monitor_only !== 'boolean') throw new ProtocolError(422, 'monitor_only must be true (never send this box a command) or false');
            source.registry.setMonitorOnly(unitId, body.monitor_only);
            events.changed(unitId, now());
            return { unit_id: unitId, monitor_only: body.monitor_only } satisfies LocalMonitorOnlyReply;
          },
        },
        // A second account (a household member) that a unit can be shared to with its share PIN.
        [LOCAL_PATHS.accounts]: {
          loopbackOnly: true,
          handle: (body) => {
            if (body.account_token !== accountToken) throw new ProtocolError(401, "Invalid token: creating an account needs the owner's account token");
            return { account_token: accounts.create() } satisfies LocalAccountReply;
          },
        },
        [LOCAL_PATHS.smart]: { loopbackOnly: false, handle: (body) => smartCharging.handle(body, accountToken) },
      },
      streams: { [LOCAL_PATHS.events]: (req, res) => events.handle(req, res) },
      healthPath: LOCAL_PATHS.health,
      publicWarning:
        'Anyone who can reach it and has the account token can control your chargers: keep it on a network you trust, behind TLS if it leaves this machine.',
    });
    const httpServer = http;
    if (opts.mqtt) mqtt = startMqtt({ options: opts.mqtt, protocol, source, accountToken, now, log });
    const smartCharging = smart;
    let closing: Promise<void> | undefined;
    return {
      baseUrl: httpServer.baseUrl,
      httpPort: httpServer.port,
      udpPort: listener.listeningPorts[0],
      udpPorts: listener.listeningPorts,
      udp: listener,
      accountToken,
      tokenFile: join(opts.dataDir, TOKEN_FILE),
      databaseFile,
      source,
      db,
      http: httpServer,
      notifier,
      events,
      mqtt,
      smart: smartCharging,
      stats: () => ({ ...listener.stats }),
      close: () =>
        (closing ??= (async () => {
          clearInterval(tick);
          await mqtt?.close();
          await smartCharging.close();
          notifier.close();
          events.close();
          await listener.close();
          await httpServer.close();
          await db.close();
        })()),
    };
  } catch (e) {
    clearInterval(tick);
    await mqtt?.close();
    await smart?.close();
    notifier.close();
    events.close();
    await udp?.close();
    await http?.close();
    await db.close();
    throw e;
  }
}
