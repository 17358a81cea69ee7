// The local server's database: SQLite in WAL mode, one file in the data folder, through the
// storage seam (src/local/storage: node:sqlite, or better-sqlite3 on a Node without it).
// Every change a client or a box is told about is committed before the reply goes out, so a
// `kill -9` at any moment loses nothing that was acknowledged (WAL with synchronous=NORMAL keeps
// committed transactions across a process crash; FULL would add an fsync per commit for power loss).
// The schema is versioned (PRAGMA user_version) and moved forward by the migrations below.
// One server per data folder: a lock held for as long as the database is open (an exclusive
// SQLite lock on a file beside it, which the system drops with the process, even after kill -9),
// and a note of who holds it, so that a second server is refused with the name of the first.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { UnitSettings } from '../server/types';
import { openSqlite, StorageError, unreadableMessage, type SqliteDatabase, type SqliteDriverName } from './storage';
import { currentUser } from './storage/data-dir';
import { loadBetterSqlite3 } from './storage/better-sqlite3';

/** Migrations by target version: each runs once, in order, inside a transaction. */
const MIGRATIONS: readonly string[] = [
  // 1: accounts, tokens, boxes, sessions, samples
  `
  CREATE TABLE accounts (token TEXT PRIMARY KEY, created_s INTEGER NOT NULL);
  CREATE TABLE unit_tokens (
    token TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts(token),
    unit_id TEXT NOT NULL,
    UNIQUE (account, unit_id)
  );
  CREATE TABLE boxes (
    unit_id TEXT PRIMARY KEY,
    first_address TEXT NOT NULL,
    first_seen_s INTEGER NOT NULL,
    settings TEXT NOT NULL,
    offline_limit_a INTEGER NOT NULL,
    override_energy_wh INTEGER NOT NULL DEFAULT 0,
    firmware TEXT,
    protocol_version TEXT
  );
  CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id TEXT NOT NULL,
    time_start INTEGER NOT NULL,
    time_end INTEGER,
    start_lifetime_wh INTEGER,
    energy_wh REAL NOT NULL DEFAULT 0,
    duration_s REAL NOT NULL DEFAULT 0,
    goal_reached INTEGER NOT NULL DEFAULT 0,
    open INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX sessions_by_unit ON sessions (unit_id, id);
  CREATE TABLE samples (
    unit_id TEXT NOT NULL,
    t REAL NOT NULL,
    session_id INTEGER,
    state TEXT NOT NULL,
    current_da INTEGER,
    voltage_dv INTEGER,
    power_w INTEGER,
    session_wh INTEGER,
    lifetime_wh INTEGER,
    temperature_c INTEGER,
    frequency_chz INTEGER,
    online_limit_a INTEGER
  );
  CREATE INDEX samples_by_unit ON samples (unit_id, t);
  CREATE INDEX samples_by_session ON samples (session_id, t);
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export interface BoxRow {
  unit_id: string;
  first_address: string;
  first_seen_s: number;
  settings: string;
  offline_limit_a: number;
  override_energy_wh: number;
  firmware: string | null;
  protocol_version: string | null;
}

export interface SessionRow {
  id: number;
  unit_id: string;
  time_start: number;
  time_end: number | null;
  start_lifetime_wh: number | null;
  energy_wh: number;
  duration_s: number;
  goal_reached: number;
  open: number;
}

export interface SampleRow {
  unit_id: string;
  t: number;
  session_id: number | null;
  state: string;
  current_da: number | null;
  voltage_dv: number | null;
  power_w: number | null;
  session_wh: number | null;
  lifetime_wh: number | null;
  temperature_c: number | null;
  frequency_chz: number | null;
  online_limit_a: number | null;
}

/** Beside the database: the lock (an SQLite file held exclusively) and the note of its holder. */
export const lockFileOf = (file: string): string => `${file}.lock`;
export const ownerFileOf = (file: string): string => `${file}.owner`;

/** Who runs a server on a data folder (the note beside its lock). */
export interface LockOwner {
  pid: number;
  user: string;
  startedAt: string;
  /** The JuiceNet API's address, once the server listens. */
  api?: string;
  udpPort?: number;
}

/** Names the holder of a lock, from its note, in words. */
export function describeOwner(o: LockOwner | undefined): string {
  if (!o) return 'another JuiceNet Local server (it did not say which)';
  const where = o.api ? `, its API on ${o.api}${o.udpPort ? `, UDP port ${o.udpPort}` : ''}` : '';
  return `JuiceNet Local process ${o.pid} of user ${o.user}, started ${o.startedAt}${where}`;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(ownerFileOf(file), 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/** Says an open failure in words: a folder or file this user may not use, or a file that is no database. */
function openFault(file: string, e: unknown): Error {
  if (e instanceof StorageError) return e;
  const m = (e as Error).message ?? String(e);
  if (/unable to open|readonly|read-only|permission|EACCES|EPERM|CANTOPEN|disk I\/O/i.test(m)) {
    return new StorageError('unreadable', unreadableMessage(dirname(file), currentUser(), m));
  }
  if (/not a database|malformed|NOTADB|CORRUPT/i.test(m)) {
    return new StorageError(
      'not-a-database',
      `${file} is not a JuiceNet Local database (${m}). Move it away (the server then starts a new one) or choose another --data-dir.`,
    );
  }
  return e as Error;
}

/** Takes the data folder's lock, or throws naming the server that holds it. */
function takeLock(file: string, driver: SqliteDriverName | undefined): SqliteDatabase {
  let lock: SqliteDatabase;
  try {
    lock = openSqlite(lockFileOf(file), { driver });
  } catch (e) {
    throw openFault(file, e);
  }
  try {
    lock.pragma('busy_timeout = 0');
    lock.pragma('locking_mode = EXCLUSIVE');
    // A write under EXCLUSIVE locking mode: the lock is then held until the connection closes.
    lock.exec(`CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder; INSERT INTO holder VALUES (${process.pid});`);
  } catch (e) {
    lock.close();
    if (/locked|busy/i.test((e as Error).message)) {
      throw new StorageError(
        'locked',
        `The data folder ${dirname(file)} is in use by ${describeOwner(readOwner(file))}. ` +
          'Two servers must never share one database: stop that one first (Ctrl-C, JuiceNet: Stop Local Server, or systemctl stop juicenet-local), ' +
          'or give this one another --data-dir.',
      );
    }
    throw openFault(file, e);
  }
  return lock;
}

/**
 * Opens (creating or migrating) the database at `file`. With `backgroundCheckpoints`, the WAL is
 * copied into the database file by a worker thread with its own connection (checkpoints fsync,
 * which can take tens of milliseconds: never on the thread that answers the boxes); the main
 * connection then checkpoints only as a backstop, when the WAL has grown large. Holds the data
 * folder's lock until closed (`lock: false` for a look at a database whose server is stopped).
 */
export function openDatabase(file: string, opts: { backgroundCheckpoints?: boolean; driver?: SqliteDriverName; lock?: boolean } = {}): LocalDatabase {
  const lock = opts.lock === false ? undefined : takeLock(file, opts.driver);
  let db: SqliteDatabase | undefined;
  try {
    db = openSqlite(file, { driver: opts.driver });
    const version = Number(db.pragma('user_version'));
    if (version > SCHEMA_VERSION) {
      throw new StorageError(
        'newer-schema',
        `The database ${file} was written by a newer JuiceNet Local (its schema version is ${version}; this one knows up to ${SCHEMA_VERSION}). ` +
          'Nothing was changed: run the newer JuiceNet Local again (update the extension, or npm install -g its package), or choose another --data-dir.',
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    if (opts.backgroundCheckpoints) db.pragma('wal_autocheckpoint = 50000');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    for (let v = version; v < SCHEMA_VERSION; v++) {
      const target = db;
      target.transaction(() => {
        target.exec(MIGRATIONS[v]);
        target.pragma(`user_version = ${v + 1}`);
      });
    }
  } catch (e) {
    db?.close();
    lock?.close();
    throw openFault(file, e);
  }
  const local = new LocalDatabase(db, lock);
  if (lock) local.describeOwner({});
  if (opts.backgroundCheckpoints) local.startCheckpointer(file);
  return local;
}

/** The worker: a PASSIVE checkpoint every second on its own connection (never blocks the writer). */
const CHECKPOINT_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
let db, checkpoint;
if (workerData.driver === 'node:sqlite') {
  process.emitWarning = () => undefined; // node:sqlite's "experimental" warning, on the owner's terminal
  const { DatabaseSync } = require('node:sqlite');
  db = new DatabaseSync(workerData.file);
  db.exec('PRAGMA busy_timeout = 1000');
  const st = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  checkpoint = () => st.get();
} else {
  const Database = require(workerData.module);
  db = new Database(workerData.file);
  db.pragma('busy_timeout = 1000');
  checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
}
const timer = setInterval(() => {
  try { checkpoint(); } catch (e) { parentPort.postMessage(String(e && e.message)); }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

/** The prepared statements the server uses; every method is one committed transaction. */
export class LocalDatabase {
  private readonly st;
  private checkpointer?: Worker;

  constructor(
    readonly db: SqliteDatabase,
    private readonly lock?: SqliteDatabase,
  ) {
    this.st = {
      insertAccount: db.prepare('INSERT OR IGNORE INTO accounts (token, created_s) VALUES (?, ?)'),
      insertUnitToken: db.prepare('INSERT INTO unit_tokens (token, account, unit_id) VALUES (?, ?, ?)'),
      accounts: db.prepare('SELECT token FROM accounts ORDER BY rowid'),
      unitTokens: db.prepare('SELECT token, account, unit_id FROM unit_tokens ORDER BY rowid'),
      insertBox: db.prepare(
        'INSERT INTO boxes (unit_id, first_address, first_seen_s, settings, offline_limit_a, firmware, protocol_version) VALUES (@unit_id, @first_address, @first_seen_s, @settings, @offline_limit_a, @firmware, @protocol_version)',
      ),
      boxes: db.prepare('SELECT * FROM boxes ORDER BY rowid'),
      updateSettings: db.prepare('UPDATE boxes SET settings = ?, offline_limit_a = ?, override_energy_wh = ? WHERE unit_id = ?'),
      updateBoxFacts: db.prepare('UPDATE boxes SET firmware = ?, protocol_version = ? WHERE unit_id = ?'),
      openSession: db.prepare('INSERT INTO sessions (unit_id, time_start, start_lifetime_wh) VALUES (?, ?, ?)'),
      updateSession: db.prepare('UPDATE sessions SET energy_wh = ?, duration_s = ?, goal_reached = ? WHERE id = ?'),
      closeSession: db.prepare('UPDATE sessions SET open = 0, time_end = ?, energy_wh = ?, duration_s = ? WHERE id = ?'),
      openSessions: db.prepare('SELECT * FROM sessions WHERE open = 1'),
      history: db.prepare('SELECT * FROM sessions WHERE unit_id = ? AND open = 0 AND id < ? ORDER BY id DESC LIMIT ?'),
      session: db.prepare('SELECT * FROM sessions WHERE unit_id = ? AND id = ?'),
      insertSample: db.prepare(
        'INSERT INTO samples (unit_id, t, session_id, state, current_da, voltage_dv, power_w, session_wh, lifetime_wh, temperature_c, frequency_chz, online_limit_a) VALUES (@unit_id, @t, @session_id, @state, @current_da, @voltage_dv, @power_w, @session_wh, @lifetime_wh, @temperature_c, @frequency_chz, @online_limit_a)',
      ),
      sessionSamples: db.prepare('SELECT t, power_w, lifetime_wh, state FROM samples WHERE session_id = ? ORDER BY t'),
      lastSample: db.prepare('SELECT * FROM samples WHERE unit_id = ? ORDER BY t DESC LIMIT 1'),
      pruneSamples: db.prepare('DELETE FROM samples WHERE t < ?'),
      getSetting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      putSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  get schemaVersion(): number {
    return Number(this.db.pragma('user_version'));
  }

  addAccount(token: string, nowS: number): void {
    this.st.insertAccount.run(token, Math.floor(nowS));
  }

  addUnitToken(account: string, unitId: string, token: string): void {
    this.st.insertUnitToken.run(token, account, unitId);
  }

  accounts(): string[] {
    return this.st.accounts.all<{ token: string }>().map((r) => r.token);
  }

  unitTokens(): { token: string; account: string; unit_id: string }[] {
    return this.st.unitTokens.all() as { token: string; account: string; unit_id: string }[];
  }

  addBox(row: Omit<BoxRow, 'override_energy_wh'>): void {
    this.st.insertBox.run(row);
  }

  boxes(): BoxRow[] {
    return this.st.boxes.all<BoxRow>();
  }

  saveSettings(unitId: string, settings: UnitSettings, offlineLimitA: number, overrideEnergyWh: number): void {
    this.st.updateSettings.run(JSON.stringify(settings), offlineLimitA, overrideEnergyWh, unitId);
  }

  saveBoxFacts(unitId: string, firmware: string | undefined, protocolVersion: string | undefined): void {
    this.st.updateBoxFacts.run(firmware ?? null, protocolVersion ?? null, unitId);
  }

  openSession(unitId: string, timeStart: number, startLifetimeWh: number | undefined): number {
    return Number(this.st.openSession.run(unitId, Math.floor(timeStart), startLifetimeWh ?? null).lastInsertRowid);
  }

  updateSession(id: number, energyWh: number, durationS: number, goalReached: boolean): void {
    this.st.updateSession.run(energyWh, durationS, goalReached ? 1 : 0, id);
  }

  closeSession(id: number, timeEnd: number, energyWh: number, durationS: number): void {
    this.st.closeSession.run(Math.floor(timeEnd), energyWh, durationS, id);
  }

  openSessions(): SessionRow[] {
    return this.st.openSessions.all<SessionRow>();
  }

  /** Finished sessions of a unit with an id below `beforeId`, newest first. */
  history(unitId: string, beforeId: number, limit: number): SessionRow[] {
    return this.st.history.all<SessionRow>(unitId, Number.isFinite(beforeId) ? beforeId : Number.MAX_SAFE_INTEGER, limit);
  }

  session(unitId: string, id: number): SessionRow | undefined {
    return this.st.session.get<SessionRow>(unitId, id);
  }

  addSample(row: SampleRow): void {
    this.st.insertSample.run(row);
  }

  sessionSamples(sessionId: number): { t: number; power_w: number | null; lifetime_wh: number | null; state: string }[] {
    return this.st.sessionSamples.all(sessionId) as { t: number; power_w: number | null; lifetime_wh: number | null; state: string }[];
  }

  /** A unit's newest sample (to pick up where a restart left off); one index lookup. */
  lastSample(unitId: string): SampleRow | undefined {
    return this.st.lastSample.get<SampleRow>(unitId);
  }

  /** Deletes samples older than `beforeS`; returns how many. */
  pruneSamples(beforeS: number): number {
    return this.st.pruneSamples.run(beforeS).changes;
  }

  getSetting(key: string): string | undefined {
    return (this.st.getSetting.get(key) as { value: string } | undefined)?.value;
  }

  putSetting(key: string, value: string): void {
    this.st.putSetting.run(key, value);
  }

  /** Runs `fn` as one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  /** Which SQLite this database runs on. */
  get driver(): SqliteDriverName {
    return this.db.driver;
  }

  /** Writes the note beside the lock that names this server (so a second one can say who runs). */
  describeOwner(more: Pick<LockOwner, 'api' | 'udpPort'>): void {
    if (!this.lock) return;
    const owner: LockOwner = {
      pid: process.pid,
      user: currentUser(),
      startedAt: (this.startedAt ??= `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`),
      ...more,
    };
    try {
      writeFileSync(ownerFileOf(this.db.file), JSON.stringify(owner), { mode: 0o600 });
    } catch {
      // the note is a courtesy; the lock itself is what keeps a second server out
    }
  }

  private startedAt?: string;

  startCheckpointer(file: string, everyMs = 1000): void {
    const better = this.db.driver === 'better-sqlite3' ? loadBetterSqlite3() : undefined;
    const module = better && typeof better !== 'string' ? better.path : undefined;
    this.checkpointer = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { driver: this.db.driver, module, file, everyMs } });
    this.checkpointer.on('error', () => undefined);
    this.checkpointer.unref();
  }

  /** Stops the checkpoint worker (after its last checkpoint) and closes the database (a final checkpoint). */
  async close(): Promise<void> {
    const w = this.checkpointer;
    this.checkpointer = undefined;
    if (w) {
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage('stop');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      await w.terminate();
    }
    this.db.close();
    if (this.lock?.isOpen) {
      rmSync(ownerFileOf(this.db.file), { force: true });
      this.lock.close();
    }
  }
}
