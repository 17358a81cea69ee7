// The Insights tab in a real Chromium, over the real router, history cache, client and a simulator
// with a year of history. Every figure is checked against sums the test computes itself from the
// simulator's own records (local dates with Intl, not the product's time-zone code).
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness';

const RESULTS = join(__dirname, '..', '..', 'test-results');
/** The simulator's zone names -> IANA (the test's own table). */
const IANA: Record<string, string> = {
  'Pacific Standard Time': 'America/Los_Angeles',
  'Mountain Standard Time': 'America/Denver',
  'Central Standard Time': 'America/Chicago',
  'Eastern Standard Time': 'America/New_York',
};

interface Truth {
  /** "YYYY-MM-DD" local date of the start -> energy, sessions */
  days: Map<string, number>;
  sessions: { date: string; energyWh: number; id: number }[];
  ecost: number;
  zone: string;
}

function localDate(zone: string, epochS: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(epochS * 1000));
}

describe('Insights tab (Chromium)', function () {
  this.timeout(120_000);
  let hx: Harness;
  const truth = (unitId: string): Truth => {
    const u = hx.sim.unit(unitId);
    const zone = IANA[u.info.timeZoneId as string] ?? 'UTC';
    const sessions = u.sessions.map((s) => ({ date: localDate(zone, s.timeStart), energyWh: s.energyWh, id: s.id }));
    const days = new Map<string, number>();
    for (const s of sessions) days.set(s.date, (days.get(s.date) ?? 0) + s.energyWh);
    return { days, sessions, ecost: u.info.ecost as number, zone };
  };
  /** The last `n` months ("YYYY-MM"), oldest first, up to the one containing `today` ("YYYY-MM-DD"). */
  const lastMonths = (today: string, n: number): string[] => {
    const out: string[] = [];
    let y = Number(today.slice(0, 4));
    let m = Number(today.slice(5, 7));
    for (let i = 0; i < n; i++) {
      out.unshift(`${y}-${String(m).padStart(2, '0')}`);
      m--;
      if (m === 0) {
        m = 12;
        y--;
      }
    }
    return out;
  };
  const monthSums = (t: Truth, months: string[]) => months.map((mo) => t.sessions.filter((s) => s.date.startsWith(mo)).reduce((a, s) => a + s.energyWh, 0));
  const bars = () =>
    hx.page.evaluate(() => (window as unknown as { juicenetPanel: { insightsBars(): { labels: string[]; values: number[] } } }).juicenetPanel.insightsBars());
  const card = async (metric: string) => {
    const el = hx.page.locator(`.insight-card[data-metric=${metric}]`);
    return { current: Number(await el.getAttribute('data-current')), previous: Number(await el.getAttribute('data-previous')), text: await el.innerText() };
  };
  const waitLoaded = async (n: number) => {
    await hx.page.waitForFunction(
      (k) => (document.querySelector('[data-testid=insights-status]')?.textContent ?? '').includes(k),
      n === 1 ? 'session' : 'chargers',
    );
    await hx.page.locator('[data-testid=insights-chart] canvas').waitFor();
  };

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    hx = await startHarness({ theme: 'light', historyDays: 365, width: 1100 });
    // No session running: every figure below is the history's (the running one has its own test).
    if (hx.sim.unit(hx.unitId).car) hx.sim.unplug(hx.unitId);
    await hx.refreshUnit();
    await hx.page.locator('vscode-tab-header[data-tab="insights"]').click();
    await hx.page.locator('vscode-tab-panel[data-panel="insights"]').waitFor({ state: 'visible' });
    await waitLoaded(1);
  });
  after(async () => {
    await hx?.close();
  });

  it('shows this month and last month, with cost at the charger’s price, matching the simulator’s sessions', async () => {
    const t = truth(hx.unitId);
    const today = localDate(t.zone, hx.sim.now());
    const months = lastMonths(today, 12);
    const sums = monthSums(t, months);
    const energy = await card('energy');
    assert.ok(Math.abs(energy.current - sums[11] / 1000) < 1e-6, `${energy.current} vs ${sums[11] / 1000}`);
    // Like for like: last month's days up to today's day of the month, not the whole of last month.
    const dayOfMonth = Number(today.slice(8, 10));
    const sameDays = t.sessions.filter((s) => s.date.startsWith(months[10]) && Number(s.date.slice(8, 10)) <= dayOfMonth).reduce((a, s) => a + s.energyWh, 0);
    assert.ok(Math.abs(energy.previous - sameDays / 1000) < 1e-6, `${energy.previous} vs ${sameDays / 1000} (whole month ${sums[10] / 1000})`);
    const cost = await card('cost');
    assert.ok(Math.abs(cost.current - (sums[11] / 1000) * (t.ecost / 100)) < 1e-6, `${cost.current}`);
    // Savings: miles (energy / 300 Wh per mile) / 25 mpg × $3.50 − cost (the simulator's Info).
    const savings = await card('savings');
    const expectSavings = (sums[11] / 300 / 25) * 3.5 - (sums[11] / 1000) * (t.ecost / 100);
    assert.ok(Math.abs(savings.current - expectSavings) < 1e-6, `${savings.current} vs ${expectSavings}`);
    const co2 = await card('co2');
    assert.ok(Math.abs(co2.current - (sums[11] / 1000) * 0.373) < 1e-6);
    assert.match(energy.text, /Energy, this month so far/);
    assert.match(energy.text, /Same days last month \(1–\d+ \w+ \d{4}\): /);
  });

  it('draws a bar per month whose heights are the monthly sums, and totals them', async () => {
    const t = truth(hx.unitId);
    const months = lastMonths(localDate(t.zone, hx.sim.now()), 12);
    const sums = monthSums(t, months);
    const b = await bars();
    assert.equal(b.values.length, 12);
    b.values.forEach((v, i) => assert.ok(Math.abs(v - sums[i] / 1000) < 1e-6, `${months[i]}: ${v} vs ${sums[i] / 1000}`));
    assert.ok(sums.filter((s) => s > 0).length >= 11, 'a year of history fills the months');
    const total = Number(await hx.page.locator('[data-testid=insights-totals]').getAttribute('data-energy-wh'));
    assert.equal(
      total,
      sums.reduce((a, s) => a + s, 0),
    );
    // The canvas has bars drawn on it.
    const inked = await hx.page.evaluate(() => {
      const c = document.querySelector('[data-testid=insights-chart] canvas') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
      return n;
    });
    assert.ok(inked > 1000, `inked pixels ${inked}`);
  });

  it('switches to weeks and days with the same sums', async () => {
    const t = truth(hx.unitId);
    await hx.page.locator('[data-testid=insights-period]').selectOption('day');
    const b = await bars();
    assert.equal(b.values.length, 31);
    for (let i = 0; i < 31; i++) {
      const date = b.labels[i];
      assert.ok(Math.abs(b.values[i] - (t.days.get(date) ?? 0) / 1000) < 1e-6, `${date}`);
    }
    await hx.page.locator('[data-testid=insights-period]').selectOption('week');
    const w = await bars();
    assert.equal(w.values.length, 26);
    const weekTotal = w.values.reduce((a, v) => a + v, 0);
    const first = w.labels[0].replace('week of ', '');
    const expected = t.sessions.filter((s) => s.date >= first).reduce((a, s) => a + s.energyWh, 0) / 1000;
    assert.ok(Math.abs(weekTotal - expected) < 1e-6, `${weekTotal} vs ${expected}`);
    await hx.page.locator('[data-testid=insights-period]').selectOption('month');
  });

  it('marks every charging day of the last year in the calendar', async () => {
    const t = truth(hx.unitId);
    const cells = await hx.page
      .locator('[data-testid=insights-calendar] .insight-calendar .cal-day')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-date')!, Number(e.getAttribute('data-energy-wh'))] as const));
    assert.ok(cells.length >= 365 && cells.length <= 371, `${cells.length} days`);
    const first = cells[0][0];
    for (const [date, wh] of cells) assert.equal(wh, t.days.get(date) ?? 0, date);
    const charged = [...t.days.keys()].filter((d) => d >= first).length;
    assert.equal(cells.filter(([, wh]) => wh > 0).length, charged);
  });

  it('says how every figure is computed (price, CO2 factor and its source, periods)', async () => {
    const how = await hx.page.locator('[data-testid=insights-how]').innerText();
    const t = truth(hx.unitId);
    assert.match(how, new RegExp(`the charger's own electricity price, ${t.ecost}¢ per kWh`));
    assert.match(how, /373 g CO2 per kWh \(US EPA eGRID2022 national average/);
    assert.match(how, /8,887 g/);
    assert.match(how, /in the charger’s local time \(America\/[A-Za-z_]+\); weeks start on Monday/);
  });

  it('light and dark screenshots', async () => {
    await hx.page.screenshot({ path: join(RESULTS, 'webview-insights-light.png'), fullPage: true });
    await hx.setTheme('dark');
    await hx.page.locator('[data-testid=insights-chart] canvas').waitFor();
    await hx.page.screenshot({ path: join(RESULTS, 'webview-insights-dark.png'), fullPage: true });
    assert.deepEqual(await hx.cspViolations(), []);
  });

  it('adds up every charger of the account, the second read from the server only now', async () => {
    await hx.page.locator('[data-testid=insights-scope]').selectOption('account');
    await waitLoaded(2);
    const all = hx.sim.units.map((u) => truth(u.unitId));
    const months = lastMonths(localDate(all[0].zone, hx.sim.now()), 12);
    const expected = all.reduce((a, t) => a + monthSums(t, months).reduce((x, y) => x + y, 0), 0);
    const total = Number(await hx.page.locator('[data-testid=insights-totals]').getAttribute('data-energy-wh'));
    assert.equal(total, expected);
    const status = await hx.page.locator('[data-testid=insights-status]').innerText();
    const n0 = all[0].sessions.length;
    const n1 = all[1].sessions.length;
    assert.equal(status, `2 chargers: ${n0 + n1} sessions (${n1} read from the server now, ${n0} from the cache).`);
    await hx.page.locator('[data-testid=insights-scope]').selectOption('unit');
    await waitLoaded(1);
  });

  it('refuses an overlapping time-of-use tariff with a clear message and leaves costs unknown', async () => {
    hx.insightsSettings.tariff = {
      mode: 'timeOfUse',
      weekday: [
        { from: '00:00', to: '08:00', centsPerKwh: 10 },
        { from: '07:00', to: '24:00', centsPerKwh: 30 },
      ],
      weekend: [{ from: '00:00', to: '24:00', centsPerKwh: 10 }],
    };
    await hx.page.locator('[data-testid=insights-reload]').click();
    await hx.page.waitForFunction(() => /overlaps/.test(document.querySelector('[data-testid=insights-problems]')?.textContent ?? ''));
    const problems = await hx.page.locator('[data-testid=insights-problems]').innerText();
    assert.match(problems, /Weekday window 1 \(00:00–08:00\) overlaps Weekday window 2 \(07:00–24:00\) from 07:00 to 08:00/);
    assert.match((await card('cost')).text, /unknown/);
  });

  it('costs with a time-of-use tariff from each session’s power samples', async () => {
    // A malformed time is named as typed.
    hx.insightsSettings.tariff = {
      mode: 'timeOfUse',
      weekday: [{ from: '00:00', to: '24:00', centsPerKwh: 20 }],
      weekend: [{ from: '00:00', to: '24:60', centsPerKwh: 20 }],
    };
    await hx.page.locator('[data-testid=insights-reload]').click();
    await hx.page.waitForFunction(() =>
      /Weekend window 1: "to" must be a time from 00:00 to 24:00 \(got "24:60"\)/.test(
        document.querySelector('[data-testid=insights-problems]')?.textContent ?? '',
      ),
    );
    // One price all week: whatever the samples, the cost is energy × price, computed here independently.
    hx.insightsSettings.tariff = {
      mode: 'timeOfUse',
      weekday: [{ from: '00:00', to: '24:00', centsPerKwh: 20 }],
      weekend: [{ from: '00:00', to: '24:00', centsPerKwh: 20 }],
    };
    hx.sim.resetRequestCount();
    await hx.page.locator('[data-testid=insights-reload]').click();
    await hx.page.waitForFunction(() => /time-of-use tariff from the settings/.test(document.querySelector('[data-testid=insights-how]')?.textContent ?? ''));
    const t = truth(hx.unitId);
    assert.equal(hx.sim.commandCounts().get_plot, t.sessions.length, 'one plot per session, read once');
    const sums = monthSums(t, lastMonths(localDate(t.zone, hx.sim.now()), 12));
    const cost = await card('cost');
    assert.ok(Math.abs(cost.current - (sums[11] / 1000) * 0.2) < 1e-6, `${cost.current}`);
    assert.equal(await hx.page.locator('[data-testid=insights-problems]').innerText(), '');
    // A second load reads no plot again.
    hx.sim.resetRequestCount();
    await hx.page.locator('[data-testid=insights-reload]').click();
    await hx.page.waitForFunction(() => /0 read from the server now/.test(document.querySelector('[data-testid=insights-status]')?.textContent ?? ''));
    assert.equal(hx.sim.commandCounts().get_plot ?? 0, 0);
    assert.equal(hx.sim.commandCounts().get_history, 1, 'only the newest page');
    hx.insightsSettings.tariff = { mode: 'charger' };
    await hx.page.locator('[data-testid=insights-reload]').click();
    await hx.page.waitForFunction(() => /the charger's own electricity price/.test(document.querySelector('[data-testid=insights-how]')?.textContent ?? ''));
  });

  it('switches to the account when the host asks (juicenet.openInsights from the palette)', async () => {
    await hx.page.locator('vscode-tab-header[data-tab="overview"]').click();
    hx.showInsights('account');
    await hx.page.locator('vscode-tab-panel[data-panel="insights"]').waitFor({ state: 'visible' });
    await waitLoaded(2);
    assert.equal(await hx.page.locator('[data-testid=insights-scope]').inputValue(), 'account');
    const saved = await hx.page.evaluate(() => JSON.parse(sessionStorage.getItem('vscodeState')!));
    assert.equal(saved.tab, 5);
    assert.equal(saved.insights.scope, 'account');
    hx.showInsights('unit');
    await waitLoaded(1);
  });

  it('exports every session with its figures, and a monthly summary', async () => {
    const t = truth(hx.unitId);
    await hx.page.locator('[data-testid=insights-export-sessions]').click();
    await hx.page.waitForFunction(() => /Saved \d+ sessions/.test(document.querySelector('[data-testid=insights-status]')?.textContent ?? ''));
    const lines = hx.savedCsv.at(-1)!.trimEnd().split('\r\n');
    assert.equal(lines.length, t.sessions.length + 1);
    assert.match(lines[0], /^charger,session_id,local_date,start_utc,end_utc,energy_kwh,cost_usd,cost_method/);
    const byId = new Map(t.sessions.map((s) => [String(s.id), s]));
    for (const l of lines.slice(1)) {
      const cells = l.split(',');
      const s = byId.get(cells[1])!;
      assert.equal(cells[2], s.date);
      assert.equal(cells[5], (s.energyWh / 1000).toFixed(3));
      assert.equal(cells[6], ((s.energyWh / 1000) * (t.ecost / 100)).toFixed(2));
    }
    await hx.page.locator('[data-testid=insights-export-monthly]').click();
    await hx.page.waitForFunction(() => /monthly summary/.test(document.querySelector('[data-testid=insights-status]')?.textContent ?? ''));
    const monthly = hx.savedCsv.at(-1)!.trimEnd().split('\r\n');
    const months = [...new Set(t.sessions.map((s) => s.date.slice(0, 7)))].sort();
    assert.deepEqual(
      monthly.slice(1).map((l) => l.split(',')[0]),
      months,
    );
    for (const l of monthly.slice(1)) {
      const [mo, n, kwh] = l.split(',');
      const ss = t.sessions.filter((s) => s.date.startsWith(mo));
      assert.equal(Number(n), ss.length);
      assert.equal(kwh, (ss.reduce((a, s) => a + s.energyWh, 0) / 1000).toFixed(3));
    }
  });

  it('counts the session running now in today, and shows only the years with data', async () => {
    await hx.page.locator('vscode-tab-header[data-tab="insights"]').click();
    if (hx.sim.unit(hx.unitId).car) hx.sim.unplug(hx.unitId);
    hx.sim.plugIn(hx.unitId, { energyToAddWh: 25_000 });
    // Until the charger reports some energy for the session (the history lists it only once it ends).
    for (let i = 0; i < 200 && !((hx.view()?.status?.charging.energyWh ?? 0) > 0); i++) {
      await hx.refreshUnit();
      await new Promise((r) => setTimeout(r, 50));
    }
    // What the host has now (nothing refreshes it until this test does).
    const running = hx.view()!.status!.charging.energyWh!;
    assert.ok(running > 0);
    const t = truth(hx.unitId);
    const today = localDate(t.zone, hx.sim.now());
    const finished = t.sessions.filter((s) => s.date === today).reduce((a, s) => a + s.energyWh, 0);
    await hx.page.locator('[data-testid=insights-period]').selectOption('day');
    const loads = Number(await hx.page.locator('vscode-tab-panel[data-panel="insights"]').getAttribute('data-loads'));
    await hx.page.locator('[data-testid=insights-reload]').click();
    // Until the reload's figures are in (the card shows the earlier load's until then, without the
    // running session): a read more has finished and none is running.
    await hx.page.waitForFunction((n) => {
      const p = document.querySelector('vscode-tab-panel[data-panel="insights"]');
      return Number(p?.getAttribute('data-loads')) > n && p?.getAttribute('aria-busy') === 'false';
    }, loads);
    const energy = await card('energy');
    assert.ok(Math.abs(energy.current - (finished + running) / 1000) < 1e-6, `today ${energy.current} vs ${(finished + running) / 1000}`);
    // Per year: a year of history is this year and last, not five years with empty bars.
    await hx.page.locator('[data-testid=insights-period]').selectOption('year');
    const years = (await bars()).labels;
    assert.ok(years.length <= 2 && years.includes(today.slice(0, 4)), years.join(', '));
    await hx.page.locator('[data-testid=insights-period]').selectOption('month');
    hx.sim.unplug(hx.unitId);
    await hx.refreshUnit();
  });

  it('says in the Overview when the charging car will be full', async () => {
    if (hx.sim.unit(hx.unitId).car) hx.sim.unplug(hx.unitId);
    hx.sim.plugIn(hx.unitId, { energyToAddWh: 25_000 });
    await hx.refreshUnit();
    await hx.page.locator('vscode-tab-header[data-tab="overview"]').click();
    assert.equal(hx.sim.unit(hx.unitId).state, 'charging', 'the first simulated charger has no schedule: it charges at once');
    const dd = hx.page.locator('[data-testid=overview] dt:text-is("When full") + dd');
    await dd.waitFor();
    assert.match(await dd.innerText(), /^Full at \d\d:\d\d( tomorrow)?: 25\.0 kWh still to add \(the session’s energy to add\) at the current \d+\.\d kW\.$/);
  });
});

