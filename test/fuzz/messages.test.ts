// Fuzzing both ends of the extension <-> unit panel message protocol (src/protocol/messages.ts):
//   - the host's PanelRouter (src/panel/router.ts, no vscode import) with a fake backend and client:
//     every message is handled without throwing; an invalid one is refused, logged and (when it
//     carries an id) answered with ok:false; a valid one reaches the client; every message the host
//     posts back passes the webview's own validation; no log line carries a token, even when the
//     webview's message does; no posted message carries the backend's unit token;
//   - the webview's Rpc (webview/rpc.ts) with random host messages, under a fake `window` and
//     `acquireVsCodeApi`: never throws, refuses what does not validate, resolves a call only with a
//     result that passes the method's result schema.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { PanelRouter, type PanelHostIo } from '../../src/panel/router';
import { methods, parseHostMessage, parseParams, parseResult, parseWebviewMessage, type HostMessage, type MethodName } from '../../src/protocol/messages';
import { InvalidInputError } from '../../src/api/errors';
import { registerSecret, forgetSecret, redact } from '../../src/api/redact';
import { validateWindow } from '../../src/domain/schedule';
import type { NotificationSettings, Schedule, UnitInfo, UnitStatus } from '../../src/domain/model';
import type { JuiceNetApi, UnitAuth } from '../../src/api/types';
import type { Logger, PanelBackend, UnitView } from '../../src/state/contracts';
import { CHECK_COVERAGE, RUNS, fuzzAsync, params } from './arbitraries';
import { Rpc, RpcError } from '../../webview/rpc';

const UNIT_ID = '0814081508141535522516012129';
/** The backend's unit token: must never reach the webview. Deliberately not token-shaped. */
const UNIT_TOKEN = 'unit-secret for the fuzz run!';
/** A token the "webview" puts into its messages: must never reach the log. */
const ECHOED_TOKEN = 'echoed secret, odd shape #42';
const ACCOUNT_TOKEN = '4dd4e456-2304-4a05-88a6-3ghabc900660';

const METHOD_NAMES = Object.keys(methods) as MethodName[];

// ---- fakes: a client that answers like the real one (validation included), a backend, a logger ----

interface Calls {
  client: string[];
  refresh: number;
}

function fakeClient(calls: Calls): JuiceNetApi {
  const status: UnitStatus = { unitId: UNIT_ID, state: 'charging', rawState: 'charging', charging: { powerW: 7200 }, lifetime: {} };
  let schedule: Schedule = {
    type: 'custom',
    weekday: { start: 1380, end: 420, carReadyBy: 420 },
    weekend: { start: 0, end: 1440, carReadyBy: 0 },
    infoTimestamp: 5,
  };
  let notifications: NotificationSettings = { is_offline: { email: true, push: false } };
  const info: UnitInfo = { name: 'Garage', cars: [], infoTimestamp: 7, raw: { name: 'Garage', info_timestamp: 7 } };
  const rec = (name: string) => calls.client.push(name);
  const api: Partial<JuiceNetApi> = {
    getState: async () => (rec('getState'), status),
    getHistoryPage: async (_u: UnitAuth, token?: string) => (
      rec('getHistoryPage'),
      { sessions: [{ id: 1, energyWh: 1000 }], ...(token ? {} : { continuityToken: 'next-page' }) }
    ),
    getPlot: async (_u: UnitAuth, _s: number, intervals: number) => (
      rec('getPlot'),
      Array.from({ length: Math.min(intervals, 5) }, (_, i) => ({ t: i * 60, v: 7200 }))
    ),
    getInfo: async () => (rec('getInfo'), info),
    setInfo: async (_u: UnitAuth, raw: Record<string, unknown>) => {
      rec('setInfo');
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
        throw new InvalidInputError('set_info needs the unit info object (as read by get_info).');
    },
    getSchedule: async () => (rec('getSchedule'), schedule),
    setSchedule: async (_u: UnitAuth, s: Pick<Schedule, 'type' | 'weekday' | 'weekend'>) => {
      rec('setSchedule');
      // The real client's checks (client.ts setSchedule), so invalid windows fail the same way.
      for (const [name, w] of [
        ['weekday', s.weekday],
        ['weekend', s.weekend],
      ] as const) {
        const problems = validateWindow(w);
        if (problems.length > 0) throw new InvalidInputError(`The ${name} window is invalid: ${problems.join('; ')}.`);
      }
      schedule = { ...s, infoTimestamp: 6 };
    },
    getNotifications: async () => (rec('getNotifications'), notifications),
    setNotifications: async (_u: UnitAuth, n: NotificationSettings) => {
      rec('setNotifications');
      notifications = n;
    },
  };
  return api as JuiceNetApi;
}

