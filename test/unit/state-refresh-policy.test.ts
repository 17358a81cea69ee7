// RefreshPolicy with an injected clock: interval clamp, visibility gating, coalescing, backoff and
// recovery, without real waiting.
import * as assert from 'node:assert/strict';
import { PolicyClock, RefreshOutcome, RefreshPolicy } from '../../src/state/refresh-policy';
import type { RefreshReason } from '../../src/state/contracts';

/** A manual clock: timers fire only when advance() passes them. */
class FakeClock implements PolicyClock {
  t = 1_000_000;
  rnd = 0;
  private seq = 0;
  timers = new Map<number, { at: number; fn: () => void }>();
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown) {
    this.timers.delete(h as number);
  }
  random() {
    return this.rnd;
  }
  /** Moves time forward, firing due timers in order and letting their promises settle. */
  async advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup(opts: { min?: number; max?: number; outcome?: (id: string) => RefreshOutcome; manual?: boolean } = {}) {
  const clock = new FakeClock();
  const calls: { id: string; reason: RefreshReason; at: number }[] = [];
  let release: (() => void) | undefined;
  const policy = new RefreshPolicy({
    clock,
    minIntervalS: opts.min ?? 10,
    maxIntervalS: opts.max ?? 300,
    refreshUnit: async (id, reason) => {
      calls.push({ id, reason, at: clock.now() });
      if (opts.manual) await new Promise<void>((r) => (release = r));
      return (opts.outcome ?? (() => ({ ok: true, updateIntervalS: 60 })))(id);
    },
  });
  return { clock, calls, policy, release: () => release?.() };
}

