// juicenet.setChargingTime: set_charging_time holds the unit's default charging until a time (the
// protocol: "prohibit default charging", meant for fleet control). The input is HH:MM (today, or
// tomorrow if that time has passed) or an ISO date-time, sent as epoch seconds. The protocol has no
// getter for this value, so the read-back is get_state (the unit should report it is waiting).
// Test arguments: (unit, "07:30" | "2026-11-25T07:30" | epochSeconds).
import { apiOf, askText, refreshAfterWrite, reportFailure, reportInvalid, resolveUnit, withCallProgress, type CommandDeps } from './run';
import { parseChargingTime, validateChargingTime } from '../domain/charging-time';
import { whenText } from '../domain/charging-reason';
import { unitTimeZone } from '../domain/time-zone';
import { writeChargingTime } from '../state/unit-writes';

export async function setChargingTime(deps: CommandDeps, unitArg?: unknown, whenArg?: string | number, typed?: string): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Hold Charging Until');
  if (!unit) return;
  const api = apiOf(deps, unit);
  if (!api) return;
  // Typed times are the charger's wall clock, as every time it shows.
  const zone = unitTimeZone(unit.info?.timeZoneId);
  let input: string | number | undefined = whenArg;
  if (input === undefined) {
    input = await askText({
      title: `JuiceNet: Hold charging of ${unit.name} until…`,
      prompt: `The unit will not start charging by itself before this time (an override still starts it). Type HH:MM in the charger's time (${zone.replace(/_/g, ' ')}): today, or tomorrow if it has passed; or a date and time like 2026-11-25T07:30.`,
      value: typed ?? '',
      placeHolder: '07:30',
      validate: (s) => validateChargingTime(s, new Date(), zone),
    });
    if (input === undefined) return;
  }
  let epochS: number;
  if (typeof input === 'number') {
    const nowS = Date.now() / 1000;
    if (!Number.isInteger(input) || input <= nowS) return reportInvalid(deps, `${input} is not a future time (epoch seconds).`);
    epochS = input;
  } else {
    const bad = validateChargingTime(input, new Date(), zone);
    if (bad) return reportInvalid(deps, bad, () => setChargingTime(deps, unit.key, undefined, String(input)));
    epochS = parseChargingTime(input, new Date(), zone);
  }
  const when = whenText(epochS * 1000, new Date(), unit.info?.timeZoneId);
  try {
    const { after } = await withCallProgress(`JuiceNet: holding charging of ${unit.name} until ${when}…`, (signal) => writeChargingTime(api, epochS, signal));
    // The protocol cannot read the hold back: remember it (per account and unit) to show it until it passes.
    await deps.backend.rememberHold(unit.key, epochS);
    await refreshAfterWrite(deps, unit.key);
    const now = after.state === 'charging' ? ' It is charging now (an override or a running session wins).' : '';
    void deps.notify.info(`JuiceNet: ${unit.name} will not start charging by itself before ${when}.${now}`);
  } catch (e) {
    await reportFailure(deps, `holding charging of ${unit.name}`, e, () => setChargingTime(deps, unit.key, undefined, String(input)));
  }
}
