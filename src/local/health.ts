// Watching over the boxes: a box that stops reporting is offline ("unreachable since 14:05", in
// the box's zone) until it reports again; "not plugged in by" is raised once a day at the owner's
// time. The server calls `tick` every few seconds and `reported` on every valid report.
import { unitZone } from '../server/rules';
import { localTime } from '../domain/time-zone';
import type { BoxEvent, BoxRegistry, LocalBox } from './registry';

export class BoxHealth {
  constructor(
    private readonly registry: BoxRegistry,
    private readonly now: () => number,
  ) {}

  /** A valid report of `box` arrived at `now`: the events it raises (back online). */
  reported(box: LocalBox, now: number): BoxEvent[] {
    void now;
    if (box.online) return [];
    box.online = true;
    return box.last ? ['is_back_online'] : [];
  }

  /** Marks boxes offline that stopped reporting, and raises "not plugged in by" (call every few seconds). */
  tick(): void {
    const now = this.now();
    for (const box of this.registry.all()) {
      if (box.online && box.last && now - box.last.atS > this.registry.offlineAfterS(box)) {
        box.online = false;
        this.registry.notify(box, 'is_offline', { last_report: Math.floor(box.last.atS) });
      }
      const n = box.settings.notifications.is_not_plugged_in_by;
      if (n && typeof n.time === 'number' && n.time > 0 && !box.session) {
        const lt = localTime(unitZone(box.settings.info), now);
        const day = Math.floor((now + lt.offsetS) / 86400);
        if (lt.minuteOfDay >= n.time && box.notPluggedDay !== day) {
          box.notPluggedDay = day;
          this.registry.notify(box, 'is_not_plugged_in_by', {});
        }
      }
    }
  }
}
