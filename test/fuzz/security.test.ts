// Security checks in plain Node, over real HTTP (node:http on port 0 and the simulator; no mock of
// fetch/undici). What test/unit already covers is not repeated here (api-client.test.ts: the basic
// http refusal, a reply over a small maxReplyBytes, one echoed odd-shaped token; redact.test.ts:
// redaction of errors built by hand; panel-html.test.ts: the exact CSP string).
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { JuiceNetClient, checkBaseUrl } from '../../src/api/client';
import { DEFAULT_MAX_REPLY_BYTES } from '../../src/api/lenient-json';
import {
  AbortedError,
  ApiError,
  AuthError,
  HttpStatusError,
  InvalidInputError,
  JuiceNetError,
  NetworkError,
  ProtocolError,
  TimeoutError,
} from '../../src/api/errors';
import { forgetSecret } from '../../src/api/redact';
import { makeNonce, panelCsp, renderPanelHtml } from '../../src/panel/html';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { UnitAuth } from '../../src/api/types';
import { RUNS, params } from './arbitraries';

// ---- a canned HTTP server on port 0 ----

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

interface Canned {
  baseUrl: string;
  handler: Handler;
  requests: number;
  close(): Promise<void>;
}

async function cannedServer(): Promise<Canned> {
  const sockets = new Set<Socket>();
  const c = {
    baseUrl: '',
    requests: 0,
    handler: ((_req, _body, res) => res.end('{"success":true}')) as Handler,
    close: async (): Promise<void> => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      c.requests++;
      c.handler(req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  c.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  c.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return c;
}

/** Heap + buffers in use, sampled every few ms while `f` runs: the peak growth over the start. */
async function peakMemoryGrowth<T>(f: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; peakBytes: number }> {
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  (globalThis as { gc?: () => void }).gc?.();
  const start = used();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, used())), 2);
  try {
    const result = await f();
    return { result, error: undefined, peakBytes: Math.max(peak, used()) - start };
  } catch (error) {
    return { result: undefined, error, peakBytes: Math.max(peak, used()) - start };
  } finally {
    clearInterval(timer);
  }
}

const UNIT: UnitAuth = { token: 'a-unit-token-of-odd-shape_1', accountToken: 'an-account-token-of-odd-shape_2', unitId: '0814081508141535522516012129' };

describe('security: transport (plain http only to loopback)', () => {
  it(`refuses plain http:// to any non-loopback host, before anything is sent (${RUNS} hosts)`, () => {
    const notLoopbackV4 = fc.ipV4().filter((ip) => !ip.startsWith('127.'));
    const notLoopbackV6 = fc
      .ipV6()
      .filter((ip) => new URL(`http://[${ip}]/`).hostname !== '[::1]')
      .map((ip) => `[${ip}]`);
    const host = fc.oneof(fc.domain(), notLoopbackV4, notLoopbackV6);
    fc.assert(
      fc.property(host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.constantFrom('', '/api', '/x/y/'), (h, port, path) => {
        const url = `http://${h}${port ? `:${port}` : ''}${path}`;
        // A hostname that URL resolves to loopback (e.g. a domain "localhost") is the one legal case.
        const resolved = new URL(url).hostname;
        if (resolved === 'localhost' || /^127\./.test(resolved) || resolved === '[::1]') return;
        assert.throws(() => new JuiceNetClient({ baseUrl: url }), /Refusing plain http:\/\/ to .*unencrypted/, url);
        // The same server over https is fine.
        assert.doesNotThrow(() => checkBaseUrl(url.replace(/^http:/, 'https:')), url);
      }),
      params(RUNS),
    );
  });

  it('is not fooled by loopback look-alikes, credentials or other schemes', () => {
    const refused = [
      'http://127.0.0.1.nip.io',
      'http://localhost.example.com',
      'http://127.0.0.1@example.com', // user info, host is example.com
      'http://example.com#@127.0.0.1',
      'http://example.com?x=@localhost',
      'http://example.com\\@127.0.0.1',
      'http://[::ffff:127.0.0.1]', // IPv4-mapped: not accepted as loopback (conservative)
      'http://0.0.0.0',
      'http://[::]',
      'http://169.254.169.254',
      'http://10.0.0.1',
      'http://192.168.1.10:8080',
      'http://localhost:1@evil.example', // user "localhost", password "1"
      'https://user:pass@example.com', // credentials in the URL
      'ws://localhost:1',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/plain,hi',
      'ftp://127.0.0.1',
      '//example.com',
      '',
    ];
    for (const u of refused) assert.throws(() => new JuiceNetClient({ baseUrl: u }), Error, u);
    // What URL itself normalises to a loopback address is loopback (2130706433 = 0x7f000001).
    for (const u of ['http://2130706433:9', 'http://0x7f.1:9', 'http://LOCALHOST:9', 'http://127.255.255.254:9', 'http://[0:0:0:0:0:0:0:1]:9']) {
      assert.doesNotThrow(() => checkBaseUrl(u), u);
    }
  });
});

