// The setup assistant's Home Assistant step in a real Chromium, under the page's real HTML and
// CSP: a real JuiceNet Local publishing to a real Mosquitto (on a free loopback port), its
// connection read from its diagnostics, the step built as the extension builds it. The test plays
// the extension: it pushes the model and carries out Save and Test (the broker test runs the
// server's own program). Screenshots in test-results/.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readLocalDiagnostics } from '../../src/api/local-diagnostics';
import { startLocalServer, type RunningLocalServer } from '../../src/local/server';
import { makeNonce } from '../../src/panel/html';
import { setupPageMessageSchema, type SetupPageMessage } from '../../src/protocol/setup-messages';
import { homeAssistantStep } from '../../src/setup/home-assistant-model';
import { renderSetupHtml } from '../../src/setup/html';
import { buildSetupModel } from '../../src/setup/model';
import { checkBrokerWithServer, type LocalMqttSettings } from '../../src/state/local-mqtt';
import { startBroker, type Broker } from '../mqtt-broker';
import { CHROMIUM_ARGS, THEMES } from './harness';

const ROOT = join(__dirname, '..', '..');
const WEBVIEW_DIR = join(ROOT, 'dist', 'webview');
const RESULTS = join(ROOT, 'test-results');

describe('setup assistant: the Home Assistant step (Chromium, Mosquitto)', function () {
  this.timeout(90_000);
  const user = { name: 'ha', password: 'page-Never-sees-this' };
  let broker: Broker;
  let dataDir: string;
  let server: RunningLocalServer;
  let http: Server;
  let origin = '';
  let browser: Browser;
  let page: Page;
  const fromPage: SetupPageMessage[] = [];
  let settings: LocalMqttSettings = { url: '', user: '', proxyTopics: false };
  let test: { ok: boolean; text: string } | undefined;

  const push = async () => {
    const diagnostics = await readLocalDiagnostics(server.baseUrl, server.accountToken);
    const model = {
      ...buildSetupModel({
        diagnostics,
        baseUrl: server.baseUrl,
        runHere: 'running',
        accountUnits: new Map(),
        addresses: [],
        fallbackUdpPort: 8047,
        nowMs: Date.now(),
      }),
      homeAssistant: homeAssistantStep({
        settings,
        passwordSet: true,
        status: diagnostics.mqtt,
        running: true,
        runningWith: broker.url,
        test,
        chargerNames: ['Garage'],
      }),
    };
    await page.evaluate((m) => window.dispatchEvent(new MessageEvent('message', { data: { kind: 'model', model: m } })), model);
  };

  before(async () => {
    for (const only of ['local', 'webview']) {
      const r = spawnSync(process.execPath, ['esbuild.mjs', `--only=${only}`], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    broker = await startBroker({ user });
    settings = { url: broker.url, user: user.name, proxyTopics: false };
    dataDir = mkdtempSync(join(tmpdir(), 'juicenet-setup-ha-'));
    server = await startLocalServer({
      dataDir,
      udpPort: 0,
      udpHost: '127.0.0.1',
      httpPort: 0,
      log: () => undefined,
      mqtt: { url: broker.url, username: user.name, password: user.password, reconnectMs: 200 },
    });
    const nonce = makeNonce((n) => randomBytes(n));
    http = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', origin);
        if (url.pathname === '/setup.html') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(renderSetupHtml({ cspSource: origin, nonce, scriptUri: `${origin}/setup.js`, styleUri: `${origin}/setup.css` }));
          return;
        }
        const file = normalize(join(WEBVIEW_DIR, url.pathname));
        if (!file.startsWith(WEBVIEW_DIR)) return void res.writeHead(403).end();
        try {
          const body = await readFile(file);
          res
            .writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream' })
            .end(body);
        } catch {
          res.writeHead(404).end();
        }
      })();
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const addr = http.address();
    origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 900, height: 1300 } })).newPage();
    await page.exposeFunction('__toHost', async (raw: unknown) => {
      const parsed = setupPageMessageSchema.safeParse(raw);
      assert.ok(parsed.success, `the page sent a valid message: ${JSON.stringify(raw)}`);
      fromPage.push(parsed.data);
      const m = parsed.data;
      if (m.kind === 'mqtt' && m.action === 'save') settings = { url: m.url ?? '', user: m.user ?? '', proxyTopics: m.proxyTopics === true };
      if (m.kind === 'mqtt' && m.action === 'test') {
        const r = await checkBrokerWithServer({ nodePath: process.execPath, cliPath: join(ROOT, 'dist', 'local-cli.js') }, settings, user.password);
        test = { ok: r.ok, text: r.ok ? `The broker answers: ${r.words}.` : `The broker test failed: ${r.words}.` };
        await push();
      }
    });
    await page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__toHost(m), getState: () => undefined, setState: () => undefined });
    `);
    await page.goto(`${origin}/setup.html`);
  });
  after(async () => {
    await browser?.close();
    if (http) {
      await new Promise<void>((r) => http.close(() => r()));
      http.closeAllConnections();
    }
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await broker?.dispose();
  });

  it("shows the server's MQTT connection and what will appear in Home Assistant; no password on the page", async () => {
    const end = Date.now() + 10_000;
    while (!server.mqtt?.status().connected && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await push();
    await page.waitForSelector('[data-testid="home-assistant"]');
    assert.match((await page.textContent('[data-testid="mqtt-connection"]')) ?? '', /^MQTT: connected to 127\.0\.0\.1:\d+, publishing 0 chargers/);
    assert.equal(await page.inputValue('[data-testid="mqtt-url"]'), broker.url);
    assert.equal(await page.inputValue('[data-testid="mqtt-user"]'), 'ha');
    assert.equal(await page.textContent('[data-testid="mqtt-password-state"]'), 'kept in VS Code’s secret storage');
    assert.deepEqual(await page.$$eval('[data-testid="mqtt-devices"] li', (els) => els.map((e) => e.textContent)), ['Garage']);
    assert.ok(((await page.textContent('[data-testid="mqtt-entities"]')) ?? '').includes('Energy dashboard'));
    assert.ok(!(await page.content()).includes(user.password));
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  });

  it('keeps what the owner types across refreshes, saves it, and tests the broker with the server’s own program', async () => {
    await page.fill('[data-testid="mqtt-user"]', 'nobody');
    await push();
    assert.equal(await page.inputValue('[data-testid="mqtt-user"]'), 'nobody', 'a refresh keeps the typed user');
    await page.click('[data-testid="mqtt-test-button"]');
    await page.waitForFunction(() => /failed/.test(document.querySelector('[data-testid="mqtt-test"]')?.textContent ?? ''));
    assert.deepEqual(
      fromPage.filter((m) => m.kind === 'mqtt').map((m) => (m as { action: string }).action),
      ['save', 'test'],
    );
    assert.match((await page.textContent('[data-testid="mqtt-test"]')) ?? '', /refused the user name or password/);
    await page.fill('[data-testid="mqtt-user"]', 'ha');
    await page.click('[data-testid="mqtt-save"]');
    await page.click('[data-testid="mqtt-test-button"]');
    await page.waitForFunction(() => /answers/.test(document.querySelector('[data-testid="mqtt-test"]')?.textContent ?? ''));
    assert.match((await page.textContent('[data-testid="mqtt-test"]')) ?? '', /^The broker answers: connected to 127\.0\.0\.1:\d+ as ha\.$/);
    mkdirSync(RESULTS, { recursive: true });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate(
        ([vars, cls]) => {
          for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
          document.body.classList.remove('vscode-light', 'vscode-dark');
          document.body.classList.add(cls);
        },
        [THEMES[theme], theme === 'light' ? 'vscode-light' : 'vscode-dark'] as const,
      );
      await (await page.$('[data-testid="home-assistant"]'))!.screenshot({ path: join(RESULTS, `setup-home-assistant-${theme}.png`) });
    }
  });
});
