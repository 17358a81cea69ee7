// The unit panel's HTML and its Content-Security-Policy. Pure (no vscode), so the browser tests
// serve exactly this page.

export interface PanelHtmlOptions {
  /** webview.cspSource (or the test server's origin). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris: string[];
  /** The unit key (account and unit). */
  unitKey: string;
  /** juicenet.panel.allowRemoteImages: car pictures from https: URLs. */
  allowRemoteImages: boolean;
  title?: string;
}

/** The strict policy: nothing inline, scripts only by nonce, everything else from the webview's own origin. */
export function panelCsp(o: Pick<PanelHtmlOptions, 'cspSource' | 'nonce' | 'allowRemoteImages'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource}`,
    `img-src ${o.cspSource}${o.allowRemoteImages ? ' https:' : ''}`,
    `font-src ${o.cspSource}`,
  ].join('; ');
}

export function makeNonce(random: (n: number) => Uint8Array): string {
  return Buffer.from(random(18))
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x');
}

/** Text made safe for an HTML attribute or element (the webview pages' one escaper). */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderPanelHtml(o: PanelHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(panelCsp(o))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.styleUris.map((u) => `<link rel="stylesheet" href="${esc(u)}">`).join('\n')}
<title>${esc(o.title ?? 'JuiceNet charger')}</title>
</head>
<body>
<div id="app" data-unit-key="${esc(o.unitKey)}"><p class="loading">Loading…</p></div>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}
