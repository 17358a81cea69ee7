// The Overview of a charger under JuiceNet Local's smart charging, in a real Chromium: the reason
// line (the tree's and the status bar's, domain/charging-reason) and the Smart charging section for
// a box sharing a circuit, a box waiting for its planned cheap hours, and a box charging from solar
// surplus. Screenshots of the three go to test-results/.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SmartBoxState } from '../../src/domain/smart/reason';
import { JuiceNetClient } from '../../src/api/client';
import { localTime, toIanaZone } from '../../src/domain/time-zone';
import { startHarness, type Harness } from './harness';

const RESULTS = join(__dirname, '..', '..', 'test-results');

describe('unit panel Overview with smart charging (Chromium)', function () {
  this.timeout(60_000);
  let hx: Harness;
  const P = () => hx.page;
  const reasonText = () => P().locator('[data-testid=overview-state]').innerText();
  /** Shows the unit with a smart-charging state, its reading as the store last read it (the state as a box under that rule reports). */
  const show = async (smart: SmartBoxState, state: 'charging' | 'plugged', expect: RegExp) => {
    const u = hx.sim.units[0];
    const status = await new JuiceNetClient({ baseUrl: hx.sim.baseUrl, deviceId: 'webview-test' }).getState({
      token: u.token,
      accountToken: hx.sim.accountToken,
    });
    hx.patchUnit({ smart, status: { ...status, state, charging: { ...status.charging, powerW: state === 'charging' ? status.charging.powerW : 0 } } });
    await P().waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-testid=overview-state]')?.textContent ?? ''), expect.source);
    await P().locator('[data-testid=overview-smart]').waitFor();
  };

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    hx = await startHarness({ theme: 'light' });
    hx.sim.plugIn(hx.unitId);
    await hx.refreshUnit();
    await P().locator('[data-testid=overview-controls]').waitFor();
  });
  after(async () => {
    await hx?.close();
  });

  it('a box sharing a circuit', async () => {
    await show(
      {
        unitId: hx.unitId,
        limitA: 16,
        ownerLimitA: 32,
        circuit: { id: 'g', name: 'Garage', capacityA: 32, boxes: 2, shareA: 16, targetA: 16, kind: 'sharing' },
      },
      'charging',
      /^Sharing the Garage circuit: 16 A of 32 A/,
    );
    assert.match(await reasonText(), /^Sharing the Garage circuit: 16 A of 32 A · [\d.]+ kW$/);
    assert.deepEqual(await P().locator('[data-testid=overview-smart-lines] li').allInnerTexts(), ['Sharing the Garage circuit: 16 A of 32 A']);
    await P().screenshot({ path: join(RESULTS, 'webview-smart-shared.png'), fullPage: true });
  });

  it('a box waiting for the cheapest hours of its plan, with the hours, the cost and when it is ready', async () => {
    const now = Math.floor(Date.now() / 1000);
    const start = now + 3 * 3600;
    // Ready 2 h after the planned hours end, in the charger's zone.
    const zone = toIanaZone(hx.sim.unit(hx.unitId).info.timeZoneId as string);
    const readyByMin = localTime(zone, start + 6 * 3600).minuteOfDay;
    const readyBy = `${String(Math.floor(readyByMin / 60)).padStart(2, '0')}:${String(readyByMin % 60).padStart(2, '0')}`;
    await show(
      {
        unitId: hx.unitId,
        limitA: 0,
        ownerLimitA: 32,
        readyBy: {
          readyByMin,
          energyWh: 30_000,
          addedWh: 0,
          deadlineS: start + 6 * 3600,
          slots: [{ startS: start, endS: start + 4 * 3600, centsPerKwh: 12 }],
          costCents: 360,
          readyAtS: start + 4 * 3600,
          feasible: true,
          chargeNow: false,
        },
      },
      'plugged',
      new RegExp(`^Ready by ${readyBy}: charging`),
    );
    assert.match(
      await reasonText(),
      new RegExp(
        `^Ready by ${readyBy}: charging (tomorrow )?\\d\\d:\\d\\d–(tomorrow )?\\d\\d:\\d\\d at the cheapest hours, ready at (tomorrow )?\\d\\d:\\d\\d$`,
      ),
    );
    assert.match(await P().locator('[data-testid=overview-smart-cost]').innerText(), /^Expected cost \$3\.60 · ready at (tomorrow )?\d\d:\d\d$/);
    assert.equal(await P().locator('[data-testid=overview-smart-plan] td').nth(2).innerText(), '12¢ per kWh');
    await P().screenshot({ path: join(RESULTS, 'webview-smart-planned.png'), fullPage: true });
  });

  it('a box charging from solar surplus', async () => {
    await show(
      { unitId: hx.unitId, limitA: 9, ownerLimitA: 32, solar: { mode: 'solar-only', kind: 'tracking', limitA: 9, surplusA: 9.6 } },
      'charging',
      /^Charging from solar surplus: 9 A/,
    );
    assert.match(await reasonText(), /^Charging from solar surplus: 9 A \(surplus 9 A\) · [\d.]+ kW$/);
    await P().screenshot({ path: join(RESULTS, 'webview-smart-solar.png'), fullPage: true });
    // Without smart charging the section is gone.
    hx.patchUnit({ smart: undefined });
    await P().waitForFunction(() => (document.querySelector('[data-testid=overview-smart]') as HTMLElement).hidden);
  });
});
