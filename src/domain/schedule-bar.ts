// The 24-hour bar of the schedule editor: which parts of the day charging is allowed. Pure.
import type { ScheduleWindow } from './model';
import { MINUTES_PER_DAY } from './schedule';

/** A stretch of the day, in minutes [startMin, endMin). */
export interface BarSegment {
  startMin: number;
  endMin: number;
}

/**
 * Segments of a day in which charging is allowed. 'disabled' = unrestricted (the whole day).
 * A window whose end is before its start wraps midnight and is drawn as two segments
 * (start..24:00 and 00:00..end); start == end is an empty window (the semantics of ./schedule.ts).
 */
export function allowedSegments(type: 'disabled' | 'custom', w: ScheduleWindow): BarSegment[] {
  if (type === 'disabled') return [{ startMin: 0, endMin: MINUTES_PER_DAY }];
  const start = clampMin(w.start);
  const end = clampMin(w.end);
  if (start === end) return [];
  if (start < end) return [{ startMin: start, endMin: end }];
  const segs: BarSegment[] = [];
  if (start < MINUTES_PER_DAY) segs.push({ startMin: start, endMin: MINUTES_PER_DAY });
  if (end > 0) segs.push({ startMin: 0, endMin: end });
  return segs;
}

/** Segment -> percentages for drawing (left, width). */
export function segmentToPercent(s: BarSegment): { leftPct: number; widthPct: number } {
  return { leftPct: (s.startMin / MINUTES_PER_DAY) * 100, widthPct: ((s.endMin - s.startMin) / MINUTES_PER_DAY) * 100 };
}

function clampMin(m: number): number {
  return Math.min(MINUTES_PER_DAY, Math.max(0, Math.round(m)));
}
