// Test harness for the unit panel in a real Chromium: serves the built dist/webview with the
// panel's real HTML and CSP, plays the VS Code host with the real PanelRouter, and answers
// through the real JuiceNetClient over a real simulator. `acquireVsCodeApi` is injected and
// bridged to the router with page.exposeFunction; host -> page messages are `message` events,
// as in VS Code.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { JuiceNetClient } from '../../src/api/client';
import type { Logger, PanelBackend, UnitView } from '../../src/state/contracts';
import type { UnitAuth } from '../../src/api/types';
import type { UnitStatus } from '../../src/domain/model';
import { PanelRouter } from '../../src/panel/router';
import { makeNonce, panelCsp, renderPanelHtml } from '../../src/panel/html';
import { PowerLog } from '../../src/panel/power-log';
import { HistoryCache } from '../../src/state/history-cache';
import { MemoryKeyValueStore } from '../../src/state/accounts';
import type { InsightsSettings } from '../../src/panel/insights-host';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ROOT = join(__dirname, '..', '..');
const WEBVIEW_DIR = join(ROOT, 'dist', 'webview');

export type ThemeName = 'light' | 'dark' | 'hc' | 'hc-light';
/** The body classes VS Code gives each theme kind (high-contrast light carries both hc classes). */
const THEME_CLASSES: Record<ThemeName, string[]> = {
  light: ['vscode-light'],
  dark: ['vscode-dark'],
  hc: ['vscode-high-contrast'],
  'hc-light': ['vscode-high-contrast', 'vscode-high-contrast-light'],
};

/**
 * VS Code's theme variables (a subset), per theme, as the workbench sets them on <html>. The high
 * contrast themes leave the list selection/hover colours unset, as VS Code's do.
 */
export const THEMES: Record<ThemeName, Record<string, string>> = {
  light: {
    '--vscode-foreground': '#3b3b3b',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-errorForeground': '#e51400',
    '--vscode-input-background': '#ffffff',
    '--vscode-input-foreground': '#3b3b3b',
    '--vscode-input-border': '#cecece',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-list-hoverBackground': '#f2f2f2',
    '--vscode-list-activeSelectionBackground': '#e8e8e8',
    '--vscode-list-activeSelectionForeground': '#000000',
    '--vscode-editorWidget-border': '#c8c8c8',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-green': '#388a34',
    '--vscode-badge-background': '#cccccc',
    '--vscode-badge-foreground': '#3b3b3b',
    '--vscode-font-family': 'sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-panelTitle-activeForeground': '#3b3b3b',
    '--vscode-panelTitle-activeBorder': '#005fb8',
    '--vscode-panelTitle-inactiveForeground': '#717171',
  },
  dark: {
    '--vscode-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-errorForeground': '#f85149',
    '--vscode-input-background': '#313131',
    '--vscode-input-foreground': '#cccccc',
    '--vscode-input-border': '#3c3c3c',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-list-hoverBackground': '#2a2d2e',
    '--vscode-list-activeSelectionBackground': '#04395e',
    '--vscode-list-activeSelectionForeground': '#ffffff',
    '--vscode-editorWidget-border': '#454545',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-green': '#89d185',
    '--vscode-badge-background': '#616161',
    '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-font-family': 'sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-panelTitle-activeForeground': '#e7e7e7',
    '--vscode-panelTitle-activeBorder': '#0078d4',
    '--vscode-panelTitle-inactiveForeground': '#9d9d9d',
  },
  hc: {
    '--vscode-foreground': '#ffffff',
    '--vscode-editor-background': '#000000',
    '--vscode-descriptionForeground': '#ffffff',
    '--vscode-errorForeground': '#f48771',
    '--vscode-input-background': '#000000',
    '--vscode-input-foreground': '#ffffff',
    '--vscode-input-border': '#6fc3df',
    '--vscode-focusBorder': '#f38518',
    '--vscode-button-background': '#000000',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-border': '#6fc3df',
    '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-contrastActiveBorder': '#f38518',
    '--vscode-editorWidget-border': '#6fc3df',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-green': '#89d185',
    '--vscode-badge-background': '#000000',
    '--vscode-badge-foreground': '#ffffff',
    '--vscode-font-family': 'sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-panelTitle-activeForeground': '#ffffff',
    '--vscode-panelTitle-activeBorder': '#6fc3df',
    '--vscode-panelTitle-inactiveForeground': '#ffffff',
  },
  'hc-light': {
    '--vscode-foreground': '#292929',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#292929',
    '--vscode-errorForeground': '#b5200d',
    '--vscode-input-background': '#ffffff',
    '--vscode-input-foreground': '#292929',
    '--vscode-input-border': '#0f4a85',
    '--vscode-focusBorder': '#006bbd',
    '--vscode-button-background': '#0f4a85',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-border': '#0f4a85',
    '--vscode-button-secondaryForeground': '#292929',
    '--vscode-contrastBorder': '#0f4a85',
    '--vscode-contrastActiveBorder': '#006bbd',
    '--vscode-editorWidget-border': '#0f4a85',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-green': '#388a34',
    '--vscode-badge-background': '#0f4a85',
    '--vscode-badge-foreground': '#ffffff',
    '--vscode-font-family': 'sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-panelTitle-activeForeground': '#292929',
    '--vscode-panelTitle-activeBorder': '#b5200d',
    '--vscode-panelTitle-inactiveForeground': '#292929',
  },
};

