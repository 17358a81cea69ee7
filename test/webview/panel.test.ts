// The unit panel in a real Chromium, over the real message protocol, router, client and simulator.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, panelCsp, type Harness } from './harness';
import { eventLabel, stateLabel } from '../../src/domain/labels';
import { dateTimeText, unitTimeZone } from '../../src/domain/time-zone';

const RESULTS = join(__dirname, '..', '..', 'test-results');

describe('unit panel (Chromium)', function () {
  this.timeout(60_000);
  let hx: Harness;

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    hx = await startHarness({ theme: 'dark' });
  });
  after(async () => {
    await hx?.close();
  });

  const tab = async (name: string) => {
    await hx.page.locator(`vscode-tab-header[data-tab="${name}"]`).click();
    await hx.page.locator(`vscode-tab-panel[data-panel="${name}"]`).waitFor({ state: 'visible' });
  };

  it('is served with the strict CSP and runs without a single CSP violation', async () => {
    const csp = await hx.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.equal(csp, panelCsp({ cspSource: hx.origin, nonce: hx.nonce, allowRemoteImages: false }));
    assert.ok(!csp!.includes('unsafe'), csp!);
    // The overview renders the pushed unit (so the script ran under that policy).
    await hx.page.locator('[data-testid=overview]').waitFor();
    assert.match(await hx.page.locator('[data-testid=overview]').innerText(), /Power/);
    assert.deepEqual(await hx.cspViolations(), []);
  });

  it('updates the overview when the host pushes a new reading', async () => {
    const stateText = async () => (await hx.page.locator('[data-testid=overview] dt:text-is("State") + dd').innerText()).trim();
    hx.sim.unplug(hx.unitId);
    await hx.refreshUnit();
    await hx.page.waitForFunction(() => /standby/.test(document.querySelector('[data-testid=overview]')?.textContent ?? ''));
    assert.equal(await stateText(), 'standby');
    hx.sim.plugIn(hx.unitId);
    await hx.refreshUnit();
    // In words: "plugged in", never the protocol's `plugged`.
    const expected = stateLabel(hx.sim.unit(hx.unitId).reportedState);
    await hx.page.waitForFunction((s) => document.querySelector('[data-testid=overview] dd')?.textContent === s, expected);
    assert.equal(await stateText(), expected);
  });

  it('fills the history table from the simulator and pages with "Load more"', async () => {
    await tab('history');
    const rows = hx.page.locator('[data-testid=history-table] tbody tr');
    await rows.first().waitFor();
    const first = await rows.count();
    assert.equal(first, 20, 'one page of the simulator (page size 20)');
    await hx.page.locator('[data-testid=load-more]').click();
    await hx.page.waitForFunction(() => document.querySelectorAll('[data-testid=history-table] tbody tr').length > 20);
    assert.equal(await rows.count(), 40);
    // The energy column agrees with the simulator's own records.
    const simEnergyKwh = hx.sim
      .unit(hx.unitId)
      .sessions.slice(0, 40)
      .map((s) => (s.energyWh / 1000).toFixed(2))
      .sort();
    const shown = (await hx.page.locator('[data-testid=history-table] tbody tr td:nth-child(4)').allInnerTexts()).sort();
    assert.deepEqual(shown, simEnergyKwh);
  });

  it('sorts by a column when its header is clicked', async () => {
    await hx.page.locator('button.sort[data-sort=energyWh]').click();
    const values = (await hx.page.locator('[data-testid=history-table] tbody tr td:nth-child(4)').allInnerTexts()).map(Number);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
    );
    await hx.page.locator('button.sort[data-sort=energyWh]').click();
    const asc = (await hx.page.locator('[data-testid=history-table] tbody tr td:nth-child(4)').allInnerTexts()).map(Number);
    assert.deepEqual(
      asc,
      [...values].sort((a, b) => a - b),
    );
  });

  it('exports the loaded sessions as CSV through the host', async () => {
    await hx.page.locator('[data-testid=export-csv]').click();
    await hx.page.waitForFunction(() => /Saved 40 sessions/.test(document.querySelector('vscode-tab-panel[data-panel=history] .message')!.textContent ?? ''));
    const csv = hx.savedCsv.at(-1)!;
    const lines = csv.trim().split('\r\n');
    assert.equal(lines.length, 41);
    assert.match(lines[0], /^session_id,start_utc,end_utc,duration_s,energy_kwh,savings_usd$/);
    const ids = new Set(
      hx.sim
        .unit(hx.unitId)
        .sessions.slice(0, 40)
        .map((s) => String(s.id)),
    );
    for (const l of lines.slice(1)) assert.ok(ids.has(l.split(',')[0]), l);
  });

  it('draws the selected session’s power plot with its energy', async () => {
    const row = hx.page.locator('[data-testid=history-table] tbody tr[data-session-id]').first();
    await row.click();
    await hx.page.locator('[data-testid=plot] canvas').waitFor();
    await hx.page.waitForFunction(() => (window as unknown as { juicenetPanel: { historyPlotLength(): number } }).juicenetPanel.historyPlotLength() > 0);
    const len = await hx.page.evaluate(() => (window as unknown as { juicenetPanel: { historyPlotLength(): number } }).juicenetPanel.historyPlotLength());
    assert.ok(len >= 2, `series length ${len}`);
    // The canvas has pixels drawn on it (not an empty bitmap).
    const inked = await hx.page.evaluate(() => {
      const c = document.querySelector('[data-testid=plot] canvas') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
      return n;
    });
    assert.ok(inked > 100, `inked pixels ${inked}`);
    assert.match(await hx.page.locator('[data-testid=plot-energy]').innerText(), /Energy under the curve: \d+\.\d\d kWh/);
    await hx.setTheme('dark');
    await hx.page.screenshot({ path: join(RESULTS, 'webview-history-dark.png'), fullPage: true });
    await hx.setTheme('light');
    await hx.page.screenshot({ path: join(RESULTS, 'webview-history-light.png'), fullPage: true });
    assert.deepEqual(await hx.cspViolations(), []);
  });

  it('comes back on the same tab, sort and session after the page is discarded (vscode.setState)', async () => {
    const selected = await hx.page.locator('[data-testid=history-table] tbody tr.selected').getAttribute('data-session-id');
    assert.ok(selected);
    const saved = await hx.page.evaluate(() => JSON.parse(sessionStorage.getItem('vscodeState')!));
    assert.deepEqual(Object.keys(saved).sort(), ['history', 'insights', 'tab', 'unitKey'], 'the unit key and UI state only');
    await hx.page.reload();
    await hx.setTheme('light');
    await hx.page.locator('vscode-tab-panel[data-panel=history] [data-testid=history-table]').waitFor();
    assert.equal(await hx.page.locator('vscode-tabs').getAttribute('selected-index'), '1');
    await hx.page.locator(`[data-testid=history-table] tbody tr.selected[data-session-id="${selected}"]`).waitFor();
    await hx.page.locator('[data-testid=plot] canvas').waitFor();
  });

  it('refuses an invalid info edit with a message naming the field, and sends nothing', async () => {
    await tab('info');
    const wire = hx.page.locator('input[data-path=amps_wire_rating]');
    await hx.page.waitForFunction(() => (document.querySelector('input[data-path=name]') as HTMLInputElement | null)?.value !== '');
    const before = hx.sim.unit(hx.unitId).info;
    await wire.fill('-5');
    const problems = hx.page.locator('[data-testid=info-problems]');
    // The JSON pane names the field's path; the form says it in words beside the field.
    assert.match(await problems.innerText(), /amps_wire_rating: must be above 0/);
    assert.equal(await hx.page.locator('[data-error-for=amps_wire_rating]').innerText(), 'Wire rating must be above 0.');
    assert.equal(await wire.getAttribute('aria-invalid'), 'true');
    assert.equal(await hx.page.locator('[data-testid=info-save]').getAttribute('disabled'), '');
    // Invalid JSON in the editor is refused too, naming (json).
    await hx.page.locator('[data-testid=info-json]').fill('{"name": ');
    assert.match(await problems.innerText(), /\(json\): JSON does not parse/);
    await hx.page.locator('[data-testid=info-json]').fill(JSON.stringify({ ...before, name: '' }));
    assert.match(await problems.innerText(), /name: cannot be empty/);
    // The structured form follows the JSON editor.
    assert.equal(await hx.page.locator('input[data-path=name]').inputValue(), '');
    assert.deepEqual(hx.sim.unit(hx.unitId).info, before);
    await hx.page.screenshot({ path: join(RESULTS, 'webview-info-invalid-light.png'), fullPage: true });
  });

  it('sends a valid edit after showing the diff, and the simulator has it', async () => {
    // The form holds unsaved edits: Reload asks first.
    await hx.page.locator('[data-testid=info-reload]').click();
    await hx.page.locator('[data-testid=info-reload-confirm-yes]').click();
    await hx.page.waitForFunction(() => document.querySelector('[data-testid=info-problems]')!.childElementCount === 0);
    const before = hx.sim.unit(hx.unitId).info;
    const newRating = Number(before.amps_wire_rating) === 40 ? 32 : 40;
    await hx.page.locator('input[data-path=amps_wire_rating]').fill(String(newRating));
    await hx.page.locator('input[data-path=name]').fill('Garage (edited)');
    // The JSON editor follows the form.
    assert.equal(JSON.parse(await hx.page.locator('[data-testid=info-json]').inputValue()).amps_wire_rating, newRating);
    await hx.page.locator('[data-testid=info-save]').click();
    const diff = await hx.page.locator('[data-testid=info-diff]').innerText();
    // The review speaks in words, with the units.
    assert.match(diff, new RegExp(`Wire rating: ${before.amps_wire_rating} A → ${newRating} A`));
    assert.match(diff, /Name: .* → "Garage \(edited\)"/);
    assert.ok(!/amps_wire_rating/.test(diff), diff);
    // A new wire rating is confirmed on its own before anything is sent.
    assert.equal(await hx.page.locator('[data-testid=info-confirm-send]').getAttribute('disabled'), '');
    await hx.page.locator('[data-testid=info-confirm-send]').click({ force: true });
    assert.notEqual(hx.sim.unit(hx.unitId).info.amps_wire_rating, newRating, 'not sent before the confirmation');
    await hx.page.locator('[data-testid=info-wire-confirm]').check();
    await hx.page.locator('[data-testid=info-confirm-send]').click();
    await hx.page.locator('[data-testid=info-message].ok').waitFor();
    const after = hx.sim.unit(hx.unitId).info;
    assert.equal(after.amps_wire_rating, newRating);
    assert.equal(after.name, 'Garage (edited)');
    // Unknown fields went back untouched.
    for (const k of Object.keys(before)) if (!['amps_wire_rating', 'name', 'info_timestamp'].includes(k)) assert.deepEqual(after[k], before[k], k);
    // The form reloaded from the server.
    assert.equal(await hx.page.locator('input[data-path=name]').inputValue(), 'Garage (edited)');
  });

  it('reports a conflict when the info changed on the server since the form was loaded', async () => {
    // Someone else edits the info (through the protocol) after the form was loaded.
    const u = hx.sim.units[0];
    await new Promise((r) => setTimeout(r, 1100)); // info_timestamp has a 1 s resolution
    const res = await fetch(`${hx.sim.baseUrl}/box_api_secure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...hx.sim.unit(u.unitId).info, cmd: 'set_info', device_id: 'other', token: u.token, account_token: hx.sim.accountToken, mpg: 33 }),
    });
    assert.equal((await res.json()).success, true);
    await hx.page.locator('input[data-path=ecost]').fill('15');
    await hx.page.locator('[data-testid=info-save]').click();
    await hx.page.locator('[data-testid=info-confirm-send]').click();
    await hx.page.locator('[data-testid=info-overwrite]').waitFor();
    assert.match(await hx.page.locator('[data-testid=info-message]').innerText(), /changed on the charger/);
    assert.notEqual(hx.sim.unit(u.unitId).info.ecost, 15);
    // The edit is still there; "Overwrite anyway" sends it.
    assert.equal(await hx.page.locator('input[data-path=ecost]').inputValue(), '15');
    await hx.page.locator('[data-testid=info-overwrite]').click();
    await hx.page.locator('[data-testid=info-message].ok').waitFor();
    assert.equal(hx.sim.unit(u.unitId).info.ecost, 15);
  });

  it('edits the schedule with an overnight window drawn as two segments, and saves it', async () => {
    await tab('schedule');
    await hx.page.waitForFunction(() => (document.querySelector('[data-testid=schedule-weekday-start]') as HTMLInputElement).value !== '');
    await hx.page.locator('[data-testid=schedule-type]').selectOption('custom');
    await hx.page.locator('[data-testid=schedule-weekday-start]').fill('23:00');
    await hx.page.locator('[data-testid=schedule-weekday-end]').fill('07:00');
    assert.equal(await hx.page.locator('[data-testid=bar-weekday] .segment').count(), 2);
    await hx.page.locator('[data-testid=schedule-weekday-end]').fill('7 am');
    assert.match(await hx.page.locator('[data-testid=schedule-weekday-end] + .field-error').innerText(), /not a time/);
    await hx.page.locator('[data-testid=schedule-weekday-end]').fill('07:00');
    // 24:00 may end a window but not start one: refused in the form, nothing sent.
    await hx.page.locator('[data-testid=schedule-weekday-start]').fill('24:00');
    assert.match(await hx.page.locator('[data-testid=schedule-weekday-start] + .field-error').innerText(), /cannot start at 24:00; use 00:00/);
    const sets = hx.sim.commandCounts().set_schedule ?? 0;
    await hx.page.locator('[data-testid=schedule-save]').click();
    await hx.page.locator('[data-testid=schedule-message].error').waitFor();
    assert.match(await hx.page.locator('[data-testid=schedule-message]').innerText(), /nothing was sent/);
    assert.equal(hx.sim.commandCounts().set_schedule ?? 0, sets);
    await hx.page.locator('[data-testid=schedule-weekday-start]').fill('23:00');
    await hx.page.locator('[data-testid=schedule-save]').click();
    await hx.page.locator('[data-testid=schedule-message].ok').waitFor();
    const s = hx.sim.unit(hx.unitId).schedule;
    assert.equal(s.type, 'custom');
    assert.equal(s.weekday.start, 1380);
    assert.equal(s.weekday.end, 420);
    await hx.page.screenshot({ path: join(RESULTS, 'webview-schedule-light.png'), fullPage: true });
  });

  it('saves notification toggles and a webhook, never logging its authorization header', async () => {
    await tab('notifications');
    await hx.page.locator('[data-testid=notif-plugin-email]').waitFor();
    await hx.page.locator('[data-testid=notif-plugin-email]').check();
    await hx.page.locator('#notif-plugin-url').evaluate((el) => ((el.closest('details') as HTMLDetailsElement).open = true));
    await hx.page.locator('#notif-plugin-url').fill('https://hooks.example/ev');
    await hx.page.locator('#notif-plugin-method').selectOption('PUT');
    await hx.page.locator('#notif-plugin-auth').fill('Bearer s3cr3t-hook-value');
    assert.equal(await hx.page.locator('#notif-plugin-auth').getAttribute('type'), 'password');
    await hx.page.locator('[data-testid=notif-save]').click();
    await hx.page.locator('[data-testid=notif-message].ok').waitFor();
    const n = hx.sim.unit(hx.unitId).notifications.plugin as { email?: boolean; webhook?: { url?: string; method?: string; authorization_headers?: string } };
    assert.equal(n.email, true);
    assert.equal(n.webhook?.url, 'https://hooks.example/ev');
    assert.equal(n.webhook?.method, 'PUT');
    assert.ok(!hx.logs.some((l) => l.message.includes('s3cr3t')), 'the header never reaches the log');
  });

  it('refuses malformed messages from the page without crashing, and logs them', async () => {
    await hx.page.evaluate(() => {
      const api = (window as unknown as { acquireVsCodeApi(): { postMessage(m: unknown): void } }).acquireVsCodeApi();
      api.postMessage({ kind: 'request', id: 99, method: 'dropTables', params: {} });
      api.postMessage('garbage');
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(hx.logs.some((l) => l.level === 'warn' && /refused a message/.test(l.message)));
    // Still answering afterwards.
    await tab('overview');
    assert.match(await hx.page.locator('[data-testid=overview]').innerText(), /State/);
    await hx.setTheme('dark');
    await hx.page.screenshot({ path: join(RESULTS, 'webview-overview-dark.png'), fullPage: true });
    assert.deepEqual(await hx.cspViolations(), []);
  });
});

// The review's findings on the panel: paging, table semantics, resizing, themes, the override
// wording, and the forms' writes (empty windows, double clicks, read-backs that differ or fail,
// Reload over edits, unsaved edits across a discarded page). A fresh simulator and page.
describe('unit panel: paging, themes, writes and unsaved edits (Chromium)', function () {
  this.timeout(60_000);
  let hx: Harness;
  const P = () => hx.page;

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    hx = await startHarness({ theme: 'dark' });
  });
  afterEach(() => hx?.sim.clearFaults());
  after(async () => {
    await hx?.close();
  });

  const tab = async (name: string) => {
    await P().locator(`vscode-tab-header[data-tab="${name}"]`).click();
    await P().locator(`vscode-tab-panel[data-panel="${name}"]`).waitFor({ state: 'visible' });
  };
  /** A protocol command from another app on the same unit (real HTTP to the simulator). */
  const asOtherDevice = async (body: Record<string, unknown>) => {
    const u = hx.sim.units[0];
    const res = await fetch(`${hx.sim.baseUrl}/box_api_secure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, device_id: 'other-app', token: u.token, account_token: hx.sim.accountToken }),
    });
    const reply = (await res.json()) as { success?: boolean };
    assert.equal(reply.success, true, JSON.stringify(reply));
  };
  const count = (cmd: string) => hx.sim.commandCounts()[cmd] ?? 0;
  const savedState = () => P().evaluate(() => JSON.parse(sessionStorage.getItem('vscodeState') ?? '{}') as Record<string, unknown>);
  const messageOf = (testId: string) => P().locator(`[data-testid=${testId}]`).innerText();
  const waitNotBusy = (testId: string) => P().waitForFunction((id) => !/…$/.test(document.querySelector(`[data-testid=${id}]`)?.textContent ?? ''), testId);
  const scheduleLoaded = () =>
    P().waitForFunction(() => (document.querySelector('[data-testid=schedule-weekday-start]') as HTMLInputElement | null)?.value !== '');

  it('keeps "Load more" hidden until the first page is in, and a double click loads one page', async () => {
    // Slow replies: the tab is shown well before its first page is in.
    hx.sim.setFaults({ latencyMs: 250 });
    await tab('history');
    assert.equal(await P().locator('[data-testid=history-table]').count(), 0, 'the first page is still on its way');
    assert.equal(await P().locator('[data-testid=load-more]').isHidden(), true, 'nothing to page on before the first page');
    const rows = P().locator('[data-testid=history-table] tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 20);
    const pages = count('get_history');
    await P().locator('[data-testid=load-more]').dblclick();
    // Disabled while its page is on the way.
    assert.equal(await P().locator('[data-testid=load-more]').getAttribute('disabled'), '');
    await P().waitForFunction(() => /^\d+ sessions/.test(document.querySelector('vscode-tab-panel[data-panel=history] .message')?.textContent ?? ''));
    assert.equal(count('get_history') - pages, 1, 'one get_history for a double click');
    const ids = await P()
      .locator('[data-testid=history-table] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-session-id')));
    assert.equal(ids.length, 40);
    assert.equal(new Set(ids).size, 40, 'no session twice');
    assert.equal(await P().locator('[data-testid=load-more]').getAttribute('disabled'), null);
  });

  it('puts aria-sort on the column header, marks the selected row, and Space selects without scrolling', async () => {
    const th = P().locator('[data-testid=history-table] th[aria-sort]');
    assert.equal(await th.count(), 1);
    assert.equal(await th.getAttribute('aria-sort'), 'descending');
    assert.equal(await P().locator('button.sort[aria-sort]').count(), 0, 'not on the button');
    await P().evaluate(() => {
      window.addEventListener('keydown', (e) => ((window as unknown as { spacePrevented: boolean }).spacePrevented = e.key === ' ' && e.defaultPrevented));
    });
    const row = P().locator('[data-testid=history-table] tbody tr[data-session-id]').nth(2);
    const id = await row.getAttribute('data-session-id');
    assert.equal(await row.getAttribute('aria-selected'), 'false');
    await row.focus();
    await P().keyboard.press(' ');
    await P().locator(`[data-testid=history-table] tbody tr[data-session-id="${id}"][aria-selected=true]`).waitFor();
    assert.equal(await P().evaluate(() => (window as unknown as { spacePrevented: boolean }).spacePrevented), true, 'Space does not scroll the page');
    assert.equal(await P().locator('[data-testid=history-table] tbody tr[aria-selected=true]').count(), 1);
  });

  it('redraws the power plot at the new width when the panel is resized', async () => {
    await P().locator('[data-testid=plot] canvas').waitFor();
    const width = () => P().evaluate(() => (window as unknown as { juicenetPanel: { historyPlotWidth(): number } }).juicenetPanel.historyPlotWidth());
    const wide = await width();
    assert.ok(wide > 900, `plot width ${wide}`);
    await P().setViewportSize({ width: 700, height: 900 });
    await P().waitForFunction((w) => (window as unknown as { juicenetPanel: { historyPlotWidth(): number } }).juicenetPanel.historyPlotWidth() < w - 300, wide);
    const narrow = await width();
    const host = await P()
      .locator('[data-testid=plot]')
      .evaluate((el) => el.clientWidth);
    assert.ok(Math.abs(narrow - host) < 2, `plot ${narrow} px in a ${host} px host`);
    await P().setViewportSize({ width: 1100, height: 900 });
    await P().waitForFunction(
      (w) => (window as unknown as { juicenetPanel: { historyPlotWidth(): number } }).juicenetPanel.historyPlotWidth() > w + 300,
      narrow,
    );
  });

  it('follows the theme kind with color-scheme, and outlines the selected row in high contrast', async () => {
    const scheme = () =>
      P().evaluate(() => [getComputedStyle(document.body).colorScheme, getComputedStyle(document.querySelector('input, select')!).colorScheme]);
    for (const [theme, expected] of [
      ['dark', 'dark'],
      ['light', 'light'],
      ['hc', 'dark'],
      ['hc-light', 'light'],
    ] as const) {
      await hx.setTheme(theme);
      assert.deepEqual(await scheme(), [expected, expected], theme);
    }
    await hx.setTheme('hc');
    // Neither focused nor hovered: the selection alone must show.
    await P().mouse.move(1, 1);
    await P().evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const selected = P().locator('[data-testid=history-table] tbody tr.selected');
    const outline = await selected.evaluate((el) => {
      const cs = getComputedStyle(el);
      return [cs.outlineStyle, cs.outlineColor];
    });
    assert.deepEqual(outline, ['solid', 'rgb(243, 133, 24)'], 'contrastActiveBorder outline');
    await P().screenshot({ path: join(RESULTS, 'webview-history-hc.png'), fullPage: true });
    await hx.setTheme('dark');
    assert.equal(await selected.evaluate((el) => getComputedStyle(el).outlineColor), 'rgba(0, 0, 0, 0)', 'transparent where the theme has no contrast border');
    assert.deepEqual(await hx.cspViolations(), []);
  });

  it('says when a future override starts charging ("charges from", as the tree)', async () => {
    const overrideS = Math.floor(Date.now() / 1000) + 2 * 3600;
    await asOtherDevice({ cmd: 'set_override', override_time: overrideS });
    await hx.refreshUnit();
    await tab('overview');
    const dd = P().locator('[data-testid=overview] dt:text-is("Override") + dd');
    await P().waitForFunction(() => /charges from/.test(document.querySelector('[data-testid=overview]')?.textContent ?? ''));
    // The panel's one date format (as the history table and the plot read-out), in the charger's zone.
    assert.equal(await dd.innerText(), `charges from ${dateTimeText(unitTimeZone(hx.sim.unit(hx.unitId).info.timeZoneId as string), overrideS)}`);
    await asOtherDevice({ cmd: 'set_override', override_time: 0 });
    await hx.refreshUnit();
  });

  it('refuses an empty schedule window with the Edit Schedule command’s wording, and sends nothing', async () => {
    await tab('schedule');
    await scheduleLoaded();
    await P().locator('[data-testid=schedule-type]').selectOption('custom');
    await P().locator('[data-testid=schedule-weekday-start]').fill('08:00');
    await P().locator('[data-testid=schedule-weekday-end]').fill('8:00');
    const windowError = 'weekday: start and end are both 08:00; the window would be empty. Pick different times.';
    assert.equal(await messageOf('schedule-weekday-window-error'), windowError);
    assert.equal(await P().locator('[data-testid=schedule-weekday-end]').getAttribute('aria-invalid'), 'true');
    // Each field names its error (aria-describedby); one polite summary announces; no alerts per field.
    const describedBy = (await P().locator('[data-testid=schedule-weekday-end]').getAttribute('aria-describedby'))!.split(' ');
    const described = await Promise.all(describedBy.map((id) => P().locator(`#${id}`).innerText()));
    assert.ok(described.includes(windowError), JSON.stringify(described));
    assert.equal(await P().locator('.field-error[role=alert]').count(), 0);
    assert.equal(await P().locator('[data-testid=schedule-problems]').getAttribute('aria-live'), 'polite');
    assert.match(await messageOf('schedule-problems'), /the window would be empty/);
    const sets = count('set_schedule');
    await P().locator('[data-testid=schedule-save]').click();
    await P().locator('[data-testid=schedule-message].error').waitFor();
    assert.match(await messageOf('schedule-message'), /nothing was sent/);
    assert.equal(count('set_schedule'), sets);
    // The same window with the schedule disabled is fine (its windows are not used).
    await P().locator('[data-testid=schedule-type]').selectOption('disabled');
    assert.equal(await messageOf('schedule-weekday-window-error'), '');
  });

  it('saves the schedule once for a double click, with Save disabled meanwhile', async () => {
    await P().locator('[data-testid=schedule-type]').selectOption('custom');
    await P().locator('[data-testid=schedule-weekday-start]').fill('22:00');
    await P().locator('[data-testid=schedule-weekday-end]').fill('05:00');
    hx.sim.setFaults({ latencyMs: 250 });
    const sets = count('set_schedule');
    await P().locator('[data-testid=schedule-save]').dblclick();
    assert.equal(await P().locator('[data-testid=schedule-save]').getAttribute('disabled'), '');
    await P().locator('[data-testid=schedule-message].ok').waitFor();
    assert.equal(count('set_schedule') - sets, 1, 'one set_schedule for a double click');
    assert.equal(await P().locator('[data-testid=schedule-save]').getAttribute('disabled'), null);
    assert.deepEqual(hx.sim.unit(hx.unitId).schedule.weekday, { start: 1320, end: 300, car_ready_by: hx.sim.unit(hx.unitId).schedule.weekday.car_ready_by });
  });

  it('says which schedule values the charger reports differently, and keeps the input', async () => {
    // Another app changes the weekday end between the panel's write and its read-back.
    hx.afterNextWrite(async () => {
      const s = hx.sim.unit(hx.unitId).schedule;
      await asOtherDevice({ cmd: 'set_schedule', type: s.type, weekday: { ...s.weekday, end: 360 }, weekend: s.weekend });
    });
    await P().locator('[data-testid=schedule-weekday-end]').fill('04:30');
    await P().locator('[data-testid=schedule-save]').click();
    await P().locator('[data-testid=schedule-message].warn').waitFor();
    const text = await messageOf('schedule-message');
    assert.match(text, /charger reports different values: weekdays end \(the charger has 06:00\)/);
    assert.doesNotMatch(text, /Saved/);
    assert.equal(await P().locator('[data-testid=schedule-weekday-end]').inputValue(), '04:30', 'the input is kept');
  });

  it('shows a write whose read-back failed as sent but unconfirmed, not as "Not saved"', async () => {
    // The write is accepted; then the server fails every request, so the read-back fails.
    hx.afterNextWrite(() => hx.sim.setFaults({ http5xxRate: 1 }));
    await P().locator('[data-testid=schedule-weekday-end]').fill('05:30');
    await P().locator('[data-testid=schedule-save]').click();
    await P().locator('[data-testid=schedule-message].warn').waitFor({ timeout: 20_000 });
    assert.equal(await messageOf('schedule-message'), 'Sent; the charger could not be read back to confirm. Reload to check.');
    hx.sim.clearFaults();
    assert.equal(hx.sim.unit(hx.unitId).schedule.weekday.end, 330, 'the write did reach the charger');
    assert.equal(await P().locator('[data-testid=schedule-weekday-end]').inputValue(), '05:30');
  });

  it('asks before Reload discards schedule edits', async () => {
    await P().locator('[data-testid=schedule-weekday-end]').fill('03:15');
    await P().locator('[data-testid=schedule-reload]').click();
    await P().locator('[data-testid=schedule-reload-confirm-no]').click();
    assert.equal(await P().locator('[data-testid=schedule-weekday-end]').inputValue(), '03:15', 'kept');
    await P().locator('[data-testid=schedule-reload]').click();
    await P().locator('[data-testid=schedule-reload-confirm-yes]').click();
    await P().waitForFunction(() => (document.querySelector('[data-testid=schedule-weekday-end]') as HTMLInputElement).value === '05:30');
    // Nothing unsaved: Reload reloads at once.
    await P().locator('[data-testid=schedule-reload]').click();
    await waitNotBusy('schedule-message');
    assert.equal(await P().locator('[data-testid=schedule-reload-confirm-yes]').count(), 0);
  });

  it('names every notification control with its event', async () => {
    await tab('notifications');
    await P().locator('[data-testid=notif-plugin-email]').waitFor();
    // Webhook controls are read when their section is open, as a user would meet them.
    await P()
      .locator('details.webhook')
      .evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    for (const label of ['plugin', 'is_offline', 'is_not_plugged_in_by'].map(eventLabel)) {
      for (const name of [`${label}: email`, `${label}: push`]) assert.equal(await P().getByRole('checkbox', { name, exact: true }).count(), 1, name);
      assert.equal(
        await P()
          .getByRole('textbox', { name: `${label}: webhook URL`, exact: true })
          .count(),
        1,
      );
      assert.equal(
        await P()
          .getByRole('combobox', { name: `${label}: webhook method`, exact: true })
          .count(),
        1,
      );
      assert.equal(await P().getByLabel(`${label}: webhook authorization header`, { exact: true }).count(), 1);
    }
    // The time is asked only while its event is on.
    const notPluggedIn = P().locator('[data-testid=notif-is_not_plugged_in_by-email]');
    const wasOn = await notPluggedIn.isChecked();
    await notPluggedIn.setChecked(true);
    assert.equal(
      await P()
        .getByRole('textbox', { name: `${eventLabel('is_not_plugged_in_by')}: time (HH:MM)`, exact: true })
        .count(),
      1,
    );
    await notPluggedIn.setChecked(wasOn);
  });

  it('saves notifications once for a double click, and names the events the charger reports differently', async () => {
    const before = hx.sim.unit(hx.unitId).notifications;
    const box = P().locator('[data-testid=notif-plugin-email]');
    await box.setChecked(!before.plugin?.email);
    hx.sim.setFaults({ latencyMs: 250 });
    const sets = count('set_notifications');
    await P().locator('[data-testid=notif-save]').dblclick();
    assert.equal(await P().locator('[data-testid=notif-save]').getAttribute('disabled'), '');
    await P().locator('[data-testid=notif-message].ok').waitFor();
    assert.equal(count('set_notifications') - sets, 1, 'one set_notifications for a double click');
    hx.sim.clearFaults();
    // Another app turns start_charging's email the other way between the write and the read-back.
    const startEmail = hx.sim.unit(hx.unitId).notifications.start_charging?.email === true;
    hx.afterNextWrite(() => asOtherDevice({ cmd: 'set_notifications', notifications: { start_charging: { email: startEmail, push: false } } }));
    await P().locator('[data-testid=notif-start_charging-email]').setChecked(!startEmail);
    await P().locator('[data-testid=notif-save]').click();
    await P().locator('[data-testid=notif-message].warn').waitFor();
    assert.match(await messageOf('notif-message'), /charger reports different settings for Charging started\. Your input is kept/);
    assert.equal(await P().locator('[data-testid=notif-start_charging-email]').isChecked(), !startEmail, 'the input is kept');
  });

  it('disables the info form’s send while sending, and names the fields the charger reports differently', async () => {
    await tab('info');
    await P().waitForFunction(() => (document.querySelector('input[data-path=name]') as HTMLInputElement | null)?.value !== '');
    await P().locator('input[data-path=city]').fill('Mine');
    await P().locator('[data-testid=info-save]').click();
    hx.sim.setFaults({ latencyMs: 250 });
    // Another app renames the city between the panel's write and its read-back.
    hx.afterNextWrite(() => asOtherDevice({ ...hx.sim.unit(hx.unitId).info, cmd: 'set_info', city: 'Theirs' }));
    const sets = count('set_info');
    await P().locator('[data-testid=info-confirm-send]').click();
    assert.equal(await P().locator('[data-testid=info-save]').getAttribute('disabled'), '', 'disabled while sending');
    await P().locator('[data-testid=info-message].warn').waitFor();
    assert.equal(count('set_info') - sets, 2, 'the panel’s write and the other app’s');
    assert.match(await messageOf('info-message'), /charger reports different values for City\. Your input is kept/);
    assert.equal(await P().locator('input[data-path=city]').inputValue(), 'Mine');
    assert.equal(await P().locator('[data-testid=info-save]').getAttribute('disabled'), null);
    // Reload asks first: the form differs from what the charger has.
    await P().locator('[data-testid=info-reload]').click();
    await P().locator('[data-testid=info-reload-confirm-yes]').click();
    await P().waitForFunction(() => (document.querySelector('input[data-path=city]') as HTMLInputElement).value === 'Theirs');
  });

  it('keeps unsaved Info, Schedule and Notifications edits across a discarded page, without the webhook header', async () => {
    await P().evaluate(() => sessionStorage.removeItem('vscodeState'));
    await P().reload();
    await hx.setTheme('dark');
    const writes = () => ['set_info', 'set_schedule', 'set_notifications'].map(count);
    const writesBefore = writes();
    const server = hx.sim.unit(hx.unitId);

    await tab('info');
    await P().waitForFunction(() => (document.querySelector('input[data-path=name]') as HTMLInputElement | null)?.value !== '');
    await P().locator('input[data-path=name]').fill('Draft name');
    await tab('schedule');
    await scheduleLoaded();
    const serverStart = await P().locator('[data-testid=schedule-weekday-start]').inputValue();
    await P().locator('[data-testid=schedule-type]').selectOption('custom');
    await P().locator('[data-testid=schedule-weekday-start]').fill('21:30');
    await tab('notifications');
    await P().locator('[data-testid=notif-plugin-push]').waitFor();
    const push = !server.notifications.plugin?.push;
    await P().locator('[data-testid=notif-plugin-push]').setChecked(push);
    await P()
      .locator('#notif-plugin-url')
      .evaluate((el) => ((el.closest('details') as HTMLDetailsElement).open = true));
    await P().locator('#notif-plugin-url').fill('https://hooks.example/draft');
    await P().locator('#notif-plugin-auth').fill('Bearer draft-secret-9');

    const state = await savedState();
    const drafts = state.drafts as {
      info: { json: string };
      schedule: { type: string; fields: Record<string, string> };
      notifications: { events: Record<string, { push: boolean; url: string; authEdited?: boolean }> };
    };
    assert.equal(JSON.parse(drafts.info.json).name, 'Draft name');
    assert.equal(drafts.schedule.type, 'custom');
    assert.equal(drafts.schedule.fields['weekday.start'], '21:30');
    assert.deepEqual(Object.keys(drafts.notifications.events), ['plugin'], 'only the events that differ');
    assert.equal(drafts.notifications.events.plugin.push, push);
    assert.equal(drafts.notifications.events.plugin.authEdited, true);
    assert.ok(!JSON.stringify(state).includes('draft-secret-9'), 'the authorization header is never persisted');

    // VS Code discards the hidden page and builds it again from the state.
    await P().reload();
    await hx.setTheme('dark');
    await P().locator('[data-testid=notif-restored]').waitFor();
    assert.match(
      await messageOf('notif-restored'),
      new RegExp(`Restored your unsaved edits\\. The webhook authorization header is not kept .*: type it again for ${eventLabel('plugin')}\\.`),
    );
    assert.equal(await P().locator('[data-testid=notif-plugin-push]').isChecked(), push);
    assert.equal(await P().locator('#notif-plugin-url').inputValue(), 'https://hooks.example/draft');
    assert.notEqual(await P().locator('#notif-plugin-auth').inputValue(), 'Bearer draft-secret-9');
    assert.equal(
      await P()
        .locator('#notif-plugin-url')
        .evaluate((el) => (el.closest('details') as HTMLDetailsElement).open),
      true,
    );
    await tab('schedule');
    await P().locator('[data-testid=schedule-restored]').waitFor();
    assert.equal(await P().locator('[data-testid=schedule-weekday-start]').inputValue(), '21:30');
    assert.equal(await P().locator('[data-testid=schedule-type]').inputValue(), 'custom');
    await tab('info');
    await P().locator('[data-testid=info-restored]').waitFor();
    assert.equal(await P().locator('input[data-path=name]').inputValue(), 'Draft name');
    assert.deepEqual(writes(), writesBefore, 'nothing was sent');

    // "Discard them" goes back to the charger's values and forgets the draft.
    await tab('schedule');
    await P().locator('[data-testid=schedule-restored-discard]').click();
    await P().waitForFunction((v) => (document.querySelector('[data-testid=schedule-weekday-start]') as HTMLInputElement).value === v, serverStart);
    assert.equal((await savedState()).drafts && 'schedule' in ((await savedState()).drafts as object), false);
    // An edit taken back is no draft either.
    await tab('info');
    await P().locator('input[data-path=name]').fill(String(server.info.name));
    await P().waitForFunction(() => !document.querySelector('[data-testid=info-restored]'));
    await tab('notifications');
    await P().locator('[data-testid=notif-restored-discard]').click();
    await P().waitForFunction(() => !JSON.parse(sessionStorage.getItem('vscodeState')!).drafts);
    assert.deepEqual(Object.keys(await savedState()).sort(), ['history', 'insights', 'tab', 'unitKey']);
  });
});
