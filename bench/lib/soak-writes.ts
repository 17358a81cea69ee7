// The soak's write driver: random writes through the very functions the unit commands call
// (src/state/unit-writes.ts, the Start and Stop rule of src/state/start-stop.ts, the limit memory), each judged right after it
// settles: a write reported done must be held by the server (bench/lib/soak-truth.ts writeNotHeld).
import { JuiceNetError, UncertainWriteError, UnverifiedWriteError } from '../../src/api/errors';
import type { Schedule } from '../../src/domain/model';
import { maxAmpsOf } from '../../src/domain/amps';
import { buildNotificationSettings, notificationEvents } from '../../src/domain/notifications';
import type { Prng } from '../../src/simulator/prng';
import type { RunningSimulator } from '../../src/simulator/index';
import { unitTimeZone } from '../../src/domain/time-zone';
import { runStart, runStop, writeLimitRemembering } from '../../src/state/start-stop';
import type { UnitStore } from '../../src/state/unit-store';
import { writeCancelOverride, writeChargingTime, writeNotifications, writeSchedule, type UnitTarget } from '../../src/state/unit-writes';
import { writePath, type Judge } from './soak-judge';
import { writeNotHeld, type SoakWrite } from './soak-truth';

export interface WriteStats {
  attempted: number;
  reportedDone: number;
  unconfirmed: number;
  failed: number;
  /** Failed calls whose write the server nevertheless holds (lost replies): honest but pessimistic. */
  failedButApplied: number;
  /** Failures reported with "may have been applied" or "accepted, not read back" (honest either way). */
  failedWithCaveat: number;
  /** failedButApplied per kind of write, and per error reported. */
  failedButAppliedByKind: Record<string, number>;
  failedButAppliedByError: Record<string, number>;
  /** Writes reported done although their reply was lost: the read-back showed the value sent. */
  replyLostConfirmed: number;
  falseReports: number;
  byKind: Record<string, number>;
  errors: Record<string, number>;
}

export const newWriteStats = (): WriteStats => ({
  attempted: 0,
  reportedDone: 0,
  unconfirmed: 0,
  failed: 0,
  failedButApplied: 0,
  failedWithCaveat: 0,
  failedButAppliedByKind: {},
  failedButAppliedByError: {},
  replyLostConfirmed: 0,
  falseReports: 0,
  byKind: {},
  errors: {},
});

export class WriteDriver {
  constructor(
    private readonly store: UnitStore,
    private readonly sim: RunningSimulator,
    private readonly rng: Prng,
    private readonly judge: Judge,
  ) {}

