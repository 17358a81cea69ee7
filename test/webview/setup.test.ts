// The setup assistant page in a real Chromium, under its real HTML and CSP, fed by the real page
// model (src/setup/model.ts) from a real JuiceNet Local server's diagnostics while emulated
// JuiceBoxes report to it over loopback UDP. The test plays the extension: it pushes the model
// and carries out what the page asks (add a charger, copy the udpc line). Screenshots of the
// assistant in the light and dark themes go to test-results/ (and to docs/images/, which the README
// shows, with JUICENET_UPDATE_DOC_IMAGES=1).
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeNonce } from '../../src/panel/html';
import { renderSetupHtml } from '../../src/setup/html';
import { buildSetupModel } from '../../src/setup/model';
import { readLocalDiagnostics } from '../../src/api/local-diagnostics';
import { startLocalServer, type RunningLocalServer } from '../../src/local/server';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import { encodeDebug } from '../../src/juicebox/codec';
import { setupPageMessageSchema, type SetupModel, type SetupPageMessage } from '../../src/protocol/setup-messages';
import { CHROMIUM_ARGS, THEMES } from './harness';

const ROOT = join(__dirname, '..', '..');
const WEBVIEW_DIR = join(ROOT, 'dist', 'webview');
/** Documentation addresses shown in the screenshots instead of this machine's. */
const SHOWN_ADDRESSES = ['192.168.1.20'];