export interface LogLine {
  level: string;
  message: string;
}

export interface Harness {
  sim: RunningSimulator;
  /** A client of the simulator and the panel unit's credentials, for a test's own writes (another app). */
  client: JuiceNetClient;
  auth: UnitAuth;
  unitId: string;
  /** The panel's unit key (account and unit). */
  unitKey: string;
  page: Page;
  browser: Browser;
  origin: string;
  nonce: string;
  logs: LogLine[];
  /** CSV texts the page handed to the host for saving. */
  savedCsv: string[];
  /** A store refresh of the unit (get_state), which pushes the new view to the page. */
  refreshUnit(): Promise<void>;
  /** The unit's view as the host has it now (what the panel's requests read). */
  view(): UnitView | undefined;
  /** Changes the unit's view as the store would (e.g. stale after failed readings) and pushes it. */
  patchUnit(patch: Partial<UnitView>): void;
  /** The power readings the host logged for the Overview's chart (what the extension's controller keeps). */
  powerLog: PowerLog;
  cspViolations(): Promise<string[]>;
  setTheme(theme: ThemeName): Promise<void>;
  /**
   * Runs `fn` once, right after the next write (set_info, set_schedule, set_notifications) the
   * page's request made has been accepted by the simulator and before the router reads back: a
   * stand-in for another app changing the unit in between, or for the unit going unreachable.
   */
  afterNextWrite(fn: (method: string) => Promise<void> | void): void;
  /** The insights settings the host reads (change them, then reload the tab). */
  insightsSettings: InsightsSettings;
  /** The storage the history cache keeps its sessions in. */
  insightsStorage: MemoryKeyValueStore;
  /** What juicenet.openInsights does once the page is up: the host asks it to show the Insights tab. */
  showInsights(scope: 'unit' | 'account'): void;
  close(): Promise<void>;
}

function memoryLogger(lines: LogLine[]): Logger {
  const add = (level: string) => (m: string | Error) => lines.push({ level, message: String(m instanceof Error ? m.message : m) });
  return { trace: add('trace'), info: add('info'), warn: add('warn'), error: add('error') };
}

const WRITES = new Set(['setInfo', 'setSchedule', 'setNotifications']);

/**
 * The real client, with a one-shot hook after a write succeeded (the write and every read still
 * go over HTTP to the simulator).
 */
