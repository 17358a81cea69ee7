// UI checks on the real workbench against the simulator. Each check: { name, run(ctx) }.
// ctx: { page, sim: {baseUrl, accountToken}, simControl(body), shot(name) }
import assert from 'node:assert/strict';

async function palette(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
}

export const checks = [
  {
    name: 'activity bar shows JuiceNet and the tree lists the simulator units',
    async run({ page, units, shot }) {
      const icon = page.locator('.activitybar [aria-label^="JuiceNet"]').first();
      await icon.waitFor({ timeout: 60000 });
      await icon.click();
      const tree = page.locator('[id="workbench.parts.sidebar"] .monaco-list-row');
      for (const u of units) await tree.filter({ hasText: u.name }).first().waitFor({ timeout: 30000 });
      const text = await page.locator('[id="workbench.parts.sidebar"]').innerText();
      for (const u of units) assert.ok(text.includes(u.name), `tree shows ${u.name}`);
      assert.match(text, /charging|plugged|standby|disconnected|offline/i, 'tree shows a unit state');
      await shot('tree');
    },
  },
  {
    name: 'palette "JuiceNet: Set Current Limit" changes the limit in the simulator',
    async run({ page, units, simControl, shot }) {
      await palette(page, 'JuiceNet: Set Current Limit');
      const input = page.locator('.quick-input-widget input');
      // First prompt may be a unit pick (several units): choose the first unit by name.
      await page.waitForTimeout(500);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: units[0].name }).first();
      if (await row.isVisible().catch(() => false)) await row.click();
      await input.waitFor({ state: 'visible' });
      await input.fill('13');
      await page.keyboard.press('Enter');
      const deadline = Date.now() + 20000;
      let snap;
      for (;;) {
        snap = await simControl({ action: 'snapshot', unitId: units[0].unitId });
        const amps = snap?.ampsLimit ?? snap?.unit?.ampsLimit;
        if (amps === 13) break;
        if (Date.now() > deadline) assert.fail(`simulator limit is ${amps}, expected 13`);
        await page.waitForTimeout(250);
      }
      await shot('set-limit');
    },
  },
  {
    name: 'unit panel webview opens and shows the unit',
    async run({ page, units, shot }) {
      await palette(page, 'JuiceNet: Open Charger Panel');
      await page.waitForTimeout(500);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: units[0].name }).first();
      if (await row.isVisible().catch(() => false)) await row.click();
      const inner = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      await inner.locator('body').getByText(units[0].name).first().waitFor({ timeout: 30000 });
      await shot('panel');
    },
  },
];
