// The setup assistant page in a real Chromium, under its real HTML and CSP, fed by the real page
// model (src/setup/model.ts) from a real JuiceNet Local server's diagnostics while emulated
// JuiceBoxes report to it over loopback UDP. The test plays the extension: it pushes the model
// and carries out what the page asks (add a charger, copy the udpc line). Screenshots of the
// assistant in the light and dark themes go to test-results/ (and to docs/images/, which the README
// shows, with JUICENET_UPDATE_DOC_IMAGES=1).
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeNonce } from '../../src/panel/html';
import { renderSetupHtml } from '../../src/setup/html';
import { buildSetupModel } from '../../src/setup/model';
import { BOX_REPORT_PORTS, checkNames, type DnsCheck, type Lookup } from '../../src/setup/pointing';
import { readLocalDiagnostics } from '../../src/api/local-diagnostics';
import { startLocalServer, type RunningLocalServer } from '../../src/local/server';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import { encodeDebug } from '../../src/juicebox/codec';
import { setupPageMessageSchema, type SetupModel, type SetupPageMessage } from '../../src/protocol/setup-messages';
import { CHROMIUM_ARGS, THEMES } from './harness';

const ROOT = join(__dirname, '..', '..');
const WEBVIEW_DIR = join(ROOT, 'dist', 'webview');
/** Documentation addresses shown in the screenshots instead of this machine's. */
const SHOWN_ADDRESSES = [
  { address: '192.168.1.20', cidr: '192.168.1.20/24' },
  { address: '10.8.0.5', cidr: '10.8.0.5/24' },
];
/** The resolver the page's Check asks: documentation answers, no lookup leaves the test. */
const FAKE_DNS: Record<string, string[]> = {
  'juicenet-udp-prod3-usa.enelx.com': ['192.168.1.20'],
  'juicenet-udp-prod4-exw.enelx.com': ['192.168.1.20'],
  'jbv1.emotorwerks.com': ['192.168.1.20'],
  'ohm.voltie.us': ['203.0.113.7'],
};
const fakeLookup: Lookup = async (host) => (FAKE_DNS[host] ?? []).map((address) => ({ address, family: 4 }));

