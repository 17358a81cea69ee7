// The one place that decides and sets a box's current limit. Whatever changes a limit (the
// JuiceNet commands, MQTT, smart charging) goes through `setLimit`; whatever asks what a box may
// draw now asks `decide`: the owner's limit capped by the rating, unless a reached goal, a hold
// (set_charging_time) or the schedule says 0, or an override lets it charge through them. The
// replies to a box's reports are built here from that decision.
import { encodeCommand, nextCommandCounter } from '../juicebox/codec';
import { MIN_AMPS } from '../domain/amps';
import { scheduleAllowsAt } from '../domain/schedule';
import { localTime } from '../domain/time-zone';
import { ProtocolError, ratingAmps, unitZone } from '../server/rules';
import type { BoxRegistry, LocalBox } from './registry';

/** Why a box may draw what `decide` says. */
export type LimitReason = 'limit' | 'override' | 'goal-reached' | 'hold' | 'schedule';

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

  /** What the box may draw at `now` under the server's rules, and why. */
  decide(box: LocalBox, now: number): LimitDecision {
    const s = box.settings;
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

  /** Sets the owner's limit of a box (checked, stored, told to listeners); the next reply carries it. */
  setLimit(unitId: string, amps: number, by: LimitChanger = 'owner'): void {
    const box = this.registry.require(unitId);
    this.checkLimit(box, amps);
    if (box.settings.ampsLimit === amps) return;
    const infoTimestamp = Math.max(Math.floor(this.now()), box.settings.infoTimestamp + 1);
    box.settings = { ...box.settings, ampsLimit: amps, infoTimestamp };
    this.registry.save(box);
    if (by === 'mqtt' || by === 'smart-charging')
      this.log(`${this.registry.nameOf(box)} (${box.unitId}): limit set to ${amps} A by ${by === 'mqtt' ? 'MQTT' : 'smart charging'}`);
  }

  /** Checks and applies an offline limit (the one the box keeps in EEPROM): changed only by the owner. */
  setOfflineLimit(box: LocalBox, amps: unknown, info: Record<string, unknown>): void {
    const max = ratingAmps(info);
    if (typeof amps !== 'number' || !Number.isInteger(amps) || (amps !== 0 && (amps < MIN_AMPS || amps > max))) {
      throw new ProtocolError(422, `offline_amps_limit must be 0 or a whole number from ${MIN_AMPS} to ${max} A`);
    }
    box.offlineLimitA = amps;
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

  /** The command datagram answering a report of `box` (its counter steps once per command). */
  reply(box: LocalBox, protocolVersion: string | undefined, now: number): { datagram: string; onlineA: number; offlineA: number } {
    const onlineA = this.replyLimit(box, now);
    const offlineA = box.offlineLimitA;
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
    return { datagram, onlineA, offlineA };
  }
}