describe('RefreshPolicy', () => {
  it('clamps the unit update_interval to the configured bounds', () => {
    const { policy } = setup({ min: 10, max: 120 });
    assert.equal(policy.intervalFor(60), 60);
    assert.equal(policy.intervalFor(2), 10);
    assert.equal(policy.intervalFor(900), 120);
    assert.equal(policy.intervalFor(undefined), 30);
    policy.setBounds(300, 20); // swapped bounds are put in order
    assert.deepEqual(policy.bounds, { minS: 20, maxS: 300 });
  });

  it('polls nothing while nothing is visible, then reads at once and at the interval', async () => {
    const { clock, calls, policy } = setup();
    policy.setUnits(['a', 'b']);
    await clock.advance(3_600_000);
    assert.equal(calls.length, 0, 'no polling while hidden');
    policy.setVisible('tree', true);
    await clock.advance(0);
    assert.deepEqual(
      calls.map((c) => [c.id, c.reason]),
      [
        ['a', 'visibility'],
        ['b', 'visibility'],
      ],
    );
    await clock.advance(59_000);
    assert.equal(calls.length, 2);
    await clock.advance(1_000);
    assert.equal(calls.length, 4, 'each unit again after its 60 s update_interval');
    assert.equal(calls[2].reason, 'interval');
    policy.setVisible('tree', false);
    await clock.advance(600_000);
    assert.equal(calls.length, 4, 'stops when hidden');
    policy.dispose();
  });

  it('a hold keeps only that unit polled', async () => {
    const { clock, calls, policy } = setup();
    policy.setUnits(['a', 'b']);
    const h = policy.hold('b', 'panel-1');
    await clock.advance(125_000);
    assert.ok(calls.every((c) => c.id === 'b'));
    assert.equal(calls.length, 3, 'at 0, 60 and 120 s');
    h.dispose();
    await clock.advance(600_000);
    assert.equal(calls.length, 3);
  });

  it('does not re-read at once when becoming visible again within the interval', async () => {
    const { clock, calls, policy } = setup();
    policy.setUnits(['a']);
    policy.setVisible('statusBar', true);
    await clock.advance(0);
    policy.setVisible('statusBar', false);
    await clock.advance(20_000);
    policy.setVisible('statusBar', true);
    await clock.advance(0);
    assert.equal(calls.length, 1, 'the reading from 20 s ago is still fresh');
    await clock.advance(40_000);
    assert.equal(calls.length, 2);
  });

  it('coalesces concurrent refreshes of one unit into one request', async () => {
    const { clock, calls, policy, release } = setup({ manual: true });
    policy.setUnits(['a']);
    const p1 = policy.refresh('a', 'manual');
    const p2 = policy.refresh('a', 'write');
    const p3 = policy.refresh('a', 'manual');
    assert.equal(p1, p2);
    assert.equal(p2, p3);
    await settle();
    assert.equal(calls.length, 1);
    assert.equal(policy.refreshCount, 1);
    release();
    await p1;
    await clock.advance(0);
    void policy.refresh('a', 'manual');
    await settle();
    assert.equal(calls.length, 2, 'a new request once the first has settled');
  });

  it('backs off exponentially after errors, capped, with jitter, and recovers', async () => {
    let failing = true;
    const { clock, calls, policy } = setup({ min: 10, max: 80, outcome: () => (failing ? { ok: false } : { ok: true, updateIntervalS: 30 }) });
    clock.rnd = 0; // no jitter first
    policy.setUnits(['a']);
    policy.setVisible('tree', true);
    await clock.advance(0);
    const gaps: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = calls.length;
      const start = clock.now();
      while (calls.length === before) await clock.advance(1_000);
      gaps.push((calls[calls.length - 1].at - start) / 1000);
    }
    // Never read yet: the unit's interval is the default 30 s, which caps the back-off (max 80).
    assert.deepEqual(gaps, [10, 20, 30, 30, 30], "doubles from the minimum, capped at the unit's own interval");
    assert.ok(calls.slice(1).every((c) => c.reason === 'recover'));
    assert.equal(policy.failuresOf('a'), 6);
    // jitter takes up to 25% off, never above the cap
    clock.rnd = 0.999;
    assert.ok(policy.backoffFor(3) < 40 && policy.backoffFor(3) > 30);
    assert.ok(policy.backoffFor(20) <= 80);
    failing = false;
    await clock.advance(80_000);
    assert.equal(policy.failuresOf('a'), 0, 'recovered by itself');
    const n = calls.length;
    await clock.advance(30_000);
    assert.equal(calls.length, n + 1, 'back to the normal interval');
    assert.equal(calls[calls.length - 1].reason, 'interval');
  });

  it("never backs off longer than the unit's own interval: back within one interval after an outage", async () => {
    let failing = false;
    const { clock, calls, policy } = setup({ min: 10, max: 300, outcome: () => (failing ? { ok: false } : { ok: true, updateIntervalS: 15 }) });
    policy.setUnits(['a']);
    policy.setVisible('tree', true);
    await clock.advance(0);
    failing = true;
    const gaps: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = calls.length;
      const start = clock.now();
      while (calls.length === before) await clock.advance(1_000);
      gaps.push((calls[calls.length - 1].at - start) / 1000);
    }
    assert.deepEqual(gaps, [15, 10, 15, 15, 15, 15], 'one interval, then 10 s, then never above the 15 s interval (max is 300)');
    failing = false;
    const endedAt = clock.now();
    while (policy.failuresOf('a') > 0) await clock.advance(1_000);
    assert.ok(clock.now() - endedAt <= 15_000, 'fresh again within one interval of the outage ending');
  });

  it('a thrown refresh counts as a failure and the timer goes on', async () => {
    const clock = new FakeClock();
    let n = 0;
    const policy = new RefreshPolicy({
      clock,
      minIntervalS: 5,
      maxIntervalS: 60,
      refreshUnit: async () => {
        n++;
        throw new Error('boom');
      },
    });
    policy.setUnits(['a']);
    policy.setVisible('tree', true);
    await clock.advance(0);
    await clock.advance(5_000);
    assert.equal(n, 2);
    assert.equal(policy.failuresOf('a'), 2);
    policy.dispose();
    await clock.advance(600_000);
    assert.equal(n, 2, 'nothing after dispose');
  });

  it('forgets removed units', async () => {
    const { clock, calls, policy } = setup();
    policy.setUnits(['a', 'b']);
    policy.setVisible('tree', true);
    await clock.advance(0);
    policy.setUnits(['b']);
    await clock.advance(120_000);
    assert.ok(calls.slice(2).every((c) => c.id === 'b'));
  });
});
