// The storage seam's vocabulary, shared by the drivers (src/local/storage/index.ts says why).
export type SqlValue = null | number | bigint | string | Uint8Array;
/** Positional values (SqlValue), or one object of named values (`@name` in the SQL, `name` in the object). */
export type SqlParams = unknown[];
export type SqlRow = Record<string, SqlValue>;

export interface SqliteStatement {
  run(...params: SqlParams): { changes: number; lastInsertRowid: number };
  get<T = SqlRow>(...params: SqlParams): T | undefined;
  all<T = SqlRow>(...params: SqlParams): T[];
}

export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

export interface SqliteDatabase {
  readonly driver: SqliteDriverName;
  readonly file: string;
  readonly isOpen: boolean;
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  /** Runs `PRAGMA <text>`; returns the first column of its first row (undefined when none). */
  pragma(text: string): SqlValue | undefined;
  /** Runs `fn` in a transaction (a savepoint when nested): committed if it returns, rolled back if it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** A fault of the storage, with a message for the owner that says what to do. */
export class StorageError extends Error {
  constructor(
    readonly code: 'no-driver' | 'unreadable' | 'newer-schema' | 'locked' | 'not-a-database',
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/** The lowest Node.js with `node:sqlite` built in, without a flag. */
export const NODE_SQLITE_MIN = '22.13';

export function noDriverMessage(nodeVersion = process.versions.node, detail?: string): string {
  return (
    `JuiceNet Local needs Node.js ${NODE_SQLITE_MIN} or later, whose built-in SQLite (node:sqlite) keeps its data; this is Node.js ${nodeVersion}` +
    `${detail ? ` (${detail})` : ''}. Install Node.js 22 or later (nodejs.org, or NodeSource's packages on Debian and Ubuntu) and run it with that, ` +
    'or, in a checkout of the project, install the optional better-sqlite3 package (npm install better-sqlite3).'
  );
}

/** Shared by both drivers: BEGIN/COMMIT, or a savepoint inside an open transaction. */
export function runTransaction<T>(db: { exec(sql: string): void }, depth: { n: number }, fn: () => T): T {
  const outer = depth.n === 0;
  const name = `sp${depth.n}`;
  db.exec(outer ? 'BEGIN' : `SAVEPOINT ${name}`);
  depth.n++;
  try {
    const result = fn();
    depth.n--;
    db.exec(outer ? 'COMMIT' : `RELEASE ${name}`);
    return result;
  } catch (e) {
    depth.n--;
    if (outer) db.exec('ROLLBACK');
    else db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
    throw e;
  }
}

/** A data folder (or a file in it) this user may not read and write, in words with what to do. */
export function unreadableMessage(dir: string, user: string, reason: string): string {
  return (
    `The data folder ${dir} cannot be read and written by this user (${user}): ${reason}. ` +
    'Run JuiceNet Local as the user that owns the folder (the service runs as "juicenet": sudo -u juicenet ...), give the folder to this user ' +
    `(sudo chown -R ${user} ${dir}), or choose another folder with --data-dir.`
  );
}
