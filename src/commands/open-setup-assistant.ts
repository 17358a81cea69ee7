// juicenet.openSetupAssistant: the step-by-step page from a JuiceBox on the wall to its row in the
// Chargers view (see src/setup). Without a local server it offers to start or connect to one.
import type { LocalServerCommandDeps } from './run';

export async function openSetupAssistant(deps: LocalServerCommandDeps): Promise<void> {
  deps.local.openAssistant();
}
