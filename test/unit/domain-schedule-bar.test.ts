import { strict as assert } from 'node:assert';
import { allowedSegments, segmentToPercent } from '../../src/domain/schedule-bar';

describe('domain/schedule-bar: the 24-hour bar', () => {
  it('draws the whole day when the schedule is disabled', () => {
    assert.deepEqual(allowedSegments('disabled', { start: 600, end: 700, carReadyBy: 0 }), [{ startMin: 0, endMin: 1440 }]);
  });
  it('draws a daytime window as one segment', () => {
    assert.deepEqual(allowedSegments('custom', { start: 960, end: 1260, carReadyBy: 1080 }), [{ startMin: 960, endMin: 1260 }]);
  });
  it('draws a window wrapping midnight as two segments', () => {
    assert.deepEqual(allowedSegments('custom', { start: 1380, end: 420, carReadyBy: 0 }), [
      { startMin: 1380, endMin: 1440 },
      { startMin: 0, endMin: 420 },
    ]);
    // Ending exactly at midnight is one segment.
    assert.deepEqual(allowedSegments('custom', { start: 1380, end: 0, carReadyBy: 0 }), [{ startMin: 1380, endMin: 1440 }]);
  });
  it('draws nothing for an empty window (start == end)', () => {
    assert.deepEqual(allowedSegments('custom', { start: 480, end: 480, carReadyBy: 0 }), []);
  });
  it('converts to percentages', () => {
    assert.deepEqual(segmentToPercent({ startMin: 720, endMin: 1080 }), { leftPct: 50, widthPct: 25 });
  });
});
