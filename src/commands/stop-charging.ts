// juicenet.stopCharging: turns charging off with set_limit 0 A (the protocol's "switch the
// charging off"), remembering the limit it had (in memory, per unit) so that "Start Charging"
// restores it. It leaves the schedule and any override as they are: with a 0 A limit nothing
// charges whatever they say, and "Start Charging" undoes exactly this.
import { apiOf, refreshAfterWrite, replyLostNote, reportFailure, resolveUnit, applyLimit, type CommandDeps } from './run';
import { rememberLimit } from '../state/limit-memory';

export async function stopCharging(deps: CommandDeps, unitArg?: unknown): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Stop Charging');
  if (!unit || !apiOf(deps, unit)) return;
  try {
    const { readBack, previous, confirmed, replyLost } = await applyLimit(deps, unit, 0);
    if (previous !== undefined && previous > 0) rememberLimit(unit.key, previous);
    await refreshAfterWrite(deps, unit.key);
    if (!confirmed) {
      void deps.notify.warn(`JuiceNet: ${unit.name} accepted "off" but still reports a ${readBack ?? 'unknown'} A limit. Refresh in a minute.`);
      return;
    }
    const restore = previous && previous > 0 ? ` 'Start Charging' restores the ${previous} A limit.` : '';
    void deps.notify.info(`JuiceNet: charging stopped on ${unit.name} (limit 0 A)${replyLostNote(replyLost, 'the 0 A limit')}.${restore}`);
  } catch (e) {
    await reportFailure(deps, `stopping charging on ${unit.name}`, e, () => stopCharging(deps, unit.key));
  }
}
