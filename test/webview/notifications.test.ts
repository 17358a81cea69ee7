// The Notifications tab in a real Chromium: the controls in aligned columns, the webhook URL
// checked as typed, and the "not plugged in by" time asked only while that event is on.
import { strict as assert } from 'node:assert';
import { startHarness, type Harness } from './harness';

describe('unit panel Notifications (Chromium)', function () {
  this.timeout(60_000);
  let hx: Harness;
  const P = () => hx.page;

  before(async () => {
    hx = await startHarness({ theme: 'light' });
    await P().locator('vscode-tab-header[data-tab="notifications"]').click();
    await P().locator('[data-testid=notif-plugin-email]').waitFor();
  });
  after(async () => {
    await hx?.close();
  });

  it('puts every event’s email, push and webhook controls in the same columns', async () => {
    const xs = async (what: string) => {
      const boxes = P().locator(`[data-testid=notif-table] tbody tr [data-testid$="-${what}"]`);
      const n = await boxes.count();
      assert.ok(n >= 6, `${n} ${what} boxes`);
      const out = new Set<number>();
      for (let i = 0; i < n; i++) out.add(Math.round((await boxes.nth(i).boundingBox())!.x));
      return out;
    };
    assert.equal((await xs('email')).size, 1, 'email boxes aligned');
    assert.equal((await xs('push')).size, 1, 'push boxes aligned');
    const hooks = P().locator('[data-testid=notif-table] tbody tr details.webhook');
    const hookXs = new Set<number>();
    for (let i = 0; i < (await hooks.count()); i++) hookXs.add(Math.round((await hooks.nth(i).boundingBox())!.x));
    assert.equal(hookXs.size, 1, 'webhooks aligned');
  });

  it('checks the webhook URL as it is typed, and keeps Save off while it is wrong', async () => {
    await P()
      .locator('#notif-plugin-url')
      .evaluate((el) => ((el.closest('details') as HTMLDetailsElement).open = true));
    const url = P().locator('#notif-plugin-url');
    const err = P().locator('[data-testid=notif-plugin-url-error]');
    await url.fill('hooks.example/ev');
    assert.match(await err.innerText(), /Start the address with https:\/\//);
    assert.equal(await url.getAttribute('aria-invalid'), 'true');
    assert.equal(await P().locator('[data-testid=notif-save]').getAttribute('disabled'), '');
    await url.fill('https://exa mple');
    assert.match(await err.innerText(), /not a web address/);
    await url.fill('https://');
    assert.match(await err.innerText(), /not a web address|host name/);
    await url.fill('https://hooks.example/ev');
    assert.equal(await err.innerText(), '');
    assert.equal(await url.getAttribute('aria-invalid'), null);
    assert.equal(await P().locator('[data-testid=notif-save]').getAttribute('disabled'), null);
    await url.fill('');
  });

  it('asks the "not plugged in by" time only while that event is on, and keeps the charger’s time when it is off', async () => {
    const ev = 'is_not_plugged_in_by';
    const email = P().locator(`[data-testid=notif-${ev}-email]`);
    const push = P().locator(`[data-testid=notif-${ev}-push]`);
    const time = P().locator(`[data-testid=notif-${ev}-time]`);
    const serverTime = hx.sim.unit(hx.unitId).notifications[ev]?.time ?? 0;
    await email.setChecked(false);
    await push.setChecked(false);
    assert.equal(await time.isHidden(), true, 'no time asked while the event is off');
    await email.setChecked(true);
    assert.equal(await time.isVisible(), true);
    await time.fill('21:30');
    await P().locator('[data-testid=notif-save]').click();
    await P().waitForFunction(() => !/Saving/.test(document.querySelector('[data-testid=notif-message]')?.textContent ?? 'Saving'));
    assert.match(await P().locator('[data-testid=notif-message]').innerText(), /^Saved/);
    assert.equal(hx.sim.unit(hx.unitId).notifications[ev]?.time, 21 * 60 + 30);
    // Off again: the field goes, a half-typed time is not read, and the charger keeps its time.
    await time.fill('9');
    await email.setChecked(false);
    assert.equal(await time.isHidden(), true);
    await P().locator('[data-testid=notif-save]').click();
    await P().waitForFunction(() => /Saved/.test(document.querySelector('[data-testid=notif-message]')?.textContent ?? ''));
    assert.equal(hx.sim.unit(hx.unitId).notifications[ev]?.email, false);
    assert.equal(hx.sim.unit(hx.unitId).notifications[ev]?.time, 21 * 60 + 30);
    assert.notEqual(serverTime, undefined);
  });
});
