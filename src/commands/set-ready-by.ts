// juicenet.setReadyBy: "ready by 07:00 with 30 kWh": JuiceNet Local charges at the cheapest hours
// before then under the tariff of the settings (juicenet.tariff), re-planning as the car charges.
// The energy is kWh or a state of charge of the car's battery (its Info). Also cancels a plan.
// Test arguments: (unit, { readyBy, kwh | energy } | { cancel: true }).
import * as vscode from 'vscode';
import { validateHHMM } from '../domain/schedule';
import { parseEnergyGoal } from '../domain/smart/ready-by';
import { askText, callSmart, onLocalServer, resolveUnit, type CommandContext } from './run';

export interface ReadyByAnswers {
  readyBy?: string;
  kwh?: number;
  /** As typed: "30", "30 kWh" or "30% to 80%" (with the car's battery from its Info). */
  energy?: string;
  cancel?: boolean;
}

export async function setReadyBy(ctx: CommandContext, unitArg?: unknown, answers: ReadyByAnswers = {}): Promise<void> {
  const unit = await resolveUnit(ctx, unitArg, 'Ready By');
  if (!unit) return;
  if (!onLocalServer(ctx, unit.accountId)) {
    void ctx.notify.warn(
      `JuiceNet: "ready by" plans are made by JuiceNet Local, and ${unit.name} is on another server. Connect to your local server to use them.`,
    );
    return;
  }
  const title = `JuiceNet: ${unit.name} ready by`;
  const planned = unit.smart?.readyBy;
  let cancel = answers.cancel === true;
  if (!cancel && planned && answers.readyBy === undefined) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Plan again', description: 'another time or energy', cancel: false },
        { label: 'Cancel the plan', description: 'charge by the schedule again', cancel: true },
      ],
      { title, ignoreFocusOut: true },
    );
    if (!pick) return;
    cancel = pick.cancel;
  }
  if (cancel) {
    const s = await callSmart(ctx, unit.accountId, { action: 'cancel-ready-by', unitId: unit.unitId }, `cancelling the plan of ${unit.name}`);
    if (s) void ctx.notify.info(`JuiceNet: ${s.message}`);
    return;
  }
  const readyBy =
    answers.readyBy ?? (await askText({ title, prompt: 'Ready by what time (HH:MM, in the charger time zone)?', value: '07:00', validate: validateHHMM }));
  if (readyBy === undefined) return;
  const batteryWh = unit.info?.cars?.[0]?.batterySizeWh;
  const problem = (text: string) => {
    const g = parseEnergyGoal(text, batteryWh);
    return 'problem' in g ? g.problem : undefined;
  };
  const energyText =
    answers.energy ??
    (answers.kwh !== undefined
      ? String(answers.kwh)
      : await askText({
          title,
          prompt: `Energy to add: kWh (30 kWh is about 100 miles)${batteryWh ? ', or a state of charge such as 30% to 80% of its battery' : ''}.`,
          value: '30',
          validate: problem,
        }));
  if (energyText === undefined) return;
  const goal = parseEnergyGoal(energyText, batteryWh);
  const bad = validateHHMM(readyBy) ?? ('problem' in goal ? goal.problem : undefined);
  if (bad !== undefined || 'problem' in goal) {
    void ctx.notify.error(`JuiceNet: ${bad}`);
    return;
  }
  // The plan uses the owner's tariff: the same settings the Insights tab costs charging with.
  const t = vscode.workspace.getConfiguration('juicenet.tariff');
  const tariff = { mode: t.get('mode'), weekday: t.get<unknown[]>('weekday') as never, weekend: t.get<unknown[]>('weekend') as never };
  if (!(await callSmart(ctx, unit.accountId, { action: 'set-tariff', tariff }, 'sending the tariff to the local server'))) return;
  const s = await callSmart(
    ctx,
    unit.accountId,
    { action: 'set-ready-by', unitId: unit.unitId, readyBy: readyBy.trim(), energyWh: goal.energyWh },
    `planning ${unit.name}`,
  );
  if (s) void ctx.notify.info(`JuiceNet: ${unit.name}: ${s.message}`);
}
