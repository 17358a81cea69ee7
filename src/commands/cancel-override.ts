// juicenet.cancelOverride: set_override with override_time 0 (the protocol: "set to zero to switch
// off override"); the schedule applies again. Verified by get_state's override_time.
import { apiOf, refreshAfterWrite, replyLostNote, reportFailure, resolveUnit, withCallProgress, type CommandDeps } from './run';
import { writeCancelOverride } from '../state/unit-writes';

export async function cancelOverride(deps: CommandDeps, unitArg?: unknown): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Cancel Override');
  if (!unit) return;
  const api = apiOf(deps, unit);
  if (!api) return;
  try {
    const { confirmed, replyLost, after } = await withCallProgress(`JuiceNet: cancelling the override on ${unit.name}…`, (signal) =>
      writeCancelOverride(api, signal),
    );
    deps.backend.applyReading?.(unit.key, after);
    await refreshAfterWrite(deps, unit.key);
    if (!confirmed) {
      void deps.notify.warn(`JuiceNet: ${unit.name} accepted the cancel but still reports an override. Refresh in a minute.`);
      return;
    }
    void deps.notify.info(`JuiceNet: override cancelled on ${unit.name}${replyLostNote(replyLost, 'no override')}; the schedule applies again.`);
  } catch (e) {
    await reportFailure(deps, `cancelling the override on ${unit.name}`, e, () => cancelOverride(deps, unit.key));
  }
}
