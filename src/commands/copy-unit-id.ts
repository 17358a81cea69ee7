// juicenet.copyUnitId: copies the unit ID (never a token) to the clipboard.
import * as vscode from 'vscode';
import { resolveUnit, type CommandDeps } from './run';

export async function copyUnitId(deps: CommandDeps, unitArg?: unknown): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Copy Charger ID');
  if (!unit) return;
  await vscode.env.clipboard.writeText(unit.unitId);
  void deps.notify.info(`JuiceNet: unit ID of ${unit.name} copied (${unit.unitId}).`);
}
