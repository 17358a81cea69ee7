// Power plot maths. Pure: used by the webview, tested in Node.
import type { PlotPoint } from '../src/protocol/messages';

/** How many get_plot intervals to ask for at a panel width: about one per 2 px, 50..1000. */
export function plotIntervalsForWidth(widthPx: number): number {
  if (!Number.isFinite(widthPx) || widthPx <= 0) return 50;
  return Math.min(1000, Math.max(50, Math.round(widthPx / 2)));
}

/** Energy under a power curve (W over epoch seconds), trapezoid rule, in Wh. Points may be unsorted. */
export function energyUnderCurveWh(points: readonly PlotPoint[]): number {
  if (points.length < 2) return 0;
  const sorted = isSorted(points) ? points : [...points].sort((a, b) => a.t - b.t);
  let wattSeconds = 0;
  for (let i = 1; i < sorted.length; i++) {
    const dt = sorted[i].t - sorted[i - 1].t;
    wattSeconds += ((sorted[i].v + sorted[i - 1].v) / 2) * dt;
  }
  return wattSeconds / 3600;
}

function isSorted(points: readonly PlotPoint[]): boolean {
  for (let i = 1; i < points.length; i++) if (points[i].t < points[i - 1].t) return false;
  return true;
}

/** uPlot's columnar data: [times (s), kW], sorted by time. */
export function toPlotColumns(points: readonly PlotPoint[]): [number[], number[]] {
  const sorted = isSorted(points) ? points : [...points].sort((a, b) => a.t - b.t);
  const t = new Array<number>(sorted.length);
  const kw = new Array<number>(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    t[i] = sorted[i].t;
    kw[i] = sorted[i].v / 1000;
  }
  return [t, kw];
}
