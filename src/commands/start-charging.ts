// juicenet.startCharging: charge now regardless of the schedule: set_override with override_time
// one second in the past (the protocol: "time set to in past to charge the JB now"). If the limit
// is 0 A (charging turned off), it is first restored: to the limit "Stop Charging" remembered, or
// else to one the user picks (test argument `restoreAmps`, or the unit's maximum). With an amount
// (`energyToAddKwh`, from Start Charging with an Amount), the session's energy to add is that.
import * as vscode from 'vscode';
import { apiOf, refreshAfterWrite, replyLostNote, reportFailure, reportInvalid, resolveUnit, withCallProgress, type CommandDeps } from './run';
import { ampsChoices, maxAmpsOf, validateAmps, parseAmps } from '../domain/amps';
import { forgetLimit, rememberedLimit } from '../state/limit-memory';
import { chargeNowRequest, writeStartCharging } from '../state/unit-writes';
import { parseEnergyToAddKwh } from '../domain/energy-to-add';
import { formatEnergyWh } from '../domain/format';

export async function startCharging(deps: CommandDeps, unitArg?: unknown, restoreAmps?: number | string, energyToAddKwh?: number | string): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Start Charging');
  if (!unit) return;
  const amount = energyToAddKwh === undefined ? undefined : parseEnergyToAddKwh(energyToAddKwh);
  if (amount && 'problem' in amount) return reportInvalid(deps, amount.problem);
  const api = apiOf(deps, unit);
  if (!api) return;
  try {
    const [state, info] = await withCallProgress(`JuiceNet: reading ${unit.name}…`, (signal) =>
      Promise.all([api.client.getState(api.auth, { signal }), api.client.getInfo(api.auth, { signal }).catch(() => undefined)]),
    );
    const maxAmps = maxAmpsOf(info ?? unit.info);
    let restore: number | undefined;
    if (state.charging.ampsLimit === 0) {
      let input: number | string | undefined = restoreAmps ?? rememberedLimit(unit.key);
      if (input === undefined) {
        const items = ampsChoices(maxAmps, undefined)
          .filter((c) => c.amps !== undefined && c.amps > 0)
          .map((c) => ({ label: c.label, description: c.description, amps: c.amps as number }));
        const picked = items.length
          ? await vscode.window.showQuickPick(items, {
              title: `JuiceNet: ${unit.name} is turned off (0 A)`,
              placeHolder: 'Charge at which limit?',
              ignoreFocusOut: true,
            })
          : undefined;
        if (!picked) {
          if (!items.length) void deps.notify.warn(`JuiceNet: ${unit.name} is off (0 A) and its rating is unknown. Use 'JuiceNet: Set Current Limit…' first.`);
          return;
        }
        input = picked.amps;
      }
      const bad = validateAmps(input, maxAmps) ?? (parseAmps(input) === 0 ? 'Starting needs a limit above 0 A.' : undefined);
      if (bad) return reportInvalid(deps, bad);
      restore = parseAmps(input);
    }
    // "In the past" by the server's clock, with the energies of the reading above.
    const request = chargeNowRequest(state, restore);
    if (amount) request.energyToAddWh = amount.wh;
    const { after, confirmed, replyLost } = await withCallProgress(`JuiceNet: starting charging on ${unit.name}…`, (signal) =>
      writeStartCharging(api, request, signal),
    );
    if (restore !== undefined) forgetLimit(unit.key);
    await refreshAfterWrite(deps, unit.key);
    if (!confirmed) {
      void deps.notify.warn(`JuiceNet: ${unit.name} accepted the request but does not report an active override yet. Refresh in a minute.`);
      return;
    }
    const restored = restore !== undefined ? ` Limit restored to ${restore} A.` : '';
    const plugged = after.state === 'standby' ? ' Plug the car in to start.' : '';
    const adding = amount ? `, adding ${formatEnergyWh(amount.wh)}` : '';
    void deps.notify.info(
      `JuiceNet: ${unit.name} will charge now${adding}, ignoring the schedule${replyLostNote(replyLost, 'the override')}.${restored}${plugged}`,
    );
  } catch (e) {
    await reportFailure(deps, `starting charging on ${unit.name}`, e, () => startCharging(deps, unit.key, restoreAmps, energyToAddKwh));
  }
}
