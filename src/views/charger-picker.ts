// The one charger picker: every command, the panel and the status bar ask "which charger?" with the
// same rows (src/views/unit-format.ts unitPickRow: the name, why it is (not) charging, and the
// account when that tells two rows apart).
import * as vscode from 'vscode';
import type { UnitView } from '../state/contracts';
import { unitPickRow } from './unit-format';

/** Asks for one of `units`; undefined when dismissed. */
export async function pickCharger(units: UnitView[], opts: { title?: string; placeHolder?: string } = {}): Promise<UnitView | undefined> {
  const pick = await vscode.window.showQuickPick(
    units.map((u) => ({ ...unitPickRow(u, units), unit: u })),
    { title: opts.title, placeHolder: opts.placeHolder ?? 'Which charger?', matchOnDetail: true, ignoreFocusOut: true },
  );
  return pick?.unit;
}
