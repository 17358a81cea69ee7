// The one place that decides and sets a box's current limit. Whatever changes a limit (the
// JuiceNet commands, MQTT, smart charging) goes through `setLimit` (or `checkWrite` for the other
// settings that steer a box); whatever asks what a box may draw now asks `decide`: the owner's
// limit capped by the rating, unless a reached goal, a hold (set_charging_time) or the schedule
// says 0, or an override lets it charge through them. A monitor-only box is never sent anything,
// and every write to it is refused in words. The replies to a box's reports are built here, and
// so is the care of its offline limit (kept in the box's EEPROM: sent once per owner's change).
import { encodeCommand, nextCommandCounter } from '../juicebox/codec';
import { MIN_AMPS } from '../domain/amps';
import { scheduleAllowsAt } from '../domain/schedule';
import { localTime } from '../domain/time-zone';
import { ProtocolError, ratingAmps, unitZone } from '../server/rules';
import type { UnitSettings } from '../server/types';
import type { BoxRegistry, LocalBox } from './registry';

/** Why a box may draw what `decide` says. */
export type LimitReason = 'limit' | 'override' | 'goal-reached' | 'hold' | 'schedule' | 'monitor-only';

export interface LimitDecision {
  /** Amps the replies carry now (0 = paused). */
  amps: number;
  reason: LimitReason;
}

/**
 * Smart charging's say in a reply: the amps to send, given the box (its report just taken) and the
 * owner's decision. Called once per reply; never raises above the owner's decision.
 */
export type ReplyCap = (box: LocalBox, owner: LimitDecision, now: number) => number;

/** Who changes a limit (for the log and for listeners). */
export type LimitChanger = 'api' | 'mqtt' | 'smart-charging' | 'owner';

export class BoxLimits {
  private replyCap?: ReplyCap;

