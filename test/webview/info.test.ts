// The Info tab in a real Chromium: typed controls (numbers with their units, the time zone as a
// pick, switches), labels in words with the wire names only in the JSON pane, a warning and a
// confirmation before the wire rating changes, the JSON pane's validation with the field's path,
// and a failed write that keeps the edits.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness';

const RESULTS = join(__dirname, '..', '..', 'test-results');
const WIRE_NAMES = [
  'amps_wire_rating',
  'amps_unit_rating',
  'ecost',
  'gascost',
  'whpermile',
  'timeZoneId',
  'country_code',
  'user_control_allowed',
  'charge_control_type',
];

describe('unit panel Info (Chromium)', function () {
  this.timeout(60_000);
  let hx: Harness;
  const P = () => hx.page;
  const json = () => P().locator('[data-testid=info-json]');
  const jsonValue = async () => JSON.parse(await json().inputValue()) as Record<string, unknown>;
  const control = (body: unknown) => fetch(`${hx.sim.baseUrl}/_sim/control`, { method: 'POST', body: JSON.stringify(body) });

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    hx = await startHarness({ theme: 'light' });
    await P().locator('vscode-tab-header[data-tab="info"]').click();
    await P().waitForFunction(() => (document.querySelector('input[data-path=name]') as HTMLInputElement | null)?.value !== '');
  });
  after(async () => {
    await hx?.close();
  });

  it('shows numbers as number fields with their units, the time zone as a pick and booleans as switches', async () => {
    const info = hx.sim.unit(hx.unitId).info;
    const ecost = P().locator('[data-path=ecost]');
    assert.equal(await ecost.getAttribute('type'), 'number');
    assert.equal(await ecost.inputValue(), String(info.ecost));
    assert.equal(await P().locator('.field-with-unit:has([data-path=ecost]) .unit-suffix').innerText(), '¢/kWh');
    assert.equal(await P().locator('.field-with-unit:has([data-path=amps_wire_rating]) .unit-suffix').innerText(), 'A');
    const tz = P().locator('select[data-path=timeZoneId]');
    assert.equal(await tz.inputValue(), info.timeZoneId);
    assert.ok((await tz.locator('option').count()) > 100, 'the zones this browser knows');
    const sw = P().locator('[data-path="policy.user_control_allowed"]');
    assert.equal(await sw.getAttribute('role'), 'switch');
    assert.equal(await sw.isChecked(), (info.policy as { user_control_allowed: boolean }).user_control_allowed);
    // The switch and the pick write into the same draft as the JSON pane.
    await sw.setChecked(false);
    assert.equal((await jsonValue()).policy && ((await jsonValue()).policy as Record<string, unknown>).user_control_allowed, false);
    await tz.selectOption('Europe/Berlin');
    assert.equal((await jsonValue()).timeZoneId, 'Europe/Berlin');
  });

  it('labels the fields in words: the wire names appear only in the JSON pane', async () => {
    const form = await P().locator('vscode-tab-panel[data-panel=info] .info-columns section').first().innerText();
    for (const w of WIRE_NAMES) assert.ok(!form.includes(w), `${w} in the form`);
    for (const words of ['Wire rating', 'Charger rating', 'Electricity price', 'Gas price', 'Time zone', 'You may control charging'])
      assert.ok(form.includes(words), words);
    const jsonText = await json().inputValue();
    assert.ok(jsonText.includes('"amps_wire_rating"'), 'the JSON pane keeps the wire names');
  });

  it('sends the switch and the time zone, read back from the simulator', async () => {
    await P().locator('[data-testid=info-save]').click();
    const diff = await P().locator('[data-testid=info-diff]').innerText();
    assert.match(diff, /You may control charging: on → off/);
    assert.match(diff, /Time zone: ".+" → "Europe\/Berlin"/);
    await P().locator('[data-testid=info-confirm-send]').click();
    await P().locator('[data-testid=info-message].ok').waitFor();
    const info = hx.sim.unit(hx.unitId).info;
    assert.equal(info.timeZoneId, 'Europe/Berlin');
    assert.equal((info.policy as { user_control_allowed: boolean }).user_control_allowed, false);
  });

  it('warns as the wire rating is typed, and sends it only after its own confirmation', async () => {
    const before = Number(hx.sim.unit(hx.unitId).info.amps_wire_rating);
    const next = before === 40 ? 48 : 40;
    const warning = P().locator('[data-testid=info-wire-warning]');
    assert.equal(await warning.isHidden(), true);
    await P().locator('[data-path=amps_wire_rating]').fill(String(next));
    assert.match(await warning.innerText(), /caps the charging current/);
    await P().locator('[data-testid=info-save]').click();
    assert.match(await P().locator('[data-testid=info-wire-review]').innerText(), new RegExp(`from ${before} A to ${next} A`));
    await P().screenshot({ path: join(RESULTS, 'webview-info-wire-rating-light.png'), fullPage: true });
    const send = P().locator('[data-testid=info-confirm-send]');
    assert.equal(await send.getAttribute('disabled'), '');
    await send.click({ force: true });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(hx.sim.unit(hx.unitId).info.amps_wire_rating, before, 'nothing sent without the confirmation');
    await P().locator('[data-testid=info-wire-confirm]').check();
    await send.click();
    await P().locator('[data-testid=info-message].ok').waitFor();
    assert.equal(hx.sim.unit(hx.unitId).info.amps_wire_rating, next);
    assert.equal(await warning.isHidden(), true, 'no warning once the charger has it');
  });

  it('edits the cars as typed fields: name and battery in kWh, the cars’ efficiency beside them; added cars are sent and read back', async () => {
    const cars = P().locator('[data-testid=info-cars]');
    const first = (hx.sim.unit(hx.unitId).info.cars as Record<string, unknown>[])[0];
    assert.equal(await cars.locator('#info-car-0-name').inputValue(), first.description);
    assert.equal(await cars.locator('#info-car-0-battery').inputValue(), String(Number(first.battery_size_wh) / 1000));
    assert.equal(await P().locator('.field-with-unit:has(#info-car-0-battery) .unit-suffix').innerText(), 'kWh');
    // The cars' efficiency is in the Cars section, in words.
    const carsSection = await P().locator('vscode-tab-panel[data-panel=info] .info-columns section').first().innerText();
    assert.match(carsSection, /Cars\n[\s\S]*EV consumption/);
    assert.doesNotMatch(carsSection, /No cars|edit them in the JSON/);
    const n = (hx.sim.unit(hx.unitId).info.cars as unknown[]).length;
    await P().locator('[data-testid=info-car-add]').click();
    const name = P().locator(`#info-car-${n}-name`);
    assert.equal(await P().evaluate(() => document.activeElement?.id), `info-car-${n}-name`, 'the new car’s name has the focus');
    await name.fill('Second car');
    await P().locator(`#info-car-${n}-battery`).fill('62.5');
    const draft = (await jsonValue()).cars as Record<string, unknown>[];
    assert.deepEqual(draft[n], { description: 'Second car', battery_size_wh: 62500 });
    // A negative battery is said beside the field, in words.
    await P().locator(`#info-car-${n}-battery`).fill('-1');
    assert.equal(await P().locator(`[data-error-for="cars[${n}].battery_size_wh"]`).innerText(), 'Battery size cannot be negative.');
    await P().locator(`#info-car-${n}-battery`).fill('62.5');
    await P().locator('[data-testid=info-save]').click();
    assert.match(await P().locator('[data-testid=info-diff]').innerText(), /Car added: Second car, 62\.5 kWh/);
    await P().locator('[data-testid=info-confirm-send]').click();
    await P().locator('[data-testid=info-message].ok').waitFor();
    const saved = hx.sim.unit(hx.unitId).info.cars as Record<string, unknown>[];
    assert.equal(saved.length, n + 1);
    assert.equal(saved[n].description, 'Second car');
    assert.equal(saved[n].battery_size_wh, 62500);
    await P().locator(`[data-testid=info-car-${n}-remove]`).click();
    assert.equal(((await jsonValue()).cars as unknown[]).length, n);
    await P().locator('[data-testid=info-save]').click();
    await P().locator('[data-testid=info-confirm-send]').click();
    await P().locator('[data-testid=info-message].ok').waitFor();
    assert.equal((hx.sim.unit(hx.unitId).info.cars as unknown[]).length, n);
  });

  it('keeps the JSON pane’s validation with the field’s path', async () => {
    const value = await jsonValue();
    await json().fill(JSON.stringify({ ...value, cars: [{ description: 'EV', battery_size_wh: -1 }], mpg: 1.5 }, null, 2));
    const problems = await P().locator('[data-testid=info-problems]').innerText();
    assert.match(problems, /cars\[0\]\.battery_size_wh: cannot be negative/);
    assert.match(problems, /mpg: must be a whole number/);
    assert.equal(await P().locator('[data-error-for=mpg]').innerText(), 'Gas car mileage must be a whole number.');
    assert.equal(await P().locator('[data-testid=info-save]').getAttribute('disabled'), '');
    // A charger that does not report a setting (a local box has no policy): said, not shown as off.
    const { policy: _policy, ...withoutPolicy } = value;
    await json().fill(JSON.stringify(withoutPolicy, null, 2));
    assert.equal(await P().locator('[data-switch-for="policy.user_control_allowed"]').innerText(), 'not reported by the charger');
    await json().fill(JSON.stringify(value, null, 2));
    await P().waitForFunction(() => document.querySelector('[data-testid=info-problems]')!.childElementCount === 0);
  });

  it('keeps the edits when the write fails', async () => {
    const before = hx.sim.unit(hx.unitId).info;
    await P().locator('[data-path=city]').fill('Failtown');
    await P().locator('[data-path=ecost]').fill('31');
    await control({ action: 'faults', faults: { failureRate: 1 } });
    try {
      await P().locator('[data-testid=info-save]').click();
      await P().locator('[data-testid=info-confirm-send]').click();
      await P().locator('[data-testid=info-message].error').waitFor();
      assert.match(await P().locator('[data-testid=info-message]').innerText(), /^Not saved: /);
    } finally {
      await control({ action: 'clear_faults' });
    }
    assert.equal(await P().locator('[data-path=city]').inputValue(), 'Failtown');
    assert.equal(await P().locator('[data-path=ecost]').inputValue(), '31');
    assert.equal((await jsonValue()).ecost, 31);
    assert.equal(hx.sim.unit(hx.unitId).info.city, before.city);
    await hx.setTheme('light');
    await P().screenshot({ path: join(RESULTS, 'webview-info-light.png'), fullPage: true });
    await hx.setTheme('dark');
    await P().screenshot({ path: join(RESULTS, 'webview-info-dark.png'), fullPage: true });
    assert.deepEqual(await hx.cspViolations(), []);
  });
});
