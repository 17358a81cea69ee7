// What a local server's diagnostics say of its boxes that the rows' tooltips show: the UDP port a
// box reports to, whether it ignores the server's commands, whether it is monitor only. Read when a
// local account connects, when the server raises an alert about a box, and whenever the setup
// assistant reads the diagnostics (no loop of its own). No vscode.
import type { LocalDiagnostics } from '../api/local-contract';
import { readLocalDiagnostics } from '../api/local-diagnostics';
import type { LocalBoxNote, Logger } from './contracts';

/** The notes of the boxes the server knows as units, by unit id (the box's serial). */
export function localBoxNotes(d: Pick<LocalDiagnostics, 'boxes'>): Map<string, LocalBoxNote> {
  const notes = new Map<string, LocalBoxNote>();
  for (const [unitId, b] of Object.entries(d.boxes)) {
    if (!b.known) continue;
    const note: LocalBoxNote = {};
    if (b.udpPort !== undefined) note.udpPort = b.udpPort;
    if (b.ignoring) note.ignoring = b.ignoring;
    if (b.monitorOnly) note.monitorOnly = true;
    notes.set(unitId, note);
  }
  return notes;
}

export interface LocalBoxTarget {
  setLocalBoxes(accountId: string, notes: ReadonlyMap<string, LocalBoxNote>): void;
}

/** Reads an account's diagnostics and hands its boxes' notes to the store; a failure is only traced (the rows keep what they had). */
export async function readLocalBoxNotes(
  target: LocalBoxTarget,
  a: { accountId: string; baseUrl: string; accountToken: string },
  log: Pick<Logger, 'trace'>,
): Promise<void> {
  try {
    target.setLocalBoxes(a.accountId, localBoxNotes(await readLocalDiagnostics(a.baseUrl, a.accountToken)));
  } catch (e) {
    log.trace(`diagnostics of ${a.baseUrl} for the rows: ${e instanceof Error ? e.message : String(e)}`);
  }
}