  /** One random write to `unitId`, as the commands make it; counted in `stats`, judged against the simulator. */
  async run(unitId: string, stats: WriteStats): Promise<void> {
    const api: UnitTarget | undefined = this.store.api(unitId);
    if (!api) throw new Error(`soak: no credentials for ${unitId}`);
    const view = this.store.getUnit(unitId);
    const before = this.sim.unit(unitId);
    const maxAmps = maxAmpsOf(view?.info) ?? Math.min(Number(before.info.amps_wire_rating), Number(before.info.amps_unit_rating));
    const signal = new AbortController().signal;
    const roll = this.rng.next();
    const kind =
      roll < 0.3
        ? 'limit'
        : roll < 0.4
          ? 'stop'
          : roll < 0.55
            ? 'start'
            : roll < 0.65
              ? 'cancel'
              : roll < 0.8
                ? 'schedule'
                : roll < 0.9
                  ? 'chargingTime'
                  : 'notifications';
    stats.attempted++;
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    let op: SoakWrite | undefined;
    /** A verified write's outcome: confirmed, counting those confirmed after a lost reply. */
    const outcome = (r: { confirmed: boolean; replyLost: boolean }) => {
      if (r.replyLost) stats.replyLostConfirmed++;
      return r.confirmed;
    };
    try {
      const done = await writePath.run(true, async (): Promise<boolean> => {
        switch (kind) {
          case 'limit': {
            const amps = this.rng.chance(0.15) ? 0 : this.rng.int(6, maxAmps);
            op = { kind: 'limit', amps };
            return outcome(await writeLimitRemembering(api, unitId, amps, signal));
          }
          case 'stop': {
            // As the Stop Charging command and the panel: the one rule (src/state/start-stop.ts).
            op = { kind: 'limit', amps: 0 };
            const o = await runStop(api, unitId, signal);
            return o.kind === 'nothingToDo' ? true : outcome(o);
          }
          case 'start': {
            // As the Start Charging command and the panel: the one rule; at 0 A with nothing remembered, the user picks the maximum.
            const ctx = {
              memoryKey: unitId,
              schedule: view?.schedule,
              zone: unitTimeZone(view?.info?.timeZoneId ?? (before.info.timeZoneId as string | undefined)),
              holdUntilS: view?.holdUntilS,
              maxAmps,
              signal,
              onSend: (sent: { overrideTime?: number; restoreAmps?: number }) => {
                op = { kind: 'start', ...sent };
              },
            };
            let o = await runStart(api, ctx);
            if (o.kind === 'needLimit') o = await runStart(api, { ...ctx, chosenAmps: maxAmps });
            return o.kind === 'started' ? outcome(o) : o.kind === 'nothingToDo';
          }
          case 'cancel':
            op = { kind: 'cancel' };
            return outcome(await writeCancelOverride(api, signal));
          case 'schedule': {
            const cur = view?.schedule;
            const keep = { start: 0, end: 0, carReadyBy: 0 };
            const win = () => {
              const start = this.rng.int(0, 1439);
              let end = this.rng.int(0, 1440);
              if (end === start) end = (start + 60) % 1440;
              return { start, end, carReadyBy: this.rng.chance(0.5) ? 0 : this.rng.int(0, 1440) };
            };
            const schedule: Pick<Schedule, 'type' | 'weekday' | 'weekend'> = this.rng.chance(0.25)
              ? { type: 'disabled', weekday: cur?.weekday ?? keep, weekend: cur?.weekend ?? keep }
              : { type: 'custom', weekday: win(), weekend: win() };
            op = { kind: 'schedule', schedule };
            return outcome(await writeSchedule(api, schedule, signal));
          }
          case 'chargingTime': {
            const epochS = Math.floor(Date.now() / 1000) + this.rng.int(600, 86_400);
            op = { kind: 'chargingTime', epochS };
            await writeChargingTime(api, epochS, signal);
            return true; // nothing to read back: the command reports it done when the call succeeds
          }
          case 'notifications': {
            const current = await api.client.getNotifications(api.auth, { signal });
            const picks = notificationEvents(current).flatMap((event) =>
              (['email', 'push'] as const).filter(() => this.rng.chance(0.4)).map((channel) => ({ event, channel })),
            );
            const settings = buildNotificationSettings(current, picks, this.rng.int(0, 1439));
            op = { kind: 'notifications', settings };
            return outcome(await writeNotifications(api, settings, signal));
          }
        }
      });
      if (done) {
        stats.reportedDone++;
        // Right now, before anything else can touch the unit: the server must hold what was reported.
        const why = op && writeNotHeld(op, this.sim.unit(unitId));
        if (why) {
          stats.falseReports++;
          this.judge.defects.falseWriteReports++;
          this.judge.example(`${unitId}: ${kind} reported done but ${why}`);
        }
      } else stats.unconfirmed++;
      // As the commands do after a write that went through (refreshAfterWrite): the this.store re-reads the unit.
      await this.store.refresh(unitId, 'write');
    } catch (e) {
      if (!(e instanceof JuiceNetError)) {
        this.judge.defects.crashes++;
        this.judge.example(`${unitId}: ${kind} threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return;
      }
      stats.failed++;
      stats.errors[e.name] = (stats.errors[e.name] ?? 0) + 1;
      // The commands word these as "may have been applied" / "accepted, but not read back": not a claim
      // that nothing changed, so a write the server holds is not a false failure report.
      const caveated = e instanceof UncertainWriteError ? /may or may not/.test(e.readBackSummary) : e instanceof UnverifiedWriteError;
      if (caveated) stats.failedWithCaveat++;
      else if (op && writeNotHeld(op, before) !== undefined && writeNotHeld(op, this.sim.unit(unitId)) === undefined) {
        stats.failedButApplied++;
        stats.failedButAppliedByKind[kind] = (stats.failedButAppliedByKind[kind] ?? 0) + 1;
        stats.failedButAppliedByError[e.name] = (stats.failedButAppliedByError[e.name] ?? 0) + 1;
      }
    }
  }
}
