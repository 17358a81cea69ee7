import { strict as assert } from 'node:assert';
import { parseHostMessage, parseParams, parseResult, parseWebviewMessage } from '../../src/protocol/messages';

describe('protocol/messages: the webview message contract', () => {
  it('accepts a well-formed request and ready', () => {
    assert.ok(parseWebviewMessage({ kind: 'request', id: 1, method: 'getHistoryPage', params: {} }).ok);
    assert.ok(parseWebviewMessage({ kind: 'ready' }).ok);
  });
  it('refuses unknown kinds, methods and bad ids, naming the path', () => {
    for (const bad of [
      null,
      'x',
      {},
      { kind: 'nope' },
      { kind: 'request', id: -1, method: 'getInfo', params: {} },
      { kind: 'request', id: 1, method: 'deleteEverything', params: {} },
    ]) {
      const r = parseWebviewMessage(bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
    }
    const r = parseWebviewMessage({ kind: 'request', id: 1.5, method: 'getInfo', params: {} });
    assert.ok(!r.ok && /id/.test(r.reason));
  });
  it('validates params per method', () => {
    assert.ok(parseParams('getPlot', { sessionId: 5, intervals: 400 }).ok);
    const r = parseParams('getPlot', { sessionId: 'five', intervals: 400 });
    assert.ok(!r.ok && /sessionId/.test(r.reason));
    assert.equal(parseParams('getPlot', { sessionId: 5, intervals: 1e9 }).ok, false);
    assert.equal(
      parseParams('setSchedule', { type: 'custom', weekday: { start: 0, end: 2000, carReadyBy: 0 }, weekend: { start: 0, end: 1, carReadyBy: 0 } }).ok,
      false,
    );
    assert.ok(parseParams('setNotifications', { settings: { plugin: { email: true, push: false, webhook: { url: 'https://x', method: 'PUT' } } } }).ok);
    assert.equal(parseParams('setNotifications', { settings: { plugin: { email: true, push: false, webhook: { method: 'GET' } } } }).ok, false);
  });
  it('validates host replies and pushes, and results per method', () => {
    assert.ok(parseHostMessage({ kind: 'reply', id: 3, ok: true, result: {} }).ok);
    assert.ok(parseHostMessage({ kind: 'reply', id: 3, ok: false, error: { message: 'no', nextStep: 'retry' } }).ok);
    assert.equal(parseHostMessage({ kind: 'reply', id: 3, ok: false }).ok, false);
    assert.ok(parseHostMessage({ kind: 'push', type: 'unit', unit: null }).ok);
    assert.equal(parseHostMessage({ kind: 'push', type: 'unit', unit: { unitId: 1 } }).ok, false);
    assert.ok(parseResult('getPlot', [{ t: 1, v: 2 }]).ok);
    assert.equal(parseResult('getPlot', [{ t: 1 }]).ok, false);
    assert.ok(parseResult('setInfo', { outcome: 'conflict', serverInfoTimestamp: 5, loadedInfoTimestamp: 4 }).ok);
  });
  it('drops unknown fields of a unit snapshot (nothing extra reaches the page)', () => {
    const r = parseHostMessage({ kind: 'push', type: 'unit', unit: { unitId: 'u', name: 'n', accountLabel: 'a', demo: false, stale: false, token: 'secret' } });
    assert.ok(r.ok && r.value.kind === 'push' && r.value.type === 'unit' && r.value.unit && !('token' in r.value.unit));
  });
  it('takes the push that shows the Insights tab, for a charger or its account only', () => {
    assert.ok(parseHostMessage({ kind: 'push', type: 'showInsights', scope: 'account' }).ok);
    assert.equal(parseHostMessage({ kind: 'push', type: 'showInsights', scope: 'everything' }).ok, false);
  });
});