  constructor(
    private readonly registry: BoxRegistry,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {}

  /** What the box may draw at `now` under the server's rules, and why (monitor-only: what it reports it has). */
  decide(box: LocalBox, now: number): LimitDecision {
    const s = box.settings;
    if (box.monitorOnly) return { amps: box.last?.onlineLimitA ?? Math.min(s.ampsLimit, ratingAmps(s.info)), reason: 'monitor-only' };
    const limit = Math.min(s.ampsLimit, ratingAmps(s.info));
    if (box.session?.goalReached) return { amps: 0, reason: 'goal-reached' };
    if (s.overrideTime > 0 && s.overrideTime <= now) return { amps: limit, reason: 'override' };
    if (s.chargingTime > now) return { amps: 0, reason: 'hold' };
    if (!scheduleAllowsAt(s.schedule, unitZone(s.info), now)) return { amps: 0, reason: 'schedule' };
    return { amps: limit, reason: 'limit' };
  }

  /** The limit the replies carry now. */
  onlineLimit(box: LocalBox, now: number): number {
    return this.decide(box, now).amps;
  }

  /** Checks a limit against the box's rating: 0 (off) or MIN_AMPS..rating, whole amps. */
  checkLimit(box: LocalBox, amps: number, info: Record<string, unknown> = box.settings.info): void {
    const max = ratingAmps(info);
    if (!Number.isInteger(amps) || (amps !== 0 && (amps < MIN_AMPS || amps > max))) {
      throw new ProtocolError(422, `Invalid amperage ${amps}: use 0 (off) or a whole number from ${MIN_AMPS} to ${max} A`);
    }
  }

  /**
   * Refuses, in words, a change that would be sent to a monitor-only box (`what`: "its current
   * limit", "its schedule", ...). The protocol answers it as success:false with this message.
   */
  checkWritable(box: LocalBox, what: string): void {
    if (!box.monitorOnly) return;
    throw new ProtocolError(
      403,
      `${this.registry.nameOf(box)} is monitor only: this server records it but never sends it a command, so ${what} cannot be changed here. Turn monitor only off for this box to control it.`,
    );
  }

  /** Refuses a settings patch that would steer a monitor-only box (its limits, schedule, hold); other settings pass. */
  checkWrite(box: LocalBox, patch: Partial<UnitSettings>): void {
    if (!box.monitorOnly) return;
    const s = box.settings;
    if (patch.ampsLimit !== undefined && patch.ampsLimit !== s.ampsLimit) this.checkWritable(box, 'its current limit');
    if (patch.schedule !== undefined && JSON.stringify(patch.schedule) !== JSON.stringify(s.schedule)) this.checkWritable(box, 'its schedule');
    if (patch.chargingTime !== undefined && patch.chargingTime !== s.chargingTime) this.checkWritable(box, 'its charging time');
    if (patch.overrideTime !== undefined && patch.overrideTime !== s.overrideTime) this.checkWritable(box, 'its override');
    if (patch.info) {
      for (const k of ['amps_wire_rating', 'amps_unit_rating', 'offline_amps_limit']) {
        if (k in patch.info && patch.info[k] !== s.info[k]) this.checkWritable(box, `its ${k === 'offline_amps_limit' ? 'offline limit' : 'rating'}`);
      }
    }
  }

  /** Sets the owner's limit of a box (checked, stored, told to listeners); the next reply carries it. */
  setLimit(unitId: string, amps: number, by: LimitChanger = 'owner'): void {
    const box = this.registry.require(unitId);
    this.checkLimit(box, amps);
    this.checkWrite(box, { ampsLimit: amps });
    if (box.settings.ampsLimit === amps) return;
    const infoTimestamp = Math.max(Math.floor(this.now()), box.settings.infoTimestamp + 1);
    box.settings = { ...box.settings, ampsLimit: amps, infoTimestamp };
    this.registry.save(box);
    if (by === 'mqtt' || by === 'smart-charging')
      this.log(`${this.registry.nameOf(box)} (${box.unitId}): limit set to ${amps} A by ${by === 'mqtt' ? 'MQTT' : 'smart charging'}`);
  }

  /**
   * Checks and applies the owner's offline limit (the one the box keeps in EEPROM). The next
   * reply carries it, once; the caller stores the box's settings.
   */
  setOfflineLimit(box: LocalBox, amps: unknown, info: Record<string, unknown>): void {
    const max = ratingAmps(info);
    if (typeof amps !== 'number' || !Number.isInteger(amps) || (amps !== 0 && (amps < MIN_AMPS || amps > max))) {
      throw new ProtocolError(422, `offline_amps_limit must be 0 or a whole number from ${MIN_AMPS} to ${max} A`);
    }
    this.checkWritable(box, 'its offline limit');
    box.offlineLimitA = amps;
    box.offlinePending = true;
    this.registry.saveOfflineCare(box);
  }

  /** Lets smart charging cap the limit of every reply (undefined: the owner's decision alone). */
  setReplyCap(cap: ReplyCap | undefined): void {
    this.replyCap = cap;
  }

  /** The online limit of a reply now: the owner's decision, capped by smart charging. */
  private replyLimit(box: LocalBox, now: number): number {
    const owner = this.decide(box, now);
    if (!this.replyCap) return owner.amps;
    try {
      const capped = this.replyCap(box, owner, now);
      return Number.isInteger(capped) && capped >= 0 ? Math.min(owner.amps, capped) : Math.min(owner.amps, box.last?.onlineLimitA ?? 0);
    } catch (e) {
      // Never a raise on an internal error: the box keeps at most what it obeys now.
      this.log(`internal error in smart charging for ${box.unitId}: ${(e as Error).message}`);
      return Math.min(owner.amps, box.last?.onlineLimitA ?? 0);
    }
  }

  /**
   * The offline limit a reply carries: the owner's new one once after a change; otherwise what
   * the box reports it keeps (so the box has nothing to write), or, for boxes that do not report
   * it (v07 and older), the one the server keeps, which is the same on every reply.
   */
  private offlineForReply(box: LocalBox): number {
    if (box.offlinePending) {
      box.offlinePending = false;
      if (box.last?.offlineLimitA !== box.offlineLimitA) box.offlineWrites++;
      this.registry.saveOfflineCare(box);
      this.log(
        `${this.registry.nameOf(box)} (${box.unitId}): offline limit ${box.offlineLimitA} A sent (the box keeps it in its memory; ${box.offlineWrites} change${box.offlineWrites === 1 ? '' : 's'} sent so far)`,
      );
      return box.offlineLimitA;
    }
    return box.last?.offlineLimitA ?? box.offlineLimitA;
  }

  /**
   * The command datagram answering a report of `box` (its counter steps once per command), or
   * undefined for a monitor-only box, which is never sent anything.
   */
  reply(box: LocalBox, protocolVersion: string | undefined, now: number): { datagram: string; onlineA: number; offlineA: number } | undefined {
    if (box.monitorOnly) return undefined;
    const onlineA = this.replyLimit(box, now);
    const offlineA = this.offlineForReply(box);
    const lt = localTime(unitZone(box.settings.info), now);
    const local = new Date((Math.floor(now) + lt.offsetS) * 1000);
    box.counter = nextCommandCounter(box.counter);
    const datagram = encodeCommand({
      protocolVersion,
      dayOfWeek: local.getUTCDay(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      onlineA,
      offlineA,
      counter: box.counter,
    });
    box.lastSentA = onlineA;
    return { datagram, onlineA, offlineA };
  }
}
