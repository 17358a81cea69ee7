// The simulated source of units: the simulator's chargers (fixtures.ts) living by their physics
// (physics.ts) on a virtual clock, served by the one JuiceNet protocol server (src/server), with
// the controls tests and the demo use (plug in, unplug, offline, error, snapshots).
import { Accounts } from '../server/accounts';
import { JuiceNetProtocol, type Endpoint, type ProtocolReply } from '../server/protocol';
import { ProtocolError } from '../server/rules';
import type { StateReply } from '../server/state-reply';
import type { OverrideRequest } from '../domain/model';
import type { AccountUnitEntry, ChargeInterval, SessionSummary, UnitSettings, UnitSource } from '../server/types';
import { createSimUnit } from './fixtures';
import type { SimUnitSnapshot } from './model';
import { SimUnit, advanceUnit, ensureHistory, finishSession, isOffline, lastPingS, plug, renderState, reportedState } from './physics';
import { Prng, childSeed } from './prng';

export { DISCONNECT_AFTER_INTERVALS } from './physics';

/** A command failed in a way the protocol reports with success:false. */
export const SimError = ProtocolError;
export type SimError = ProtocolError;

/** A reply: HTTP status and JSON body. */
export type EngineReply = ProtocolReply;

export interface EngineOptions {
  seed: number;
  startTime: number;
  units: number;
  spareUnits: number;
  accountToken?: string;
  autoPlug: boolean;
  historyPageSize: number;
  /** Days of seeded history (0 or absent: the short default past). */
  historyDays?: number;
  /** Virtual seconds per real second, for the share PIN's lifetime (15 real minutes). */
  speed: number;
  now: () => number;
  /** The first 8 digits of every unit ID (default DEMO_SERIAL_PREFIX). */
  serialPrefix?: string;
}

/** Share PIN: 15 real minutes, single use, a few wrong tries. */
const PIN_REAL_TTL_S = 900;

export class SimEngine implements UnitSource {
  readonly accounts: Accounts;
  readonly protocol: JuiceNetProtocol;
  readonly defaultAccountToken: string;
  readonly spareUnitIds: string[] = [];
  readonly historyQuirk = true;
  private readonly units = new Map<string, SimUnit>();
  private unitCount = 0;

  constructor(private readonly opts: EngineOptions) {
    const ids = new Prng(childSeed(opts.seed, 0, 1));
    this.accounts = new Accounts(
      { accountToken: () => ids.uuid(), unitToken: () => ids.hex(32), next: () => ids.next() },
      {
        accountCreated: () => undefined,
        unitAttached: (_account, unitId) => {
          const spare = this.spareUnitIds.indexOf(unitId);
          if (spare >= 0) this.spareUnitIds.splice(spare, 1);
        },
      },
    );
    this.protocol = new JuiceNetProtocol({
      accounts: this.accounts,
      source: this,
      now: opts.now,
      historyPageSize: opts.historyPageSize,
      pinTtlS: PIN_REAL_TTL_S * Math.max(1, opts.speed),
      unitIdPattern: /^\d{28}$/,
      unitIdMessage: 'The unit ID must be the 28 digits printed on the JuiceBox',
    });
    this.defaultAccountToken = this.createAccount(opts.accountToken);
    for (let i = 0; i < opts.units; i++) {
      const u = this.makeUnit();
      this.attach(this.defaultAccountToken, u.unitId);
    }
    for (let i = 0; i < opts.spareUnits; i++) this.spareUnitIds.push(this.makeUnit().unitId);
  }

  // ---------------------------------------------------------------- accounts and units

  createAccount(token?: string): string {
    return this.accounts.create(token);
  }

  accountUnits(accountToken: string): AccountUnitEntry[] {
    return this.protocol.accountUnits(accountToken);
  }

  /** Adds a unit to an account (idempotent: an account that already has it gets its existing token). */
  attach(accountToken: string, unitId: string): AccountUnitEntry {
    return this.protocol.attach(accountToken, unitId);
  }

  private makeUnit(): SimUnit {
    const u = createSimUnit(this.unitCount++, this.opts.seed, this.opts.startTime, this.opts.autoPlug, this.opts.historyDays ?? 0, this.opts.serialPrefix);
    this.units.set(u.unitId, u);
    return u;
  }

  /** Runs one protocol command for an endpoint (success:false replies for protocol errors). */
  execute(endpoint: Endpoint, rawBody: Record<string, unknown>): EngineReply {
    return this.protocol.execute(endpoint, rawBody);
  }

  // ---------------------------------------------------------------- the unit source

  hasUnit(unitId: string): boolean {
    return this.units.has(unitId);
  }

  prepare(unitId: string, now: number): void {
    advanceUnit(this.unitOrThrow(unitId), now);
  }

  settings(unitId: string): Readonly<UnitSettings> {
    return this.unitOrThrow(unitId);
  }

  update(unitId: string, patch: Partial<UnitSettings>): void {
    Object.assign(this.unitOrThrow(unitId), patch);
  }

