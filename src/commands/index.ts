// The unit commands, registered from one table. Each lives in its own file: ask, validate (src/domain),
// call through the verified writes (src/state), refresh the store, report through deps.notify.
import * as vscode from 'vscode';
import { setLimit } from './set-limit';
import { startCharging } from './start-charging';
import { stopCharging } from './stop-charging';
import { cancelOverride } from './cancel-override';
import { editSchedule } from './edit-schedule';
import { setChargingTime } from './set-charging-time';
import { addUnit } from './add-unit';
import { getSharePin } from './get-share-pin';
import { addSharedUnit } from './add-shared-unit';
import { editNotifications } from './edit-notifications';
import { copyUnitId } from './copy-unit-id';
import type { CommandDeps } from './run';

export type { CommandDeps } from './run';

/** The command ids this module registers (COMMON.md's list; package.json declares them). */
export const UNIT_COMMAND_IDS = [
  'juicenet.setLimit',
  'juicenet.startCharging',
  'juicenet.stopCharging',
  'juicenet.cancelOverride',
  'juicenet.editSchedule',
  'juicenet.setChargingTime',
  'juicenet.addUnit',
  'juicenet.getSharePin',
  'juicenet.addSharedUnit',
  'juicenet.editNotifications',
  'juicenet.copyUnitId',
] as const;

type Handler = (deps: CommandDeps, ...args: never[]) => Promise<void>;

export function registerUnitCommands(deps: CommandDeps): vscode.Disposable[] {
  const table: Record<(typeof UNIT_COMMAND_IDS)[number], Handler> = {
    'juicenet.setLimit': setLimit,
    'juicenet.startCharging': startCharging,
    'juicenet.stopCharging': stopCharging,
    'juicenet.cancelOverride': cancelOverride,
    'juicenet.editSchedule': editSchedule,
    'juicenet.setChargingTime': setChargingTime,
    'juicenet.addUnit': addUnit,
    'juicenet.getSharePin': getSharePin,
    'juicenet.addSharedUnit': addSharedUnit,
    'juicenet.editNotifications': editNotifications,
    'juicenet.copyUnitId': copyUnitId,
  };
  return UNIT_COMMAND_IDS.map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        // Only the arguments a command declares (tree item/unit/account, then test answers);
        // VS Code passes extra ones from menus (the selection list), which are dropped.
        // A tree context menu passes (item, selectedItems[]): no command takes an array there.
        const own = Array.isArray(args[1]) ? args.slice(0, 1) : args.slice(0, 3);
        await (table[id] as (deps: CommandDeps, ...a: unknown[]) => Promise<void>)(deps, ...own);
      } catch (e) {
        deps.log.error(e instanceof Error ? e : new Error(String(e)));
        void deps.notify.error(`JuiceNet: ${id.replace('juicenet.', '')} failed unexpectedly. See 'JuiceNet: Show Log' for details.`);
      }
    }),
  );
}
