// juicenet.startChargingWithAmount: Start Charging Now with the energy the session is to add (kWh),
// so "Full at" and the time left are known even where the car's battery is not. The rest is Start
// Charging's. Test arguments: (unit, kWh).
import { askText, resolveUnit, type CommandDeps } from './run';
import { startCharging } from './start-charging';
import { parseEnergyToAddKwh } from '../domain/energy-to-add';

export async function startChargingWithAmount(deps: CommandDeps, unitArg?: unknown, kwhArg?: number | string): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Start Charging with an Amount');
  if (!unit) return;
  const kwh =
    kwhArg ??
    (await askText({
      title: `JuiceNet: Start charging ${unit.name} with an amount`,
      prompt: 'Energy to add in this session, in kWh',
      placeHolder: '10',
      validate: (s) => {
        const r = parseEnergyToAddKwh(s);
        return 'problem' in r ? r.problem : undefined;
      },
    }));
  if (kwh === undefined) return;
  await startCharging(deps, unit.key, undefined, kwh);
}
