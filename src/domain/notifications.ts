// Charger notifications: the events in words, the choices offered, the settings built from a
// choice and compared with a read-back. Pure (no vscode): the command, the panel and the soak
// benchmark share these.
import { NOTIFICATION_EVENTS, type NotificationSettings } from './model';
import { eventLabel } from './labels';

// One label per event, shared with the alerts and the panel (./labels).
export { eventLabel } from './labels';

export interface NotificationChoice {
  label: string;
  description: string;
  event: string;
  channel: 'email' | 'push';
  picked: boolean;
}

/** The events to offer: the protocol's events plus any other the server returned, in a stable order. */
export function notificationEvents(current: NotificationSettings): string[] {
  const out: string[] = [...NOTIFICATION_EVENTS];
  for (const k of Object.keys(current)) if (!out.includes(k)) out.push(k);
  return out;
}

/** Events × {email, push}, the current values pre-selected. */
export function notificationChoices(current: NotificationSettings): NotificationChoice[] {
  const items: NotificationChoice[] = [];
  for (const event of notificationEvents(current)) {
    for (const channel of ['email', 'push'] as const) {
      items.push({
        label: `${eventLabel(event)} — ${channel === 'email' ? 'email' : 'push'}`,
        // Words only: the protocol's event name stays out of sight.
        description: event === 'is_not_plugged_in_by' ? 'you set the time next' : '',
        event,
        channel,
        picked: current[event]?.[channel] === true,
      });
    }
  }
  return items;
}

/** Whether the "not plugged in by" time matters: the event is on by email or push. */
export function needsNotPluggedInTime(picked: { event: string }[]): boolean {
  return picked.some((p) => p.event === 'is_not_plugged_in_by');
}

/**
 * The settings to send: every offered event with email/push from the picked set, the
 * not-plugged-in-by time, and whatever else the server had (webhooks) kept as it was.
 */
export function buildNotificationSettings(
  current: NotificationSettings,
  picked: { event: string; channel: 'email' | 'push' }[],
  notPluggedInByMinutes: number | undefined,
): NotificationSettings {
  const out: NotificationSettings = {};
  for (const event of notificationEvents(current)) {
    const prev = current[event];
    const next = {
      ...(prev ?? {}),
      email: picked.some((p) => p.event === event && p.channel === 'email'),
      push: picked.some((p) => p.event === event && p.channel === 'push'),
    };
    if (event === 'is_not_plugged_in_by') next.time = notPluggedInByMinutes ?? prev?.time ?? 0;
    out[event] = next;
  }
  return out;
}

/** Events (keys) whose read-back differs from what was sent (email, push, time); empty when all match. */
export function notificationMismatches(sent: NotificationSettings, readBack: NotificationSettings): string[] {
  const bad: string[] = [];
  for (const [event, s] of Object.entries(sent)) {
    if (!s) continue;
    const r = readBack[event];
    // An event the server does not list (the protocol's get reply omits unplug/plugin) can't be checked.
    if (!r) continue;
    if (r.email !== s.email || r.push !== s.push || (s.time !== undefined && r.time !== s.time)) bad.push(event);
  }
  return bad;
}
