// juicenet.addSharedUnit: share_device (box_pin) with the unit ID and the PIN its owner got from
// get_share_pin; the returned device token goes to SecretStorage through backend.addUnitToAccount.
// Test arguments: (account node | accountId | undefined, unitId, pin).
import { ApiError } from '../api/errors';
import { askText, offerRetry, reportFailure, reportInvalid, withCallProgress, resolveAccount, clientOf, type CommandDeps } from './run';
import { validatePin, validateUnitId } from '../domain/ids';

export async function addSharedUnit(
  deps: CommandDeps,
  accountArg?: unknown,
  unitIdArg?: string,
  pinArg?: string,
  typed?: { unitId?: string; pin?: string },
): Promise<void> {
  const account = await resolveAccount(deps, accountArg, 'Add Shared Charger');
  if (!account) return;
  const title = `JuiceNet: Add a shared charger to ${account.label}`;
  let unitIdIn = unitIdArg;
  let pinIn = pinArg;
  if (unitIdIn === undefined) {
    unitIdIn = await askText({ title, prompt: "Unit ID of the owner's JuiceBox (digits).", value: typed?.unitId ?? '', validate: validateUnitId });
    if (unitIdIn === undefined) return;
  }
  if (pinIn === undefined) {
    pinIn = await askText({
      title,
      prompt: "Share PIN: the owner gets it with 'JuiceNet: Get Share PIN' (4 or more digits).",
      value: typed?.pin ?? '',
      validate: validatePin,
    });
    if (pinIn === undefined) return;
  }
  const entered = { unitId: String(unitIdIn), pin: String(pinIn) };
  const again = () => addSharedUnit(deps, account.accountId, undefined, undefined, entered);
  const bad = validateUnitId(entered.unitId) ?? validatePin(entered.pin);
  if (bad) return reportInvalid(deps, bad, again);
  const unitId = entered.unitId.trim();
  const pin = entered.pin.trim();
  const token = await deps.backend.accountToken(account.accountId);
  const client = clientOf(deps, account.accountId);
  if (!token || !client) {
    void deps.notify.error(`JuiceNet: ${account.label} is not connected. Sign in again, then retry.`);
    return;
  }
  try {
    const added = await withCallProgress(`JuiceNet: adding shared unit ${unitId}…`, (signal) => client.shareDevice(token, unitId, pin, undefined, { signal }));
    if (added.unitId !== unitId) {
      offerRetry(
        deps,
        `JuiceNet: the server answered with unit ${added.unitId} instead of ${unitId}; nothing was added here. Check the ID and try again.`,
        again,
      );
      return;
    }
    await deps.backend.addUnitToAccount(account.accountId, added);
    void deps.notify.info(`JuiceNet: shared charger ${added.name || unitId} (${unitId}) added to ${account.label}.`);
  } catch (e) {
    // share_device answers a wrong or expired PIN with a 403 error code, which is about the PIN,
    // not the account token: say so (the generic message would send the user to sign in again).
    if (e instanceof ApiError && e.errorCode === 403) {
      deps.log.warn(`share_device refused: ${e.message}`);
      offerRetry(
        deps,
        `JuiceNet: adding shared unit ${unitId} failed: the server refused the PIN (${e.errorMessage ?? 'no reason given'}). PINs are single-use and expire: ask the owner for a new one ('JuiceNet: Get Share PIN'), then retry.`,
        again,
      );
      return;
    }
    await reportFailure(deps, `adding shared unit ${unitId}`, e, again);
  }
}