describe('Insights tab with no sessions yet (Chromium)', function () {
  this.timeout(120_000);
  let hx: Harness;
  before(async () => {
    hx = await startHarness({ theme: 'dark' });
  });
  after(async () => {
    hx?.sim.clearFaults();
    await hx?.close();
  });

  it('says there is nothing yet instead of empty cards, bars and calendar, then fills in', async () => {
    // Nothing kept and nothing readable: what a charger without a session shows.
    if (hx.sim.unit(hx.unitId).car) hx.sim.unplug(hx.unitId);
    await hx.refreshUnit();
    hx.sim.setFaults({ failureRate: 1 });
    await hx.page.locator('vscode-tab-header[data-tab="insights"]').click();
    const empty = hx.page.locator('[data-testid=insights-empty]');
    await empty.locator('p').waitFor();
    assert.match(await empty.innerText(), /^No charging sessions yet\. The figures appear here after the first session/);
    for (const id of ['insights-cards', 'insights-chart', 'insights-calendar', 'insights-totals'])
      assert.equal(await hx.page.locator(`[data-testid=${id}]`).isHidden(), true, id);
    // Once the history can be read, the figures replace the note.
    hx.sim.clearFaults();
    await hx.page.locator('[data-testid=insights-reload]').click();
    await hx.page.locator('[data-testid=insights-chart] canvas').waitFor();
    assert.equal(await empty.innerText(), '');
    assert.equal(await hx.page.locator('[data-testid=insights-cards]').isVisible(), true);
  });
});