describe('setup assistant page (Chromium)', function () {
  this.timeout(90_000);
  let dataDir: string;
  let server: RunningLocalServer;
  let http: Server;
  let origin = '';
  let browser: Browser;
  let page: Page;
  const emulators: JuiceBoxEmulator[] = [];
  const fromPage: SetupPageMessage[] = [];
  const accountUnits = new Map<string, { name: string; limitA?: number }>();
  let last: SetupModel | undefined;

  const push = async (): Promise<SetupModel> => {
    const diagnostics = await readLocalDiagnostics(server.baseUrl, server.accountToken);
    for (const [id, u] of accountUnits) u.limitA = (server.source.state(id, Date.now() / 1000).charging as { amps_limit: number }).amps_limit;
    last = buildSetupModel({
      diagnostics,
      baseUrl: server.baseUrl,
      runHere: 'running',
      accountUnits,
      addresses: SHOWN_ADDRESSES,
      fallbackUdpPort: 8047,
      nowMs: Date.now(),
    });
    await page.evaluate((m) => window.dispatchEvent(new MessageEvent('message', { data: { kind: 'model', model: m } })), last);
    return last;
  };
  const pushUntil = async (what: string, probe: (m: SetupModel) => boolean) => {
    const end = Date.now() + 20_000;
    for (;;) {
      const m = await push();
      if (probe(m)) return m;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const setTheme = (theme: 'light' | 'dark') =>
    page.evaluate(
      ([vars, cls]) => {
        for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
        document.body.classList.remove('vscode-light', 'vscode-dark');
        document.body.classList.add(cls);
      },
      [THEMES[theme], theme === 'light' ? 'vscode-light' : 'vscode-dark'] as const,
    );

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'juicenet-setup-page-'));
    server = await startLocalServer({ dataDir, udpPort: 0, udpHost: '127.0.0.1', httpPort: 0, tickMs: 50, log: () => undefined });
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
    page = await (await browser.newContext({ viewport: { width: 900, height: 1000 } })).newPage();
    await page.exposeFunction('__toHost', async (raw: unknown) => {
      const parsed = setupPageMessageSchema.safeParse(raw);
      assert.ok(parsed.success, `the page sent a valid message: ${JSON.stringify(raw)}`);
      fromPage.push(parsed.data);
      if (parsed.data.kind === 'add') {
        // What "Add this charger" does in the extension: add_unit with the account token.
        const r = await fetch(`${server.baseUrl}/box_pin`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ cmd: 'add_unit', device_id: 'test', account_token: server.accountToken, ID: parsed.data.serial }),
        });
        const body = (await r.json()) as { success?: boolean; name?: string };
        if (body.success) accountUnits.set(parsed.data.serial, { name: `JuiceBox ${parsed.data.serial.slice(-4)}` });
        await push();
      }
    });
    await page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__toHost(m), getState: () => undefined, setState: () => undefined });
    `);
    await page.goto(`${origin}/setup.html`);
    await setTheme('dark');
  });
  after(async () => {
    for (const e of emulators) await e.stop();
    await browser?.close();
    await new Promise<void>((r) => http.close(() => r()));
    http.closeAllConnections();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says ready, runs under the CSP without a violation, and shows the waiting step with the udpc line', async () => {
    assert.ok(
      fromPage.some((m) => m.kind === 'ready'),
      'the page said ready',
    );
    await push();
    assert.equal(await page.getAttribute('#app', 'data-phase'), 'waiting');
    assert.equal(await page.textContent('[data-testid="udpc-line"]'), `udpc 192.168.1.20 ${server.udpPort}`);
    await page.click('[data-testid="copy-udpc"]');
    await page.waitForFunction(() => true);
    assert.deepEqual(
      fromPage.find((m) => m.kind === 'copy'),
      { kind: 'copy', text: `udpc 192.168.1.20 ${server.udpPort}` },
    );
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  });

  it('shows a reporting box with its facts; "Add this charger" adds it and the page shows it obeying', async () => {
    const emu = await startJuiceBoxEmulator({
      target: { host: '127.0.0.1', port: server.udpPort },
      simulatorOptions: { units: 1, seed: 31, speed: 20, autoPlug: false, spareUnits: 0 },
      protocol: 'v09u',
      tickMs: 20,
    });
    emulators.push(emu);
    const serial = emu.boxes[0].serial;
    await pushUntil('the box with its firmware', (m) => m.boxes.some((b) => b.serial === serial && b.known && !!b.firmware && b.reportPeriodS !== undefined));
    assert.equal(await page.getAttribute('#app', 'data-phase'), 'seen');
    const card = `[data-testid="box-${serial}"]`;
    assert.equal(await page.textContent(`${card} [data-testid="protocol"]`), 'v09u');
    assert.match((await page.textContent(`${card} [data-testid="firmware"]`)) ?? '', /JuiceNet-Sim-2\.1\.0/);
    assert.equal(await page.textContent(`${card} [data-testid="address"]`), '127.0.0.1');
    await page.click(`[data-testid="add-${serial}"]`);
    await page.waitForFunction(() => document.getElementById('app')?.dataset.phase === 'obeys', undefined, { timeout: 10_000 });
    assert.equal(await page.getAttribute(`[data-testid="obey-${serial}"]`, 'data-state'), 'obeys');
    assert.equal(await page.$(`[data-testid="add-${serial}"]`), null, 'no Add button once added');
  });

  it('explains encrypted firmware and Miss CRC; screenshots in light and dark', async () => {
    const enc = await startJuiceBoxEmulator({
      target: { host: '127.0.0.1', port: server.udpPort },
      simulatorOptions: { units: 1, seed: 32, speed: 20, autoPlug: false, spareUnits: 0 },
      protocol: 'v09e',
      tickMs: 20,
    });
    emulators.push(enc);
    const plain = emulators[0].boxes[0].serial;
    await emulators[0].sendFault({ kind: 'raw', serial: plain, text: encodeDebug(plain, 'WRN', 'Miss CRC') });
    await pushUntil(
      'both problems',
      (m) => m.boxes.some((b) => b.problems.some((p) => p.kind === 'encrypted')) && m.boxes.some((b) => b.problems.some((p) => p.kind === 'miss-crc')),
    );
    const encrypted = await page.textContent(`[data-testid="box-${enc.boxes[0].serial}"] [data-testid="problem-encrypted"]`);
    assert.match(encrypted ?? '', /directory-api\.emotorwerks\.com/);
    assert.match((await page.textContent(`[data-testid="box-${plain}"] [data-testid="problem-miss-crc"]`)) ?? '', /refused a reply/);
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      const shot = await page.screenshot({ path: join(ROOT, 'test-results', `webview-setup-assistant-${theme}.png`), fullPage: true });
      // The README's screenshots are refreshed only on request; a test run leaves the tree as it was.
      if (process.env.JUICENET_UPDATE_DOC_IMAGES === '1') writeFileSync(join(ROOT, 'docs', 'images', `setup-assistant-${theme}.png`), shot);
    }
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  });
});
