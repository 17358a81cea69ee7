// The last hour of each charger's power, from the readings the extension polls anyway (no extra
// calls): the Overview's live chart. A ring per unit, bounded in points and in age. No vscode.
import type { PlotPoint } from '../protocol/messages';

export const POWER_WINDOW_MS = 60 * 60 * 1000;
/** One reading every 10 s (the fastest poll) for an hour, with room to spare. */
const MAX_POINTS = 720;

export class PowerLog {
  private readonly rings = new Map<string, PlotPoint[]>();

  constructor(private readonly maxPoints = MAX_POINTS) {}

  /**
   * Adds a reading of `key` (account + unit) taken at `atMs`; a reading already logged (same time)
   * or without a power figure is skipped. Times are kept in epoch seconds, as get_plot's.
   */
  record(key: string, atMs: number | undefined, powerW: number | undefined): void {
    if (atMs === undefined || powerW === undefined || !Number.isFinite(atMs) || !Number.isFinite(powerW)) return;
    const t = atMs / 1000;
    let ring = this.rings.get(key);
    if (!ring) this.rings.set(key, (ring = []));
    const last = ring[ring.length - 1];
    if (last && t <= last.t) return;
    ring.push({ t, v: powerW });
    if (ring.length > this.maxPoints) ring.splice(0, ring.length - this.maxPoints);
  }

  /** The readings of the last hour before `nowMs`, oldest first. */
  recent(key: string, nowMs = Date.now(), windowMs = POWER_WINDOW_MS): PlotPoint[] {
    const ring = this.rings.get(key);
    if (!ring) return [];
    const from = (nowMs - windowMs) / 1000;
    // Old points go as soon as they are asked for: the ring never holds more than an hour and a bit.
    const firstKept = ring.findIndex((p) => p.t >= from);
    if (firstKept === -1) ring.length = 0;
    else if (firstKept > 0) ring.splice(0, firstKept);
    return ring.slice();
  }

  forget(key: string): void {
    this.rings.delete(key);
  }
}
