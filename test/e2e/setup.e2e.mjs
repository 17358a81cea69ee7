// UI check on the real workbench: the owner's setup path with the local server run from VS Code.
// Start the local server from the palette, see its row in the Chargers view, open the setup
// assistant (waiting: the DNS lines first, the udpc line in the last-resort section), start an
// emulated JuiceBox reporting to the server, name it and press "Add this charger" inside the
// webview, and see the box obey; screenshots of the assistant
// in the dark and the light theme (test-results/e2e/; docs/images/ with JUICENET_UPDATE_DOC_IMAGES=1).
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../host/paths.mjs';
import { startSimulatorProcess } from '../host/server.mjs';
import { palette } from './workbench.e2e.mjs';

/** Picks a color theme by name (the palette row "Preferences: Color Theme", not its Marketplace twin). */
async function colorTheme(page, name) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill('>Preferences: Color Theme');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Preferences: Color Theme', hasNotText: 'Marketplace' }).first();
  await row.waitFor({ timeout: 15000 });
  await row.click();
  await page.waitForTimeout(300);
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(800);
}

export const setupChecks = [
  {
    name: 'the setup assistant goes from "waiting" to a box that obeys, with the local server started from VS Code (dark and light)',
    async run({ page, shot }) {
      await palette(page, 'View: Close All Editors');
      await palette(page, 'JuiceNet: Start Local Server');
      const row = page.locator('[id="workbench.parts.sidebar"] .monaco-list-row', { hasText: 'Local server: running' }).first();
      const deadline = Date.now() + 30000;
      while (!(await row.isVisible().catch(() => false))) {
        if (Date.now() > deadline) assert.fail('no "Local server: running" row in the Chargers view');
        const icon = page.locator('.activitybar [aria-label^="JuiceNet"]').first();
        if (
          !(await page
            .locator('[id="workbench.parts.sidebar"]')
            .isVisible()
            .catch(() => false))
        )
          await icon.click();
        await page.waitForTimeout(500);
      }
      const udp = /UDP (\d+)/.exec(await row.innerText())?.[1];
      assert.ok(udp, `the row names the UDP port: ${await row.innerText()}`);
      await palette(page, 'JuiceNet: Open JuiceBox Setup Assistant');
      const inner = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      const dns = inner.locator('[data-testid="dns-dnsmasq-lines"]');
      await dns.waitFor({ timeout: 30000 });
      assert.match(await dns.innerText(), /^address=\/juicenet-udp-prod3-usa\.enelx\.com\/\S+$/m);
      await inner.locator('[data-testid="way-telnet"] summary').click();
      const line = inner.locator('[data-testid="udpc-line"]');
      await line.waitFor({ timeout: 30000 });
      assert.match(await line.innerText(), new RegExp(`^udpc \\S+ ${udp}$`));
      await shot('setup-waiting');
      const box = await startSimulatorProcess(['--units', '1', '--speed', '20', '--seed', '77', '--no-auto-plug', '--juicebox-udp', `127.0.0.1:${udp}`]);
      try {
        const add = inner.locator('[data-testid^="add-"]').first();
        await add.waitFor({ timeout: 30000 });
        const serial = (await add.getAttribute('data-testid')).slice('add-'.length);
        await inner.locator(`[data-testid="name-${serial}"]`).fill('Garage');
        await add.click();
        await inner.locator('#app[data-phase="obeys"]').waitFor({ timeout: 30000 });
        assert.match(await inner.locator('[data-testid="result"]').innerText(), /Added “Garage”/);
        // The page from its top: the result, the steps, the server and the added box.
        await inner.locator('#app').evaluate((el) => el.ownerDocument.scrollingElement?.scrollTo(0, 0));
        await page.waitForTimeout(500);
        await shot('setup-obeys-dark');
        await colorTheme(page, 'Light Modern');
        await inner.locator('#app[data-phase="obeys"]').waitFor({ timeout: 30000 });
        await page.waitForTimeout(500);
        await shot('setup-obeys-light');
        // The README's screenshots are refreshed only on request; a test run leaves the tree as it was.
        if (process.env.JUICENET_UPDATE_DOC_IMAGES === '1')
          for (const t of ['dark', 'light'])
            copyFileSync(join(REPO, 'test-results', 'e2e', `setup-obeys-${t}.png`), join(REPO, 'docs', 'images', `setup-assistant-workbench-${t}.png`));
        await colorTheme(page, 'Dark Modern');
      } finally {
        box.stop();
        await palette(page, 'JuiceNet: Stop Local Server');
      }
    },
  },
];
