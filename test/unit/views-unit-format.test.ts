// What the tree and status bar show for a unit, as plain data (src/views/unit-format.ts).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UnitView } from '../../src/state/contracts';
import type { UnitStatus } from '../../src/domain/model';
import { accountSilence, badgeFor, describeUnit, detailRows, statusBarModel, unitContextValue, unitTooltipMarkdown } from '../../src/views/unit-format';

function status(over: Partial<UnitStatus> = {}): UnitStatus {
  return {
    unitId: '1234567890',
    state: 'charging',
    rawState: 'charging',
    charging: { powerW: 7200, ampsCurrent: 30, ampsLimit: 32, voltageV: 240, energyWh: 4134 },
    lifetime: { energyWh: 431000, savingsCents: 12345 },
    chargingTimeLeftS: 3 * 3600 + 19 * 60,
    temperatureC: 30.46,
    frequencyHz: 59.99,
    overrideTime: 0,
    ...over,
  };
}
function unit(over: Partial<UnitView> = {}): UnitView {
  return {
    key: 'acc/1234567890',
    unitId: '1234567890',
    name: 'Garage',
    accountLabel: 'Home',
    accountId: 'acc',
    demo: false,
    stale: false,
    status: status(),
    ...over,
  };
}

describe('views/unit-format: how a charger is presented', () => {
  it("a local box's tooltip says the UDP port it reports to, and in words when it ignores commands or is monitor only", () => {
    assert.doesNotMatch(unitTooltipMarkdown(unit()), /UDP port|Monitor only|Ignores commands/);
    const md = unitTooltipMarkdown(unit({ localBox: { udpPort: 8055 } }));
    assert.match(md, /Reports to the local server on UDP port 8055\\\./);
    assert.doesNotMatch(md, /Monitor only|Ignores commands/);
    const both = unitTooltipMarkdown(
      unit({ localBox: { udpPort: 8042, monitorOnly: true, ignoring: 'Garage ignores the limit this server sends: it reports 40 A after 3 replies of 12 A' } }),
    );
    assert.match(both, /UDP port 8042/);
    assert.match(both, /Monitor only: the local server records it but never sends it a command/);
    assert.match(both, /Ignores commands: Garage ignores the limit this server sends: it reports 40 A after 3 replies of 12 A/);
  });

  it('badges each state with its codicon and colour', () => {
    assert.deepEqual(badgeFor(unit()), { icon: 'zap', color: 'charts.green', label: 'charging' });
    assert.equal(badgeFor(unit({ status: status({ state: 'plugged' }) })).icon, 'plug');
    assert.equal(badgeFor(unit({ status: status({ state: 'plugged' }) })).color, 'charts.blue');
    assert.equal(badgeFor(unit({ status: status({ state: 'standby' }) })).icon, 'circle-large-outline');
    assert.equal(badgeFor(unit({ status: status({ state: 'error' }) })).color, 'errorForeground');
    assert.equal(badgeFor(unit({ status: status({ state: 'disconnect' }) })).icon, 'debug-disconnect');
    assert.equal(badgeFor(unit({ status: undefined, error: 'Could not reach the JuiceNet server.', stale: true })).icon, 'debug-disconnect');
    assert.match(badgeFor(unit({ status: status({ state: 'unknown', rawState: 'weird' }) })).label, /weird/);
  });

  it('describes a row in short words, with stale and demo marks', () => {
    assert.equal(describeUnit(unit()), 'charging · 7.2 kW');
    assert.equal(describeUnit(unit({ status: status({ state: 'plugged' }) })), 'plugged in, the car is not taking charge');
    assert.equal(describeUnit(unit({ status: status({ state: 'plugged', charging: { ampsLimit: 0 } }) })), 'stopped by you (0 A)');
    const last = Date.UTC(2026, 0, 1, 14, 5);
    assert.equal(
      describeUnit(unit({ stale: true, lastGoodAt: last, info: { timeZoneId: 'UTC', cars: [], raw: {} } })),
      'charging · 7.2 kW (stale, last good 14:05)',
    );
    // In the charger's zone, not this computer's: 14:05 UTC is 06:05 in Los Angeles in January.
    assert.equal(
      describeUnit(unit({ stale: true, lastGoodAt: last, info: { timeZoneId: 'Pacific Standard Time', cars: [], raw: {} } })),
      'charging · 7.2 kW (stale, last good 06:05)',
    );
    // The last refresh failed: not "charging" any more, but what it was doing when last read.
    const unreachable = unit({ stale: true, lastGoodAt: last, error: 'x' });
    assert.equal(
      describeUnit({ ...unreachable, info: { timeZoneId: 'UTC', cars: [], raw: {} } }, new Date(last + 3600_000)),
      'unreachable since 14:05 (last known: charging · 7.2 kW)',
    );
    assert.equal(badgeFor(unreachable).icon, 'debug-disconnect');
    assert.equal(statusBarModel([unreachable], true).text, '$(debug-disconnect) Offline', 'not counted as charging in the status bar');
    assert.equal(describeUnit(unit({ demo: true, status: status({ state: 'standby' }) })), 'no car plugged in · demo');
  });

  it('a server that does not answer is said on its account row ("the local server does not answer"), and its chargers are not called unreachable', () => {
    const last = Date.UTC(2026, 0, 1, 14, 5);
    const down = unit({
      stale: true,
      lastGoodAt: last,
      failedSince: last + 60_000,
      error: 'Could not reach the server.',
      serverSilent: true,
      info: { timeZoneId: 'UTC', cars: [], raw: {} },
    });
    assert.equal(describeUnit(down, new Date(last + 3600_000)), 'the server does not answer since 14:06 (last known: charging · 7.2 kW)');
    assert.doesNotMatch(describeUnit(down, new Date(last + 3600_000)), /unreachable/);
    assert.equal(accountSilence([down, { ...down, unitId: '2' }], 'Local server')?.description, 'the local server does not answer');
    assert.match(accountSilence([down], 'Local server')!.tooltip, /Start it \(JuiceNet: Start Local Server, or its service/);
    assert.equal(accountSilence([down], 'Home')?.description, 'the server does not answer');
    assert.equal(accountSilence([down, unit()], 'Local server'), undefined, 'one charger answered: the server is up');
    assert.equal(accountSilence([], 'Local server'), undefined);
  });

  it('lists the detail rows in human units, "unknown" for what was not sent', () => {
    const rows = Object.fromEntries(detailRows(unit()).map((r) => [r.key, r.value]));
    assert.equal(rows.power, '7.2 kW');
    assert.equal(rows.current, '30 A / 32 A');
    assert.equal(rows.voltage, '240 V');
    assert.equal(rows.sessionEnergy, '4.13 kWh');
    assert.equal(rows.timeLeft, '3 h 19 min');
    assert.equal(rows.temperature, '30.5 °C');
    assert.equal(rows.frequency, '59.99 Hz');
    assert.equal(rows.override, 'none (following the schedule)');
    assert.equal(rows.lifetimeEnergy, '431 kWh');
    assert.equal(rows.lifetimeSavings, '$123.45');
    assert.equal(rows.schedule, 'unknown');
    const bare = Object.fromEntries(detailRows(unit({ status: undefined })).map((r) => [r.key, r.value]));
    assert.equal(bare.power, 'unknown');
    const sched = detailRows(
      unit({ schedule: { type: 'custom', weekday: { start: 1380, end: 420, carReadyBy: 420 }, weekend: { start: 0, end: 1440, carReadyBy: 0 } } }),
    ).find((r) => r.key === 'schedule');
    assert.match(sched!.value, /^weekdays 23:00/);
    const ovr = detailRows(unit({ status: status({ overrideTime: 1000 }) }), 2000).find((r) => r.key === 'override');
    assert.equal(ovr!.value, 'charging now (schedule overridden)');
  });

  it('context value names the state and an active override', () => {
    assert.equal(unitContextValue(unit()), 'unit.charging');
    assert.equal(unitContextValue(unit({ status: status({ state: 'plugged', overrideTime: 5 }) })), 'unit.plugged.override');
    assert.equal(unitContextValue(unit({ status: status({ state: 'plugged', overrideTime: 5000 }) }), 1000), 'unit.plugged.overrideLater');
    assert.equal(unitContextValue(unit({ status: status({ state: 'disconnect' }) })), 'unit.offline');
    assert.equal(unitContextValue(unit({ status: status({ state: 'plugged', charging: { ampsLimit: 0 } }) })), 'unit.plugged.off');
    assert.equal(unitContextValue(unit({ status: status({ state: 'plugged' }), holdUntilS: 2000 }), 1000), 'unit.plugged.held');
    assert.equal(unitContextValue(unit({ status: status({ state: 'plugged' }), holdUntilS: 500 }), 1000), 'unit.plugged', 'a passed hold is gone');
  });

  it('the menus offer what fits the state: never Start and Stop together while charging', () => {
    const menus = (
      JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
        contributes: { menus: { 'view/item/context': { command: string; when: string }[] } };
      }
    ).contributes.menus['view/item/context'];
    // A when clause "view == juicenet.units && viewItem =~ /re/" evaluated for a context value.
    const offered = (contextValue: string) =>
      new Set(
        menus
          .filter((m) => {
            const re = /viewItem =~ \/(.*)\/$/.exec(m.when)?.[1];
            return m.when.includes('view == juicenet.units') && re !== undefined && new RegExp(re).test(contextValue);
          })
          .map((m) => m.command),
      );
    const charging = offered(unitContextValue(unit()));
    assert.ok(charging.has('juicenet.stopCharging') && !charging.has('juicenet.startCharging'), 'charging: Stop, not Start');
    const waiting = offered(unitContextValue(unit({ status: status({ state: 'plugged' }) })));
    assert.ok(waiting.has('juicenet.startCharging'), 'plugged in: Start');
    const off = offered(unitContextValue(unit({ status: status({ state: 'plugged', charging: { ampsLimit: 0 } }) })));
    assert.ok(off.has('juicenet.startCharging') && !off.has('juicenet.stopCharging'), 'stopped at 0 A: Start, not Stop');
    assert.ok(!off.has('juicenet.cancelOverride'), 'no override: no Cancel Override');
    const override = offered(unitContextValue(unit({ status: status({ overrideTime: 5 }) })));
    assert.ok(override.has('juicenet.cancelOverride'));
    // Start sent an override and the car has not started drawing: Cancel, not Start again.
    const started = offered(unitContextValue(unit({ status: status({ state: 'plugged', overrideTime: 5 }) }), 1000));
    assert.ok(started.has('juicenet.cancelOverride') && !started.has('juicenet.startCharging'), [...started].join());
    // An override set for later: Start (now) and Cancel.
    const later = offered(unitContextValue(unit({ status: status({ state: 'plugged', overrideTime: 5000 }) }), 1000));
    assert.ok(later.has('juicenet.cancelOverride') && later.has('juicenet.startCharging'), [...later].join());
    const offline = offered(unitContextValue(unit({ status: status({ state: 'disconnect' }) })));
    assert.ok(!offline.has('juicenet.startCharging') && !offline.has('juicenet.stopCharging'), 'offline: neither');
    assert.ok(offline.has('juicenet.openUnitPanel'));
    const fault = offered(unitContextValue(unit({ status: status({ state: 'error' }) })));
    assert.ok(!fault.has('juicenet.startCharging'), 'a fault: no Start');
  });

  it('rows, tooltips and the status bar speak no protocol name, whatever the state', () => {
    const states = ['charging', 'plugged', 'standby', 'error', 'disconnect', 'unknown'] as const;
    for (const state of states) {
      for (const extra of [{}, { error: 'The JuiceNet server had an internal error (HTTP 500).', serverFailed: true, stale: true }]) {
        const v = unit({ status: status({ state, rawState: state }), ...extra });
        const text = [describeUnit(v), unitTooltipMarkdown(v), statusBarModel([v], true).tooltip, ...detailRows(v).map((r) => `${r.label} ${r.value}`)].join(
          '\n',
        );
        assert.doesNotMatch(text, /\b[a-z]+_[a-z_]+\b|\bplugged\b(?! in)|\bdisconnect\b|went offline/, `${state}: ${text}`);
      }
    }
  });

  it('tooltip escapes markdown and holds no token-shaped text', () => {
    const md = unitTooltipMarkdown(unit({ name: 'My *bold* [link](x)' }));
    assert.ok(md.includes('My \\*bold\\* \\[link\\]\\(x\\)'));
    assert.ok(md.includes('Lifetime energy'));
  });

  it('status bar: one charging, several charging, none, unreachable, hidden', () => {
    const a = unit();
    const b = unit({ unitId: '2', name: 'Drive', status: status({ charging: { powerW: 7200 } }) });
    const idle = unit({ unitId: '3', name: 'Idle', status: status({ state: 'standby', charging: {} }) });
    const off = unit({ unitId: '4', name: 'Off', status: undefined, error: 'Could not reach the JuiceNet server.', stale: true });
    assert.equal(statusBarModel([a, idle], true).text, '$(zap) 7.2 kW');
    assert.equal(statusBarModel([a, b, idle], true).text, '$(zap) 2 charging · 14.4 kW');
    const quiet = statusBarModel([idle], true);
    assert.equal(quiet.text, '$(plug) Idle', 'a short label when nothing charges');
    assert.equal(quiet.warning, false);
    const warn = statusBarModel([idle, off], true);
    assert.equal(warn.warning, true);
    assert.match(warn.tooltip, /\n1 charger unreachable\n/);
    assert.match(statusBarModel([off, { ...off, unitId: '5' }], true).tooltip, /\n2 chargers unreachable\n/);
    assert.match(statusBarModel([a, idle], true).tooltip, /Garage: charging · 7.2 kW\nIdle: no car plugged in/);
    // The same charger in two accounts counts once, and its line names both accounts.
    const twin = { ...a, key: 'other/1234567890', accountId: 'other', accountLabel: 'Shared' };
    const both = statusBarModel([a, twin], true);
    assert.equal(both.text, '$(zap) 7.2 kW');
    assert.match(both.tooltip, /\nGarage \(Home, Shared\): charging · 7\.2 kW\n/);
    assert.equal(both.tooltip.match(/Garage/g)?.length, 1);
    assert.equal(statusBarModel([a], false).visible, false);
    assert.equal(statusBarModel([], true).visible, false);
    assert.match(statusBarModel([{ ...idle, demo: true }], true).tooltip, /Demo \(simulator\)/);
  });

  it('status bar: per server and unit; a shared charger once with its freshest reading', () => {
    const t0 = Date.UTC(2026, 11, 5, 10, 0);
    // The demo's Garage charges; a local box reporting the same unit ID sits idle on another server.
    const demo = unit({
      key: 'demo/42',
      unitId: '42',
      accountId: 'demo',
      accountLabel: 'Demo account',
      server: 'http://127.0.0.1:4001',
      demo: true,
      lastGoodAt: t0,
    });
    const box = unit({
      key: 'local/42',
      unitId: '42',
      name: 'Garage',
      accountId: 'local',
      accountLabel: 'Local server',
      server: 'http://127.0.0.1:8090',
      lastGoodAt: t0,
      status: status({ state: 'standby', charging: { powerW: 0 } }),
    });
    const two = statusBarModel([demo, box], true);
    assert.equal(two.text, '$(zap) 7.2 kW', 'not "Idle" while the demo charges');
    assert.match(two.tooltip, /Garage \(Demo account\): charging/);
    assert.match(two.tooltip, /Garage \(Local server\): no car plugged in/);
    // Both charging: two chargers, the total of both.
    const boxCharging = { ...box, status: status({ charging: { powerW: 11_000 } }) };
    assert.equal(statusBarModel([demo, boxCharging], true).text, '$(zap) 2 charging · 18.2 kW');
    // One charger two accounts share on one server: counted once, from the freshest reading, even when the other account's read failed.
    const mine = unit({ key: 'a/7', unitId: '7', accountId: 'a', accountLabel: 'Mine', server: 'https://api.example', lastGoodAt: t0 });
    const sharedOld = unit({
      key: 'b/7',
      unitId: '7',
      accountId: 'b',
      accountLabel: 'Shared',
      server: 'https://api.example',
      lastGoodAt: t0 - 600_000,
      stale: true,
      error: 'Could not reach the JuiceNet server.',
    });
    for (const order of [
      [mine, sharedOld],
      [sharedOld, mine],
    ]) {
      const m = statusBarModel(order, true);
      assert.equal(m.text, '$(zap) 7.2 kW', 'not "Offline" while it charges');
      assert.equal(m.warning, false);
    }
    const older = { ...mine, lastGoodAt: t0 - 60_000, status: status({ state: 'plugged', charging: { powerW: 0 } }) };
    assert.equal(
      statusBarModel([older, { ...sharedOld, error: undefined, stale: false, lastGoodAt: t0 }], true).text,
      '$(zap) 7.2 kW',
      'the later reading wins',
    );
  });
});
