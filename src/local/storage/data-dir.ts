// The data folder, checked before anything is written to it: created owner-only when missing,
// refused in words when this user cannot read and write it (or what is in it).
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { StorageError, unreadableMessage } from './common';

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

/** Creates the folder (0700) if needed; throws a StorageError('unreadable') when this user may not use it or `files` in it. */
export function prepareDataDir(dir: string, files: readonly string[]): void {
  const fail = (reason: string): never => {
    throw new StorageError('unreadable', unreadableMessage(dir, currentUser(), reason));
  };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail(err.code === 'EEXIST' || err.code === 'ENOTDIR' ? 'it is a file, not a folder' : `${err.code ?? err.message} while creating it`);
  }
  if (!statSync(dir).isDirectory()) fail('it is a file, not a folder');
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (e) {
    fail(`${(e as NodeJS.ErrnoException).code ?? 'no access'} on the folder`);
  }
  for (const f of files) {
    const path = join(dir, f);
    try {
      accessSync(path, constants.F_OK);
    } catch {
      continue;
    }
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch (e) {
      fail(`${(e as NodeJS.ErrnoException).code ?? 'no access'} on ${f}`);
    }
  }
}
