// juicenet.getSharePin: get_share_pin, shown in a (modal-less) message and copied to the clipboard,
// so the owner can give it to the account that will add the unit with "Add Shared Charger".
import * as vscode from 'vscode';
import { apiOf, reportFailure, resolveUnit, withCallProgress, type CommandDeps } from './run';
import { validatePin } from '../domain/ids';

export async function getSharePin(deps: CommandDeps, unitArg?: unknown): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Get Share PIN');
  if (!unit) return;
  const api = apiOf(deps, unit);
  if (!api) return;
  try {
    const pin = await withCallProgress(`JuiceNet: asking for a share PIN of ${unit.name}…`, (signal) => api.client.getSharePin(api.auth, { signal }));
    if (validatePin(pin)) {
      void deps.notify.error(`JuiceNet: the server returned an unusable share PIN for ${unit.name}. Try again later.`);
      return;
    }
    await vscode.env.clipboard.writeText(pin);
    // Not awaited: the message stays until dismissed; "Copy" copies again (the clipboard may have changed).
    void Promise.resolve(
      deps.notify.info(
        `JuiceNet: share PIN of ${unit.name} (unit ${unit.unitId}): ${pin} — copied. The other account adds it with 'JuiceNet: Add Shared Charger'.`,
        'Copy',
      ),
    ).then(
      (choice) => (choice === 'Copy' ? vscode.env.clipboard.writeText(pin) : undefined),
      () => undefined,
    );
  } catch (e) {
    await reportFailure(deps, `getting a share PIN of ${unit.name}`, e, () => getSharePin(deps, unit.key));
  }
}
