// The local server's storage seam: the few SQLite calls the server makes (open, exec,
// prepare -> run/get/all, pragma, transaction, close), over whichever driver this runtime has.
// `node:sqlite` is built into Node 22.13+ and into VS Code's own runtime, so the server needs no
// native module; better-sqlite3 is used only where Node has no `node:sqlite` (Node 20), and only
// if it is installed beside the program (an optional dependency of the project, never shipped).
// JUICENET_LOCAL_SQLITE=node:sqlite|better-sqlite3 picks one (the benchmark compares them).
import { loadBetterSqlite3, openBetterSqlite3 } from './better-sqlite3';
import { nodeSqliteAvailable, openNodeSqlite } from './node-sqlite';
import { StorageError, noDriverMessage, type SqliteDatabase, type SqliteDriverName } from './common';

export * from './common';
export { prepareDataDir } from './data-dir';

/** The driver this runtime uses: the forced one, else `node:sqlite` when built in, else better-sqlite3. */
export function sqliteDriverName(env: NodeJS.ProcessEnv = process.env): SqliteDriverName {
  const forced = env.JUICENET_LOCAL_SQLITE;
  if (forced === 'node:sqlite' || forced === 'better-sqlite3') return forced;
  if (forced) throw new StorageError('no-driver', `JUICENET_LOCAL_SQLITE must be node:sqlite or better-sqlite3, not ${JSON.stringify(forced)}`);
  return nodeSqliteAvailable() ? 'node:sqlite' : 'better-sqlite3';
}

/** Opens (creating) the SQLite file with this runtime's driver. */
export function openSqlite(file: string, opts: { driver?: SqliteDriverName } = {}): SqliteDatabase {
  const driver = opts.driver ?? sqliteDriverName();
  return driver === 'node:sqlite' ? openNodeSqlite(file) : openBetterSqlite3(file);
}

/** The driver this runtime will use, checked loadable; a StorageError('no-driver') in words when there is none. */
export function checkSqliteDriver(env: NodeJS.ProcessEnv = process.env): SqliteDriverName {
  const driver = sqliteDriverName(env);
  if (driver === 'node:sqlite') {
    if (!nodeSqliteAvailable()) throw new StorageError('no-driver', noDriverMessage(process.versions.node, 'node:sqlite is missing'));
    return driver;
  }
  const better = loadBetterSqlite3();
  if (typeof better === 'string') throw new StorageError('no-driver', noDriverMessage(process.versions.node, `node:sqlite is missing and ${better}`));
  return driver;
}
