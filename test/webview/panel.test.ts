// The unit panel in a real Chromium, over the real message protocol, router, client and simulator.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, panelCsp, type Harness } from './harness';

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
    const expected = hx.sim.unit(hx.unitId).reportedState;
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
    const simEnergyKwh = hx.sim.unit(hx.unitId).sessions.slice(0, 40).map((s) => (s.energyWh / 1000).toFixed(2)).sort();
    const shown = (await hx.page.locator('[data-testid=history-table] tbody tr td:nth-child(4)').allInnerTexts()).sort();
    assert.deepEqual(shown, simEnergyKwh);
  });

  it('sorts by a column when its header is clicked', async () => {
    await hx.page.locator('button.sort[data-sort=energyWh]').click();
    const values = (await hx.page.locator('[data-testid=history-table] tbody tr td:nth-child(4)').allInnerTexts()).map(Number);
    assert.deepEqual(values, [...values].sort((a, b) => b - a));
    await hx.page.locator('button.sort[data-sort=energyWh]').click();
    const asc = (await hx.page.locator('[data-testid=history-table] tbody tr td:nth-child(4)').allInnerTexts()).map(Number);
    assert.deepEqual(asc, [...values].sort((a, b) => a - b));
  });

  it('exports the loaded sessions as CSV through the host', async () => {
    await hx.page.locator('[data-testid=export-csv]').click();
    await hx.page.waitForFunction(() => /Saved 40 sessions/.test(document.querySelector('vscode-tab-panel[data-panel=history] .message')!.textContent ?? ''));
    const csv = hx.savedCsv.at(-1)!;
    const lines = csv.trim().split('\r\n');
    assert.equal(lines.length, 41);
    assert.match(lines[0], /^session_id,start_utc,end_utc,duration_s,energy_kwh,savings_usd$/);
    const ids = new Set(hx.sim.unit(hx.unitId).sessions.slice(0, 40).map((s) => String(s.id)));
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
    assert.deepEqual(Object.keys(saved).sort(), ['history', 'tab', 'unitId'], 'the unit id and UI state only');
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
    assert.match(await problems.innerText(), /amps_wire_rating: amps_wire_rating must be above 0/);
    assert.equal(await wire.getAttribute('aria-invalid'), 'true');
    assert.equal(await hx.page.locator('[data-testid=info-save]').getAttribute('disabled'), '');
    // Invalid JSON in the editor is refused too, naming (json).
    await hx.page.locator('[data-testid=info-json]').fill('{"name": ');
    assert.match(await problems.innerText(), /\(json\): JSON does not parse/);
    await hx.page.locator('[data-testid=info-json]').fill(JSON.stringify({ ...before, name: '' }));
    assert.match(await problems.innerText(), /name: name cannot be empty/);
    // The structured form follows the JSON editor.
    assert.equal(await hx.page.locator('input[data-path=name]').inputValue(), '');
    assert.deepEqual(hx.sim.unit(hx.unitId).info, before);
    await hx.page.screenshot({ path: join(RESULTS, 'webview-info-invalid-light.png'), fullPage: true });
  });

  it('sends a valid edit after showing the diff, and the simulator has it', async () => {
    await hx.page.locator('[data-testid=info-reload]').click();
    await hx.page.waitForFunction(() => document.querySelector('[data-testid=info-problems]')!.childElementCount === 0);
    const before = hx.sim.unit(hx.unitId).info;
    const newRating = Number(before.amps_wire_rating) === 40 ? 32 : 40;
    await hx.page.locator('input[data-path=amps_wire_rating]').fill(String(newRating));
    await hx.page.locator('input[data-path=name]').fill('Garage (edited)');
    // The JSON editor follows the form.
    assert.equal(JSON.parse(await hx.page.locator('[data-testid=info-json]').inputValue()).amps_wire_rating, newRating);
    await hx.page.locator('[data-testid=info-save]').click();
    const diff = await hx.page.locator('[data-testid=info-diff]').innerText();
    assert.match(diff, new RegExp(`amps_wire_rating: ${before.amps_wire_rating} → ${newRating}`));
    assert.match(diff, /name: .* → "Garage \(edited\)"/);
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
