// Fuzzing the reply path the client uses (parseReply = lenientJsonParse → normaliseKeys → wire
// schema → domain value) for each of the 16 commands, with random payloads and with mutations of
// the protocol document's example replies and of live simulator replies.
// Property: a value comes back, or a ProtocolError; an ApiError/AuthError only when the reply said
// success:false. Never a TypeError, RangeError (stack) or anything else.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseReply } from '../../src/api/normalise';
import { lenientJsonParse } from '../../src/api/lenient-json';
import { normaliseKeys, replySchemas } from '../../src/api/wire';
import { ApiError, ProtocolError } from '../../src/api/errors';
import { BOX_API_COMMANDS, BOX_PIN_COMMANDS, type Command } from '../../src/api/types';
import { startSimulator } from '../../src/simulator';
import { DOC_REPLIES, collectSimulatorReplies } from './corpus';
import { RUNS, keysOf, mutatedPayloadArb, params, randomPayloadArb, type Json, type Payload } from './arbitraries';

const COMMANDS: Command[] = [...BOX_PIN_COMMANDS, ...BOX_API_COMMANDS];
const FALLBACK_UNIT = 'fallback-unit-id';
const STATES = ['standby', 'plugged', 'charging', 'error', 'disconnect', 'unknown'];

function preview(p: Payload): string {
  const s = p.kind === 'text' ? p.text : (JSON.stringify(p.value) ?? String(p.value));
  return `${p.kind} ${s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s}`;
}

/** What checkSuccess sees: the reply's `success` after key trimming is false (or "false"). */
function saidFailure(p: Payload): boolean {
  // A string given as the value is body text to parseReply (its overload), so parse it the same way.
  const v = p.kind === 'value' && typeof p.value !== 'string' ? p.value : lenientJsonParse(p.kind === 'text' ? p.text : (p.value as string));
  const o = normaliseKeys(v) as Record<string, unknown>;
  const s = o?.success;
  return s === false || (typeof s === 'string' && s.trim().toLowerCase() === 'false');
}

