// The better-sqlite3 driver: only for a Node without `node:sqlite` (Node 20), and only when the
// optional package is installed beside the program. Loaded by a runtime require that the bundle
// leaves external (esbuild.mjs), so nothing that ships needs it.
import type { SqlParams, SqlValue, SqliteDatabase, SqliteStatement } from './common';
import { runTransaction, StorageError, noDriverMessage } from './common';

interface BetterStatement {
  readonly reader: boolean;
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Record<string, SqlValue> | undefined;
  all(...params: unknown[]): Record<string, SqlValue>[];
}
interface BetterDatabase {
  readonly open: boolean;
  exec(sql: string): void;
  prepare(sql: string): BetterStatement;
  pragma(text: string, opts: { simple: true }): SqlValue | undefined;
  close(): void;
}
type BetterModule = new (file: string) => BetterDatabase;

let loaded: { mod: BetterModule; path: string } | string | undefined;

/** better-sqlite3 and where it was found, or why it could not be loaded. */
export function loadBetterSqlite3(): { mod: BetterModule; path: string } | string {
  if (loaded !== undefined) return loaded;
  try {
    // Kept a plain runtime require (external in every bundle): resolved from the program's own folder.
    const path = require.resolve('better-sqlite3');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native module found at run time, never bundled
    loaded = { mod: require(path) as BetterModule, path };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    loaded = code === 'MODULE_NOT_FOUND' ? 'better-sqlite3 is not installed' : `better-sqlite3 does not load: ${(e as Error).message.split('\n')[0]}`;
  }
  return loaded;
}

export function openBetterSqlite3(file: string): SqliteDatabase {
  const m = loadBetterSqlite3();
  if (typeof m === 'string') throw new StorageError('no-driver', noDriverMessage(process.versions.node, `node:sqlite is missing and ${m}`));
  const db = new m.mod(file);
  const depth = { n: 0 };
  return {
    driver: 'better-sqlite3',
    file,
    get isOpen() {
      return db.open;
    },
    exec: (sql) => db.exec(sql),
    prepare(sql): SqliteStatement {
      const st = db.prepare(sql);
      return {
        run: (...p: SqlParams) => {
          const r = st.run(...p);
          return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
        },
        get: <T>(...p: SqlParams) => st.get(...p) as T | undefined,
        all: <T>(...p: SqlParams) => st.all(...p) as T[],
      };
    },
    pragma: (text) => db.pragma(text, { simple: true }),
    transaction: (fn) => runTransaction(db, depth, fn),
    close() {
      if (db.open) db.close();
    },
  };
}
