// juicenet.setLimit: pick the maximum charging current (0 A = off), send set_limit, verify with
// get_state's amps_limit. Test arguments: (unit, amps).
import {
  apiOf,
  askText,
  pickOrType,
  refreshAfterWrite,
  replyLostNote,
  reportFailure,
  reportInvalid,
  resolveUnit,
  withCallProgress,
  applyLimit,
  type CommandDeps,
} from './run';
import { ampsChoices, limitPlaceholder, maxAmpsOf, parseAmps, validateAmps } from '../domain/amps';
import type { UnitView } from '../state/contracts';

/** Reads the unit's rating (get_info) and current limit (get_state); either may be unknown. */
async function readLimits(deps: CommandDeps, unit: UnitView): Promise<{ maxAmps?: number; currentAmps?: number; lastKnown: boolean }> {
  const api = deps.backend.api(unit.key);
  let maxAmps = maxAmpsOf(unit.info);
  let currentAmps = unit.status?.charging.ampsLimit;
  if (!api) return { maxAmps, currentAmps, lastKnown: true };
  try {
    const [info, state] = await withCallProgress(`JuiceNet: reading ${unit.name}…`, (signal) =>
      Promise.all([api.client.getInfo(api.auth, { signal }), api.client.getState(api.auth, { signal })]),
    );
    maxAmps = maxAmpsOf(info) ?? maxAmps;
    currentAmps = state.charging.ampsLimit ?? currentAmps;
    return { maxAmps, currentAmps, lastKnown: false };
  } catch (e) {
    // Unreachable now: the picker shows the last reading and says so.
    deps.log.warn(`setLimit: could not read the rating of ${unit.unitId}: ${e instanceof Error ? e.name : 'error'}`);
    return { maxAmps, currentAmps, lastKnown: true };
  }
}

export async function setLimit(deps: CommandDeps, unitArg?: unknown, ampsArg?: number | string, typed?: string): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Set Current Limit');
  if (!unit || !apiOf(deps, unit)) return;
  const { maxAmps, currentAmps, lastKnown } = await readLimits(deps, unit);
  const title = `JuiceNet: Charging limit of ${unit.name}`;
  const again = (text: string) => () => setLimit(deps, unit.key, undefined, text);

  let input: string | number | undefined = ampsArg;
  if (input === undefined) {
    if (typed === undefined) {
      if (maxAmps === undefined) {
        void deps.notify.warn(
          `JuiceNet: ${unit.name} did not report its wire or charger rating, so the maximum is unknown. Type a value the installation allows.`,
        );
      }
      const items = ampsChoices(maxAmps, currentAmps, lastKnown).map((c) => ({ label: c.label, description: c.description, choice: c }));
      const picked = await pickOrType({
        title,
        placeholder: limitPlaceholder(currentAmps, lastKnown),
        items,
        validate: (s) => validateAmps(s, maxAmps),
        typedLabel: (s) => `${parseAmps(s)} A`,
      });
      if (!picked) return;
      if ('typed' in picked) input = picked.typed;
      else if (picked.item.choice.amps !== undefined) input = picked.item.choice.amps;
    }
    if (input === undefined) {
      input = await askText({
        title,
        prompt: `Maximum current in amps: ${maxAmps !== undefined ? `0 (off) or ${6} to ${maxAmps}` : '0 (off) or 6 and up'}.`,
        value: typed ?? (currentAmps !== undefined ? String(currentAmps) : ''),
        validate: (s) => validateAmps(s, maxAmps),
      });
      if (input === undefined) return;
    }
  }
  const bad = validateAmps(input, maxAmps);
  if (bad) return reportInvalid(deps, bad, again(String(input)));
  const amps = parseAmps(input);
  try {
    const { readBack, confirmed, replyLost } = await applyLimit(deps, unit, amps);
    await refreshAfterWrite(deps, unit.key);
    if (!confirmed) {
      void deps.notify.warn(
        `JuiceNet: ${unit.name} accepted ${amps} A but now reports ${readBack ?? 'no'} A. The unit may apply it at its next check-in; refresh in a minute.`,
      );
      return;
    }
    const note = replyLostNote(replyLost, 'the new limit');
    void deps.notify.info(
      amps === 0 ? `JuiceNet: charging turned off on ${unit.name} (limit 0 A)${note}.` : `JuiceNet: ${unit.name} charging limit set to ${amps} A${note}.`,
    );
  } catch (e) {
    await reportFailure(deps, `setting the limit of ${unit.name}`, e, again(String(input)));
  }
}
