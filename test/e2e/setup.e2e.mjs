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
import { palette, themeKind, until, webviewInTheme } from './workbench.e2e.mjs';

/**
 * Picks a color theme by name (the palette row "Preferences: Color Theme", not its Marketplace twin)
 * and waits until the workbench wears it (its kind, `kind`: 'dark' or 'light').
 */
async function colorTheme(page, name, kind) {
  const input = page.locator('.quick-input-widget input');
  // The theme picker replaces the palette: type only once it lists the themes; open it again if it
  // closed on a focus taken back late (see palette).
  const theme = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await until(
    page,
    `the theme picker to list ${name}`,
    async () => {
      await palette(page, 'Preferences: Color Theme', { hasNotText: 'Marketplace' });
      await theme.waitFor({ timeout: 5000 });
      await input.fill(name, { timeout: 5000 });
      await theme.waitFor({ timeout: 5000 });
      return true;
    },
    60000,
  );
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 15000 });
  await until(page, `the workbench in the ${kind} theme ${name}`, async () => (await themeKind(page)) === kind, 15000);
}

export const setupChecks = [
  {
    name: 'the setup assistant goes from "waiting" to a box that obeys, with the local server started from VS Code (dark and light)',
    async run({ page, shot }) {
      await palette(page, 'View: Close All Editors');
      await palette(page, 'JuiceNet: Start Local Server');
      const row = page.locator('[id="workbench.parts.sidebar"] .monaco-list-row', { hasText: 'Local server: running' }).first();
      const sidebar = page.locator('[id="workbench.parts.sidebar"]');
      // Clicking the activity-bar icon of the open view would close the side bar: click only when hidden.
      await until(page, 'a "Local server: running" row in the Chargers view', async () => {
        if (await row.isVisible()) return true;
        if (!(await sidebar.isVisible())) await page.locator('.activitybar [aria-label^="JuiceNet"]').first().click();
        return false;
      });
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
        // The page is drawn anew with each reading (every 2 s); a name typed survives it.
        const name = inner.locator(`[data-testid="name-${serial}"]`);
        await name.waitFor({ timeout: 30000 });
        await name.fill('Garage');
        await until(page, 'the name typed to stay in the field', async () => (await name.inputValue()) === 'Garage', 15000);
        await add.click();
        await inner.locator('#app[data-phase="obeys"]').waitFor({ timeout: 30000 });
        assert.match(await inner.locator('[data-testid="result"]').innerText(), /Added “Garage”/);
        // The page from its top: the result, the steps, the server and the added box.
        const atTop = () =>
          inner.locator('#app').evaluate((el) => {
            const s = el.ownerDocument.scrollingElement;
            s?.scrollTo(0, 0);
            return !s || s.scrollTop === 0;
          });
        // The workbench may start in either theme: each screenshot picks its own, and the check ends in the first.
        const startKind = await themeKind(page);
        await colorTheme(page, 'Dark Modern', 'dark');
        await inner.locator('#app[data-phase="obeys"]').waitFor({ timeout: 30000 });
        await webviewInTheme(inner, 'dark');
        await until(page, 'the assistant scrolled to its top', atTop, 15000);
        await shot('setup-obeys-dark');
        await colorTheme(page, 'Light Modern', 'light');
        await inner.locator('#app[data-phase="obeys"]').waitFor({ timeout: 30000 });
        await webviewInTheme(inner, 'light');
        await until(page, 'the assistant scrolled to its top', atTop, 15000);
        await shot('setup-obeys-light');
        // The README's screenshots are refreshed only on request; a test run leaves the tree as it was.
        if (process.env.JUICENET_UPDATE_DOC_IMAGES === '1')
          for (const t of ['dark', 'light'])
            copyFileSync(join(REPO, 'test-results', 'e2e', `setup-obeys-${t}.png`), join(REPO, 'docs', 'images', `setup-assistant-workbench-${t}.png`));
        if (startKind === 'dark') await colorTheme(page, 'Dark Modern', 'dark');
      } finally {
        box.stop();
        await palette(page, 'JuiceNet: Stop Local Server');
      }
    },
  },
];
