// Watching over the boxes, in words an owner reads:
// - a box that stops reporting is "unreachable since 14:05" (in the box's zone) until it reports
//   again ("back"); the server calls `tick` every few seconds and `reported` on every valid report;
// - a box that keeps ignoring the limit the server sends is flagged, with the likely causes;
// - a box whose reports move to another stream (another port of this server, or of the box) is
//   followed: the newest stream is the active one, and replies go there;
// - "not plugged in by" is raised once a day at the owner's time.
import { clockTime } from '../domain/format';
import { ratingAmps, unitZone } from '../server/rules';
import { localDayNumber, localTime } from '../domain/time-zone';
import type { BoxEvent, BoxRegistry, BoxStream, LocalBox, StreamRecord } from './registry';

/** Reports in a row that ignore the server's limit before a box is flagged. */
export const IGNORED_REPORTS_BEFORE_FLAG = 3;
/** Streams remembered per box (a box has one or two; more are made-up sources). */
const STREAMS_KEPT = 4;

export interface BoxHealthOptions {
  now: () => number;
  log: (line: string) => void;
}

function streamWords(s: BoxStream): string {
  return `UDP port ${s.localPort} (from ${s.address}${s.port ? ` port ${s.port}` : ''})`;
}

/**
 * One stream: this server's port and the box's address. The box's own port is not part of it: a
 * box that picks another source port (after a restart, or per datagram on some firmware) keeps its
 * stream, and replies simply go to the port its latest report came from.
 */
function sameStream(a: BoxStream, b: BoxStream): boolean {
  return a.localPort === b.localPort && a.address === b.address;
}

export class BoxHealth {
  private streamsStarted = 0;

  constructor(
    private readonly registry: BoxRegistry,
    private readonly opts: BoxHealthOptions,
  ) {}

