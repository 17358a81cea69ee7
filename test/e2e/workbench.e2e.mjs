// UI checks on the real workbench against the simulator. Each check: { name, run(ctx) }.
// ctx: { page, sim: {baseUrl, accountToken}, simControl(body), shot(name) }
import assert from 'node:assert/strict';

/**
 * Runs a palette command by its title: opens the palette, types, and once the command is listed
 * runs it (Enter on the top row, or a click on the row when `hasNotText` tells a twin apart).
 * The quick-input box closes when it loses the focus, and a webview or editor that takes the focus
 * back late (after the last picker closed) does that: the palette is opened again until it lists
 * the command.
 */
export async function palette(page, title, { hasNotText } = {}) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title, ...(hasNotText ? { hasNotText } : {}) }).first();
  await until(page, `the palette to list "${title}"`, async () => {
    await page.keyboard.press('F1');
    await input.fill(`>${title}`, { timeout: 5000 });
    await row.waitFor({ timeout: 5000 });
    return true;
  });
  if (hasNotText) await row.click();
  else await page.keyboard.press('Enter');
}

/**
 * Waits, at most `timeoutMs`, until `check()` gives a truthy value (an error counts as not yet) and
 * returns it; fails saying `what` was awaited. For conditions no single locator can await.
 */
export async function until(page, what, check, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`waited ${timeoutMs / 1000} s for ${what}`);
    await page.waitForTimeout(100); // the poll interval, not a guess at how long anything takes
  }
}

/** The workbench theme kind now: 'dark' or 'light' (the class VS Code puts on the workbench). */
export async function themeKind(page) {
  const cls = (await page.locator('.monaco-workbench').first().getAttribute('class')) ?? '';
  return /\bvs-dark\b|\bhc-black\b/.test(cls) ? 'dark' : 'light';
}

/** Switches to the other of the preferred light and dark themes (nothing is downloaded). */
async function toggleTheme(page) {
  const before = await themeKind(page);
  await palette(page, 'Preferences: Toggle between Light/Dark Themes');
  return until(page, `the theme to change from ${before}`, async () => {
    const now = await themeKind(page);
    return now !== before && now;
  });
}

/** Waits until the webview page `inner` is painted in the theme of kind `kind` (VS Code sets its body class). */
export async function webviewInTheme(inner, kind) {
  await inner.locator(`body.vscode-${kind}`).waitFor({ timeout: 15000 });
}

/**
 * After a palette command that acts on one charger: when it asks which charger (several units: a
 * picker titled "JuiceNet: <action>"), picks `name`; then waits for the command's next prompt, the
 * quick input titled `next`. Waits for whichever comes first rather than guessing how long the
 * charger picker takes to open.
 */
async function pickChargerThen(page, action, name, next) {
  const title = page.locator('.quick-input-widget .quick-input-title');
  const chargerPick = title.filter({ hasText: `JuiceNet: ${action}` });
  const prompt = title.filter({ hasText: next });
  await chargerPick.or(prompt).first().waitFor({ timeout: 30000 });
  if (await chargerPick.isVisible()) await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
  await prompt.first().waitFor({ timeout: 30000 });
}

