// The History tab in a real Chromium: totals of the loaded sessions, numbers right-aligned, the
// CSV named after the charger and offering every session (read page by page, with progress and
// Cancel), one date format in the table and the plot read-out, and the loaded pages and sort kept
// when the page is discarded.
import { strict as assert } from 'node:assert';
import { startHarness, type Harness } from './harness';
import { formatCents, formatDuration } from '../../src/domain/format';
import { dateTimeText, unitTimeZone } from '../../src/domain/time-zone';

describe('unit panel History (Chromium)', function () {
  this.timeout(90_000);
  let hx: Harness;
  const P = () => hx.page;
  const rows = () => P().locator('[data-testid=history-table] tbody tr');
  const control = (body: unknown) => fetch(`${hx.sim.baseUrl}/_sim/control`, { method: 'POST', body: JSON.stringify(body) });

  /** The next rebuilt page reads one page (the state as after a fresh start). */
  const onePageOnReload = () =>
    P().evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('vscodeState')!);
      sessionStorage.setItem('vscodeState', JSON.stringify({ ...s, history: { sortKey: 'timeStart', sortDesc: true, pagesLoaded: 1 } }));
    });

  before(async () => {
    // A browser far from the chargers' zones: the table must not show its time.
    hx = await startHarness({ theme: 'light', browserTimeZone: 'Asia/Tokyo' });
    await P().locator('vscode-tab-header[data-tab="history"]').click();
    await rows().first().waitFor();
  });
  after(async () => {
    await hx?.close();
  });

  it('totals the loaded sessions (count, energy, charging time, savings) as the simulator has them', async () => {
    const sims = hx.sim.unit(hx.unitId).sessions.slice(0, 20);
    const energyWh = sims.reduce((a, s) => a + s.energyWh, 0);
    const durationS = sims.reduce((a, s) => a + s.durationS, 0);
    const foot = P().locator('[data-testid=history-totals-row] td');
    assert.deepEqual(await foot.allInnerTexts(), [
      'Total of 20 sessions',
      formatDuration(durationS),
      (energyWh / 1000).toFixed(2),
      await foot.nth(3).innerText(),
    ]);
    const cents = sims.reduce((a, s) => a + (s.savingsCents ?? 0), 0);
    assert.equal(await foot.nth(3).innerText(), formatCents(cents));
    assert.match(await P().locator('[data-testid=history-totals]').innerText(), /^20 sessions loaded: .+kWh, .+ of charging, \$[\d,]+\.\d\d saved\.$/);
  });

  it('shows each session in the charger’s zone, not the browser’s', async () => {
    const zone = unitTimeZone(hx.sim.unit(hx.unitId).info.timeZoneId as string);
    assert.notEqual(zone, 'Asia/Tokyo');
    const newest = [...hx.sim.unit(hx.unitId).sessions].sort((a, b) => b.timeStart - a.timeStart)[0];
    const row = P().locator(`[data-testid=history-table] tbody tr[data-session-id="${newest.id}"]`);
    assert.equal(await row.locator('td').first().innerText(), dateTimeText(zone, newest.timeStart));
    assert.notEqual(dateTimeText(zone, newest.timeStart), dateTimeText('Asia/Tokyo', newest.timeStart));
  });

  it('right-aligns the numbers and left-aligns the dates', async () => {
    const align = (sel: string) =>
      P()
        .locator(sel)
        .first()
        .evaluate((el) => getComputedStyle(el).textAlign);
    for (const n of [3, 4, 5]) {
      assert.equal(await align(`[data-testid=history-table] tbody tr td:nth-child(${n})`), 'right', `column ${n}`);
      assert.equal(await align(`[data-testid=history-table] thead th:nth-child(${n})`), 'right', `header ${n}`);
    }
    assert.equal(await align('[data-testid=history-table] tbody tr td:nth-child(1)'), 'left');
  });

  it('shows the plot read-out time in the table’s date format, and the points count in words', async () => {
    const row = P().locator('[data-testid=history-table] tbody tr[data-session-id]').first();
    const start = await row.locator('td').first().innerText();
    await row.click();
    await P().locator('[data-testid=plot] canvas').waitFor();
    const over = P().locator('[data-testid=plot] .u-over');
    const box = (await over.boundingBox())!;
    await P().mouse.move(box.x + 2, box.y + box.height / 2);
    const readOut = (await P().locator('[data-testid=plot] .u-legend .u-series').first().locator('.u-value').innerText()).trim();
    // The same format: the session's start and the first reading are both "30 Nov 2026, 05:27".
    const shape = (s: string) => s.replace(/\d+/g, '9');
    assert.equal(shape(readOut), shape(start), `${readOut} vs ${start}`);
    const energy = await P().locator('[data-testid=plot-energy]').innerText();
    assert.match(energy, /from \d+ power readings/);
    assert.ok(!/points\)/.test(energy), energy);
  });

  it('exports every session, reading the remaining pages with progress, in a file named after the charger', async () => {
    const all = hx.sim.unit(hx.unitId).sessions.length;
    assert.ok(all > 40, `the simulator has ${all} sessions (more than two pages)`);
    await P().evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __progress: string[] }).__progress = seen;
      const el = document.querySelector('vscode-tab-panel[data-panel=history] .message')!;
      new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, subtree: true, characterData: true });
    });
    await P().locator('[data-testid=export-csv-all]').click();
    await P().waitForFunction(
      () => /^Saved \d+ sessions/.test(document.querySelector('vscode-tab-panel[data-panel=history] .message')!.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    const name = hx.sim.unit(hx.unitId).name;
    const msg = await P().locator('vscode-tab-panel[data-panel=history] .message').first().innerText();
    assert.equal(
      msg,
      `Saved ${all} sessions to /virtual/${name
        .replace(/[^\w\s-]+/g, ' ')
        .trim()
        .replace(/[\s_-]+/g, '-')}-charging-history.csv.`,
    );
    const lines = hx.savedCsv.at(-1)!.trim().split('\r\n');
    assert.equal(lines.length, all + 1);
    const progress = await P().evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    assert.ok(
      progress.some((t) => /^Reading every session: \d+ so far…$/.test(t)),
      progress.join(' | '),
    );
    assert.equal(await rows().count(), all, 'the table holds every session too');
  });

  it('can cancel reading every session, keeping what was read', async () => {
    await onePageOnReload();
    await P().reload();
    await hx.setTheme('light');
    await rows().first().waitFor();
    // A slow server, so that Cancel comes while pages are still being read.
    await control({ action: 'faults', faults: { latencyMs: 300 } });
    try {
      const before = hx.savedCsv.length;
      await P().locator('[data-testid=export-csv-all]').click();
      await P().waitForFunction(() => /Reading every session/.test(document.querySelector('vscode-tab-panel[data-panel=history] .message')!.textContent ?? ''));
      await P().locator('[data-testid=export-cancel]').click();
      await P().waitForFunction(
        () => /^Export cancelled after reading \d+ sessions/.test(document.querySelector('vscode-tab-panel[data-panel=history] .message')!.textContent ?? ''),
        undefined,
        { timeout: 30_000 },
      );
      assert.equal(hx.savedCsv.length, before, 'nothing was saved');
      assert.equal(await P().locator('[data-testid=export-cancel]').isHidden(), true);
    } finally {
      await control({ action: 'clear_faults' });
    }
  });

  it('comes back with the pages it had loaded and its sort after the page is discarded', async () => {
    await onePageOnReload();
    await P().reload();
    await hx.setTheme('light');
    await rows().first().waitFor();
    // Two more pages than the first, sorted by energy (ascending).
    await P().locator('[data-testid=load-more]').click();
    await P().waitForFunction(() => document.querySelectorAll('[data-testid=history-table] tbody tr').length >= 40);
    await P().locator('[data-testid=load-more]').click();
    await P().waitForFunction(() => document.querySelectorAll('[data-testid=history-table] tbody tr').length > 40);
    const count = await rows().count();
    await P().locator('button.sort[data-sort=energyWh]').click();
    await P().locator('button.sort[data-sort=energyWh]').click();
    const energies = await P().locator('[data-testid=history-table] tbody tr td:nth-child(4)').allInnerTexts();
    await P().reload();
    await hx.setTheme('light');
    await P().waitForFunction((n) => document.querySelectorAll('[data-testid=history-table] tbody tr').length === n, count);
    assert.deepEqual(await P().locator('[data-testid=history-table] tbody tr td:nth-child(4)').allInnerTexts(), energies);
    assert.equal(await P().locator('th:has(button.sort[data-sort=energyWh])').getAttribute('aria-sort'), 'ascending');
  });
});