function fakeBackend(calls: Calls): PanelBackend {
  const client = fakeClient(calls);
  const view: UnitView = {
    key: `acct-1/${UNIT_ID}`,
    unitId: UNIT_ID,
    name: 'Garage',
    accountLabel: 'Fuzz account',
    accountId: 'acct-1',
    demo: false,
    stale: false,
    lastGoodAt: 1_700_000_000_000,
    status: {
      unitId: UNIT_ID,
      state: 'charging',
      rawState: 'charging',
      charging: { powerW: 7200, ampsLimit: 32 },
      lifetime: { energyWh: 1 },
      frequencyHz: 59.99,
    },
  };
  return {
    getUnit: (id) => (id === UNIT_ID ? view : undefined),
    units: () => [view],
    onDidChangeUnits: () => ({ dispose: () => undefined }),
    api: (id) => (id === UNIT_ID ? { client, auth: { token: UNIT_TOKEN, accountToken: ACCOUNT_TOKEN, unitId: UNIT_ID } } : undefined),
    holdVisible: () => ({ dispose: () => undefined }),
    refresh: async () => {
      calls.refresh++;
    },
  };
}

interface LogLine {
  level: string;
  text: string;
}
/** Records what the router hands to its Logger, before any redaction a real logger adds. */
function recordingLogger(lines: LogLine[]): Logger {
  return {
    trace: (m) => lines.push({ level: 'trace', text: m }),
    info: (m) => lines.push({ level: 'info', text: m }),
    warn: (m) => lines.push({ level: 'warn', text: m }),
    error: (m) => lines.push({ level: 'error', text: m instanceof Error ? `${m.message}\n${m.stack}` : m }),
  };
}

// ---- message generators ----

