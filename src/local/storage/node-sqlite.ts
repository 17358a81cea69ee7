// The `node:sqlite` driver (DatabaseSync): built into Node 22.13+ and VS Code's runtime, no native module.
import type { SqlParams, SqlRow, SqlValue, SqliteDatabase, SqliteStatement } from './common';
import { runTransaction, StorageError, noDriverMessage } from './common';

interface NodeStatement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Record<string, SqlValue> | undefined;
  all(...params: unknown[]): Record<string, SqlValue>[];
}
interface NodeDatabase {
  exec(sql: string): void;
  prepare(sql: string): NodeStatement;
  close(): void;
  readonly isOpen?: boolean;
}
type NodeSqliteModule = { DatabaseSync: new (file: string) => NodeDatabase };

let loaded: NodeSqliteModule | null | undefined;

/** Loads `node:sqlite` once, without its "experimental feature" warning on the owner's terminal. */
function load(): NodeSqliteModule | null {
  if (loaded !== undefined) return loaded;
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (/SQLite/i.test(typeof warning === 'string' ? warning : warning.message)) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    // A runtime require: esbuild leaves `node:` modules to the runtime.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- absent before Node 22.13: tried, not imported
    loaded = require('node:sqlite') as NodeSqliteModule;
  } catch {
    loaded = null;
  } finally {
    process.emitWarning = emit;
  }
  return loaded;
}

export function nodeSqliteAvailable(): boolean {
  return load() !== null;
}

/** node:sqlite gives rows without a prototype; the server's code (and tests) expect plain objects. */
const plain = (r: Record<string, SqlValue> | undefined): SqlRow | undefined => (r === undefined ? undefined : { ...r });

export function openNodeSqlite(file: string): SqliteDatabase {
  const mod = load();
  if (!mod) throw new StorageError('no-driver', noDriverMessage(process.versions.node, 'node:sqlite is missing'));
  const db = new mod.DatabaseSync(file);
  let open = true;
  const depth = { n: 0 };
  return {
    driver: 'node:sqlite',
    file,
    get isOpen() {
      return open;
    },
    exec: (sql) => db.exec(sql),
    prepare(sql): SqliteStatement {
      const st = db.prepare(sql);
      return {
        run: (...p: SqlParams) => {
          const r = st.run(...p);
          return { changes: Number(r.changes), lastInsertRowid: Number(r.lastInsertRowid) };
        },
        get: <T>(...p: SqlParams) => plain(st.get(...p)) as T | undefined,
        all: <T>(...p: SqlParams) => st.all(...p).map((r) => ({ ...r }) as T),
      };
    },
    pragma(text) {
      const row = db.prepare(`PRAGMA ${text}`).get();
      return row === undefined ? undefined : Object.values(row)[0];
    },
    transaction: (fn) => runTransaction(db, depth, fn),
    close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}
