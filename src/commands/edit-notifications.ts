// juicenet.editNotifications: which events send email/push, and the "not plugged in by" time.
// Reads get_notifications, offers events × {email, push} (current ones pre-selected), sends
// set_notifications with every event (webhooks kept), then reads back and compares.
// Test arguments: (unit, { picked: ['start_charging.email', 'is_offline.push', ...], notPluggedInBy?: 'HH:MM' | minutes }).
import * as vscode from 'vscode';
import type { NotificationSettings } from '../domain/model';
import { minutesToHHMM, toMinutes, validateHHMM } from '../domain/schedule';
import {
  apiOf,
  askText,
  onLocalServer,
  refreshAfterWrite,
  replyLostNote,
  reportFailure,
  reportInvalid,
  resolveUnit,
  withCallProgress,
  type CommandDeps,
} from './run';
import { buildNotificationSettings, eventLabel, needsNotPluggedInTime, notificationChoices, notificationEvents } from '../domain/notifications';
import { writeNotifications } from '../state/unit-writes';

export interface NotificationsArg {
  picked: string[];
  notPluggedInBy?: string | number;
}

export async function editNotifications(deps: CommandDeps, unitArg?: unknown, arg?: NotificationsArg, draft?: NotificationsArg): Promise<void> {
  const unit = await resolveUnit(deps, unitArg, 'Edit Notifications');
  if (!unit) return;
  if (onLocalServer(deps, unit.accountId)) {
    void deps.notify.info(
      `JuiceNet: ${unit.name} is on a local server, which cannot send email or push notifications (those were the JuiceNet cloud's). It sends each event to a webhook instead: set one in the charger panel's Notifications tab.`,
    );
    return;
  }
  const api = apiOf(deps, unit);
  if (!api) return;
  const title = `JuiceNet: Notifications of ${unit.name}`;
  let current: NotificationSettings;
  try {
    current = await withCallProgress(`JuiceNet: reading the notifications of ${unit.name}…`, (signal) => api.client.getNotifications(api.auth, { signal }));
  } catch (e) {
    return reportFailure(deps, `reading the notifications of ${unit.name}`, e, () => editNotifications(deps, unit.key, arg, draft));
  }
  let input = arg;
  if (!input) {
    const preset = draft ? new Set(draft.picked) : undefined;
    const items = notificationChoices(current).map((c) => ({ ...c, picked: preset ? preset.has(`${c.event}.${c.channel}`) : c.picked }));
    const picked = await vscode.window.showQuickPick(items, {
      title,
      placeHolder: 'Tick the notifications to receive (email and/or push per event); untick to stop them.',
      canPickMany: true,
      matchOnDescription: true,
      ignoreFocusOut: true,
    });
    if (!picked) return;
    input = { picked: picked.map((p) => `${p.event}.${p.channel}`) };
    // The time is asked only when its event is on: otherwise it would mean nothing.
    if (needsNotPluggedInTime(picked)) {
      const cur = current.is_not_plugged_in_by?.time;
      const time = await askText({
        title,
        prompt: `"${eventLabel('is_not_plugged_in_by').replace(/ …$/, '')}" time (HH:MM): you are told if the car is not plugged in by then.`,
        value: draft?.notPluggedInBy !== undefined ? String(draft.notPluggedInBy) : cur !== undefined ? minutesToHHMM(cur) : '21:00',
        validate: validateHHMM,
      });
      if (time === undefined) return;
      input.notPluggedInBy = time.trim();
    }
  }
  const events = notificationEvents(current);
  const again = () => editNotifications(deps, unit.key, undefined, input);
  const parsed: { event: string; channel: 'email' | 'push' }[] = [];
  for (const p of input.picked) {
    const m = /^(.+)\.(email|push)$/.exec(p);
    if (!m || !events.includes(m[1])) return reportInvalid(deps, `"${p}" is not a notification: use <event>.email or <event>.push.`, again);
    parsed.push({ event: m[1], channel: m[2] as 'email' | 'push' });
  }
  let minutes: number | undefined;
  try {
    minutes = input.notPluggedInBy === undefined ? undefined : toMinutes(input.notPluggedInBy, '"Not plugged in by" time');
    if (minutes === 1440) minutes = 0;
  } catch (e) {
    return reportInvalid(deps, (e as Error).message, again);
  }
  const settings = buildNotificationSettings(current, parsed, minutes);
  try {
    const {
      mismatches: bad,
      confirmed,
      replyLost,
    } = await withCallProgress(`JuiceNet: saving the notifications of ${unit.name}…`, (signal) => writeNotifications(api, settings, signal));
    await refreshAfterWrite(deps, unit.key);
    if (!confirmed) {
      void deps.notify.warn(
        `JuiceNet: ${unit.name} accepted the notifications but reports different values for: ${bad.map(eventLabel).join(', ')}. Open the command again to check.`,
      );
      return;
    }
    const on = parsed.length;
    void deps.notify.info(
      `JuiceNet: notifications of ${unit.name} saved (${on} on${minutes !== undefined ? `, not plugged in by ${minutesToHHMM(minutes)}` : ''})${replyLostNote(replyLost, 'the new settings')}.`,
    );
  } catch (e) {
    await reportFailure(deps, `saving the notifications of ${unit.name}`, e, again);
  }
}
