// Fuzzing the time-of-use schedule maths (src/domain/schedule.ts, which the servers enforce too)
// and what must agree with it: the webview's schedule bar (src/domain/schedule-bar.ts) and the
// panel's message schema.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  MINUTES_PER_DAY,
  describeWindow,
  isChargingAllowed,
  isMinuteInWindow,
  localDayAndMinute,
  minutesToHHMM,
  parseHHMM,
  validateWindow,
  windowDurationMinutes,
} from '../../src/domain/schedule';
import { allowedSegments } from '../../src/domain/schedule-bar';
import { scheduleWindowSchema } from '../../src/protocol/messages';
import type { Schedule, ScheduleWindow } from '../../src/domain/model';
import { RUNS, fuzz } from './arbitraries';

const minuteOfDay = fc.integer({ min: 0, max: MINUTES_PER_DAY - 1 });
/** A valid window: start 0..1439, end and carReadyBy 0..1440. */
const validWindow = fc.record({
  start: minuteOfDay,
  end: fc.integer({ min: 0, max: MINUTES_PER_DAY }),
  carReadyBy: fc.integer({ min: 0, max: MINUTES_PER_DAY }),
});
/** Anything a caller might put in a window field. */
const anyField = fc.oneof(
  fc.integer({ min: -5, max: 1445 }),
  fc.double({ min: -10, max: 1450 }),
  fc.constantFrom<unknown>(NaN, Infinity, -Infinity, -0, '420', null, undefined, true, [], {}, 1e21),
);
const ZONES = ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns'];

