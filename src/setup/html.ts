// The setup assistant's HTML: the unit panel's strict CSP (scripts by nonce, everything else from
// the webview's own origin, no remote images). Pure, so the browser tests serve exactly this page.
import { esc, panelCsp } from '../panel/html';

export interface SetupHtmlOptions {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export function renderSetupHtml(o: SetupHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(panelCsp({ ...o, allowRemoteImages: false }))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(o.styleUri)}">
<title>JuiceBox setup</title>
</head>
<body>
<div id="app"><p class="loading">Reading the local server…</p></div>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}