describe('security: hostile replies over real HTTP are refused without exhausting memory', function () {
  this.timeout(60_000);
  let srv: Canned;
  const clients: JuiceNetClient[] = [];
  const client = (opts: ConstructorParameters<typeof JuiceNetClient>[0] = {}) => {
    const c = new JuiceNetClient({ baseUrl: srv.baseUrl, retry: { retries: 0 }, timeouts: { connectMs: 2000, headersMs: 5000, bodyMs: 5000 }, ...opts });
    clients.push(c);
    return c;
  };
  before(async () => {
    srv = await cannedServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await srv.close();
  });

  /** Streams JSON-looking bytes (no content-length) until the client hangs up or `capBytes` is sent. */
  function endlessReply(capBytes: number, stats: { written: number; closedEarly: boolean }, headers: http.OutgoingHttpHeaders = {}): Handler {
    return (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      const chunk = Buffer.from(`{"success":true,"pad":"${'x'.repeat(64 * 1024 - 24)}`.slice(0, 64 * 1024));
      res.on('close', () => (stats.closedEarly = stats.written < capBytes));
      const pump = () => {
        while (!res.destroyed && stats.written < capBytes) {
          stats.written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    };
  }

  it('a reply that never ends (no content-length) is cut at maxReplyBytes (default 4 MiB) with a ProtocolError', async () => {
    const stats = { written: 0, closedEarly: false };
    const cap = 256 * 1024 * 1024;
    srv.handler = endlessReply(cap, stats);
    const { error, peakBytes } = await peakMemoryGrowth(() => client().getState(UNIT));
    assert.ok(error instanceof ProtocolError && /larger than 4194304 bytes/.test(error.message), String(error));
    // The client hung up soon after the limit (socket buffers aside), long before the server's cap.
    for (let i = 0; i < 100 && !stats.closedEarly; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(stats.closedEarly, 'the client closed the connection');
    assert.ok(stats.written < DEFAULT_MAX_REPLY_BYTES + 8 * 1024 * 1024, `server wrote ${stats.written} bytes before the client hung up`);
    assert.ok(peakBytes < 64 * 1024 * 1024, `memory grew by ${(peakBytes / 1048576).toFixed(1)} MiB while refusing`);
  });

  it('a declared content-length beyond the limit is refused before the body is read', async () => {
    const stats = { written: 0, closedEarly: false };
    srv.handler = (req, body, res) => {
      // Declares 10 GB; sends a little, then waits: the client must not wait for (or buffer) the rest.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 ** 3) });
      res.write('{"success":true,"pad":"');
      stats.written = 24;
      res.on('close', () => (stats.closedEarly = true));
      void req;
      void body;
    };
    const t0 = Date.now();
    await assert.rejects(
      client({ maxReplyBytes: 1024 * 1024 }).getInfo(UNIT),
      (e: unknown) => e instanceof ProtocolError && /10737418240 declared/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 2000, 'refused at once, not after a body timeout');
  });

  for (const [name, text] of [
    ['100,000 nested arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['100,000 nested objects', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
    ['deep nesting inside a valid-looking reply', `{"success":true,"state":"charging","charging":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    // A smart quote inside a string flips a naive string scanner's state; the guard after parsing still holds.
    ['deep nesting behind a quote-confusing string', `{"success":true,"s":"a“b","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['deep nesting in lenient (repaired) JSON', `{"success":true,"x":${'[1,'.repeat(50_000)}2,${']'.repeat(50_000)}}`],
  ] as const) {
    it(`${name} → ProtocolError, no stack overflow, bounded memory`, async () => {
      srv.handler = (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text);
      };
      const { error, peakBytes } = await peakMemoryGrowth(() => client().getState(UNIT));
      assert.ok(error instanceof ProtocolError, `got ${String(error)}`);
      assert.match(error.message, /nested deeper than 64 levels/);
      assert.ok(peakBytes < 64 * 1024 * 1024, `memory grew by ${(peakBytes / 1048576).toFixed(1)} MiB`);
    });
  }
});

describe('security: the panel page (src/panel/html.ts)', () => {
  const base = {
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'n0nce',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/dist/webview/main.js',
    styleUris: ['https://file+.vscode-resource.vscode-cdn.net/dist/webview/main.css'],
    unitKey: 'acc-1/0814081508141535522516012129',
    allowRemoteImages: false,
  };

  it('carries exactly the strict CSP, and its only script is the nonced bundle', () => {
    for (const allowRemoteImages of [false, true]) {
      const o = { ...base, allowRemoteImages };
      const html = renderPanelHtml(o);
      const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
      assert.equal(metas.length, 1, 'one CSP');
      const csp = metas[0][1].replace(/&#39;/g, "'");
      assert.equal(csp, panelCsp(o));
      const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
      assert.deepEqual(directives['default-src'], ["'none'"], 'no fetch/XHR/WebSocket, frames, media or objects (connect-src falls back to none)');
      assert.deepEqual(directives['script-src'], [`'nonce-${o.nonce}'`]);
      assert.deepEqual(directives['style-src'], [o.cspSource], 'no inline styles');
      assert.deepEqual(directives['img-src'], allowRemoteImages ? [o.cspSource, 'https:'] : [o.cspSource], 'remote images only when allowed, and only https');
      assert.ok(!/unsafe-|\*|http:|data:|blob:/.test(csp), csp);
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.equal(scripts.length, 1);
      assert.match(scripts[0][1], new RegExp(`nonce="${o.nonce}" src="${o.scriptUri.replace(/[.+]/g, '\\$&')}"`));
      assert.equal(scripts[0][2], '', 'no inline script');
      assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
    }
  });

  const ALLOWED_ATTRIBUTES = new Set(['lang', 'charset', 'http-equiv', 'content', 'name', 'rel', 'href', 'id', 'data-unit-key', 'class', 'nonce', 'src']);

  it(`escapes whatever it is given: no markup injection through the unit id, title or URIs (${RUNS} cases)`, () => {
    const nasty = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('"><script>alert(1)</script>', "' onload='x", '</title><script>', '&lt;', '" nonce="evil'),
    );
    fc.assert(
      fc.property(nasty, nasty, nasty, (unitKey, title, scriptUri) => {
        const html = renderPanelHtml({ ...base, unitKey, title, scriptUri });
        // Every tag parses as a known element with known attributes, each value double-quoted and
        // free of quotes and angle brackets: whatever the input, no element or attribute is added.
        const tags = html.replace(/^<!DOCTYPE html>/, '').match(/<[^>]*>/g) ?? [];
        const names: string[] = [];
        for (const tag of tags) {
          const close = /^<\/([a-z]+)>$/.exec(tag);
          if (close) continue;
          const open = /^<([a-z]+)((?:\s+[a-z-]+="[^"<>']*")*)\s*>$/.exec(tag);
          assert.ok(open, `malformed tag ${tag}`);
          names.push(open[1]);
          for (const [, attr] of open[2].matchAll(/\s+([a-z-]+)="/g)) assert.ok(ALLOWED_ATTRIBUTES.has(attr), `attribute ${attr} in ${tag}`);
        }
        assert.deepEqual(names, ['html', 'head', 'meta', 'meta', 'meta', 'link', 'title', 'body', 'div', 'p', 'script']);
        // Text content (the title, the loading line) holds no markup either.
        assert.ok(!/[<>]/.test(html.replace(/<[^>]*>/g, '').replace('<!DOCTYPE html>', '')));
      }),
      params(RUNS),
    );
  });

  it('nonces are fresh and CSP-safe (base64 alphabet without + / =)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const n = makeNonce((k) => randomBytes(k));
      assert.match(n, /^[A-Za-z0-9]{24}$/);
      seen.add(n);
    }
    assert.equal(seen.size, 1000);
  });
});

describe('security: no error of any class carries a token', function () {
  this.timeout(60_000);
  let sim: RunningSimulator;
  let srv: Canned;
  const clients: JuiceNetClient[] = [];
  const client = (baseUrl: string, opts: ConstructorParameters<typeof JuiceNetClient>[0] = {}) => {
    const c = new JuiceNetClient({ baseUrl, retry: { retries: 0 }, ...opts });
    clients.push(c);
    return c;
  };
  /** Every secret of this suite: odd shapes (caught only because the client registered them) and the simulator's. */
  const secrets = () => [UNIT.token, UNIT.accountToken!, sim.accountToken, ...sim.units.map((u) => u.token)];

  /** All the text an error exposes: message, stack, user sentences, fields, cause, JSON form. */
  function texts(e: unknown): string[] {
    assert.ok(e instanceof JuiceNetError, `expected a JuiceNetError, got ${String(e)}`);
    const out = [e.message, e.stack ?? '', e.userMessage, e.nextStep, String(e), JSON.stringify(e)];
    for (const [k, v] of Object.entries(e)) if (typeof v === 'string') out.push(`${k}=${v}`);
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof Error) out.push(cause.message, cause.stack ?? '');
    return out;
  }
  function assertNoToken(e: unknown, what: string): void {
    for (const t of texts(e)) for (const s of secrets()) assert.ok(!t.includes(s), `${what}: ${(e as Error).name} exposes a token in: ${t.slice(0, 300)}`);
  }

  before(async () => {
    // An odd-shaped account token too: only registration can redact it.
    sim = await startSimulator({ units: 3, seed: 5, manualClock: true, accountToken: 'sim account token, odd shape!' });
    srv = await cannedServer();
  });
  afterEach(async () => {
    sim.clearFaults();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await srv.close();
    await sim.close();
    for (const s of [UNIT.token, UNIT.accountToken]) forgetSecret(s);
  });

  it('from the simulator: AuthError, ApiError, HttpStatusError, ProtocolError (truncated replies full of tokens), NetworkError', async () => {
    const c = client(sim.baseUrl);
    const u = sim.units[0];
    const unit: UnitAuth = { token: u.token, accountToken: sim.accountToken, unitId: u.unitId };
    const caught: [string, unknown][] = [];
    const grab = async (what: string, p: Promise<unknown>) =>
      caught.push([
        what,
        await p.then(
          () => assert.fail(`${what} should fail`),
          (e: unknown) => e,
        ),
      ]);

    await grab('bad account token', c.getAccountUnits(`${sim.accountToken}-revoked`));
    await grab('bad unit token', c.getState({ ...unit, token: `${u.token.slice(0, 31)}0` }));
    await grab('invalid value', c.setLimit(unit, 500));
    sim.setFaults({ http5xxRate: 1 });
    await grab('HTTP 5xx', c.getAccountUnits(sim.accountToken));
    sim.setFaults({ http5xxRate: 0, failureRate: 1 });
    await grab('temporary failure', c.getInfo(unit));
    // Truncated replies of get_account_units hold every unit token: the excerpt must not show them.
    sim.setFaults({ failureRate: 0, malformedRate: 1 });
    await grab('malformed get_account_units', c.getAccountUnits(sim.accountToken));
    await grab('malformed get_info', c.getInfo(unit));
    sim.setFaults({ malformedRate: 0, dropRate: 1 });
    await grab('dropped connection', c.getState(unit));
    sim.clearFaults();
    const classes = new Set(caught.map(([, e]) => (e as Error).constructor.name));
    for (const k of ['AuthError', 'ApiError', 'HttpStatusError', 'ProtocolError', 'NetworkError']) assert.ok(classes.has(k), `${k} among ${[...classes]}`);
    for (const [what, e] of caught) assertNoToken(e, what);
  });

  it('from a server that echoes the request (tokens in bodies, messages, field values, keys and paths)', async () => {
    const c = client(srv.baseUrl, { timeouts: { connectMs: 1000, headersMs: 300, bodyMs: 300 } });
    const caught: [string, unknown][] = [];
    const grab = async (what: string, handler: Handler, call: () => Promise<unknown>) => {
      srv.handler = handler;
      caught.push([
        what,
        await call().then(
          () => assert.fail(`${what} should fail`),
          (e: unknown) => e,
        ),
      ]);
    };
    const json = (res: http.ServerResponse, status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    // Each handler puts the request's own tokens into the reply, in a different place.
    const echo = (body: string) => JSON.parse(body) as { token?: string; account_token?: string };
    await grab(
      'HttpStatusError body',
      (_q, b, res) => json(res, 500, `server error for ${b}`),
      () => c.getState(UNIT),
    );
    await grab(
      'HttpStatusError 403',
      (_q, b, res) => json(res, 403, `forbidden: token=${echo(b).token}`),
      () => c.getState(UNIT),
    );
    await grab(
      'AuthError message',
      (_q, b, res) => json(res, 200, JSON.stringify({ success: false, error_code: 401, error_message: `Invalid token ${echo(b).token}` })),
      () => c.getState(UNIT),
    );
    await grab(
      'ApiError message',
      (_q, b, res) => json(res, 200, JSON.stringify({ success: false, error_code: 422, error_message: `bad request ${b}` })),
      () => c.setLimit(UNIT, 16),
    );
    await grab(
      'ProtocolError excerpt',
      (_q, b, res) => json(res, 200, `${echo(b).token} is not JSON ${b}`),
      () => c.getState(UNIT),
    );
    await grab(
      'ProtocolError value',
      (_q, b, res) => json(res, 200, JSON.stringify({ success: true, charging: { amps_limit: echo(b).account_token } })),
      () => c.getState(UNIT),
    );
    await grab(
      'ProtocolError key (path)',
      (_q, b, res) => json(res, 200, JSON.stringify({ success: true, notifications: { [echo(b).token!]: 'not an object' } })),
      () => c.getNotifications(UNIT),
    );
    await grab(
      'ProtocolError success',
      (_q, b, res) => json(res, 200, JSON.stringify({ success: echo(b).token })),
      () => c.getSchedule(UNIT),
    );
    await grab(
      'TimeoutError',
      () => undefined,
      () => c.getPlot(UNIT, 1, 10),
    );
    const ac = new AbortController();
    await grab(
      'AbortedError',
      () => setTimeout(() => ac.abort(new Error(`cancelled ${UNIT.token}`)), 20),
      () => c.getState(UNIT, { signal: ac.signal }),
    );
    await grab(
      'InvalidInputError',
      () => undefined,
      () => c.setNotifications(UNIT, { [UNIT.token]: { email: 'yes' as unknown as boolean, push: false } }),
    );
    const classes = new Set(caught.map(([, e]) => (e as Error).constructor));
    for (const k of [HttpStatusError, AuthError, ApiError, ProtocolError, TimeoutError, AbortedError, InvalidInputError])
      assert.ok(classes.has(k), `${k.name} caught`);
    for (const [what, e] of caught) assertNoToken(e, what);
    // NetworkError from a refused connection.
    const closed = await cannedServer();
    const url = closed.baseUrl;
    await closed.close();
    const err = await client(url)
      .getState(UNIT)
      .then(
        () => assert.fail('should fail'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof NetworkError);
    assertNoToken(err, 'connection refused');
  });
});
