// juicenet.defineCircuit: chargers on one circuit (one breaker) share the current it carries;
// JuiceNet Local divides it among the cars that charge. Asks the circuit's name, its continuous
// current and its chargers, then checks that the chargers' offline limits fit it and offers to
// write the suggested ones (each box keeps its offline limit in its memory, so only on confirmation).
// Test arguments: (unit, { name, capacityA, unitIds, confirmOfflineLimits }).
import * as vscode from 'vscode';
import { validateCircuit } from '../domain/smart/circuit';
import { askText, callSmart, onLocalServer, resolveUnit, type CommandContext } from './run';

export interface DefineCircuitAnswers {
  name?: string;
  capacityA?: number;
  unitIds?: string[];
  confirmOfflineLimits?: boolean;
}

function capacityProblem(s: string): string | undefined {
  const n = Number(s.trim());
  return validateCircuit({ name: 'x', capacityA: n, unitIds: ['x'] })[0];
}

export async function defineCircuit(ctx: CommandContext, unitArg?: unknown, answers: DefineCircuitAnswers = {}): Promise<void> {
  const unit = await resolveUnit(ctx, unitArg, 'Share a Circuit');
  if (!unit) return;
  if (!onLocalServer(ctx, unit.accountId)) {
    void ctx.notify.warn(`JuiceNet: circuits are shared by JuiceNet Local, and ${unit.name} is on another server. Connect to your local server to use them.`);
    return;
  }
  const known = ctx.local.smart.status(unit.accountId)?.circuits.find((c) => c.unitIds.includes(unit.unitId));
  const title = 'JuiceNet: Share a Circuit';
  const name =
    answers.name ??
    (await askText({
      title,
      prompt: 'Name of the circuit (the breaker the chargers hang on), for example Garage.',
      value: known?.name ?? 'Garage',
      validate: (s) => (s.trim() && s.trim().length <= 60 ? undefined : 'A name of 1 to 60 characters.'),
    }));
  if (name === undefined) return;
  const capacityText =
    answers.capacityA !== undefined
      ? String(answers.capacityA)
      : await askText({
          title,
          prompt: 'The current the circuit may carry continuously, in amps: 80 % of its breaker (32 A on a 40 A breaker).',
          value: known ? String(known.capacityA) : '32',
          validate: capacityProblem,
        });
  if (capacityText === undefined) return;
  let unitIds = answers.unitIds;
  if (!unitIds) {
    const rows = ctx.backend
      .units()
      .filter((u) => u.accountId === unit.accountId)
      .map((u) => ({ label: u.name, description: u.unitId, picked: known ? known.unitIds.includes(u.unitId) : u.unitId === unit.unitId, unitId: u.unitId }));
    const picked = await vscode.window.showQuickPick(rows, {
      title,
      placeHolder: 'Which chargers are on this circuit?',
      canPickMany: true,
      ignoreFocusOut: true,
    });
    if (!picked || picked.length === 0) return;
    unitIds = picked.map((p) => p.unitId);
  }
  const problems = validateCircuit({ name: name.trim(), capacityA: Number(capacityText), unitIds });
  if (problems.length > 0) {
    void ctx.notify.error(`JuiceNet: ${problems.join(' ')}`);
    return;
  }
  const status = await callSmart(
    ctx,
    unit.accountId,
    { action: 'set-circuit', ...(known ? { id: known.id } : {}), name: name.trim(), capacityA: Number(capacityText), unitIds },
    `sharing the ${name.trim()} circuit`,
  );
  if (!status) return;
  const circuit = status.circuits.find((c) => c.name === name.trim() && unitIds!.every((u) => c.unitIds.includes(u)));
  if (!circuit || circuit.offlineFit.fits) {
    void ctx.notify.info(`JuiceNet: ${status.message ?? 'the circuit is shared.'}`);
    return;
  }
  const confirm =
    answers.confirmOfflineLimits ??
    (await ctx.notify.confirm(
      `The offline limits of the ${circuit.name} circuit's chargers do not fit it.`,
      circuit.offlineFit.message,
      'Write Offline Limits',
    )) === 'Write Offline Limits';
  if (!confirm) {
    void ctx.notify.warn(`JuiceNet: ${circuit.offlineFit.message}`);
    return;
  }
  const written = await callSmart(
    ctx,
    unit.accountId,
    { action: 'confirm-offline-limits', id: circuit.id },
    `writing the offline limits of the ${circuit.name} circuit`,
  );
  if (written) void ctx.notify.info(`JuiceNet: ${written.message}`);
}