const minute = fc.integer({ min: 0, max: 1440 });
// A window cannot start at 24:00 (validateWindow, the message schema).
const windowArb = fc.record({ start: fc.integer({ min: 0, max: 1439 }), end: minute, carReadyBy: minute });
const settingArb = fc.record(
  {
    email: fc.boolean(),
    push: fc.boolean(),
    time: minute,
    webhook: fc.record(
      { url: fc.webUrl(), method: fc.constantFrom('PUT' as const, 'POST' as const), authorizationHeaders: fc.string({ maxLength: 20 }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['email', 'push'] },
);
const smallJson = fc.jsonValue({ maxDepth: 2 });

/** Params that pass each method's schema. */
const VALID_PARAMS: Record<MethodName, fc.Arbitrary<unknown>> = {
  getUnit: fc.constant({}),
  refresh: fc.constant({}),
  getHistoryPage: fc.record({ continuityToken: fc.string({ maxLength: 20 }) }, { requiredKeys: [] }),
  getPlot: fc.record({ sessionId: fc.integer(), intervals: fc.integer({ min: 2, max: 5000 }) }),
  getInfo: fc.constant({}),
  setInfo: fc.record(
    {
      raw: fc.dictionary(fc.string({ maxLength: 8 }), smallJson, { maxKeys: 5 }),
      loadedInfoTimestamp: fc.oneof(fc.constant(7), fc.integer()),
      force: fc.boolean(),
    },
    { requiredKeys: ['raw'] },
  ),
  getSchedule: fc.constant({}),
  setSchedule: fc.record({ type: fc.constantFrom('disabled' as const, 'custom' as const), weekday: windowArb, weekend: windowArb }),
  getNotifications: fc.constant({}),
  setNotifications: fc.record({ settings: fc.dictionary(fc.constantFrom('is_offline', 'start_charging', 'plugin', 'unplug'), settingArb, { maxKeys: 4 }) }),
  getInsights: fc.record({ scope: fc.constantFrom('unit' as const, 'account' as const) }),
  getRecentPower: fc.constant({}),
  setLimit: fc.record({ amps: fc.integer({ min: 0, max: 1000 }) }),
  stopCharging: fc.constant({}),
  cancelOverride: fc.constant({}),
  startCharging: fc.record({ restoreAmps: fc.integer({ min: 1, max: 1000 }) }, { requiredKeys: [] }),
  holdUntil: fc.record({ epochS: fc.integer({ min: 1, max: 2 ** 40 }) }),
  saveCsv: fc.record({ csv: fc.string({ maxLength: 200 }), suggestedName: fc.string({ maxLength: 30 }) }),
};

/** One valid result per method (each may or may not fit the method a reply answers). */
const WINDOW0 = { start: 0, end: 0, carReadyBy: 0 };
const SOME_RESULTS: unknown[] = [
  null,
  {},
  { sessions: [] },
  [{ t: 1, v: 2 }],
  { raw: {} },
  { outcome: 'saved' },
  { type: 'disabled', weekday: WINDOW0, weekend: WINDOW0 },
  { is_offline: { email: true, push: false } },
  { saved: false },
];

/** Anything a structured clone could carry, and then some. */
const anything = fc.anything({
  maxDepth: 3,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withObjectString: true,
});

/** Puts the echoed token somewhere: as a value, a key, or inside a string. Says whether it made it a key. */
function injectToken(original: unknown, where: number, how: number): { msg: unknown; asKey: boolean } {
  // On a copy: fast-check hands out the same instances again (constants, shrinking).
  const v = structuredClone(original);
  const holders: Record<string, unknown>[] = [];
  const walk = (x: unknown, depth: number) => {
    if (depth > 6 || x === null || typeof x !== 'object' || !Object.isExtensible(x)) return;
    if (
      ArrayBuffer.isView(x) ||
      x instanceof Map ||
      x instanceof Set ||
      x instanceof Date ||
      x instanceof String ||
      x instanceof Number ||
      x instanceof Boolean
    )
      return;
    holders.push(x as Record<string, unknown>);
    for (const k of Object.keys(x)) walk((x as Record<string, unknown>)[k], depth + 1);
  };
  walk(v, 0);
  if (holders.length === 0) return how % 2 ? { msg: ECHOED_TOKEN, asKey: false } : { msg: { [ECHOED_TOKEN]: v }, asKey: true };
  const h = holders[where % holders.length];
  const keys = Object.keys(h);
  const key = keys.length ? keys[where % keys.length] : 'x';
  const put = (k: string, value: unknown) => Object.defineProperty(h, k, { value, enumerable: true, writable: true, configurable: true });
  switch (how % 4) {
    case 0:
      put(key, ECHOED_TOKEN);
      break;
    case 1:
      put(ECHOED_TOKEN, h[key] ?? 1);
      break;
    case 2:
      put(key, `${String(typeof h[key] === 'string' ? h[key] : '')} ${ECHOED_TOKEN}`);
      break;
    default:
      put(key, { [ECHOED_TOKEN]: 'not-a-boolean', nested: [ECHOED_TOKEN] });
  }
  return { msg: v, asKey: how % 2 === 1 };
}

const idArb = fc.oneof(
  { arbitrary: fc.nat(), weight: 6 },
  { arbitrary: fc.constantFrom<unknown>(-1, 1.5, '7', null, undefined, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity), weight: 1 },
);
const methodArb = fc.oneof(
  { arbitrary: fc.constantFrom(...METHOD_NAMES), weight: 8 },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'deleteEverything', 'GETUNIT', ' getUnit'), weight: 1 },
);

/** A request: valid params, valid params with one field broken, or random params. */
const requestArb = fc
  .record({
    kind: fc.oneof(
      { arbitrary: fc.constant<unknown>('request'), weight: 9 },
      { arbitrary: fc.constantFrom<unknown>('Request', 'reply', 'push', 1, null), weight: 1 },
    ),
    id: idArb,
    method: methodArb,
    paramsKind: fc.constantFrom('valid', 'valid', 'broken', 'random'),
    pick: fc.nat(),
    breakWith: anything,
    random: anything,
    extra: fc.option(fc.dictionary(fc.string({ maxLength: 6 }), smallJson, { maxKeys: 2 }), { nil: undefined }),
  })
  .chain((r) => {
    const m = (METHOD_NAMES as string[]).includes(r.method as string) ? (r.method as MethodName) : 'getUnit';
    return VALID_PARAMS[m].map((valid) => {
      let params: unknown = r.random;
      if (r.paramsKind !== 'random') params = structuredClone(valid);
      if (r.paramsKind === 'broken' && params && typeof params === 'object') {
        const keys = Object.keys(params as object);
        const key = keys.length ? keys[r.pick % keys.length] : 'x';
        Object.defineProperty(params, key, { value: r.breakWith, enumerable: true, writable: true, configurable: true });
      }
      const msg: Record<string, unknown> = { kind: r.kind, id: r.id, method: r.method, params, ...r.extra };
      return msg as unknown;
    });
  });

const messageArb = fc
  .record({
    msg: fc.oneof({ arbitrary: requestArb, weight: 6 }, { arbitrary: fc.constant<unknown>({ kind: 'ready' }), weight: 1 }, { arbitrary: anything, weight: 2 }),
    token: fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: undefined, freq: 2 }),
  })
  .map(({ msg, token }) => (token ? injectToken(msg, token[0], token[1]) : { msg, asKey: false }));

