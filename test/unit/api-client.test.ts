// JuiceNetClient over real HTTP against a throwaway node:http server with canned replies: the way to
// test exact malformed bytes, HTTP statuses, silent servers and dropped sockets. (The happy paths
// against the simulator are in api-client-sim.test.ts.)
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { JuiceNetClient, checkBaseUrl, type JuiceNetClientOptions } from '../../src/api/client';
import { redact } from '../../src/api/redact';
import { AbortedError, ApiError, AuthError, HttpStatusError, InvalidInputError, NetworkError, ProtocolError, TimeoutError } from '../../src/api/errors';

const UNIT_TOKEN = '90f1efd7c1de4fdcb65b155cd7a58569';
const ACCOUNT_TOKEN = '4dd4e456-2304-4a05-88a6-3ghabc900660';
const UNIT = { token: UNIT_TOKEN, accountToken: ACCOUNT_TOKEN, unitId: '0814081508141535522516012129' };
const STATE_OK = JSON.stringify({ success: true, ID: UNIT.unitId, state: 'charging', charging: { amps_limit: 32 } });

interface Seen {
  path: string;
  body: Record<string, unknown>;
}
type Handler = (seen: Seen, res: http.ServerResponse, req: http.IncomingMessage) => void;

describe('JuiceNetClient over HTTP (canned server)', function () {
  let server: http.Server;
  let baseUrl: string;
  let handler: Handler;
  let seen: Seen[];
  let inFlight = 0;
  let maxInFlight = 0;
  const sockets = new Set<Socket>();
  const clients: JuiceNetClient[] = [];

  const reply = (status: number, body: string, headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' }) =>
    ((_s: Seen, res: http.ServerResponse) => {
      res.writeHead(status, headers);
      res.end(body);
    }) as Handler;
  const sequence = (...hs: Handler[]): Handler => {
    let i = 0;
    return (s, res, req) => hs[Math.min(i++, hs.length - 1)](s, res, req);
  };
  const drop: Handler = (_s, _res, req) => req.socket.destroy();
  const silent: Handler = () => undefined;

  function client(opts: JuiceNetClientOptions = {}): JuiceNetClient {
    const c = new JuiceNetClient({ baseUrl, deviceId: 'test-device', retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...opts });
    clients.push(c);
    return c;
  }

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          /* recorded as empty */
        }
        const s = { path: req.url ?? '', body };
        seen.push(s);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        res.on('close', () => inFlight--);
        handler(s, res, req);
      });
    });
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen = [];
    inFlight = 0;
    maxInFlight = 0;
    handler = reply(200, STATE_OK);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    for (const s of sockets) s.destroy();
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  describe('construction', () => {
    it('refuses plain http:// to a non-loopback host with a clear message', () => {
      assert.throws(() => new JuiceNetClient({ baseUrl: 'http://example.com' }), /Refusing plain http:\/\/ to example\.com/);
      assert.throws(() => new JuiceNetClient({ baseUrl: 'http://10.0.0.1:8080' }), /unencrypted/);
      assert.throws(() => new JuiceNetClient({ baseUrl: 'not a url' }), /not a valid URL/);
      assert.throws(() => new JuiceNetClient({ baseUrl: 'ftp://localhost' }), /https:\/\//);
    });
    it("accepts https anywhere and http on loopback (127/8, localhost, ::1); defaults to the protocol's host", async () => {
      for (const u of ['https://example.com', 'http://localhost:1', 'http://127.0.0.2:9', 'http://[::1]:9']) assert.doesNotThrow(() => checkBaseUrl(u));
      const c = new JuiceNetClient();
      assert.equal(c.baseUrl, 'https://jbv1-api.emotorwerks.com');
      await c.close();
    });
  });

  describe('requests', () => {
    it('POSTs JSON with cmd, device_id, token and account_token to /box_api_secure', async () => {
      const s = await client().getState(UNIT);
      assert.equal(s.charging.ampsLimit, 32);
      assert.equal(seen.length, 1);
      assert.equal(seen[0].path, '/box_api_secure');
      assert.deepEqual(seen[0].body, { cmd: 'get_state', device_id: 'test-device', token: UNIT_TOKEN, account_token: ACCOUNT_TOKEN });
    });
    it('sends box_pin commands to /box_pin with account_token and ID, under a base path', async () => {
      handler = reply(200, JSON.stringify({ success: true, unit_id: UNIT.unitId, name: 'JB', token: UNIT_TOKEN }));
      const c = client({ baseUrl: `${baseUrl}/prefix/`, deviceName: 'My laptop' });
      const u = await c.addUnit(ACCOUNT_TOKEN, UNIT.unitId);
      assert.deepEqual(u, { unitId: UNIT.unitId, name: 'JB', token: UNIT_TOKEN });
      assert.equal(seen[0].path, '/prefix/box_pin');
      assert.deepEqual(seen[0].body, { cmd: 'add_unit', device_id: 'test-device', device_name: 'My laptop', account_token: ACCOUNT_TOKEN, ID: UNIT.unitId });
    });
    it('reuses one keep-alive socket for sequential requests', async () => {
      const c = client();
      for (let i = 0; i < 20; i++) await c.getState(UNIT);
      assert.equal(c.stats().requests, 20);
      // undici may open a second socket when the next request is queued the instant the first
      // reply's body ends (before the socket is marked idle); never one per request.
      assert.ok(c.stats().socketsOpened <= 2, `opened ${c.stats().socketsOpened}`);
      assert.ok(sockets.size <= 2);
    });
    it('caps concurrency (maxConcurrent) and queues the rest', async () => {
      handler = (_s, res) => setTimeout(() => res.end(STATE_OK), 20);
      const c = client({ maxConcurrent: 2 });
      await Promise.all(Array.from({ length: 10 }, () => c.getState(UNIT)));
      assert.equal(seen.length, 10);
      assert.equal(maxInFlight, 2);
      assert.ok(c.stats().socketsOpened <= 2);
    });
    it('setInfo strips success/cmd/tokens from the raw object and keeps every other field', async () => {
      handler = reply(200, '{"success":true}');
      const raw = {
        success: true,
        cmd: 'get_info',
        token: 'stale-token-aaaaaaaa',
        account_token: 'x',
        name: 'Garage',
        future: { a: [1] },
        cars: [{ car_id: 1, extra: true }],
      };
      await client().setInfo(UNIT, raw);
      assert.deepEqual(seen[0].body, {
        name: 'Garage',
        future: { a: [1] },
        cars: [{ car_id: 1, extra: true }],
        cmd: 'set_info',
        device_id: 'test-device',
        token: UNIT_TOKEN,
        account_token: ACCOUNT_TOKEN,
      });
    });
    it("setNotifications answers in the spelling of the server's last get_notifications reply", async () => {
      // This server writes every event unpadded (and one padded the other way): its keys are used
      // as it sent them; another unit, never read, gets the protocol's spelling.
      handler = sequence(
        reply(
          200,
          JSON.stringify({ success: true, notifications: { start_charging: { email: false, push: false }, ' is_offline': { email: true, push: false } } }),
        ),
        reply(200, '{"success":true}'),
      );
      const c = client();
      const n = await c.getNotifications(UNIT);
      assert.deepEqual(Object.keys(n), ['start_charging', 'is_offline']);
      await c.setNotifications(UNIT, {
        start_charging: { email: true, push: false },
        is_offline: { email: false, push: false },
        stop_charging: { email: true, push: true },
      });
      assert.deepEqual(Object.keys(seen[1].body.notifications as object), ['start_charging', ' is_offline', 'stop_charging ']);
      await c.setNotifications({ ...UNIT, token: 'ffffffffffffffffffffffffffffffff' }, { start_charging: { email: true, push: false } });
      assert.deepEqual(Object.keys(seen[2].body.notifications as object), ['start_charging ']);
    });
    it('get_info: a known field of the wrong type reads as unknown; raw keeps it and set_info sends it back as it was', async () => {
      const info = {
        success: true,
        cmd: 'get_info',
        name: 'Garage',
        unit_type_id: 'pro',
        IP: 5,
        garage_id: [],
        zip: 94070,
        amps_wire_rating: '40',
        amps_unit_rating: { a: 1 },
        timeZoneId: 'Pacific Standard Time',
        cars: [{ car_id: 'x', description: 'Bolt', battery_size_wh: 60000, model_info: { year: 'old', make: 'Chevrolet' } }, 7],
        policy: 'none',
        future: { kept: true },
      };
      handler = sequence(reply(200, JSON.stringify(info)), reply(200, '{"success":true}'));
      const c = client();
      const got = await c.getInfo(UNIT);
      assert.equal(got.name, 'Garage');
      assert.equal(got.ampsWireRating, 40, 'a numeric string is still read');
      assert.equal(got.ampsUnitRating, undefined, 'the wrong type reads as unknown');
      assert.equal(got.policy, undefined);
      assert.deepEqual(got.cars, [{ description: 'Bolt', batterySizeWh: 60000, modelInfo: { make: 'Chevrolet' } }]);
      const { success: _s, cmd: _c, ...expectedRaw } = info;
      assert.deepEqual(got.raw, { ...expectedRaw, zip: '94070', IP: '5', amps_wire_rating: 40 });
      await c.setInfo(UNIT, got.raw);
      const sent = { ...seen[1].body };
      for (const k of ['cmd', 'device_id', 'token', 'account_token']) delete sent[k];
      assert.deepEqual(sent, got.raw, 'set_info sends back what get_info held');
      assert.equal((sent.cars as unknown[])[1], 7);
      assert.equal(sent.unit_type_id, 'pro');
    });
    it('get_info whose body is not an object, or whose success is not a boolean, is still a ProtocolError', async () => {
      handler = reply(200, '[1, 2]');
      await assert.rejects(client({ retry: { retries: 0 } }).getInfo(UNIT), (e: unknown) => e instanceof ProtocolError && e.path === '(body)');
      handler = reply(200, JSON.stringify({ success: 'perhaps', name: 'x' }));
      await assert.rejects(client({ retry: { retries: 0 } }).getInfo(UNIT), (e: unknown) => e instanceof ProtocolError && e.path === 'success');
    });
    it('setSchedule and setNotifications send the wire names; invalid input never leaves the machine', async () => {
      handler = reply(200, '{"success":true}');
      const c = client();
      await c.setSchedule(UNIT, { type: 'custom', weekday: { start: 1380, end: 420, carReadyBy: 0 }, weekend: { start: 0, end: 1440, carReadyBy: 480 } });
      assert.deepEqual(seen[0].body.weekday, { start: 1380, end: 420, car_ready_by: 0 });
      await c.setNotifications(UNIT, {
        start_charging: { email: true, push: false, webhook: { url: 'https://h.example/x', method: 'POST', authorizationHeaders: 'Bearer abc' } },
      });
      // No get_notifications reply seen yet: the protocol's spelling, "start_charging " with its space.
      assert.deepEqual(seen[1].body.notifications, {
        'start_charging ': { email: true, push: false, webhook: { url: 'https://h.example/x', method: 'POST', authorization_headers: 'Bearer abc' } },
      });
      await assert.rejects(
        c.setSchedule(UNIT, { type: 'custom', weekday: { start: 1500, end: 0, carReadyBy: 0 }, weekend: { start: 0, end: 0, carReadyBy: 0 } }),
        InvalidInputError,
      );
      await assert.rejects(c.setLimit(UNIT, 12.5), InvalidInputError);
      await assert.rejects(c.setLimit(UNIT, -1), InvalidInputError);
      assert.equal(seen.length, 2);
    });
  });

  describe('errors', () => {
    it('HTTP non-2xx → HttpStatusError with a ≤200-char redacted excerpt, no token', async () => {
      handler = reply(404, `<html>no such unit for token ${UNIT_TOKEN} and ${ACCOUNT_TOKEN}${' pad'.repeat(200)}</html>`, { 'content-type': 'text/html' });
      const err = await client()
        .getState(UNIT)
        .then(
          () => assert.fail('should fail'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof HttpStatusError);
      assert.equal(err.status, 404);
      assert.ok(err.bodyExcerpt.length <= 200);
      for (const t of [err.message, err.bodyExcerpt, err.stack ?? '']) {
        assert.ok(!t.includes(UNIT_TOKEN) && !t.includes(ACCOUNT_TOKEN), t);
      }
      assert.match(err.bodyExcerpt, /no such unit for token ‹redacted›/);
      assert.equal(seen.length, 1, '4xx is not retried');
    });
    it('registers every token it is given, so even an odd-shaped one never shows in an error', async () => {
      const odd = 'odd-token-shape.with.dots';
      handler = reply(500, `failed for ${odd}`);
      await assert.rejects(
        client({ retry: { retries: 0 } }).getState({ token: odd }),
        (e: unknown) => e instanceof HttpStatusError && !e.message.includes(odd) && e.message.includes('‹redacted›'),
      );
      assert.equal(redact(`x ${odd}`), 'x ‹redacted›');
    });
    it('success:false with 401 → AuthError (not retried)', async () => {
      handler = reply(200, '{"success":false,"error_code":401,"error_message":"Invalid token"}');
      await assert.rejects(client().getState(UNIT), (e: unknown) => e instanceof AuthError && e.userMessage === 'The JuiceNet server rejected the token.');
      assert.equal(seen.length, 1);
    });
    it('success:false with 422 → ApiError carrying message and code (not retried)', async () => {
      handler = reply(200, '{"success":false,"error_code":422,"error_message":"Amperage must be 0 to 40"}');
      await assert.rejects(
        client().setLimit(UNIT, 80),
        (e: unknown) => e instanceof ApiError && !(e instanceof AuthError) && e.errorCode === 422 && /0 to 40/.test(e.message),
      );
      assert.equal(seen.length, 1);
    });
    it('a malformed reply → ProtocolError naming the field', async () => {
      handler = reply(200, '{"success":true,"state":"charging","charging":{"amps_limit":"abc"}}');
      await assert.rejects(client({ retry: { retries: 0 } }).getState(UNIT), (e: unknown) => e instanceof ProtocolError && e.path === 'charging.amps_limit');
    });
    it('a reply over maxReplyBytes → ProtocolError, with or without content-length', async () => {
      const big = JSON.stringify({ success: true, pad: 'x'.repeat(300_000) });
      handler = reply(200, big);
      await assert.rejects(
        client({ maxReplyBytes: 100_000, retry: { retries: 0 } }).getState(UNIT),
        (e: unknown) => e instanceof ProtocolError && /larger than 100000/.test(e.message),
      );
      handler = (_s, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no content-length
        for (let i = 0; i < 30; i++) res.write('x'.repeat(10_000));
        res.end();
      };
      await assert.rejects(
        client({ maxReplyBytes: 100_000, retry: { retries: 0 } }).getState(UNIT),
        (e: unknown) => e instanceof ProtocolError && /larger than/.test(e.message),
      );
    });
    it('an HTML error page with status 200 → ProtocolError', async () => {
      handler = reply(200, '<html>maintenance</html>', { 'content-type': 'text/html' });
      await assert.rejects(client({ retry: { retries: 0 } }).getInfo(UNIT), (e: unknown) => e instanceof ProtocolError && e.path === '(body)');
    });
    it('connection refused → NetworkError', async () => {
      const tmp = http.createServer();
      await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
      const port = (tmp.address() as AddressInfo).port;
      await new Promise<void>((r) => tmp.close(() => r()));
      const c = client({ baseUrl: `http://127.0.0.1:${port}` });
      await assert.rejects(c.getState(UNIT), (e: unknown) => e instanceof NetworkError && e.code === 'ECONNREFUSED' && !e.mayHaveReachedServer);
      assert.equal(c.stats().requests, 3, 'a read is retried twice');
    });
  });

  describe('retry rules (requests counted on the server)', () => {
    it('reads retry on HTTP 5xx, then succeed', async () => {
      handler = sequence(reply(503, 'busy'), reply(500, 'oops'), reply(200, STATE_OK));
      const c = client();
      const s = await c.getState(UNIT);
      assert.equal(s.state, 'charging');
      assert.equal(seen.length, 3);
      assert.equal(c.stats().retries, 2);
    });
    it('reads give up after `retries` extra attempts', async () => {
      handler = reply(500, 'down');
      await assert.rejects(client({ retry: { retries: 2 } }).getState(UNIT), HttpStatusError);
      assert.equal(seen.length, 3);
    });
    it('reads retry on a dropped connection and on a malformed reply', async () => {
      handler = sequence(drop, reply(200, '{"success":tr'), reply(200, STATE_OK));
      assert.equal((await client().getState(UNIT)).state, 'charging');
      assert.equal(seen.length, 3);
    });
    it('reads retry on success:false with a 5xx code (temporary failure)', async () => {
      handler = sequence(reply(200, '{"success":false,"error_code":500,"error_message":"Temporary failure"}'), reply(200, STATE_OK));
      assert.equal((await client().getState(UNIT)).state, 'charging');
      assert.equal(seen.length, 2);
    });
    it('writes are never retried once the request may have reached the server', async () => {
      for (const h of [reply(500, 'oops'), drop, reply(200, '{"success":tr'), reply(200, '{"success":false,"error_code":500}')]) {
        seen = [];
        handler = h;
        await assert.rejects(client().setLimit(UNIT, 16));
        assert.equal(seen.length, 1);
        assert.equal(seen[0].body.cmd, 'set_limit');
      }
    });
    it('writes are never retried after a headers timeout', async () => {
      handler = silent;
      const c = client({ timeouts: { headersMs: 150 } });
      await assert.rejects(c.setOverride(UNIT, { overrideTime: 1 }), (e: unknown) => e instanceof TimeoutError && e.phase === 'headers');
      assert.equal(seen.length, 1);
    });
    it('writes ARE retried when the connection was refused (the request never left)', async () => {
      const tmp = http.createServer();
      await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
      const port = (tmp.address() as AddressInfo).port;
      await new Promise<void>((r) => tmp.close(() => r()));
      const c = client({ baseUrl: `http://127.0.0.1:${port}` });
      await assert.rejects(c.setLimit(UNIT, 16), NetworkError);
      assert.equal(c.stats().requests, 3);
      assert.equal(c.stats().retries, 2);
    });
  });

  describe('timeouts and abort', () => {
    it('a server that never answers → TimeoutError (headers) after the configured time', async () => {
      handler = silent;
      const c = client({ timeouts: { headersMs: 200 }, retry: { retries: 1 } });
      const t0 = Date.now();
      await assert.rejects(c.getState(UNIT), (e: unknown) => e instanceof TimeoutError && e.phase === 'headers' && e.timeoutMs === 200);
      assert.ok(Date.now() - t0 < 5000);
      assert.equal(seen.length, 2, 'a read times out, then is retried once');
    });
    it('a body that stalls → TimeoutError (body)', async () => {
      handler = (_s, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"success":true,');
      };
      await assert.rejects(
        client({ timeouts: { bodyMs: 200 }, retry: { retries: 0 } }).getState(UNIT),
        (e: unknown) => e instanceof TimeoutError && e.phase === 'body',
      );
    });
    it('abort while waiting for the reply → AbortedError, promptly, not retried', async () => {
      handler = silent;
      const ac = new AbortController();
      const c = client();
      const t0 = Date.now();
      setTimeout(() => ac.abort(), 50);
      await assert.rejects(c.getState(UNIT, { signal: ac.signal }), AbortedError);
      assert.ok(Date.now() - t0 < 2000);
      assert.equal(seen.length, 1);
    });
    it('an already-aborted signal sends nothing', async () => {
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(client().getState(UNIT, { signal: ac.signal }), AbortedError);
      assert.equal(seen.length, 0);
    });
    it('abort while queued behind the concurrency cap removes the call from the queue', async () => {
      handler = (_s, res) => setTimeout(() => res.end(STATE_OK), 100);
      const c = client({ maxConcurrent: 1 });
      const first = c.getState(UNIT);
      const ac = new AbortController();
      const second = c.getState(UNIT, { signal: ac.signal });
      ac.abort();
      await assert.rejects(second, AbortedError);
      await first;
      assert.equal(seen.length, 1);
    });
    it('abort during the retry backoff stops the retries', async () => {
      handler = reply(503, 'busy');
      const ac = new AbortController();
      const c = client({ retry: { retries: 5, baseDelayMs: 500, maxDelayMs: 500 } });
      const p = c.getState(UNIT, { signal: ac.signal });
      // Abort once the first reply has come back, while the client waits to retry; nothing is sent after
      // the abort (counted when it happens, so a slow machine cannot make the count drift).
      while (seen.length < 1) await new Promise((r) => setTimeout(r, 5));
      ac.abort();
      const sentBeforeAbort = seen.length;
      await assert.rejects(p, AbortedError);
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(seen.length, sentBeforeAbort, 'no request after the abort');
      assert.ok(sentBeforeAbort <= 2);
    });
  });

  describe('history paging', () => {
    const page = (ids: number[], token?: string) =>
      JSON.stringify({ success: true, sessions: ids.map((id) => ({ id, time_start: id, wh_energy: 1 })), ...(token ? { continuity_token: token } : {}) });
    it('follows continuity_token until the server stops giving one', async () => {
      handler = (s, res) => {
        const t = s.body.continuity_token;
        res.end(t === undefined ? page([1, 2], 'p2') : t === 'p2' ? page([3, 4], 'p3') : page([5]));
      };
      const sessions = await client().getHistory(UNIT);
      assert.deepEqual(
        sessions.map((x) => x.id),
        [1, 2, 3, 4, 5],
      );
      assert.deepEqual(
        seen.map((x) => x.body.continuity_token),
        [undefined, 'p2', 'p3'],
      );
    });
    it('stops at maxSessions', async () => {
      handler = (s, res) => res.end(s.body.continuity_token === undefined ? page([1, 2], 'p2') : page([3, 4], 'p3'));
      const sessions = await client().getHistory(UNIT, { maxSessions: 3 });
      assert.deepEqual(
        sessions.map((x) => x.id),
        [1, 2, 3],
      );
      assert.equal(seen.length, 2);
    });
    it('refuses a server that repeats a token (would loop forever)', async () => {
      handler = (_s, res) => res.end(page([1], 'same'));
      await assert.rejects(client().getHistory(UNIT), (e: unknown) => e instanceof ProtocolError && e.path === 'continuity_token');
    });
    it('getHistoryPage reads one page and returns the token', async () => {
      handler = (_s, res) => res.end(page([7], 'next'));
      assert.deepEqual(await client().getHistoryPage(UNIT, 'abc'), { sessions: [{ id: 7, timeStart: 7, energyWh: 1 }], continuityToken: 'next' });
      assert.equal(seen[0].body.continuity_token, 'abc');
    });
  });
});
