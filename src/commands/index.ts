// Every command of the extension, registered from this one table, in the order of package.json's
// contributes.commands (the in-host smoke test checks that each declared command is registered).
// Each runs through the same wrapper: the arguments it declares, and one way of logging and
// reporting an unexpected failure.
import * as vscode from 'vscode';
import { addSharedUnit } from './add-shared-unit';
import { addUnit } from './add-unit';
import { cancelOverride } from './cancel-override';
import { copyUnitId } from './copy-unit-id';
import { editNotifications } from './edit-notifications';
import { editSchedule } from './edit-schedule';
import { getSharePin } from './get-share-pin';
import { refresh } from './refresh';
import type { CommandContext } from './run';
import { setChargingTime } from './set-charging-time';
import { setLimit } from './set-limit';
import { signIn, type SignInArgs } from './sign-in';
import { signOut } from './sign-out';
import { startCharging } from './start-charging';
import { startChargingWithAmount } from './start-charging-amount';
import { stopCharging } from './stop-charging';
import { tryDemo } from './try-demo';
import { connectLocalServer, type ConnectLocalArgs } from './connect-local-server';
import { startLocalServer } from './start-local-server';
import { stopLocalServer } from './stop-local-server';
import { openSetupAssistant } from './open-setup-assistant';
import { pointBoxHere, type PointBoxArgs } from './point-box-here';
import { defineCircuit, type DefineCircuitAnswers } from './define-circuit';
import { setReadyBy, type ReadyByAnswers } from './set-ready-by';
import { setSolarMode, type SolarAnswers } from './set-solar-mode';

type Command = (ctx: CommandContext, ...args: never[]) => unknown;

export const COMMANDS = {
  'juicenet.signIn': (ctx, args?: unknown) => signIn(ctx, args && typeof args === 'object' ? (args as SignInArgs) : undefined),
  // From an account row's context menu the argument is the row (it carries accountId).
  'juicenet.signOut': (ctx, arg?: unknown) => signOut(ctx, arg as Parameters<typeof signOut>[1]),
  'juicenet.tryDemo': (ctx) => tryDemo(ctx),
  'juicenet.refresh': refresh,
  'juicenet.showLog': (ctx) => ctx.showLog(),
  'juicenet.openUnitPanel': (ctx, arg?: unknown) => ctx.openUnitPanel(arg),
  'juicenet.startCharging': startCharging,
  'juicenet.startChargingWithAmount': startChargingWithAmount,
  'juicenet.stopCharging': stopCharging,
  'juicenet.cancelOverride': cancelOverride,
  'juicenet.setLimit': setLimit,
  'juicenet.editSchedule': editSchedule,
  'juicenet.setChargingTime': setChargingTime,
  'juicenet.addUnit': addUnit,
  'juicenet.getSharePin': getSharePin,
  'juicenet.addSharedUnit': addSharedUnit,
  'juicenet.editNotifications': editNotifications,
  'juicenet.copyUnitId': copyUnitId,
  'juicenet.connectLocalServer': (ctx, args?: unknown) => connectLocalServer(ctx, args && typeof args === 'object' ? (args as ConnectLocalArgs) : undefined),
  'juicenet.startLocalServer': (ctx) => startLocalServer(ctx),
  'juicenet.stopLocalServer': (ctx) => stopLocalServer(ctx),
  'juicenet.openSetupAssistant': (ctx) => openSetupAssistant(ctx),
  'juicenet.pointBoxHere': (ctx, args?: unknown) => pointBoxHere(ctx, args && typeof args === 'object' ? (args as PointBoxArgs) : undefined),
  'juicenet.openInsights': (ctx, arg?: unknown) => ctx.openInsights(arg),
  'juicenet.defineCircuit': (ctx, arg?: unknown, answers?: unknown) => defineCircuit(ctx, arg, (answers ?? {}) as DefineCircuitAnswers),
  'juicenet.setReadyBy': (ctx, arg?: unknown, answers?: unknown) => setReadyBy(ctx, arg, (answers ?? {}) as ReadyByAnswers),
  'juicenet.setSolarMode': (ctx, arg?: unknown, answers?: unknown) => setSolarMode(ctx, arg, (answers ?? {}) as SolarAnswers),
} satisfies Record<string, Command>;

export type CommandId = keyof typeof COMMANDS;

/**
 * The arguments a command declares (a row, a unit or account id, then test answers). VS Code
 * passes extra ones from menus: a tree context menu passes (item, selectedItems[]), and no command
 * takes an array there.
 */
function ownArguments(args: unknown[]): unknown[] {
  return Array.isArray(args[1]) ? args.slice(0, 1) : args.slice(0, 3);
}

/** Registers every command of the table; a command's unexpected failure is logged and reported, never thrown at the caller. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, run]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await (run as (ctx: CommandContext, ...a: unknown[]) => unknown)(ctx, ...ownArguments(args));
      } catch (e) {
        ctx.log.error(e instanceof Error ? e : new Error(String(e)));
        void Promise.resolve(ctx.notify.error('JuiceNet: the command failed unexpectedly. The log has the details.', 'Show Log')).then((c) =>
          c === 'Show Log' ? ctx.showLog() : undefined,
        );
        return undefined;
      }
    }),
  );
}
