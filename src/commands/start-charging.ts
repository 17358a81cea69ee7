// juicenet.startCharging: the one Start rule (src/domain/start-stop.ts, run by src/state/start-stop.ts):
// a charger turned off (0 A) gets its limit back (the one "Stop Charging" remembered, else one the
// user picks: test argument `restoreAmps`, or a quick pick), and an override ("charge now",
// set_override a second in the past by the charger's clock) is sent only when the schedule, a hold
// or an override set for later blocks charging now, or with an amount (`energyToAddKwh`, from Start
// Charging with an Amount: the session's energy to add, which only an override carries). The
// message says which.
import * as vscode from 'vscode';
import { apiOf, refreshAfterWrite, replyLostNote, reportFailure, reportInvalid, resolveUnit, withCallProgress, type CommandDeps } from './run';
import { ampsChoices, maxAmpsOf, validateAmps, parseAmps } from '../domain/amps';
import { unitTimeZone } from '../domain/time-zone';
import { parseEnergyToAddKwh } from '../domain/energy-to-add';
import { runStart } from '../state/start-stop';
import { startSendsOverride } from '../domain/start-stop';

export async function startCharging(deps: CommandDeps, unitArg?: unknown, restoreAmps?: number | string, energyToAddKwh?: number | string): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Start Charging');
  if (!unit) return;
  const amount = energyToAddKwh === undefined ? undefined : parseEnergyToAddKwh(energyToAddKwh);
  if (amount && 'problem' in amount) return reportInvalid(deps, amount.problem);
  const api = apiOf(deps, unit);
  if (!api) return;
  let chosen: number | undefined;
  if (restoreAmps !== undefined) {
    const bad = validateAmps(restoreAmps, maxAmpsOf(unit.info)) ?? (parseAmps(restoreAmps) === 0 ? 'Starting needs a limit above 0 A.' : undefined);
    if (bad) return reportInvalid(deps, bad);
    chosen = parseAmps(restoreAmps);
  }
  try {
    const start = (amps: number | undefined) =>
      withCallProgress(`JuiceNet: starting charging on ${unit.name}…`, (signal) =>
        runStart(api, {
          memoryKey: unit.key,
          schedule: unit.schedule,
          zone: unitTimeZone(unit.info?.timeZoneId),
          holdUntilS: unit.holdUntilS,
          chosenAmps: amps,
          maxAmps: maxAmpsOf(unit.info),
          energyToAddWh: amount?.wh,
          signal,
        }),
      );
    let outcome = await start(chosen);
    if (outcome.kind === 'needLimit') {
      const items = ampsChoices(maxAmpsOf(unit.info), undefined)
        .filter((c) => c.amps !== undefined && c.amps > 0)
        .map((c) => ({ label: c.label, description: c.description, amps: c.amps as number }));
      if (!items.length) {
        void deps.notify.warn(`JuiceNet: ${unit.name} is off (0 A) and its rating is unknown. Use 'JuiceNet: Set Current Limit…' first.`);
        return;
      }
      const picked = await vscode.window.showQuickPick(items, {
        title: `JuiceNet: ${unit.name} is turned off (0 A)`,
        placeHolder: 'Charge at which limit?',
        ignoreFocusOut: true,
      });
      if (!picked) return;
      outcome = await start(picked.amps);
    }
    switch (outcome.kind) {
      case 'needLimit':
        return;
      case 'refused':
        return reportInvalid(deps, outcome.message);
      case 'nothingToDo':
        deps.backend.applyReading?.(unit.key, outcome.before);
        void deps.notify.info(`JuiceNet: nothing to start on ${unit.name}. ${outcome.why}`);
        return;
      case 'started': {
        // The read-back at once (the row and its buttons), then the usual re-read after a write.
        if (outcome.after) deps.backend.applyReading?.(unit.key, outcome.after);
        await refreshAfterWrite(deps, unit.key);
        if (!outcome.confirmed) {
          void deps.notify.warn(`JuiceNet: ${unit.name} accepted the request but does not report it yet. Refresh in a minute.`);
          return;
        }
        const override = startSendsOverride(outcome.plan);
        const lost = replyLostNote(outcome.replyLost, override ? 'the override' : 'the limit');
        if (!override) {
          void deps.notify.info(`JuiceNet: ${unit.name} ${outcome.text}${lost}`);
          return;
        }
        // Whatever says "override" offers to cancel it; the command ends now, a later click cancels.
        void Promise.resolve(deps.notify.info(`JuiceNet: ${unit.name} ${outcome.text}${lost}`, 'Cancel Override')).then((choice) =>
          choice === 'Cancel Override' ? vscode.commands.executeCommand('juicenet.cancelOverride', unit.key) : undefined,
        );
        return;
      }
    }
  } catch (e) {
    await reportFailure(deps, `starting charging on ${unit.name}`, e, () => startCharging(deps, unit.key, restoreAmps, energyToAddKwh));
  }
}