/** Every number in a domain value is finite (info.raw, the server's object as sent, excepted). */
function assertFiniteNumbers(v: unknown, path = ''): void {
  if (typeof v === 'number') assert.ok(Number.isFinite(v), `${path} is ${v}`);
  else if (Array.isArray(v)) v.forEach((x, i) => assertFiniteNumbers(x, `${path}[${i}]`));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) if (!(path === '' && k === 'raw')) assertFiniteNumbers(x, `${path}.${k}`);
  } else assert.ok(v === undefined || typeof v === 'string' || typeof v === 'boolean', `${path}: unexpected ${typeof v}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isAccountUnit = (u: unknown) => isObj(u) && typeof u.unitId === 'string' && typeof u.name === 'string' && typeof u.token === 'string';

/** The shape each command's domain value must have. */
function assertDomain(cmd: Command, r: unknown): void {
  assertFiniteNumbers(r);
  switch (cmd) {
    case 'add_unit':
    case 'share_device':
      assert.ok(isAccountUnit(r));
      return;
    case 'get_account_units':
      assert.ok(Array.isArray(r) && r.every(isAccountUnit));
      return;
    case 'get_state':
      assert.ok(isObj(r) && typeof r.unitId === 'string' && STATES.includes(r.state as string) && typeof r.rawState === 'string');
      assert.ok(isObj(r.charging) && isObj(r.lifetime));
      return;
    case 'get_schedule':
      assert.ok(isObj(r) && (r.type === 'disabled' || r.type === 'custom') && isObj(r.weekday) && isObj(r.weekend));
      for (const w of [r.weekday, r.weekend] as Record<string, unknown>[]) for (const k of ['start', 'end', 'carReadyBy']) assert.equal(typeof w[k], 'number');
      return;
    case 'get_history':
      assert.ok(isObj(r) && Array.isArray(r.sessions) && (r.continuityToken === undefined || typeof r.continuityToken === 'string'));
      return;
    case 'get_plot':
      assert.ok(Array.isArray(r) && r.every((p) => isObj(p) && typeof p.t === 'number' && typeof p.v === 'number'));
      return;
    case 'get_share_pin':
      assert.equal(typeof r, 'string');
      return;
    case 'get_info':
      assert.ok(isObj(r) && Array.isArray(r.cars) && isObj(r.raw));
      return;
    case 'get_notifications':
      assert.ok(isObj(r));
      for (const n of Object.values(r)) assert.ok(isObj(n) && typeof n.email === 'boolean' && typeof n.push === 'boolean');
      return;
    default:
      assert.equal(r, undefined, `${cmd} is an acknowledgement`);
  }
}

/** The property: a well-shaped value, a ProtocolError, or (only for success:false) an ApiError. */
function checkReply(cmd: Command, p: Payload): void {
  let result: unknown;
  try {
    result = parseReply(cmd, p.kind === 'value' ? p.value : p.text, { unitId: FALLBACK_UNIT });
  } catch (e) {
    if (e instanceof ProtocolError) {
      assert.ok(typeof e.path === 'string' && e.path.length > 0 && e.message.length > 0);
      return;
    }
    if (e instanceof ApiError) {
      assert.ok(saidFailure(p), `${e.name} for a reply that did not say success:false: ${preview(p)}`);
      return;
    }
    const err = e as Error;
    throw new Error(`parseReply('${cmd}') threw ${err?.name ?? typeof e}: ${err?.message} for ${preview(p)}`, { cause: e });
  }
  assertDomain(cmd, result);
}

/** The exported wire schemas (raw JSON values in): safeParse never throws, except the depth guard. */
function checkSchema(cmd: Command, p: Payload): void {
  if (p.kind !== 'value') return;
  try {
    replySchemas[cmd].safeParse(p.value);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw new Error(`replySchemas.${cmd}.safeParse threw ${(e as Error)?.name}: ${(e as Error)?.message} for ${preview(p)}`, { cause: e });
  }
}

describe(`fuzz: replies of every command (${RUNS} cases per property)`, function () {
  this.timeout(120_000);
  const seeds = {} as Record<Command, { texts: string[]; values: Json[]; vocabulary: string[] }>;

  before(async () => {
    const sim = await startSimulator({ units: 3, seed: 7, manualClock: true });
    let live: Record<Command, string[]>;
    try {
      live = await collectSimulatorReplies(sim);
    } finally {
      await sim.close();
    }
    for (const cmd of COMMANDS) {
      const texts = [DOC_REPLIES[cmd], ...(live[cmd] ?? [])];
      assert.ok(live[cmd]?.length, `the simulator answered ${cmd}`);
      const values = texts.map((t) => lenientJsonParse(t) as Json);
      seeds[cmd] = { texts, values, vocabulary: [...keysOf(values), 'success', 'error_code', 'error_message'] };
    }
  });

  it('the seeds themselves parse (document examples and simulator replies)', () => {
    for (const cmd of COMMANDS) for (const text of seeds[cmd].texts) checkReply(cmd, { kind: 'text', text });
  });

  for (const cmd of COMMANDS) {
    it(`${cmd}: mutated document/simulator replies and random payloads → a value, ProtocolError, or ApiError for success:false`, () => {
      const { texts, values, vocabulary } = seeds[cmd];
      // Two mutated cases for each random one: mutations of real replies reach deeper into the schemas.
      const payload = fc.oneof({ arbitrary: mutatedPayloadArb(texts, values), weight: 2 }, { arbitrary: randomPayloadArb(vocabulary), weight: 1 });
      fc.assert(
        fc.property(payload, (p) => {
          checkReply(cmd, p);
          checkSchema(cmd, p);
        }),
        params(),
      );
    });
  }
});

describe(`fuzz: lenientJsonParse and normaliseKeys (${RUNS} cases per property)`, () => {
  it('any text → a value or ProtocolError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: fc.constantFrom(...'{}[]:,"“”„\\ \n0123456789.-eEtrufalsn'.split('')), maxLength: 300 })), (text) => {
        try {
          lenientJsonParse(text);
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
        }
      }),
      params(),
    );
  });

  it('strict JSON parses exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.constantFrom(0, 1, 2), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        assert.deepStrictEqual(lenientJsonParse(text), JSON.parse(text));
      }),
      params(),
    );
  });

  it("the document's quirks (trailing commas, smart quotes, missing commas between lines) are repaired to the same value", () => {
    const plain = fc.string({ unit: fc.constantFrom(...'abcXYZ019 _-'.split('')), maxLength: 10 });
    const value = fc.dictionary(plain, fc.oneof(plain, fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })), { minKeys: 1, maxKeys: 6, noNullPrototype: true });
    fc.assert(
      fc.property(value, fc.constantFrom('trailing', 'smart', 'newline'), (v, quirk) => {
        const pretty = JSON.stringify(v, null, 1);
        let text: string;
        if (quirk === 'trailing') text = pretty.replace(/\n}$/, ',\n}').replace(/(\d|\])\n(\s*)\]/g, '$1,\n$2]');
        else if (quirk === 'smart') text = pretty.replace(/"([^"]*)"/g, '“$1”');
        else text = pretty.replace(/,\n/g, '\n');
        assert.deepStrictEqual(lenientJsonParse(text), v, text);
      }),
      params(),
    );
  });

  it('normaliseKeys: idempotent, every key trimmed, no prototype pollution', () => {
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', ' __proto__', 'constructor', 'a', ' a', 'a '));
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 0 }), fc.dictionary(key, tie('tree'), { maxKeys: 5, noNullPrototype: true }), fc.array(tie('tree'), { maxLength: 3 })),
    }));
    const allKeysTrimmed = (v: unknown): boolean =>
      Array.isArray(v) ? v.every(allKeysTrimmed) : v && typeof v === 'object' ? Object.getPrototypeOf(v) === Object.prototype && Object.entries(v).every(([k, x]) => k === k.trim() && allKeysTrimmed(x)) : true;
    fc.assert(
      fc.property(tree, (v) => {
        const once = normaliseKeys(v);
        assert.ok(allKeysTrimmed(once));
        assert.deepStrictEqual(normaliseKeys(once), once);
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
      }),
      params(),
    );
  });
});