describe(`fuzz: schedule maths (${RUNS} cases per property)`, () => {
  it('HH:MM round trip: every minute 0..1440 formats and parses back (exhaustive)', () => {
    for (let m = 0; m <= MINUTES_PER_DAY; m++) {
      const text = minutesToHHMM(m);
      assert.match(text, /^\d\d:\d\d$/);
      assert.equal(parseHHMM(text), m);
      // The accepted variants: no leading zero, '.', 'h', surrounding spaces.
      const [h, mm] = text.split(':');
      for (const v of [`${Number(h)}:${mm}`, `${h}.${mm}`, `${h}h${mm}`, ` ${text}\t`]) assert.equal(parseHHMM(v), m, v);
    }
  });

  it('parseHHMM on any text: a whole minute 0..1440 or an Error that says what is expected', () => {
    const timeish = fc.string({ unit: fc.constantFrom(...'0123456789:.h -+eE\u0660\uff10'.split('')), maxLength: 8 });
    fuzz(
      fc.property(
        fc.oneof(
          timeish,
          fc.string({ maxLength: 12 }),
          fc.tuple(fc.integer({ min: -5, max: 130 }), fc.integer({ min: -5, max: 130 })).map(([h, m]) => `${h}:${m}`),
        ),
        (text) => {
          let m: number;
          try {
            m = parseHHMM(text);
          } catch (e) {
            assert.ok(e instanceof Error && !(e instanceof TypeError), `threw ${String(e)}`);
            assert.match(e.message, /HH:MM|hours|minutes/);
            return;
          }
          assert.ok(Number.isInteger(m) && m >= 0 && m <= MINUTES_PER_DAY, `${JSON.stringify(text)} → ${m}`);
          // What was accepted formats back to the same time of day.
          assert.equal(parseHHMM(minutesToHHMM(m)), m);
        },
      ),
    );
  });

  it('minutesToHHMM refuses exactly what is not a whole minute 0..1440', () => {
    fuzz(
      fc.property(fc.oneof(fc.integer({ min: -100, max: 1600 }), fc.double({ min: -10, max: 1500 }), fc.constantFrom(NaN, Infinity, -Infinity)), (m) => {
        const ok = Number.isInteger(m) && m >= 0 && m <= MINUTES_PER_DAY;
        if (ok)
          assert.ok(parseHHMM(minutesToHHMM(m)) === m, `${m}`); // === : -0 is minute 0
        else assert.throws(() => minutesToHHMM(m), RangeError);
      }),
    );
  });

  it('validateWindow: valid iff start 0..1439, end 0..1440, carReadyBy 0..1440, all whole; one sentence per bad field', () => {
    fuzz(
      fc.property(anyField, anyField, anyField, (start, end, carReadyBy) => {
        const w = { start, end, carReadyBy } as unknown as ScheduleWindow;
        const problems = validateWindow(w);
        const ok = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
        const bad = [!ok(start, 1439), !ok(end, 1440), !ok(carReadyBy, 1440)].filter(Boolean).length;
        assert.equal(problems.length, bad, JSON.stringify(problems));
        for (const p of problems) assert.match(p, /must be a whole number of minutes from 0 to 14(39|40)/);
      }),
    );
  });

  it('the panel message schema accepts exactly the windows validateWindow accepts', () => {
    fuzz(fc.property(validWindow, (w) => void assert.ok(scheduleWindowSchema.safeParse(w).success)));
    // And refuses what validateWindow refuses (start 24:00 included), so the host's client never
    // meets a window the panel's schema let through.
    const anyWindow = fc.record({ start: anyField, end: anyField, carReadyBy: anyField });
    fuzz(
      fc.property(
        anyWindow,
        (w) => void assert.equal(scheduleWindowSchema.safeParse(w).success, validateWindow(w as ScheduleWindow).length === 0, JSON.stringify(w)),
      ),
    );
    assert.equal(scheduleWindowSchema.safeParse({ start: 1440, end: 0, carReadyBy: 0 }).success, false);
  });

  it('midnight wrap: for end < start, minute t is inside iff t >= start or t < end; otherwise iff start <= t < end', () => {
    fuzz(
      fc.property(validWindow, minuteOfDay, (w, t) => {
        const inside = isMinuteInWindow(w, t);
        if (w.end < w.start) assert.equal(inside, t >= w.start || t < w.end);
        else assert.equal(inside, t >= w.start && t < w.end);
      }),
    );
  });

  it('windowDurationMinutes = minutes inside = the schedule bar’s drawn length; describeWindow says overnight iff it wraps', () => {
    fuzz(
      fc.property(validWindow, (w) => {
        let inside = 0;
        for (let t = 0; t < MINUTES_PER_DAY; t++) if (isMinuteInWindow(w, t)) inside++;
        const d = windowDurationMinutes(w);
        assert.equal(d, inside);
        assert.ok(d >= 0 && d <= MINUTES_PER_DAY);
        const segs = allowedSegments('custom', w);
        assert.equal(
          segs.reduce((s, g) => s + g.endMin - g.startMin, 0),
          d,
        );
        for (const g of segs)
          for (const t of [g.startMin, g.endMin - 1]) assert.ok(isMinuteInWindow(w, t), `bar segment ${g.startMin}-${g.endMin} edge ${t} is inside`);
        const text = describeWindow(w);
        assert.equal(/overnight/.test(text), w.end < w.start);
        assert.equal(/empty/.test(text), w.start === w.end);
      }),
      Math.max(1, Math.floor(RUNS / 10)), // 1,440 minutes per case
    );
  });

  it('isChargingAllowed: disabled → always; custom → the window of the local day type at the local minute, in any zone', () => {
    const dateArb = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }).map((ms) => new Date(ms));
    fuzz(
      fc.property(
        validWindow,
        validWindow,
        dateArb,
        fc.constantFrom(...ZONES),
        fc.constantFrom<'custom' | 'disabled'>('custom', 'disabled'),
        (weekday, weekend, date, zone, type) => {
          const s: Schedule = { type, weekday, weekend };
          const allowed = isChargingAllowed(s, date, zone);
          if (type === 'disabled') return assert.equal(allowed, true);
          const { weekday: day, minute } = localDayAndMinute(date, zone);
          assert.ok(day >= 0 && day <= 6 && minute >= 0 && minute < MINUTES_PER_DAY);
          // Cross-check the local time with Intl directly.
          const hm = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
          assert.equal(parseHHMM(hm), minute);
          const w = day === 0 || day === 6 ? weekend : weekday;
          assert.equal(allowed, w.end < w.start ? minute >= w.start || minute < w.end : minute >= w.start && minute < w.end);
        },
      ),
    );
  });
});
