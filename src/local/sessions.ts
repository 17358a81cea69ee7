// Session accounting: a session runs from plug-in to unplug; its energy is the growth of the
// box's lifetime counter (or, without one, of its session counter across the resets it makes
// when charging pauses); an override with an amount ends when the session has added that much.
// Every change is written inside the caller's transaction, before the box's reply goes out.
import type { JuiceBoxReport, JuiceBoxState } from '../juicebox/codec';
import { savingsPerWh } from '../server/rules';
import type { OverrideRequest } from '../domain/model';
import type { ChargeInterval, SessionSummary } from '../server/types';
import type { LocalDatabase, SessionRow } from './db';
import type { BoxEvent, BoxRegistry, LastReading, LocalBox } from './registry';

const PLUGGED: ReadonlySet<JuiceBoxState> = new Set(['plugged', 'charging']);

/** What one report did to a box's sessions. */
export interface SessionStep {
  events: BoxEvent[];
  /** The session the report's sample belongs to (the open one, or the one it closed). */
  sessionId?: number;
  opened: boolean;
  /** The owner's settings changed (an override ended): the caller stores them. */
  settingsChanged: boolean;
}

export class SessionBook {
  constructor(
    private readonly registry: BoxRegistry,
    private readonly db: LocalDatabase,
  ) {
    this.load();
  }

  /** Open sessions after a restart, with each box's session counter at its last sample. */
  private load(): void {
    for (const s of this.db.openSessions()) {
      const box = this.registry.get(s.unit_id);
      if (!box) continue;
      box.session = {
        id: s.id,
        timeStart: s.time_start,
        startLifetimeWh: s.start_lifetime_wh ?? undefined,
        energyWh: s.energy_wh,
        durationS: s.duration_s,
        goalReached: s.goal_reached === 1,
      };
      box.plugUnplugTime = s.time_start;
      if (box.last) box.session.lastSessionWh = this.db.lastSample(box.unitId)?.session_wh ?? undefined;
    }
  }

  /** Applies one report (state already resolved) to the box's session; call inside a transaction. */
  take(box: LocalBox, r: JuiceBoxReport, state: JuiceBoxState, prev: LastReading | undefined, now: number): SessionStep {
    const step: SessionStep = { events: [], opened: false, settingsChanged: false };
    const plugged = PLUGGED.has(state);
    const wasPlugged = box.session !== undefined;
    if (!wasPlugged && plugged) {
      const id = this.db.openSession(box.unitId, now, r.lifetimeEnergyWh);
      box.session = {
        id,
        timeStart: Math.floor(now),
        startLifetimeWh: r.lifetimeEnergyWh,
        energyWh: 0,
        durationS: 0,
        goalReached: false,
        lastSessionWh: r.sessionEnergyWh,
      };
      box.plugUnplugTime = Math.floor(now);
      step.opened = true;
      step.events.push('plugin');
    }
    const s = box.session;
    if (s) {
      if (step.opened) {
        // The box counts energy since its own plug-in; a session starting here starts at 0.
      } else if (s.startLifetimeWh !== undefined && r.lifetimeEnergyWh !== undefined) {
        s.energyWh = Math.max(s.energyWh, r.lifetimeEnergyWh - s.startLifetimeWh);
      } else if (r.sessionEnergyWh !== undefined) {
        // Without a lifetime counter: the session counter's growth, across its resets on pauses.
        const last = s.lastSessionWh ?? 0;
        s.energyWh += r.sessionEnergyWh >= last ? r.sessionEnergyWh - last : r.sessionEnergyWh;
      }
      s.lastSessionWh = r.sessionEnergyWh;
      if (prev?.state === 'charging' && !step.opened) s.durationS += Math.max(0, Math.min(now - prev.atS, 3 * (r.reportIntervalS ?? 30)));
      const st = box.settings;
      if (box.overrideEnergyWh > 0 && st.overrideTime > 0 && st.overrideTime <= now && s.energyWh >= box.overrideEnergyWh && !s.goalReached) {
        // The override asked for this much: it ends, and the session stops charging.
        s.goalReached = true;
        box.settings = { ...st, overrideTime: 0 };
        step.settingsChanged = true;
      }
      if (plugged) this.db.updateSession(s.id, s.energyWh, s.durationS, s.goalReached);
      step.sessionId = s.id;
    }
    if (wasPlugged && state === 'standby' && s) {
      this.db.closeSession(s.id, now, s.energyWh, s.durationS);
      box.session = undefined;
      box.plugUnplugTime = Math.floor(now);
      step.events.push('unplug');
      if (box.settings.overrideTime !== 0 || box.overrideEnergyWh !== 0) {
        // An override lasts until the car is unplugged.
        box.settings = { ...box.settings, overrideTime: 0 };
        box.overrideEnergyWh = 0;
        step.settingsChanged = true;
      }
    }
    if (prev?.state !== 'charging' && state === 'charging') step.events.push('start_charging');
    if (prev?.state === 'charging' && state !== 'charging') step.events.push('stop_charging');
    return step;
  }

  /** A new override (or a cancel): its amount, and whether the open session has reached it. */
  setOverride(box: LocalBox, r: OverrideRequest): void {
    box.overrideEnergyWh = r.overrideTime > 0 && r.energyToAddWh !== undefined ? r.energyToAddWh : 0;
    // A new goal (or a cancel) lets a session that had reached the old goal charge again.
    if (box.session && box.session.goalReached) {
      box.session.goalReached = r.overrideTime > 0 && box.overrideEnergyWh > 0 && box.session.energyWh >= box.overrideEnergyWh;
      this.db.updateSession(box.session.id, box.session.energyWh, box.session.durationS, box.session.goalReached);
    }
  }

  history(box: LocalBox, beforeId: number, limit: number): { sessions: SessionSummary[]; more: boolean } {
    const perWh = savingsPerWh(box.settings.info);
    const rows = this.db.history(box.unitId, beforeId, limit + 1);
    const more = rows.length > limit;
    return { sessions: rows.slice(0, limit).map((r) => summary(r, perWh)), more };
  }

  intervals(unitId: string, sessionId: number, now: number): { start: number; end: number; parts: ChargeInterval[] } | undefined {
    const row = this.db.session(unitId, sessionId);
    if (!row) return undefined;
    const samples = this.db.sessionSamples(sessionId);
    const parts: ChargeInterval[] = [];
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1];
      const b = samples[i];
      if (b.t <= a.t) continue;
      // Energy between two reports: the lifetime counter's growth, else the power the first one reported.
      const wh = a.lifetime_wh !== null && b.lifetime_wh !== null ? Math.max(0, b.lifetime_wh - a.lifetime_wh) : ((a.power_w ?? 0) * (b.t - a.t)) / 3600;
      if (wh > 0) parts.push([a.t, b.t, wh]);
    }
    return { start: row.time_start, end: row.time_end ?? Math.max(row.time_start, Math.floor(now)), parts };
  }
}

function summary(r: SessionRow, perWh: number): SessionSummary {
  return {
    id: r.id,
    timeStart: r.time_start,
    timeEnd: r.time_end ?? r.time_start,
    durationS: Math.round(r.duration_s),
    energyWh: Math.round(r.energy_wh),
    savingsCents: Math.round(r.energy_wh * perWh),
  };
}
