/** The unit panel's webview type (package.json's onWebviewPanel activation event names it too). */
export const UNIT_PANEL_VIEW_TYPE = 'juicenet.unitPanel';
