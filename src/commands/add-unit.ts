// juicenet.addUnit: add_unit (box_pin) with the account token and the unit ID from the JuiceBox
// label; the returned device token goes to SecretStorage through backend.addUnitToAccount.
// Verified by the reply's unit_id matching and the unit then being listed.
// Test arguments: (account node | accountId | undefined, unitId).
import { ApiError } from '../api/errors';
import {
  askText,
  offerActions,
  onLocalServer,
  offerRetry,
  reportFailure,
  reportInvalid,
  withCallProgress,
  resolveAccount,
  clientOf,
  type CommandDeps,
} from './run';
import { validateUnitId } from '../domain/ids';

export async function addUnit(deps: CommandDeps, accountArg?: unknown, unitIdArg?: string, typed?: string): Promise<void> {
  const account = await resolveAccount(deps, accountArg, 'Add Charger');
  if (!account) return;
  let input = unitIdArg;
  if (input === undefined) {
    input = await askText({
      title: `JuiceNet: Add a charger to ${account.label}`,
      prompt: 'Unit ID: the digits on the JuiceBox label or in the JuiceNet app (usually 28 digits).',
      value: typed ?? '',
      placeHolder: '0814081508141535522516012129',
      validate: validateUnitId,
    });
    if (input === undefined) return;
  }
  const bad = validateUnitId(String(input));
  const again = () => addUnit(deps, account.accountId, undefined, String(input));
  if (bad) return reportInvalid(deps, bad, again);
  const unitId = String(input).trim();
  if (deps.backend.units().some((u) => u.unitId === unitId && u.accountId === account.accountId)) {
    void deps.notify.info(`JuiceNet: unit ${unitId} is already in ${account.label}.`);
    return;
  }
  const token = await deps.backend.accountToken(account.accountId);
  if (!token) {
    void deps.notify.error(`JuiceNet: no account token for ${account.label}. Sign in again, then retry.`);
    return;
  }
  const client = clientOf(deps, account.accountId);
  if (!client) {
    void deps.notify.error('JuiceNet: not connected to the JuiceNet server. Sign in again, then retry.');
    return;
  }
  try {
    const added = await withCallProgress(`JuiceNet: adding unit ${unitId}…`, (signal) => client.addUnit(token, unitId, undefined, { signal }));
    if (added.unitId !== unitId) {
      offerRetry(
        deps,
        `JuiceNet: the server answered with unit ${added.unitId} instead of ${unitId}; nothing was added here. Check the ID and try again.`,
        again,
      );
      return;
    }
    await deps.backend.addUnitToAccount(account.accountId, added);
    void deps.notify.info(`JuiceNet: added ${added.name || unitId} (${unitId}) to ${account.label}.`);
  } catch (e) {
    if (onLocalServer(deps, account.accountId) && e instanceof ApiError && e.errorCode === 404) {
      // A local server knows a box only from its reports.
      offerActions(
        deps,
        `JuiceNet: no report from JuiceBox ${unitId} has reached the local server yet, so it cannot be added. Point the box at the server, then add it from the setup assistant.`,
        {
          'Open Setup Assistant': 'juicenet.openSetupAssistant',
        },
      );
      return;
    }
    await reportFailure(deps, `adding unit ${unitId}`, e, again);
  }
}
