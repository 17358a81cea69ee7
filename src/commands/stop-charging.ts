// juicenet.stopCharging: the one Stop rule (src/domain/start-stop.ts): set_limit 0 A (the
// protocol's "switch the charging off"), remembering the limit it had (in memory, per account and
// unit) so that "Start Charging" restores it. The schedule and any override stay as they are: at
// 0 A nothing charges whatever they say, and "Start Charging" undoes exactly this.
import { apiOf, refreshAfterWrite, replyLostNote, reportFailure, resolveUnit, withCallProgress, type CommandDeps } from './run';
import { runStop } from '../state/start-stop';

export async function stopCharging(deps: CommandDeps, unitArg?: unknown): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Stop Charging');
  if (!unit) return;
  const api = apiOf(deps, unit);
  if (!api) return;
  try {
    const outcome = await withCallProgress(`JuiceNet: stopping charging on ${unit.name}…`, (signal) => runStop(api, unit.key, signal));
    if (outcome.kind === 'nothingToDo') {
      deps.backend.applyReading?.(unit.key, outcome.before);
      void deps.notify.info(`JuiceNet: nothing to stop on ${unit.name}. ${outcome.why}`);
      return;
    }
    if (outcome.after) deps.backend.applyReading?.(unit.key, outcome.after);
    await refreshAfterWrite(deps, unit.key);
    if (!outcome.confirmed) {
      void deps.notify.warn(`JuiceNet: ${unit.name} accepted "off" but still reports a ${outcome.readBackAmps ?? 'unknown'} A limit. Refresh in a minute.`);
      return;
    }
    const restore = outcome.previousAmps ? ` 'Start Charging' restores the ${outcome.previousAmps} A limit.` : '';
    void deps.notify.info(`JuiceNet: charging stopped on ${unit.name} (limit 0 A)${replyLostNote(outcome.replyLost, 'the 0 A limit')}.${restore}`);
  } catch (e) {
    await reportFailure(deps, `stopping charging on ${unit.name}`, e, () => stopCharging(deps, unit.key));
  }
}