/** Waits until the tree row of `name` contains text matching `re`; returns the row. */
async function rowSaying(page, name, re, timeoutMs = 30000) {
  const row = page.locator('[id="workbench.parts.sidebar"] .monaco-list-row', { hasText: name }).first();
  if (!(await row.isVisible().catch(() => false))) await page.locator('.activitybar [aria-label^="JuiceNet"]').first().click();
  await row.waitFor({ timeout: 15000 });
  await until(page, `the row of ${name} to say ${re}`, async () => re.test(await row.innerText()), timeoutMs);
  return row;
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
      // Rows appear with the unit names first; each row's state follows with its first reading.
      for (const u of units) {
        const row = tree.filter({ hasText: u.name }).first();
        await until(page, `the row of ${u.name} to show a state`, async () =>
          /charging|plugged|standby|disconnected|offline|error/i.test(await row.innerText()),
        );
      }
      await shot('tree');
    },
  },
  {
    name: 'palette "JuiceNet: Set Current Limit" changes the limit in the simulator',
    async run({ page, units, simControl, shot }) {
      await palette(page, 'JuiceNet: Set Current Limit');
      const input = page.locator('.quick-input-widget input');
      // The limit picker opens once the charger has been read: type only into it, not the charger pick.
      await pickChargerThen(page, 'Set Current Limit', units[0].name, 'Charging limit of');
      await input.fill('13');
      await page.keyboard.press('Enter');
      await until(
        page,
        'the simulator limit to be 13 A',
        async () => {
          const snap = await simControl({ action: 'snapshot', unitId: units[0].unitId });
          return (snap?.ampsLimit ?? snap?.unit?.ampsLimit) === 13;
        },
        20000,
      );
      await shot('set-limit');
    },
  },
  {
    name: 'an out-of-range limit typed in the palette is refused in place and nothing is sent',
    async run({ page, units, simControl, shot }) {
      const before = (await simControl({ action: 'snapshot', unitId: units[1].unitId })).unit.ampsLimit;
      await palette(page, 'JuiceNet: Set Current Limit');
      const input = page.locator('.quick-input-widget input');
      // The limit picker opens once the charger has been read: type only into it, not the charger pick.
      await pickChargerThen(page, 'Set Current Limit', units[1].name, 'Charging limit of');
      await input.fill('99');
      const refused = page.locator('.quick-input-list .monaco-list-row', { hasText: 'out of range' }).first();
      await refused.waitFor({ timeout: 15000 });
      await page.keyboard.press('Enter');
      // A refused value changes nothing on screen, so there is no event to await: this pause gives a
      // value wrongly accepted the time to close the picker, which the next line would then see.
      await page.waitForTimeout(500);
      assert.ok(await input.isVisible(), 'the picker stays open on an invalid value');
      await shot('set-limit-refused');
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout: 15000 });
      const after = (await simControl({ action: 'snapshot', unitId: units[1].unitId })).unit.ampsLimit;
      assert.equal(after, before, 'the simulator limit is unchanged');
    },
  },
  {
    name: 'a car plugged in on the simulator shows as charging in the tree and the status bar',
    async run({ page, units, simControl, shot }) {
      const u = units[2];
      await simControl({ action: 'plug', unitId: u.unitId, plugged: true });
      const row = page.locator('[id="workbench.parts.sidebar"] .monaco-list-row', { hasText: u.name }).first();
      // Clicking the activity-bar icon of the open view would close the side bar: click only when hidden.
      if (!(await row.isVisible().catch(() => false))) await page.locator('.activitybar [aria-label^="JuiceNet"]').first().click();
      await row.waitFor({ timeout: 15000 });
      // The tree polls at the unit's interval (the min bound is 10 s): refresh so the check is quick.
      await palette(page, 'JuiceNet: Refresh');
      await until(page, `the row of ${u.name} to say charging`, async () => /charging/i.test(await row.innerText()));
      const status = page.locator('[id="workbench.parts.statusbar"]');
      await status.getByText(/kW/).first().waitFor({ timeout: 15000 });
      await shot('charging');
    },
  },
  {
    name: 'unit panel webview opens and shows the unit',
    async run({ page, units, shot }) {
      await palette(page, 'JuiceNet: Open Charger Panel');
      // Several units: a charger picker opens first; pick the unit in it, else the panel opens at once.
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: units[0].name }).first();
      const inner = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      const shown = inner.locator('body').getByText(units[0].name).first();
      const first = await until(page, 'the charger picker or the panel', async () =>
        (await row.isVisible()) ? 'picker' : (await shown.isVisible()) ? 'panel' : undefined,
      );
      if (first === 'picker') await row.click();
      await shown.waitFor({ timeout: 30000 });
      await shot('panel');
    },
  },
  {
    name: 'unit panel Overview (reason, controls, last hour) and Info (typed fields) in light and dark themes',
    async run({ page, shot }) {
      const inner = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      await inner.locator('[data-testid=overview-controls]').waitFor({ timeout: 30000 });
      await inner.locator('[data-testid=overview-state]').waitFor({ timeout: 30000 });
      const reason = await inner.locator('[data-testid=overview-reason]').innerText();
      assert.ok(!/\b(plugged|disconnect|amps_limit|override_time)\b(?! in)/.test(reason), `reason in words: ${reason}`);
      // Both themes: the one the workbench starts with, then the other one (and back).
      const kinds = [await themeKind(page)];
      for (const pass of [0, 1]) {
        if (pass === 1) kinds.push(await toggleTheme(page));
        await inner.locator('vscode-tab-header[data-tab="overview"]').click();
        await inner.locator('[data-testid=overview-controls]').waitFor({ timeout: 15000 });
        await webviewInTheme(inner, kinds[pass]);
        await shot(`panel-overview-${kinds[pass]}`);
        await inner.locator('vscode-tab-header[data-tab="info"]').click();
        const label = inner.locator('label[for=info-amps_wire_rating]');
        await label.waitFor({ timeout: 15000 });
        assert.equal(await label.innerText(), 'Wire rating');
        await webviewInTheme(inner, kinds[pass]);
        await shot(`panel-info-${kinds[pass]}`);
      }
      assert.deepEqual([...kinds].sort(), ['dark', 'light'], 'screenshots in the light and the dark theme');
      await toggleTheme(page);
      await inner.locator('vscode-tab-header[data-tab="overview"]').click();
    },
  },
  {
    name: 'the reason a car is not charging shows in the row and its tooltip, in the dark and the light theme',
    async run({ page, units, simControl, shot }) {
      const u = units[1];
      await simControl({ action: 'plug', unitId: u.unitId, plugged: true });
      await palette(page, 'JuiceNet: Set Current Limit');
      // The charger picker (several units) names each charger and says what it does, never its ID.
      const chargerPick = page.locator('.quick-input-widget .quick-input-title', { hasText: 'JuiceNet: Set Current Limit' });
      await chargerPick.waitFor({ timeout: 30000 });
      const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: u.name }).first();
      assert.ok(!(await pick.innerText()).includes(u.unitId), 'no unit ID in the charger picker');
      const input = page.locator('.quick-input-widget input');
      // The limit picker opens once the charger has been read: type only into it, not the charger pick.
      await pickChargerThen(page, 'Set Current Limit', u.name, 'Charging limit of');
      await input.fill('0');
      await page.keyboard.press('Enter');
      await palette(page, 'JuiceNet: Refresh');
      // Both themes: the one the workbench starts with, then the other one.
      const kinds = [await themeKind(page)];
      for (const pass of [0, 1]) {
        if (pass === 1) kinds.push(await toggleTheme(page));
        const row = await rowSaying(page, u.name, /stopped by you \(0 A\)/);
        await shot(`reason-${kinds[pass]}`);
        // The tree draws a row anew when a reading comes, which drops a hover begun on the old one: hover again until the tooltip shows.
        const tip = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'current limit is 0 A' }).first();
        await until(page, `the tooltip of ${u.name}`, async () => {
          await page.mouse.move(5, 5);
          await row.hover();
          await tip.waitFor({ timeout: 3000 });
          return true;
        });
        await shot(`reason-tooltip-${kinds[pass]}`);
        await page.mouse.move(5, 5);
        await page.keyboard.press('Escape');
      }
      assert.deepEqual([...kinds].sort(), ['dark', 'light'], 'screenshots in the light and the dark theme');
      await toggleTheme(page);
    },
  },
  {
    name: 'a limit picker opened while the server fails says the value shown is the last known one',
    async run({ page, units, simControl, shot }) {
      const u = units[0];
      await simControl({ action: 'faults', faults: { http5xxRate: 1 } });
      try {
        await palette(page, 'JuiceNet: Set Current Limit');
        // The limit picker opens once the read has failed, with its words set from the start.
        await pickChargerThen(page, 'Set Current Limit', u.name, 'Charging limit of');
        const placeholder = (await page.locator('.quick-input-widget input').getAttribute('placeholder')) ?? '';
        assert.match(placeholder, /^Last known: \d+ A — the charger cannot be reached now/, `the picker says "${placeholder}"`);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'last known' }).first().waitFor({ timeout: 5000 });
        await shot('limit-last-known');
        await page.keyboard.press('Escape');
      } finally {
        await simControl({ action: 'clear_faults' });
      }
    },
  },
];