  setOverride(unitId: string, r: OverrideRequest): void {
    const u = this.unitOrThrow(unitId);
    u.overrideTime = r.overrideTime;
    // energy_to_add is the session's goal, as get_state's wh_energy_to_add reports it ("amount
    // of energy to be added", counted from plug-in like wh_energy), not an amount on top of what
    // the car already took. 0 means "not set": the car's own need stays.
    if (r.overrideTime > 0 && r.energyToAddWh !== undefined && r.energyToAddWh > 0) {
      if (u.car) {
        if (u.car.energyToAddWh !== r.energyToAddWh) {
          u.car.energyToAddWh = r.energyToAddWh;
          // A bigger goal restarts a car that had reached the old one; a smaller one may end the session.
          u.car.full = u.car.sessionWh >= r.energyToAddWh;
        }
      } else u.pendingEnergyToAddWh = r.energyToAddWh;
    }
    if (r.overrideTime > 0 && r.energyAtPluginWh !== undefined) {
      if (u.car) u.car.energyAtPluginWh = r.energyAtPluginWh;
      else if (r.energyAtPluginWh > 0) u.pendingEnergyAtPluginWh = r.energyAtPluginWh;
    }
    // Overriding a full car restarts nothing: the battery is full.
  }

  state(unitId: string, now: number): StateReply {
    return reportedState(this.unitOrThrow(unitId), now);
  }

  history(unitId: string, beforeId: number, limit: number): { sessions: SessionSummary[]; more: boolean } {
    const all = ensureHistory(this.unitOrThrow(unitId));
    const page: SessionSummary[] = [];
    let i = all.length - 1;
    while (i >= 0 && all[i].id >= beforeId) i--;
    for (; i >= 0 && page.length < limit; i--) page.push(all[i]);
    return { sessions: page, more: i >= 0 };
  }

  sessionIntervals(unitId: string, sessionId: number, now: number): { start: number; end: number; parts: ChargeInterval[] } | undefined {
    const u = this.unitOrThrow(unitId);
    const live = u.car && u.car.sessionId === sessionId ? u.car : undefined;
    if (live) return { start: live.plugTimeS, end: now, parts: live.intervals };
    const s = ensureHistory(u).find((x) => x.id === sessionId);
    return s && { start: s.timeStart, end: s.timeEnd, parts: s.intervals };
  }

  historyKey(unitId: string): string {
    return (this.unitOrThrow(unitId).seed >>> 0).toString(16);
  }

  // ---------------------------------------------------------------- controls

  private unitOrThrow(unitId: string): SimUnit {
    const u = this.units.get(unitId);
    if (!u) throw new Error(`simulator: unknown unit ${unitId}`);
    return u;
  }

  /** Brings a unit to the current virtual time and returns it. */
  touch(unitId: string): SimUnit {
    const u = this.unitOrThrow(unitId);
    advanceUnit(u, this.opts.now());
    return u;
  }

  plugIn(unitId: string, energyToAddWh?: number, energyAtPluginWh?: number): void {
    const u = this.touch(unitId);
    if (u.car) return;
    plug(u, this.opts.now(), energyToAddWh, energyAtPluginWh);
    if (this.opts.autoPlug) u.nextEventS = this.opts.now() + u.events.int(5 * 3600, 15 * 3600);
  }

  unplug(unitId: string): void {
    const u = this.touch(unitId);
    if (!u.car) return;
    finishSession(u, this.opts.now());
    if (this.opts.autoPlug) u.nextEventS = this.opts.now() + u.events.int(2 * 3600, 14 * 3600);
  }

  setError(unitId: string, error: boolean): void {
    this.touch(unitId).error = error;
  }

  setOffline(unitId: string, offline: boolean, source: 'manual' | 'fault'): void {
    const u = this.touch(unitId);
    const was = isOffline(u);
    if (source === 'manual') u.offlineManual = offline;
    else u.offlineFault = offline;
    const is = isOffline(u);
    const now = this.opts.now();
    if (!was && is) {
      u.offlineSinceS = now;
      u.frozen = renderState(u, now);
    } else if (was && !is) {
      u.offlineSinceS = undefined;
      u.frozen = undefined;
    }
  }

  /** Units offline because of the fault config. */
  setFaultOffline(unitIds: readonly string[]): void {
    const want = new Set(unitIds);
    for (const u of this.units.values()) {
      if (u.offlineFault !== want.has(u.unitId)) this.setOffline(u.unitId, want.has(u.unitId), 'fault');
    }
  }

  snapshot(unitId: string): SimUnitSnapshot {
    const u = this.touch(unitId);
    const now = this.opts.now();
    const live = renderState(u, now);
    const reported = reportedState(u, now);
    const liveCharging = live.charging as Record<string, number>;
    const history = ensureHistory(u);
    const car = u.car ? (({ intervals: _i, ...rest }) => rest)(u.car) : null;
    return structuredClone({
      unitId: u.unitId,
      name: typeof u.info.name === 'string' ? u.info.name : '',
      state: live.state as SimUnitSnapshot['state'],
      reportedState: reported.state as string,
      online: !isOffline(u),
      virtualNowS: now,
      ampsLimit: u.ampsLimit,
      ampsCurrent: liveCharging.amps_current,
      voltageV: liveCharging.voltage,
      powerW: liveCharging.watt_power,
      schedule: u.schedule,
      info: u.info,
      infoTimestamp: u.infoTimestamp,
      notifications: u.notifications,
      overrideTime: u.overrideTime,
      chargingTime: u.chargingTime,
      car,
      lifetimeEnergyWh: u.lifetimeWh,
      updateIntervalS: u.updateIntervalS,
      timeLastPingS: lastPingS(u, now),
      sessions: history
        .slice()
        .reverse()
        .map(({ intervals: _i, ...s }) => s),
      accounts: this.accounts.ownerCount(u.unitId),
      sharePin: this.accounts.pinOf(u.unitId, now),
    });
  }
}
