// What the extension does with a local server's word about its boxes: the push channel's `alert`
// events are read (unknown kinds and empty words are dropped), a silent box and its return, and a
// box that ignores commands, raise alerts that are on by default, in the server's words (the box's
// time zone). Against a real JuiceNet Local on loopback with a hand-driven box.
import * as assert from 'node:assert/strict';
import type { LocalAlert } from '../../src/api/local-contract';
import { asLocalAlert } from '../../src/api/local-events';
import { ALERT_EVENTS, DEFAULT_ALERT_EVENTS, localBoxAlert } from '../../src/domain/alerts';
import { LocalPush } from '../../src/state/local-push';
import { ManualBox, startBareServer } from './local-helpers';

const SERIAL = '0910000000000000000000004599';
const quiet = { trace() {}, info() {}, warn() {}, error() {} };

describe('alerts about local boxes', function () {
  this.timeout(30_000);

  it('reads alert events, and drops unknown kinds, empty words and bad JSON', () => {
    assert.deepEqual(asLocalAlert(JSON.stringify({ unit: 'u1', kind: 'silent', words: 'Garage is unreachable since 14:02', atS: 5 })), {
      unit: 'u1',
      kind: 'silent',
      words: 'Garage is unreachable since 14:02',
      atS: 5,
    });
    assert.equal(asLocalAlert(JSON.stringify({ unit: 'u1', kind: 'exploded', words: 'x', atS: 5 })), undefined);
    assert.equal(asLocalAlert(JSON.stringify({ unit: 'u1', kind: 'silent', words: '  ', atS: 5 })), undefined);
    assert.equal(asLocalAlert('{not json'), undefined);
  });

  it('a silent box and its return, and a box ignoring commands, are alerts on by default; a stream change is opt-in', () => {
    for (const k of ['silent', 'back', 'disobeying', 'obeying', 'stream'] as const) assert.ok(ALERT_EVENTS.includes(localBoxAlert(k).event), k);
    assert.ok(DEFAULT_ALERT_EVENTS.includes(localBoxAlert('silent').event));
    assert.equal(localBoxAlert('back').event, localBoxAlert('silent').event, 'who hears "unreachable" hears "back"');
    assert.ok(DEFAULT_ALERT_EVENTS.includes(localBoxAlert('disobeying').event));
    assert.equal(localBoxAlert('obeying').event, localBoxAlert('disobeying').event);
    assert.ok(!DEFAULT_ALERT_EVENTS.includes(localBoxAlert('stream').event));
    assert.deepEqual(
      (['silent', 'back', 'disobeying', 'obeying'] as const).map((k) => localBoxAlert(k).warning),
      [true, false, true, false],
    );
  });

  it('a box that goes silent and returns reaches the extension on the push channel as "unreachable since HH:MM" (its zone) and "back"', async () => {
    // Asia/Kolkata is UTC+5:30 all year: the words are the server's, in the box's zone.
    const s = await startBareServer({ timeZone: 'Asia/Kolkata', offlineAfterS: 1 });
    const box = await ManualBox.open(SERIAL);
    const push = new LocalPush({ units: () => [], getUnit: () => undefined, refresh: async () => undefined }, quiet);
    const alerts: { accountId: string; alert: LocalAlert }[] = [];
    let onAlert: () => void = () => undefined;
    push.onAlert((accountId, alert) => {
      alerts.push({ accountId, alert });
      onAlert();
    });
    const nextAlert = (kind: LocalAlert['kind']) =>
      new Promise<LocalAlert>((resolve) => {
        const check = () => {
          const a = alerts.find((x) => x.alert.kind === kind);
          if (a) resolve(a.alert);
        };
        onAlert = check;
        check();
      });
    try {
      const connected = new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (push.isConnected('acc')) {
            clearInterval(timer);
            resolve();
          }
        }, 20);
      });
      push.sync([{ accountId: 'acc', baseUrl: s.server.baseUrl, accountToken: s.server.accountToken }]);
      await connected;
      const port = s.server.udpPort;
      await box.exchange(port);
      const silent = await nextAlert('silent');
      assert.equal(silent.unit, SERIAL);
      assert.match(silent.words, /^JuiceBox 4599 is unreachable since \d\d:\d\d: no report for \d+ s$/);
      const lastReportS = (await s.diagnostics()).boxes[SERIAL].lastReportS as number;
      const kolkata = new Date((lastReportS + 330 * 60) * 1000).toISOString().slice(11, 16);
      assert.ok(silent.words.includes(`since ${kolkata}`), `${silent.words} is in the box's zone (${kolkata})`);
      await box.exchange(port);
      const back = await nextAlert('back');
      assert.match(back.words, new RegExp(`^JuiceBox 4599 is back: it reports again since \\d\\d:\\d\\d \\(unreachable since ${kolkata}\\)`));
      assert.ok(alerts.every((a) => a.accountId === 'acc'));
      assert.equal(localBoxAlert(back.kind).event, 'local_box_unreachable');
    } finally {
      push.dispose();
      await box.close();
      await s.stop();
    }
  });
});
