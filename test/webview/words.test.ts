// Every tab of the panel in a real Chromium speaks the owner's words: no protocol name on any
// surface but the Info tab's JSON pane.
import { strict as assert } from 'node:assert';
import { startHarness, type Harness } from './harness';

/** The protocol's names a user must not read (fields, states, events, commands). */
const WIRE_NAMES = [
  'amps_wire_rating',
  'amps_unit_rating',
  'amps_limit',
  'ecost',
  'gascost',
  'whpermile',
  'timeZoneId',
  'country_code',
  'update_interval',
  'override_time',
  'wh_energy',
  'charging_delayed_due_to_ToU',
  'is_not_plugged_in_by',
  'is_offline',
  'is_back_online',
  'start_charging',
  'stop_charging',
  'plugged',
  'disconnect',
  'get_info',
  'set_info',
  'get_state',
  'set_limit',
  'get_history',
  'get_plot',
  'continuity_token',
  'car_ready_by',
  'user_control_allowed',
  'charge_control_type',
  'info_timestamp',
];

describe('unit panel words (Chromium)', function () {
  this.timeout(60_000);
  let hx: Harness;
  const P = () => hx.page;

  before(async () => {
    hx = await startHarness({ theme: 'light' });
    hx.sim.plugIn(hx.unitId);
    await hx.refreshUnit();
  });
  after(async () => {
    await hx?.close();
  });

  it('shows no protocol name on any tab, except in the JSON pane', async () => {
    const ready: Record<string, string> = {
      overview: '[data-testid=overview] dd',
      history: '[data-testid=history-table] tbody tr',
      info: 'input[data-path=name]',
      schedule: '[data-testid=schedule-weekday-start]',
      notifications: '[data-testid=notif-table]',
      insights: '[data-testid=insights-chart] canvas',
    };
    for (const [tab, sel] of Object.entries(ready)) {
      await P().locator(`vscode-tab-header[data-tab="${tab}"]`).click();
      await P().locator(`vscode-tab-panel[data-panel="${tab}"] ${sel}`).first().waitFor();
      if (tab === 'history') {
        await P().locator('[data-testid=history-table] tbody tr[data-session-id]').first().click();
        await P().locator('[data-testid=plot] canvas').waitFor();
      }
      if (tab === 'notifications')
        await P()
          .locator('details.webhook')
          .evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
      // What a user reads: the text, the accessible names and the placeholders; the JSON pane is the one exception.
      // (No named functions in here: the test runner's transform would add helpers the page lacks.)
      const text = await P()
        .locator(`vscode-tab-panel[data-panel="${tab}"]`)
        .evaluate((root) => {
          const parts: string[] = [];
          const tw = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
          for (let n: Node | null = tw.currentNode; n; n = tw.nextNode()) {
            if (n.nodeType === Node.TEXT_NODE) {
              const el = n.parentElement;
              if (el?.closest('[data-testid=info-json], #info-problems')) continue;
              parts.push(n.textContent ?? '');
            } else {
              const el = n as HTMLElement;
              if (el.closest('[data-testid=info-json], #info-problems')) continue;
              for (const a of ['aria-label', 'placeholder', 'title']) if (el.getAttribute(a)) parts.push(el.getAttribute(a)!);
            }
          }
          return parts.join(' ');
        });
      // "plugged in" is the owner's phrase; the protocol's state is `plugged` alone.
      for (const w of WIRE_NAMES) assert.ok(!new RegExp(`\\b${w}\\b${w === 'plugged' ? '(?! in)' : ''}`).test(text), `"${w}" on the ${tab} tab`);
    }
  });
});