function withWriteHook(client: JuiceNetClient, hook: { next?: (method: string) => Promise<void> | void }): JuiceNetClient {
  return new Proxy(client, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      const fn = v as (...a: unknown[]) => Promise<unknown>;
      if (typeof prop !== 'string' || !WRITES.has(prop)) return fn.bind(target);
      return async (...args: unknown[]) => {
        const out = await fn.apply(target, args);
        const next = hook.next;
        hook.next = undefined;
        await next?.(prop);
        return out;
      };
    },
  });
}

/** A PanelBackend over the real client: what the extension's unit store provides, minimally. */
function makeBackend(
  realClient: JuiceNetClient,
  sim: RunningSimulator,
  hook: { next?: (method: string) => Promise<void> | void },
): PanelBackend & { views: Map<string, UnitView> } {
  const client = withWriteHook(realClient, hook);
  const views = new Map<string, UnitView>();
  const listeners = new Set<(ids: string[]) => void>();
  for (const u of sim.units)
    views.set(u.unitId, { key: `sim/${u.unitId}`, unitId: u.unitId, name: u.name, accountLabel: 'Simulator', accountId: 'sim', demo: true, stale: false });
  // As the store: a unit is named by its key ("sim/<unitId>", account and unit) or by its bare ID.
  const idOf = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
  const auth = (ref: string) => {
    const u = sim.units.find((x) => x.unitId === idOf(ref));
    return u && { token: u.token, accountToken: sim.accountToken, unitId: u.unitId };
  };
  const fire = (id: string) => listeners.forEach((l) => l([views.get(id)!.key, id]));
  return {
    views,
    getUnit: (ref) => views.get(idOf(ref)),
    rememberHold: async (ref, untilS) => {
      const id = idOf(ref);
      views.set(id, { ...views.get(id)!, holdUntilS: untilS > Date.now() / 1000 ? untilS : undefined });
      fire(id);
    },
    units: () => [...views.values()],
    // As the store: a verified write's read-back is shown at once.
    applyReading: (ref, status) => {
      const id = idOf(ref);
      views.set(id, { ...views.get(id)!, status, lastGoodAt: Date.now(), stale: false });
      fire(id);
    },
    onDidChangeUnits: (l) => {
      listeners.add(l);
      return { dispose: () => listeners.delete(l) };
    },
    api: (id) => {
      const a = auth(id);
      return a && { client, auth: a };
    },
    holdVisible: () => ({ dispose: () => undefined }),
    refresh: async (ref) => {
      const id = idOf(ref);
      const a = auth(id);
      if (!a) return;
      const status: UnitStatus = await client.getState(a);
      // As the store does: the info (ratings) with the first reading, and after a write.
      const info = await client.getInfo(a).catch(() => views.get(id)?.info);
      views.set(id, { ...views.get(id)!, status, info, lastGoodAt: Date.now(), stale: false });
      fire(id);
    },
  };
}