  /** "14:05" in the box's zone, with the day when it is not today there ("4 Dec 14:05"). */
  clock(box: LocalBox, atS: number): string {
    const zone = unitZone(box.settings.info);
    const hm = clockTime(atS * 1000, zone);
    if (localDayNumber(zone, atS) === localDayNumber(zone, this.opts.now())) return hm;
    const day = new Date(atS * 1000).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: zone });
    return `${day} ${hm}`;
  }

  /** Words of a box's reachability: undefined while it reports, else "unreachable since 14:05". */
  unreachableWords(box: LocalBox): string | undefined {
    if (box.online || box.silentSinceS === undefined) return undefined;
    return `unreachable since ${this.clock(box, box.silentSinceS)}`;
  }

  /**
   * A report of `box` came in on `stream`: remembers it, and returns it with whether it is the
   * active stream (the newest of those alive). A change of active stream is logged and told.
   */
  followStream(box: LocalBox, stream: BoxStream, now: number): BoxStream & { active: boolean } {
    const window = this.registry.offlineAfterS(box);
    let rec = box.streams.find((s) => sameStream(s, stream));
    if (rec && now - rec.lastS > window) {
      // A stream silent for longer than a box may be is a new one when it reports again.
      rec.firstS = now;
      rec.order = ++this.streamsStarted;
      rec.reports = 0;
    }
    if (!rec) {
      rec = { ...stream, order: ++this.streamsStarted, firstS: now, lastS: now, reports: 0 };
      box.streams.push(rec);
      if (box.streams.length > STREAMS_KEPT) {
        const oldest = box.streams.filter((s) => s !== rec && s !== box.activeStream).sort((a, b) => a.lastS - b.lastS)[0];
        box.streams.splice(box.streams.indexOf(oldest), 1);
      }
    }
    rec.port = stream.port;
    rec.lastS = now;
    rec.reports++;
    let active: StreamRecord = rec;
    for (const s of box.streams) if (now - s.lastS <= window && s.order > active.order) active = s;
    const from = box.activeStream;
    if (from !== active) {
      box.activeStream = active;
      if (from) {
        const words =
          `${this.registry.nameOf(box)} (${box.unitId}) now reports to ${streamWords(active)}; it reported to ${streamWords(from)} until ${this.clock(box, from.lastS)}. ` +
          `Replies go to the new stream${now - from.lastS <= window ? '; reports still arriving on the old one are recorded but not answered' : ''}.`;
        this.opts.log(words);
        // Whether the box obeys is judged afresh on the new stream.
        box.ignoredReports = 0;
        box.lastSentA = undefined;
        this.registry.events.emit('streamChanged', { unitId: box.unitId, from: { ...strip(from) }, to: { ...strip(active) }, words });
      }
    }
    return { ...strip(rec), active: rec === active };
  }

  /** A valid report of `box` arrived at `now`: the events it raises (back online). */
  reported(box: LocalBox, now: number): BoxEvent[] {
    if (box.online) return [];
    box.online = true;
    const since = box.silentSinceS;
    box.silentSinceS = undefined;
    if (!box.last) return [];
    const silentSinceS = since ?? box.last.atS;
    const words = `${this.registry.nameOf(box)} is back: it reports again since ${this.clock(box, now)} (unreachable since ${this.clock(box, silentSinceS)})`;
    this.opts.log(words);
    this.registry.events.emit('back', { unitId: box.unitId, name: this.registry.nameOf(box), silentSinceS, atS: now, words });
    return ['is_back_online'];
  }

  /**
   * Does the box obey? Compares the online limit a report carries with the one the server sent
   * last; a box that reports another limit IGNORED_REPORTS_BEFORE_FLAG times in a row is flagged.
   */
  observeLimit(box: LocalBox, r: { onlineLimitA?: number }): void {
    const sent = box.lastSentA;
    if (box.monitorOnly || sent === undefined || r.onlineLimitA === undefined) return;
    // A box caps what it is sent at its own rating.
    const expected = Math.min(sent, ratingAmps(box.settings.info));
    const obeys = r.onlineLimitA === expected || r.onlineLimitA === sent;
    const name = this.registry.nameOf(box);
    if (obeys) {
      box.ignoredReports = 0;
      if (box.ignoring !== undefined) {
        box.ignoring = undefined;
        const words = `${name} (${box.unitId}) obeys the server again: it reports the ${sent} A it was sent`;
        this.opts.log(words);
        this.registry.events.emit('obeying', { unitId: box.unitId, name, words });
      }
      return;
    }
    box.ignoredReports++;
    if (box.ignoredReports < IGNORED_REPORTS_BEFORE_FLAG || box.ignoring !== undefined) return;
    const words =
      `${name} (${box.unitId}) ignores the limit this server sends: it reports ${r.onlineLimitA} A after ${box.ignoredReports} replies of ${sent} A. ` +
      'Likely causes: its reports reach this server on a redirected stream while its firmware obeys only its active stream (point it by a DNS or router rule rather than telnet udpc, then restart it); ' +
      'another server answers it too (the vendor cloud, JuicePass Proxy or a second JuiceNet Local); ' +
      'or its firmware encrypts its traffic or does not take local commands.';
    box.ignoring = words;
    this.opts.log(words);
    this.registry.events.emit('disobeying', { unitId: box.unitId, name, sentA: sent, reportedA: r.onlineLimitA, reports: box.ignoredReports, words });
  }

  /** Marks boxes offline that stopped reporting, and raises "not plugged in by" (call every few seconds). */
  tick(): void {
    const now = this.opts.now();
    for (const box of this.registry.all()) {
      if (box.online && box.last && now - box.last.atS > this.registry.offlineAfterS(box)) {
        box.online = false;
        box.silentSinceS = box.last.atS;
        const name = this.registry.nameOf(box);
        const words = `${name} is ${this.unreachableWords(box)}: no report for ${Math.round(now - box.last.atS)} s`;
        this.opts.log(words);
        this.registry.events.emit('silent', { unitId: box.unitId, name, sinceS: box.last.atS, words });
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

function strip(s: BoxStream): BoxStream {
  return { localPort: s.localPort, address: s.address, port: s.port };
}