function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))?.slice(0, 300) ?? String(v);
  } catch {
    return String(v);
  }
}

const isIntId = (m: unknown): number | undefined => {
  const id = (m as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
};

describe(`fuzz: webview messages (${RUNS} cases per property)`, function () {
  this.timeout(120_000);
  before(() => {
    registerSecret(UNIT_TOKEN);
    registerSecret(ECHOED_TOKEN);
  });
  after(() => {
    forgetSecret(UNIT_TOKEN);
    forgetSecret(ECHOED_TOKEN);
  });

  it('parseWebviewMessage, parseParams, parseHostMessage and parseResult never throw', () => {
    fc.assert(
      fc.property(messageArb, fc.constantFrom(...METHOD_NAMES), ({ msg: m }, method) => {
        for (const r of [
          parseWebviewMessage(m),
          parseParams(method, (m as { params?: unknown } | null)?.params),
          parseHostMessage(m),
          parseResult(method, m),
        ]) {
          assert.ok(r.ok || (typeof r.reason === 'string' && r.reason.length > 0));
        }
      }),
      params(),
    );
  });

  it('the host router refuses and logs what is invalid, serves what is valid, answers only in protocol, leaks no token', async () => {
    const seen: Record<string, number> = {};
    const count = (k: string) => (seen[k] = (seen[k] ?? 0) + 1);
    await fuzzAsync(
      fc.asyncProperty(messageArb, async ({ msg: m, asKey }) => {
        const calls: Calls = { client: [], refresh: 0 };
        const lines: LogLine[] = [];
        const posted: HostMessage[] = [];
        const io: PanelHostIo = { post: (msg) => void posted.push(msg), saveCsv: async (_csv, name) => (name.length % 2 ? `/tmp/${name}` : undefined) };
        const router = new PanelRouter(UNIT_ID, fakeBackend(calls), recordingLogger(lines), io);
        await router.handle(m); // "Never throws": a rejection fails the property here.

        const parsed = parseWebviewMessage(m);
        const warns = lines.filter((l) => l.level === 'warn');
        if (show(m).includes(ECHOED_TOKEN)) count('with a token');
        if (!parsed.ok) {
          count('invalid message');
          assert.equal(warns.length, 1, `one warning for an invalid message ${show(m)}`);
          assert.match(warns[0].text, /refused a message/);
          assert.equal(calls.client.length + calls.refresh, 0, 'nothing reached the backend');
          const id = isIntId(m);
          if (id === undefined) assert.equal(posted.length, 0);
          else assert.ok(posted.length === 1 && posted[0].kind === 'reply' && posted[0].id === id && !posted[0].ok);
        } else if (parsed.value.kind === 'ready') {
          count('ready');
          assert.ok(posted.length === 1 && posted[0].kind === 'push');
        } else {
          const { id, method, params } = parsed.value;
          assert.equal(posted.length, 1, `one reply to ${method}`);
          const reply = posted[0];
          assert.ok(reply.kind === 'reply' && reply.id === id);
          count(parseParams(method, params).ok ? `valid ${method}` : 'invalid params');
          if (!parseParams(method, params).ok) {
            assert.equal(warns.length, 1);
            assert.match(warns[0].text, new RegExp(`refused ${method}`));
            assert.equal(calls.client.length, 0, 'invalid params reach no client call');
            assert.equal(reply.ok, false);
          } else if (reply.ok) {
            const r = parseResult(method, reply.result);
            assert.ok(r.ok, `the ${method} result passes the webview's schema: ${!r.ok && r.reason}`);
          } else {
            assert.ok(reply.error.message.length > 0);
          }
        }
        for (const msg of posted) {
          // Every reply, refusals included, carries only an id the webview's schema takes (a safe integer).
          assert.ok(parseHostMessage(msg).ok, `posted message passes the webview's validation: ${show(msg)}`);
          assert.ok(!show(msg).includes(UNIT_TOKEN), 'no unit token reaches the webview');
        }
        for (const l of lines) {
          // What the extension's RedactingLogger (src/log.ts) writes: the line through redact().
          const written = redact(l.text);
          for (const t of [ECHOED_TOKEN, UNIT_TOKEN, ACCOUNT_TOKEN]) assert.ok(!written.includes(t), `log line carries a token: ${written}`);
          // And before redaction: the router never echoes a value, nor a backend token. (A record key
          // is echoed as the path of a refused field, e.g. "settings.<event>.email", by design.)
          assert.ok(!l.text.includes(UNIT_TOKEN) && !l.text.includes(ACCOUNT_TOKEN), `raw log line carries a backend token: ${l.text}`);
          if (!asKey) assert.ok(!l.text.includes(ECHOED_TOKEN), `raw log line echoes a value: ${l.text}`);
        }
      }),
    );
    // The generator must reach every branch: refusals of both kinds, 'ready', every method served.
    const floor = Math.floor(RUNS / 500);
    for (const k of ['invalid message', 'invalid params', 'ready', 'with a token', ...METHOD_NAMES.map((mm) => `valid ${mm}`)]) {
      if (CHECK_COVERAGE) assert.ok((seen[k] ?? 0) >= floor, `only ${seen[k] ?? 0} cases of "${k}": ${JSON.stringify(seen)}`);
    }
  });

  describe('the webview side (webview/rpc.ts)', () => {
    type Listener = (ev: { data: unknown }) => void;
    const g = globalThis as unknown as Record<string, unknown>;
    let listener: Listener | undefined;
    /** Read through a function: TypeScript cannot see the constructor assign it. */
    const registered = (): Listener | undefined => listener;
    let sent: unknown[] = [];
    let warned: string[] = [];
    const saved = { window: g.window, acquire: g.acquireVsCodeApi, warn: console.warn };
    before(() => {
      g.window = { addEventListener: (type: string, f: Listener) => type === 'message' && (listener = f) };
      g.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => sent.push(m), getState: () => undefined, setState: () => undefined });
      console.warn = (...a: unknown[]) => void warned.push(a.map(String).join(' '));
    });
    after(() => {
      g.window = saved.window;
      g.acquireVsCodeApi = saved.acquire;
      console.warn = saved.warn;
    });

    it('refuses invalid host messages and resolves a call only with a result that validates', async () => {
      const hostMsg = (id: number) =>
        fc.oneof(
          anything,
          fc.record(
            {
              kind: fc.constant('reply'),
              id: fc.oneof(fc.constant(id), fc.nat()),
              ok: fc.boolean(),
              result: fc.oneof(anything, fc.constantFrom(...SOME_RESULTS)),
              error: fc.oneof(anything, fc.record({ message: fc.string(), nextStep: fc.string() })),
            },
            { requiredKeys: ['kind', 'id', 'ok'] },
          ),
          fc.record({ kind: fc.constant('push'), type: fc.constantFrom('unit', 'units'), unit: fc.oneof(fc.constant(null), anything) }),
        );
      const arb = fc
        .record({ method: fc.constantFrom(...METHOD_NAMES), seed: fc.nat() })
        .chain(({ method, seed }) =>
          fc.record({ method: fc.constant(method), params: VALID_PARAMS[method], msgs: fc.array(hostMsg(1 + (seed % 3)), { maxLength: 4 }) }),
        );
      let resolved = 0;
      let refusedResult = 0;
      await fuzzAsync(
        fc.asyncProperty(arb, async ({ method, params, msgs }) => {
          sent = [];
          warned = [];
          listener = undefined;
          const rpc = new Rpc(60_000);
          const pushes: unknown[] = [];
          rpc.onUnit = (u) => void pushes.push(u);
          // Ids start at 1 per Rpc; the generator aims replies at ids 1..3.
          const pending = rpc.call(method, params as never).then(
            (v) => ({ ok: true as const, v }),
            (e: unknown) => ({ ok: false as const, e }),
          );
          const deliver = registered();
          assert.ok(deliver, 'the Rpc listens for messages');
          for (const data of msgs) deliver({ data }); // never throws
          // Settle the call if nothing above did (a well-formed refusal; ignored when already settled).
          deliver({ data: { kind: 'reply', id: 1, ok: false, error: { message: 'end of case' } } });
          const outcome = await pending;
          if (outcome.ok) {
            resolved++;
            assert.ok(parseResult(method, outcome.v).ok, `resolved with a result that validates: ${show(outcome.v)}`);
          } else {
            assert.ok(outcome.e instanceof RpcError && typeof outcome.e.info.message === 'string');
            if (/was not understood/.test(outcome.e.info.message)) refusedResult++;
          }
          for (const data of msgs)
            if (!parseHostMessage(data).ok)
              assert.ok(
                warned.some((w) => /refused a message/.test(w)),
                'an invalid message is refused with a warning',
              );
          for (const u of pushes) assert.ok(u === null || (typeof u === 'object' && typeof (u as { unitId?: unknown }).unitId === 'string'));
          assert.deepEqual(sent[0], { kind: 'request', id: 1, method, params });
        }),
      );
      // Both ends of the contract were exercised: results accepted and results refused.
      const floor = Math.floor(RUNS / 500);
      if (CHECK_COVERAGE) assert.ok(resolved >= floor && refusedResult >= floor, `resolved ${resolved}, refused results ${refusedResult}`);
    });
  });
});
