// The Overview tab in a real Chromium: the controls reach the simulator through the router and the
// commands' verified writes, the limit is validated as the Set Current Limit command does, and the
// last hour's power is drawn from the readings the host logged.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness';
import { validateAmps, maxAmpsOf } from '../../src/domain/amps';
import { clockText, localClock, machineTimeZone, unitTimeZone } from '../../src/domain/time-zone';
import { forgetLimit } from '../../src/state/limit-memory';

const RESULTS = join(__dirname, '..', '..', 'test-results');

describe('unit panel Overview (Chromium)', function () {
  this.timeout(60_000);
  let hx: Harness;
  const P = () => hx.page;
  const sim = () => hx.sim.unit(hx.unitId);
  const message = () => P().locator('[data-testid=overview-message]');
  const waitMessage = async (re: RegExp) => {
    await P().waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-testid=overview-message]')?.textContent ?? ''), re.source);
    return message().innerText();
  };

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    // A browser far from the charger's zone: "Updated" and "Full at" must both be the charger's time.
    hx = await startHarness({ theme: 'light', browserTimeZone: 'Asia/Tokyo' });
    hx.sim.plugIn(hx.unitId);
    await hx.refreshUnit();
    await P().locator('[data-testid=overview-controls]').waitFor();
  });
  after(async () => {
    await hx?.close();
  });

  it('shows "Updated" in the charger’s zone, as "Full at" beside it', async () => {
    const zone = unitTimeZone(sim().info.timeZoneId as string);
    await hx.refreshUnit();
    const updated = P().locator('[data-testid=overview-updated]');
    await P().waitForFunction(() => /^Updated \d\d:\d\d$/.test(document.querySelector('[data-testid=overview-updated]')?.textContent ?? ''));
    const text = await updated.innerText();
    // The reading's time, in the charger's zone (a minute may turn between the reading and this check).
    const now = Date.now() / 1000;
    assert.ok([clockText(zone, now), clockText(zone, now - 60)].includes(text.slice('Updated '.length)), `${text} in ${zone}`);
    assert.notEqual(clockText(zone, now), clockText('Asia/Tokyo', now));
    // The charger reports a zone: nothing to explain.
    assert.equal(await updated.getAttribute('title'), null);
  });

  it('names the fallback zone when the charger reports none (this computer’s)', async () => {
    const info = hx.view()!.info!;
    hx.patchUnit({ info: { ...info, timeZoneId: undefined } });
    await P().waitForFunction(() => !!document.querySelector('[data-testid=overview-updated]')?.getAttribute('title'));
    const machine = machineTimeZone();
    assert.equal(
      await P().locator('[data-testid=overview-updated]').getAttribute('title'),
      `Times in this computer's zone (${machine.replace(/_/g, ' ')}): the charger reports none.`,
    );
    assert.match(await P().locator('[data-testid=overview-updated]').innerText(), new RegExp(`^Updated ${clockText(machine, hx.view()!.lastGoodAt! / 1000)}$`));
    hx.patchUnit({ info });
    await P().waitForFunction(() => !document.querySelector('[data-testid=overview-updated]')?.getAttribute('title'));
  });

  it('validates the limit as typed with the Set Current Limit command’s rule, and sends nothing invalid', async () => {
    const max = maxAmpsOf({ ampsWireRating: sim().info.amps_wire_rating as number, ampsUnitRating: sim().info.amps_unit_rating as number });
    assert.ok(max && max > 6);
    const before = sim().ampsLimit;
    const field = P().locator('[data-testid=overview-limit]');
    const error = P().locator('[data-testid=overview-limit-error]');
    for (const typed of ['5', String(max! + 1), 'ten', '']) {
      await field.fill(typed);
      assert.equal(await error.innerText(), validateAmps(typed, max), typed);
      assert.equal(await field.getAttribute('aria-invalid'), 'true', typed);
      assert.equal(await P().locator('[data-testid=overview-limit-apply]').getAttribute('disabled'), '', typed);
    }
    await field.press('Enter');
    assert.equal(sim().ampsLimit, before, 'nothing was sent');
    assert.match(await P().locator('[data-testid=overview-limit-note]').innerText(), new RegExp(`0 \\(off\\) or 6 to ${max} A`));
  });

  it('sets the limit through the verified write and says so only after the read-back', async () => {
    const field = P().locator('[data-testid=overview-limit]');
    await field.fill('12');
    assert.equal(await P().locator('[data-testid=overview-limit-error]').innerText(), '');
    // The slider follows the field.
    assert.equal(await P().locator('[data-testid=overview-limit-range]').inputValue(), '12');
    await P().locator('[data-testid=overview-limit-apply]').click();
    assert.match(await waitMessage(/Limit set/), /^Limit set to 12 A\.$/);
    assert.equal(sim().ampsLimit, 12);
    assert.ok(hx.logs.some((l) => /setLimit sent/.test(l.message)));
    // The slider moves the field too.
    await P().locator('[data-testid=overview-limit-range]').fill('16');
    assert.equal(await field.inputValue(), '16');
    await P().locator('[data-testid=overview-limit-apply]').click();
    await waitMessage(/Limit set to 16 A/);
    assert.equal(sim().ampsLimit, 16);
  });

  it('stops (limit 0 A, remembering 16 A) and starts again with that limit; nothing blocks, so no override', async () => {
    await hx.client.setSchedule(hx.auth, { type: 'disabled', weekday: { start: 0, end: 60, carReadyBy: 0 }, weekend: { start: 0, end: 60, carReadyBy: 0 } });
    await P().locator('[data-testid=overview-stop]').click();
    assert.match(await waitMessage(/Charging stopped/), /Charging stopped \(limit 0 A\)\. Start charging restores 16 A\./);
    assert.equal(sim().ampsLimit, 0);
    // Off: no Stop, and the reason says who stopped it.
    await P().waitForFunction(() => (document.querySelector('[data-testid=overview-stop]') as HTMLElement).hidden);
    // The reason line is the tree's and the status bar's (domain/charging-reason), with its explanation.
    await P().waitForFunction(() => /Stopped by you \(0 A\)/.test(document.querySelector('[data-testid=overview-reason]')?.textContent ?? ''));
    assert.ok((await P().locator('[data-testid=overview-reason-detail]').innerText()).length > 10);
    await P().locator('[data-testid=overview-start]').click();
    assert.match(await waitMessage(/limit restored/), /^May charge again: limit restored to 16 A; no schedule or hold blocks it\./);
    assert.equal(sim().ampsLimit, 16);
    assert.equal(sim().overrideTime, 0, 'no override: nothing blocked charging');
    // The read-back shows at once: Stop is back, nothing says "override".
    await P().waitForFunction(() => !(document.querySelector('[data-testid=overview-stop]') as HTMLElement).hidden);
    assert.equal(await P().locator('[data-testid=overview-cancel-override]').isHidden(), true);
    assert.doesNotMatch(await P().locator('[data-testid=overview-reason]').innerText(), /override/i);
  });

  it('at 0 A with no limit remembered, Start sends nothing and asks for one; the typed limit is then restored', async () => {
    await P().locator('[data-testid=overview-stop]').click();
    await waitMessage(/Charging stopped/);
    forgetLimit(hx.unitKey); // as after a restart of the editor: the memory is per window session
    const sets = hx.sim.commandCounts().set_limit ?? 0;
    await P().locator('[data-testid=overview-start]').click();
    assert.match(
      await waitMessage(/no earlier limit/),
      /The charger is turned off \(0 A\) and no earlier limit is remembered\. Set a limit above 0 A in the field, then Start\./,
    );
    assert.equal((hx.sim.commandCounts().set_limit ?? 0) - sets, 0, 'nothing sent');
    await P().locator('[data-testid=overview-limit]').fill('14');
    await P().locator('[data-testid=overview-start]').click();
    assert.match(await waitMessage(/limit restored/), /limit restored to 14 A/);
    assert.equal(sim().ampsLimit, 14);
    await P().locator('[data-testid=overview-limit]').fill('16');
    await P().locator('[data-testid=overview-limit-apply]').click();
    await waitMessage(/Limit set to 16 A/);
  });

  it('starts with an override only while the schedule blocks, says so, and offers to cancel it', async () => {
    // A window that is not now, in the charger's zone.
    const zone = unitTimeZone(sim().info.timeZoneId as string);
    const minute = localClock(zone, hx.sim.now()).minuteOfDay;
    const w = { start: (minute + 120) % 1440, end: (minute + 180) % 1440, carReadyBy: 0 };
    await hx.client.setSchedule(hx.auth, { type: 'custom', weekday: w, weekend: w });
    await hx.refreshUnit();
    await P().locator('[data-testid=overview-start]').click();
    assert.match(await waitMessage(/Will charge now/), /^Will charge now, ignoring the schedule \(an override; Cancel Override goes back to it\)\./);
    assert.ok(sim().overrideTime > 0, 'an override was sent');
    // At once, from the read-back: whatever the reason calls an override offers Cancel, and Start is gone.
    await P().locator('[data-testid=overview-cancel-override]').waitFor({ state: 'visible' });
    assert.match(await P().locator('[data-testid=overview-state]').innerText(), /override|ignoring the schedule/i);
    assert.equal(await P().locator('[data-testid=overview-start]').isHidden(), true);
    assert.equal(await P().locator('[data-testid=overview-stop]').isVisible(), true);
    await P().locator('[data-testid=overview-cancel-override]').click();
    assert.match(await waitMessage(/Override cancelled/), /^Override cancelled; the schedule applies again\.$/);
    assert.equal(sim().overrideTime, 0);
    await P().locator('[data-testid=overview-cancel-override]').waitFor({ state: 'hidden' });
  });

  it('holds charging until a time typed as HH:MM, refusing a time that is not one', async () => {
    const hold = P().locator('[data-testid=overview-hold]');
    await hold.fill('25:61');
    assert.match(await P().locator('[data-testid=overview-hold-error]').innerText(), /.+/);
    assert.equal(await P().locator('[data-testid=overview-hold-apply]').getAttribute('disabled'), '');
    // Typed in the charger's wall clock (as every time the panel shows), not the browser's.
    const zone = unitTimeZone(sim().info.timeZoneId as string);
    const whenS = Date.now() / 1000 + 2 * 3600;
    const hhmm = clockText(zone, whenS);
    await hold.fill(hhmm);
    assert.equal(await P().locator('[data-testid=overview-hold-error]').innerText(), '');
    await P().locator('[data-testid=overview-hold-apply]').click();
    assert.match(await waitMessage(/will not start charging by itself before/), /before .+\.$/);
    const sentS = sim().chargingTime;
    assert.equal(clockText(zone, sentS), hhmm);
    assert.ok(Math.abs(sentS - whenS) < 60, `${sentS} vs ${whenS}`);
    // Remembered as the command remembers it, so the panel shows the hold (the protocol cannot read it back).
    await P().waitForFunction(() => /Held until/.test(document.querySelector('[data-testid=overview]')?.textContent ?? ''));
    assert.match(await P().locator('[data-testid=overview] dt:text-is("Held until") + dd').innerText(), new RegExp(`, ${hhmm}$`));
  });

  it('keeps the typed limit and says what failed when the write is refused', async () => {
    const before = sim().ampsLimit;
    await fetch(`${hx.sim.baseUrl}/_sim/control`, { method: 'POST', body: JSON.stringify({ action: 'faults', faults: { failureRate: 1 } }) });
    try {
      await P().locator('[data-testid=overview-limit]').fill('10');
      await P().locator('[data-testid=overview-limit-apply]').click();
      assert.match(await waitMessage(/Not saved/), /^Not saved: /);
      assert.equal(await P().locator('[data-testid=overview-limit]').inputValue(), '10', 'the input is kept');
      assert.equal(sim().ampsLimit, before);
    } finally {
      await fetch(`${hx.sim.baseUrl}/_sim/control`, { method: 'POST', body: JSON.stringify({ action: 'clear_faults' }) });
    }
  });

  it('draws the last hour’s power from the polled readings, and has it again after the page is discarded', async () => {
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 30));
      await hx.refreshUnit();
    }
    const chartLength = () =>
      P().evaluate(() => (window as unknown as { juicenetPanel: { overviewChartLength(): number } }).juicenetPanel.overviewChartLength());
    await P().waitForFunction(() => (window as unknown as { juicenetPanel: { overviewChartLength(): number } }).juicenetPanel.overviewChartLength() >= 4);
    const logged = hx.powerLog.recent(hx.unitKey).length;
    assert.ok(logged >= 5, `host logged ${logged} readings`);
    assert.match(await P().locator('[data-testid=overview-chart-note]').innerText(), /^\d+ readings since .+ · .+ in this window$/);
    await P().reload();
    await hx.setTheme('light');
    await P().waitForFunction(
      (n) => (window as unknown as { juicenetPanel: { overviewChartLength(): number } }).juicenetPanel.overviewChartLength() >= n,
      logged,
    );
    assert.ok((await chartLength()) >= logged);
  });

  it('says the limit shown is the last known one while the charger cannot be reached', async () => {
    const limit = sim().ampsLimit;
    hx.patchUnit({ stale: true, error: 'The server could not be reached.', failedSince: Date.now() - 60_000 });
    try {
      await P().locator('[data-testid=overview-stale]').waitFor();
      assert.match(
        await P().locator('[data-testid=overview-limit-note]').innerText(),
        new RegExp(`The charger cannot be reached: ${limit} A is the last known limit\\.`),
      );
    } finally {
      hx.patchUnit({ stale: false, error: undefined, failedSince: undefined });
      await hx.refreshUnit();
    }
    await P().waitForFunction(() => !/last known/.test(document.querySelector('[data-testid=overview-limit-note]')?.textContent ?? ''));
  });

  it('has no protocol names on the Overview, and screenshots in light and dark', async () => {
    await P().locator('[data-testid=overview]').waitFor();
    const text = await P().locator('vscode-tab-panel[data-panel=overview]').innerText();
    // "plugged in" is the owner's word for the state; "plugged" alone is the wire's.
    for (const wire of ['amps_limit', 'override_time', 'update_interval', 'plugged(?! in)', 'disconnect', 'wh_energy'])
      assert.ok(!new RegExp(`\\b${wire}\\b`).test(text), `${wire} in: ${text}`);
    await hx.setTheme('light');
    await P().screenshot({ path: join(RESULTS, 'webview-overview-light.png'), fullPage: true });
    await hx.setTheme('dark');
    await P().screenshot({ path: join(RESULTS, 'webview-overview-dark.png'), fullPage: true });
    assert.deepEqual(await hx.cspViolations(), []);
  });
});
