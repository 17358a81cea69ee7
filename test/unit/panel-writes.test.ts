// The unit panel's write outcomes and unsaved edits, in Node: how the host words a write that may
// have happened (toErrorInfo's code), the router refusing an empty schedule window with the Edit
// Schedule command's own rule (over a real simulator), what the schedule editor names as differing,
// what the webview state may keep of a draft, and the stylesheet's theme rules.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PanelRouter, toErrorInfo } from '../../src/panel/router';
import { ApiError, NetworkError, TimeoutError, UncertainWriteError, UnverifiedWriteError } from '../../src/api/errors';
import { JuiceNetClient } from '../../src/api/client';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { toWindow } from '../../src/domain/schedule';
import { errorInfoSchema, parseHostMessage, type HostMessage } from '../../src/protocol/messages';
import type { PanelBackend } from '../../src/state/contracts';
import { scheduleDifferences } from '../../webview/schedule';
import { draftStore, parseDrafts, type Drafts } from '../../webview/drafts';

describe('unit panel writes (host and page logic)', () => {
  describe('toErrorInfo', () => {
    it('marks a write the server accepted but could not be read back as unverifiedWrite', () => {
      const info = toErrorInfo(new UnverifiedWriteError(new TimeoutError('headers', 10)));
      assert.equal(info.code, 'unverifiedWrite');
      assert.match(info.message, /The server accepted the change/);
      assert.ok(errorInfoSchema.safeParse(info).success);
    });
    it('marks a lost reply whose read-back did not show the change as uncertainWrite, with what the charger reports', () => {
      const info = toErrorInfo(new UncertainWriteError(new NetworkError('reset', { code: 'ECONNRESET' }), 'the charger reports no schedule'));
      assert.equal(info.code, 'uncertainWrite');
      assert.match(info.message, /The server did not confirm the change: the charger reports no schedule\.$/);
      assert.ok(parseHostMessage({ kind: 'reply', id: 1, ok: false, error: info }).ok);
    });
    it('leaves a plain refusal without a code', () => {
      const info = toErrorInfo(new ApiError('amperage out of range', 422));
      assert.equal(info.code, undefined);
      assert.equal(toErrorInfo('boom').code, undefined);
    });
  });

  describe('the router refuses an empty custom window (the Edit Schedule command’s rule)', () => {
    let sim: RunningSimulator;
    let client: JuiceNetClient;
    let router: PanelRouter;
    const posted: HostMessage[] = [];
    before(async () => {
      sim = await startSimulator({ units: 1, seed: 3 });
      client = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'router-test' });
      const u = sim.units[0];
      const backend: PanelBackend = {
        getUnit: () => undefined,
        units: () => [],
        onDidChangeUnits: () => ({ dispose: () => undefined }),
        api: () => ({ client, auth: { token: u.token, accountToken: sim.accountToken, unitId: u.unitId } }),
        holdVisible: () => ({ dispose: () => undefined }),
        refresh: async () => undefined,
      };
      const quiet = { trace: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
      router = new PanelRouter(u.unitId, backend, quiet, { post: (m) => void posted.push(m) });
    });
    after(async () => {
      await client?.close();
      await sim?.close();
    });

    it('answers with the command’s message and sends nothing', async () => {
      const sets = sim.commandCounts().set_schedule ?? 0;
      const empty = { start: 480, end: 480, carReadyBy: 0 };
      await router.handle({
        kind: 'request',
        id: 1,
        method: 'setSchedule',
        params: { type: 'custom', weekday: { start: 1380, end: 420, carReadyBy: 0 }, weekend: empty },
      });
      const reply = posted.pop();
      assert.ok(reply?.kind === 'reply' && !reply.ok, JSON.stringify(reply));
      assert.throws(
        () => toWindow(empty, 'weekend'),
        (e: Error) => e.message === reply.error.message,
      );
      assert.equal(reply.error.message, 'weekend: start and end are both 08:00; the window would be empty. Pick different times.');
      assert.equal(sim.commandCounts().set_schedule ?? 0, sets);
    });

    it('takes the same windows when the schedule is disabled (its windows are not used)', async () => {
      const empty = { start: 480, end: 480, carReadyBy: 0 };
      await router.handle({ kind: 'request', id: 2, method: 'setSchedule', params: { type: 'disabled', weekday: empty, weekend: empty } });
      const reply = posted.pop();
      assert.ok(reply?.kind === 'reply' && reply.ok, JSON.stringify(reply));
      assert.equal(sim.unit(sim.units[0].unitId).schedule.type, 'disabled');
    });
  });

  describe('scheduleDifferences (what the schedule editor names after a read-back)', () => {
    const sent = { type: 'custom' as const, weekday: { start: 1320, end: 300, carReadyBy: 420 }, weekend: { start: 0, end: 1440, carReadyBy: 0 } };
    it('is empty when the charger holds what was sent', () => {
      assert.deepEqual(scheduleDifferences(sent, { ...sent, infoTimestamp: 5 }), []);
    });
    it('names each differing part with the charger’s value', () => {
      const back = { ...sent, weekday: { ...sent.weekday, end: 360 }, weekend: { ...sent.weekend, carReadyBy: 1440 } };
      assert.deepEqual(scheduleDifferences(sent, back), ['weekdays end (the charger has 06:00)', 'weekends car ready by (the charger has 24:00)']);
    });
    it('names only the type when that differs, and ignores a disabled schedule’s windows', () => {
      assert.deepEqual(scheduleDifferences(sent, { ...sent, type: 'disabled' }), ['the schedule type (the charger has disabled)']);
      const disabled = { ...sent, type: 'disabled' as const };
      assert.deepEqual(scheduleDifferences(disabled, { ...disabled, weekday: { start: 0, end: 0, carReadyBy: 0 } }), []);
    });
  });

  describe('drafts kept in the webview state', () => {
    it('keeps what parses, drops the rest, and never keeps a webhook header', () => {
      const raw = {
        info: { json: '{"name": "x"', loadedInfoTimestamp: 5 },
        schedule: { type: 'sometimes', fields: {} },
        notifications: { events: { plugin: { email: true, push: false, url: '', method: 'POST', authEdited: true, authorizationHeaders: 'Bearer s3cret' } } },
      };
      const d = parseDrafts(raw);
      assert.deepEqual(d.info, raw.info);
      assert.equal(d.schedule, undefined, 'an unknown schedule type is dropped');
      assert.deepEqual(d.notifications, { events: { plugin: { email: true, push: false, url: '', method: 'POST', authEdited: true } } });
      assert.ok(!JSON.stringify(d).includes('s3cret'));
      for (const junk of [undefined, null, 'x', 7, [], { info: 3 }]) assert.deepEqual(parseDrafts(junk), {});
    });
    it('persists on every change and forgets a draft set to undefined', () => {
      const drafts: Drafts = {};
      let saves = 0;
      const store = draftStore(drafts, () => saves++);
      store.set('schedule', { type: 'custom', fields: { 'weekday.start': '21:30' } });
      assert.deepEqual(store.get('schedule'), { type: 'custom', fields: { 'weekday.start': '21:30' } });
      store.set('schedule', undefined);
      assert.deepEqual(drafts, {});
      store.set('info', undefined); // nothing to forget: no save
      assert.equal(saves, 2);
    });
  });

  describe('panel.css', () => {
    // Comments dropped and white space folded, so the rules are read whatever the formatter's layout.
    const css = readFileSync(join(__dirname, '..', '..', 'webview', 'panel.css'), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ');
    it('has no hard-coded colours: theme variables only', () => {
      assert.deepEqual(css.match(/#[0-9a-f]{3,8}\b|\b(rgba?|hsla?)\(|\b(white|black)\b(?!-space)/gi), null);
    });
    it('sets color-scheme from each theme kind’s body class', () => {
      assert.match(css, /body\.vscode-light, body\.vscode-high-contrast-light \{ color-scheme: light; \}/);
      assert.match(css, /body\.vscode-dark, body\.vscode-high-contrast:not\(\.vscode-high-contrast-light\) \{ color-scheme: dark; \}/);
    });
  });
});
