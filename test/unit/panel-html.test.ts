import { strict as assert } from 'node:assert';
import { panelCsp, renderPanelHtml } from '../../src/panel/html';

describe('panel HTML', () => {
  it('has the strict CSP: nothing inline, scripts by nonce only', () => {
    const csp = panelCsp({ cspSource: 'vscode-resource:', nonce: 'abc', allowRemoteImages: false });
    assert.equal(csp, "default-src 'none'; script-src 'nonce-abc'; style-src vscode-resource:; img-src vscode-resource:; font-src vscode-resource:");
    assert.match(panelCsp({ cspSource: 'x:', nonce: 'n', allowRemoteImages: true }), /img-src x: https:;/);
  });
  it('escapes what it puts in attributes', () => {
    const html = renderPanelHtml({ cspSource: 'x:', nonce: 'n', scriptUri: 'a.js', styleUris: [], unitKey: '"><script>', allowRemoteImages: false });
    assert.ok(!html.includes('"><script>'));
    assert.ok(!/unsafe-inline|\son\w+=/.test(html));
  });
});