export async function startHarness(
  opts: {
    theme?: ThemeName;
    width?: number;
    historyDays?: number;
    startTime?: number;
    /** The browser's own zone (IANA): the page must show the charger's, whatever this is. */
    browserTimeZone?: string;
  } = {},
): Promise<Harness> {
  const sim = await startSimulator({ units: 2, seed: 7, historyDays: opts.historyDays, startTime: opts.startTime });
  const client = new JuiceNetClient({ baseUrl: sim.baseUrl, deviceId: 'webview-test' });
  const writeHook: { next?: (method: string) => Promise<void> | void } = {};
  const backend = makeBackend(client, sim, writeHook);
  const unitId = sim.units[0].unitId;
  // The panel is keyed by account and unit, as in the extension.
  const unitKey = backend.getUnit(unitId)!.key;
  await backend.refresh(unitKey, 'manual');
  const logs: LogLine[] = [];
  const log = memoryLogger(logs);
  const nonce = makeNonce((n) => randomBytes(n));

  let origin = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname === '/panel.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          renderPanelHtml({
            cspSource: origin,
            nonce,
            scriptUri: `${origin}/main.js`,
            styleUris: [`${origin}/uPlot.min.css`, `${origin}/main.css`],
            unitKey,
            allowRemoteImages: false,
          }),
        );
        return;
      }
      const file = normalize(join(WEBVIEW_DIR, url.pathname));
      if (!file.startsWith(WEBVIEW_DIR)) {
        res.writeHead(403).end();
        return;
      }
      try {
        const body = await readFile(file);
        const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
        res.writeHead(200, { 'content-type': type }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1100, height: 900 }, timezoneId: opts.browserTimeZone });
  const page = await context.newPage();
  let router: PanelRouter | undefined;
  const savedCsv: string[] = [];
  const powerLog = new PowerLog();
  const logSub = backend.onDidChangeUnits((ids) => {
    for (const id of ids) {
      const v = backend.getUnit(id);
      if (v && !v.stale) powerLog.record(v.key, v.lastGoodAt, v.status?.charging.powerW);
    }
  });
  const insightsSettings: InsightsSettings = { tariff: { mode: 'charger' } };
  const insightsStorage = new MemoryKeyValueStore();
  const insights = { cache: new HistoryCache(insightsStorage), settings: () => insightsSettings, nowS: () => sim.now() };
  router = new PanelRouter(unitKey, backend, log, {
    insights,
    recentPower: () => powerLog.recent(unitKey),
    post: async (m) => {
      await page.evaluate((msg) => window.dispatchEvent(new MessageEvent('message', { data: msg })), m).catch(() => undefined);
    },
    // Stands in for VS Code's save dialog: keeps what would have been written.
    saveCsv: async (csv, name) => {
      savedCsv.push(csv);
      return `/virtual/${name}`;
    },
  });
  const sub = backend.onDidChangeUnits((ids) => ids.includes(unitKey) && router?.pushUnit());
  await page.exposeFunction('__juicenetToHost', (m: unknown) => void router?.handle(m));
  // A string, not a function: tsx's transform would add `__name` helpers the page doesn't have.
  await page.addInitScript(`
    (() => {
      const violations = [];
      window.__cspViolations = violations;
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));
      // Like VS Code, the state outlives the page (a hidden webview is discarded and rebuilt).
      const KEY = 'vscodeState';
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__juicenetToHost(m),
        getState: () => { const s = sessionStorage.getItem(KEY); return s === null ? undefined : JSON.parse(s); },
        setState: (s) => { sessionStorage.setItem(KEY, JSON.stringify(s)); },
      });
    })();
  `);
  const setTheme = async (theme: ThemeName) => {
    await page.evaluate(
      ([vars, classes]) => {
        // A theme switch replaces every variable: the high contrast themes leave some unset.
        const root = document.documentElement.style;
        for (const k of [...root].filter((p) => p.startsWith('--vscode-'))) root.removeProperty(k);
        for (const [k, v] of Object.entries(vars)) root.setProperty(k, v);
        document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
        document.body.classList.add(...classes);
      },
      [THEMES[theme], THEME_CLASSES[theme]] as const,
    );
  };
  await page.goto(`${origin}/panel.html`);
  await setTheme(opts.theme ?? 'dark');

  const u0 = sim.units[0];
  return {
    sim,
    client,
    auth: { token: u0.token, accountToken: sim.accountToken, unitId: u0.unitId },
    unitId,
    page,
    browser,
    origin,
    nonce,
    logs,
    savedCsv,
    refreshUnit: () => backend.refresh(unitKey, 'manual'),
    view: () => backend.views.get(unitId),
    patchUnit: (patch) => {
      backend.views.set(unitId, { ...backend.views.get(unitId)!, ...patch });
      router?.pushUnit();
    },
    unitKey,
    powerLog,
    cspViolations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
    setTheme,
    afterNextWrite: (fn) => {
      writeHook.next = fn;
    },
    insightsSettings,
    insightsStorage,
    showInsights: (scope) => router?.showInsights(scope),
    close: async () => {
      sub.dispose();
      logSub.dispose();
      router?.dispose();
      router = undefined;
      await browser.close().catch(() => undefined);
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await client.close();
      await sim.close();
    },
  };
}

export { panelCsp };