describe('setup assistant page (Chromium)', function () {
  this.timeout(90_000);
  let dataDir: string;
  let server: RunningLocalServer;
  let taken: Socket;
  let http: Server;
  let origin = '';
  let browser: Browser;
  let page: Page;
  const emulators: JuiceBoxEmulator[] = [];
  const fromPage: SetupPageMessage[] = [];
  const accountUnits = new Map<string, { name: string; limitA?: number }>();
  let last: SetupModel | undefined;
  let chosenAddress: string | undefined;
  /** Documentation ports for the screenshots: the ports a server listens on by default (the test's listens on a free one). */
  let shownPorts: number[] | undefined;
  let dnsCheck: DnsCheck | undefined;
  /** What the extension shows after an action: the result line at the top of the page. */
  const result = (action: string, ok: boolean, message: string) =>
    page.evaluate((m) => window.dispatchEvent(new MessageEvent('message', { data: m })), { kind: 'result', action, ok, message });

  const push = async (): Promise<SetupModel> => {
    const diagnostics = await readLocalDiagnostics(server.baseUrl, server.accountToken);
    if (shownPorts) {
      diagnostics.server.udpPorts = shownPorts;
      delete diagnostics.server.ports;
    }
    for (const [id, u] of accountUnits) u.limitA = (server.source.state(id, Date.now() / 1000).charging as { amps_limit: number }).amps_limit;
    last = buildSetupModel({
      diagnostics,
      baseUrl: server.baseUrl,
      runHere: 'running',
      accountUnits,
      addresses: SHOWN_ADDRESSES,
      chosenAddress,
      dnsCheck,
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
    // A UDP port another program holds: the server is asked for it too, and says it could not listen there.
    taken = createSocket('udp4');
    await new Promise<void>((r) => taken.bind(0, '127.0.0.1', r));
    server = await startLocalServer({ dataDir, udpPorts: [0, taken.address().port], udpHost: '127.0.0.1', httpPort: 0, tickMs: 50, log: () => undefined });
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
        if (body.success) accountUnits.set(parsed.data.serial, { name: parsed.data.name ?? String(body.name) });
        await result('add', !!body.success, `Added “${parsed.data.name}”: it is in the Chargers view.`);
        await push();
      }
      if (parsed.data.kind === 'checkDns') {
        dnsCheck = await checkNames(
          fakeLookup,
          SHOWN_ADDRESSES.map((a) => a.address),
          Date.now(),
        );
        await result('checkDns', dnsCheck.allHere, dnsCheck.summary);
        await push();
      }
      if (parsed.data.kind === 'pickAddress') {
        chosenAddress = parsed.data.address;
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
    taken.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says ready, runs under the CSP without a violation, and leads with DNS: the names, lines filled with this machine’s address', async () => {
    assert.ok(
      fromPage.some((m) => m.kind === 'ready'),
      'the page said ready',
    );
    await push();
    assert.equal(await page.getAttribute('#app', 'data-phase'), 'waiting');
    assert.match((await page.textContent('[data-testid="port-problem"]')) ?? '', new RegExp(`UDP port ${taken.address().port} .*already in use`));
    // The ways in order: DNS, then the router, then the console.
    const ways = await page.$$eval('[data-testid^="way-"]', (els) => els.map((e) => (e as HTMLElement).dataset.testid));
    assert.deepEqual(ways, ['way-dns', 'way-forwarding', 'way-telnet']);
    const names = await page.$$eval('[data-testid="names"] tr[data-host]', (rows) => rows.map((r) => (r as HTMLElement).dataset.host));
    assert.deepEqual(names, ['juicenet-udp-prod3-usa.enelx.com', 'juicenet-udp-prod4-exw.enelx.com', 'jbv1.emotorwerks.com', 'ohm.voltie.us']);
    assert.match((await page.textContent('[data-testid="dns-dnsmasq-lines"]')) ?? '', /^address=\/juicenet-udp-prod3-usa\.enelx\.com\/192\.168\.1\.20$/m);
    assert.match(
      (await page.textContent('[data-testid="dns-openwrt-lines"]')) ?? '',
      /uci add_list dhcp\.@dnsmasq\[0\]\.address='\/ohm\.voltie\.us\/192\.168\.1\.20'/,
    );
    assert.match((await page.textContent('[data-testid="dns-hosts-lines"]')) ?? '', /^192\.168\.1\.20 juicenet-udp-prod3-usa\.enelx\.com /);
    assert.match((await page.textContent('[data-testid="fwd-nftables-lines"]')) ?? '', /ip saddr 192\.168\.1\.0\/24 .* dnat to 192\.168\.1\.20/);
    assert.match((await page.textContent('[data-testid="fwd-iptables-lines"]')) ?? '', /--to-destination 192\.168\.1\.20/);
    await page.click('[data-testid="copy-dns-dnsmasq"]');
    await page.waitForFunction(() => true);
    assert.match((fromPage.find((m) => m.kind === 'copy') as { text: string }).text, /^address=\/juicenet-udp-prod3-usa/);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  });

  it('Check says per name whether this machine’s resolver points it here, in words', async () => {
    await page.click('[data-testid="check-dns"]');
    await page.waitForSelector('[data-testid="dns-check-results"]');
    const verdicts = await page.$$eval('[data-testid="dns-check-results"] li[data-verdict]', (els) =>
      els.map((e) => [(e as HTMLElement).dataset.host, (e as HTMLElement).dataset.verdict]),
    );
    assert.deepEqual(verdicts, [
      ['juicenet-udp-prod3-usa.enelx.com', 'here'],
      ['juicenet-udp-prod4-exw.enelx.com', 'here'],
      ['jbv1.emotorwerks.com', 'here'],
      ['ohm.voltie.us', 'elsewhere'],
    ]);
    assert.match(
      (await page.textContent('[data-testid="dns-check-results"]')) ?? '',
      /ohm\.voltie\.us points elsewhere \(203\.0\.113\.7\), not at this machine\./,
    );
    assert.match((await page.textContent('[data-testid="dns-check-summary"]')) ?? '', /^3 of 4 names point at this machine/);
    assert.equal(
      await page.textContent('[data-testid="dns-check-directory"]'),
      '✓ The directory service directory-api.emotorwerks.com is blocked: a box cannot be told to encrypt its reports.',
    );
    // The result is said at the top of the page, in the page's own text colour, and is in view.
    const r = await page.$eval('[data-testid="result"]', (e) => {
      const box = e.getBoundingClientRect();
      return { hidden: (e as HTMLElement).hidden, top: box.top, bottom: box.bottom, color: getComputedStyle(e).color, text: e.textContent };
    });
    assert.equal(r.hidden, false);
    assert.ok(r.top >= 0 && r.bottom <= 1000, `the result is in view: ${JSON.stringify(r)}`);
    assert.match(r.text ?? '', /3 of 4 names/);
    assert.equal(r.color, await page.evaluate(() => getComputedStyle(document.body).color));
    // The server listens on a free port here, not on the boxes' ports: said, with what to do.
    assert.match(
      (await page.textContent('[data-testid="ports-missing"]')) ?? '',
      /does not listen on ports 8047, 8042, 8055: a box pointed by DNS keeps its port/,
    );
    // The DNS step, checked, in the light and dark themes, as with a server on its default ports.
    shownPorts = [...BOX_REPORT_PORTS];
    await push();
    assert.equal(await page.$('[data-testid="ports-missing"]'), null);
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      const shot = await page.locator('[data-testid="way-dns"]').screenshot({ path: join(ROOT, 'test-results', `webview-setup-dns-${theme}.png`) });
      if (process.env.JUICENET_UPDATE_DOC_IMAGES === '1') writeFileSync(join(ROOT, 'docs', 'images', `setup-dns-${theme}.png`), shot);
    }
    shownPorts = undefined;
    await push();
  });

  it('lets the owner pick which of this machine’s addresses the lines use', async () => {
    await page.selectOption('[data-testid="address"]', '10.8.0.5');
    await page.waitForFunction(() => /10\.8\.0\.5/.test(document.querySelector('[data-testid="dns-hosts-lines"]')?.textContent ?? ''));
    assert.match((await page.textContent('[data-testid="fwd-nftables-lines"]')) ?? '', /ip saddr 10\.8\.0\.0\/24/);
    await page.selectOption('[data-testid="address"]', '192.168.1.20');
    await page.waitForFunction(() => /^192\.168\.1\.20 /.test(document.querySelector('[data-testid="dns-hosts-lines"]')?.textContent ?? ''));
  });

  it('offers the console last, with its risks, and only once the owner says they understand them', async () => {
    await page.click('[data-testid="way-telnet"] summary');
    assert.match((await page.textContent('[data-testid="telnet-risks"]')) ?? '', /stop answering .* after some weeks[\s\S]*ignore the commands/);
    assert.equal(await page.textContent('[data-testid="udpc-line"]'), `udpc 192.168.1.20 ${server.udpPort}`);
    assert.equal(await page.getAttribute('[data-testid="telnet"]', 'disabled'), '');
    await page.click('[data-testid="telnet"]', { force: true });
    await push(); // the section stays open across a new model
    assert.equal(await page.$eval('[data-testid="way-telnet"]', (d) => (d as HTMLDetailsElement).open), true);
    assert.ok(!fromPage.some((m) => m.kind === 'command' && m.command === 'telnet'), 'nothing asked before the risks were accepted');
    await page.check('[data-testid="telnet-understood"]');
    await page.click('[data-testid="telnet"]');
    await page.waitForFunction(() => true);
    assert.ok(fromPage.some((m) => m.kind === 'command' && m.command === 'telnet'));
    await page.click('[data-testid="way-telnet"] summary');
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
    assert.equal(await page.textContent(`${card} [data-testid="port"]`), `UDP ${server.udpPort}`);
    assert.doesNotMatch((await page.textContent('#app')) ?? '', /datagram|Readable reports/i);
    // Adding asks for a name first; what is typed survives the page's refreshes.
    await page.click(`[data-testid="add-${serial}"]`);
    assert.match((await page.textContent(`[data-testid="name-error-${serial}"]`)) ?? '', /Give the charger a name/);
    assert.ok(!fromPage.some((m) => m.kind === 'add'), 'nothing added without a name');
    await page.fill(`[data-testid="name-${serial}"]`, 'Gar');
    await push();
    await page.type(`[data-testid="name-${serial}"]`, 'age');
    assert.equal(await page.inputValue(`[data-testid="name-${serial}"]`), 'Garage');
    await page.press(`[data-testid="name-${serial}"]`, 'Enter');
    await page.waitForFunction(() => document.getElementById('app')?.dataset.phase === 'obeys', undefined, { timeout: 10_000 });
    assert.equal(await page.getAttribute(`[data-testid="obey-${serial}"]`, 'data-state'), 'obeys');
    assert.equal(await page.textContent(`${card} h3`), `Garage (${serial})`);
    assert.equal(await page.textContent('[data-testid="result"]'), 'Added “Garage”: it is in the Chargers view.');
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
    assert.match(encrypted ?? '', /Block the directory service[\s\S]*address=\/directory-api\.emotorwerks\.com\//);
    assert.match((await page.textContent(`[data-testid="box-${plain}"] [data-testid="problem-miss-crc"]`)) ?? '', /refused a reply/);
    // The cards keep one order (by serial), added or not.
    const cards = await page.$$eval('section.box', (els) => els.map((e) => (e as HTMLElement).dataset.serial ?? ''));
    assert.deepEqual(cards, [...cards].sort());
    // The screenshots as with a server on its default ports (none taken).
    shownPorts = [...BOX_REPORT_PORTS];
    await push();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      const shot = await page.screenshot({ path: join(ROOT, 'test-results', `webview-setup-assistant-${theme}.png`), fullPage: true });
      // The README's screenshots are refreshed only on request; a test run leaves the tree as it was.
      if (process.env.JUICENET_UPDATE_DOC_IMAGES === '1') writeFileSync(join(ROOT, 'docs', 'images', `setup-assistant-${theme}.png`), shot);
    }
    shownPorts = undefined;
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  });

  it('offers "Start the server here" only while no server answers, never beside "Connected"', async () => {
    const show = (m: SetupModel) => page.evaluate((model) => window.dispatchEvent(new MessageEvent('message', { data: { kind: 'model', model } })), m);
    const diagnostics = await readLocalDiagnostics(server.baseUrl, server.accountToken);
    const base = { runHere: 'stopped' as const, accountUnits, addresses: SHOWN_ADDRESSES, fallbackUdpPort: 8047, nowMs: Date.now() };
    // Connected to a server that runs as a service: no Start here.
    await show(buildSetupModel({ ...base, diagnostics, baseUrl: server.baseUrl }));
    assert.match((await page.textContent('[data-testid="server-summary"]')) ?? '', /^Connected to /);
    assert.equal(await page.$('[data-testid="start"]'), null);
    // Nothing answers: Start here is the main button, Connect beside it.
    await show(buildSetupModel({ ...base, notConnected: true }));
    assert.equal(await page.textContent('[data-testid="start"]'), 'Start the server here');
    assert.equal(await page.getAttribute('[data-testid="start"]', 'secondary'), null);
    assert.ok(await page.$('[data-testid="connect"]'));
    await push();
  });
});
