// juicenet.editSchedule: time-of-use schedule. Disabled (charge any time) or Custom (only inside
// the weekday/weekend windows). Times are typed as HH:MM; an end before the start runs across
// midnight. Sends set_schedule after a confirmation, verifies with get_schedule.
// Test arguments: (unit, {type, weekday:{start,end,carReadyBy?}, weekend:{...}}), minutes or "HH:MM".
import * as vscode from 'vscode';
import type { Schedule, ScheduleWindow } from '../domain/model';
import { minutesToHHMM, toWindow, validateHHMM, windowText, type WindowInput } from '../domain/schedule';
import { apiOf, askText, refreshAfterWrite, replyLostNote, reportFailure, reportInvalid, resolveUnit, withCallProgress, type CommandDeps } from './run';
import { writeSchedule } from '../state/unit-writes';

export interface ScheduleArg {
  type: 'disabled' | 'custom';
  weekday?: WindowInput;
  weekend?: WindowInput;
}

const WRAP_HINT = 'An end before the start runs overnight (e.g. 23:00 → 07:00 charges from 23:00 to 07:00 the next morning).';

/** Asks one day's window, pre-filled from `prev`. Undefined when the user cancels. */
async function askWindow(title: string, day: string, prev: WindowInput | undefined): Promise<WindowInput | undefined> {
  const asText = (v: number | string | undefined) => (v === undefined ? undefined : typeof v === 'number' ? minutesToHHMM(v) : v);
  const start = await askText({
    title,
    prompt: `${day}: charging may start at (HH:MM, 24-hour). ${WRAP_HINT}`,
    value: asText(prev?.start),
    placeHolder: '23:00',
    validate: validateHHMM,
  });
  if (start === undefined) return undefined;
  const end = await askText({
    title,
    prompt: `${day}: charging must end by (HH:MM). Starts ${start}; ${WRAP_HINT}`,
    value: asText(prev?.end),
    placeHolder: '07:00',
    validate: (s) =>
      validateHHMM(s) ?? (validateHHMM(start) === undefined && s.trim() === start.trim() ? 'The end equals the start: the window would be empty.' : undefined),
  });
  if (end === undefined) return undefined;
  const ready = await askText({
    title,
    prompt: `${day}: car ready by (HH:MM, optional: leave empty for none).`,
    value: asText(prev?.carReadyBy && prev.carReadyBy !== 0 ? prev.carReadyBy : undefined) ?? '',
    validate: (s) => (s.trim() === '' ? undefined : validateHHMM(s)),
  });
  if (ready === undefined) return undefined;
  return { start: start.trim(), end: end.trim(), carReadyBy: ready.trim() === '' ? undefined : ready.trim() };
}

function toSchedule(arg: ScheduleArg, current: Schedule | undefined): Pick<Schedule, 'type' | 'weekday' | 'weekend'> {
  if (arg.type !== 'disabled' && arg.type !== 'custom') throw new Error(`Schedule type "${String(arg.type)}" is unknown: use "disabled" or "custom".`);
  if (arg.type === 'disabled') {
    // The windows are kept as they were, so that switching back to Custom finds them.
    const keep: ScheduleWindow = { start: 0, end: 0, carReadyBy: 0 };
    return { type: 'disabled', weekday: current?.weekday ?? keep, weekend: current?.weekend ?? keep };
  }
  return { type: 'custom', weekday: toWindow(arg.weekday, 'weekday'), weekend: toWindow(arg.weekend, 'weekend') };
}

export function describeSchedule(s: Pick<Schedule, 'type' | 'weekday' | 'weekend'>): string {
  return s.type === 'disabled' ? 'no schedule (charge any time)' : `weekdays ${windowText(s.weekday)}; weekends ${windowText(s.weekend)}`;
}

export async function editSchedule(deps: CommandDeps, unitArg?: unknown, scheduleArg?: ScheduleArg, draft?: ScheduleArg): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Edit Schedule');
  if (!unit) return;
  const api = apiOf(deps, unit);
  if (!api) return;
  const title = `JuiceNet: Schedule of ${unit.name}`;
  let current: Schedule | undefined = unit.schedule;
  if (!scheduleArg) {
    try {
      current = await withCallProgress(`JuiceNet: reading the schedule of ${unit.name}…`, (signal) => api.client.getSchedule(api.auth, { signal }));
    } catch (e) {
      return reportFailure(deps, `reading the schedule of ${unit.name}`, e, () => editSchedule(deps, unit.key, undefined, draft));
    }
  }
  let arg = scheduleArg;
  if (!arg) {
    const prevType = draft?.type ?? current?.type;
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'Disabled', description: prevType === 'disabled' ? 'current' : undefined, detail: 'Charge any time of day.', type: 'disabled' as const },
        {
          label: 'Custom',
          description: prevType === 'custom' ? 'current' : undefined,
          detail: 'Charge only inside weekday and weekend windows (e.g. off-peak hours).',
          type: 'custom' as const,
        },
      ],
      { title, placeHolder: current ? `Now: ${describeSchedule(current)}` : 'Pick the schedule type', ignoreFocusOut: true },
    );
    if (!picked) return;
    arg = { type: picked.type };
    if (picked.type === 'custom') {
      const weekday = await askWindow(title, 'Weekdays', draft?.weekday ?? current?.weekday);
      if (!weekday) return;
      const weekend = await askWindow(title, 'Weekends', draft?.weekend ?? current?.weekend);
      if (!weekend) return;
      arg = { type: 'custom', weekday, weekend };
    }
  }
  let schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'>;
  try {
    schedule = toSchedule(arg, current);
  } catch (e) {
    return reportInvalid(deps, `schedule not sent: ${(e as Error).message}`, () => editSchedule(deps, unit.key, undefined, arg));
  }
  if (!scheduleArg) {
    const ok = await vscode.window.showQuickPick(
      [
        { label: '$(check) Save', description: describeSchedule(schedule), go: true },
        { label: '$(edit) Change', description: 'edit the times again', go: false },
      ],
      { title: `${title}: confirm`, placeHolder: `Send: ${describeSchedule(schedule)}?`, ignoreFocusOut: true },
    );
    if (!ok) return;
    if (!ok.go) return editSchedule(deps, unit.key, undefined, arg);
  }
  try {
    const { readBack, confirmed, replyLost } = await withCallProgress(`JuiceNet: saving the schedule of ${unit.name}…`, (signal) =>
      writeSchedule(api, schedule, signal),
    );
    await refreshAfterWrite(deps, unit.key);
    if (!confirmed) {
      void deps.notify.warn(`JuiceNet: ${unit.name} accepted the schedule but reports ${describeSchedule(readBack)}. Check it and try again.`);
      return;
    }
    void deps.notify.info(`JuiceNet: schedule of ${unit.name} saved: ${describeSchedule(schedule)}${replyLostNote(replyLost, 'the new schedule')}.`);
  } catch (e) {
    await reportFailure(deps, `saving the schedule of ${unit.name}`, e, () => editSchedule(deps, unit.key, undefined, arg));
  }
}
