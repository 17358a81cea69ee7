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
import { CHECK_COVERAGE, RUNS, fuzz, keysOf, mutatedPayloadArb, randomPayloadArb, type Json, type Payload } from './arbitraries';

const COMMANDS: Command[] = [...BOX_PIN_COMMANDS, ...BOX_API_COMMANDS];
const FALLBACK_UNIT = 'fallback-unit-id';
const STATES = ['standby', 'plugged', 'charging', 'error', 'disconnect', 'unknown'];

function preview(p: Payload): string {
  const s = p.kind === 'text' ? p.text : (JSON.stringify(p.value) ?? String(p.value));
  return `${p.kind} ${s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s}`;
}

/** What checkSuccess sees: the reply's `success` after key trimming is false (or "false", or 0). */
function saidFailure(p: Payload): boolean {
  // A string given as the value is body text to parseReply (its overload), so parse it the same way.
  const v = p.kind === 'value' && typeof p.value !== 'string' ? p.value : lenientJsonParse(p.kind === 'text' ? p.text : (p.value as string));
  const o = normaliseKeys(v) as Record<string, unknown>;
  const s = o?.success;
  return s === false || s === 0 || (typeof s === 'string' && s.trim().toLowerCase() === 'false');
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

type Outcome = 'value' | 'ProtocolError' | 'ApiError';

/** The property: a well-shaped value, a ProtocolError, or (only for success:false) an ApiError. */
function checkReply(cmd: Command, p: Payload): Outcome {
  let result: unknown;
  try {
    result = parseReply(cmd, p.kind === 'value' ? p.value : p.text, { unitId: FALLBACK_UNIT });
  } catch (e) {
    if (e instanceof ProtocolError) {
      assert.ok(typeof e.path === 'string' && e.path.length > 0 && e.message.length > 0);
      return 'ProtocolError';
    }
    if (e instanceof ApiError) {
      assert.ok(saidFailure(p), `${e.name} for a reply that did not say success:false: ${preview(p)}`);
      return 'ApiError';
    }
    const err = e as Error;
    throw new Error(`parseReply('${cmd}') threw ${err?.name ?? typeof e}: ${err?.message} for ${preview(p)}`, { cause: e });
  }
  assertDomain(cmd, result);
  return 'value';
}

/** The exported wire schemas (raw JSON values in): safeParse never throws, except the depth guard. */
function checkSchema(cmd: Command, p: Payload): void {
  if (p.kind !== 'value') return;
  try {
    replySchemas[cmd].safeParse(p.value);
  } catch (e) {
    if (!(e instanceof ProtocolError))
      throw new Error(`replySchemas.${cmd}.safeParse threw ${(e as Error)?.name}: ${(e as Error)?.message} for ${preview(p)}`, { cause: e });
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
      seeds[cmd] = { texts, values, vocabulary: [...keysOf(values, new Set(['success', 'error_code', 'error_message', 'cmd']))] };
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
      const seen: Record<Outcome, number> = { value: 0, ProtocolError: 0, ApiError: 0 };
      fuzz(
        fc.property(payload, (p) => {
          seen[checkReply(cmd, p)]++;
          checkSchema(cmd, p);
        }),
      );
      // A fuzzer that only ever hits one branch proves little: each outcome must be reached.
      const floor = Math.floor(RUNS / 200);
      if (CHECK_COVERAGE) for (const [k, n] of Object.entries(seen)) assert.ok(n >= floor, `only ${n} cases ended in ${k}: ${JSON.stringify(seen)}`);
    });
  }
});

describe(`fuzz: lenientJsonParse and normaliseKeys (${RUNS} cases per property)`, () => {
  it('any text → a value or ProtocolError', () => {
    fuzz(
      fc.property(
        fc.oneof(
          fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
          fc.string({ unit: fc.constantFrom(...'{}[]:,"“”„\\ \n0123456789.-eEtrufalsn'.split('')), maxLength: 300 }),
        ),
        (text) => {
          try {
            lenientJsonParse(text);
          } catch (e) {
            if (!(e instanceof ProtocolError)) throw e;
          }
        },
      ),
    );
  });

  it('whatever it returns is nested at most 64 deep, however the quotes and repairs fall', () => {
    // Texts that confuse a bracket scanner: a smart quote inside a straight-quoted string before a
    // deep value (strict JSON, so JSON.parse takes it), chained keys that the repair completes with
    // `{`s, and random mixes of brackets, quotes of both styles and keys.
    const confuser = fc.constantFrom('"a“b"', '"“"', '"a”"', '"„x"', '"\\"“"', '"plain"', '“smart”');
    const nested = fc
      .tuple(fc.integer({ min: 0, max: 200 }), fc.boolean())
      .map(([d, arrays]) => (arrays ? '['.repeat(d) + '1' + ']'.repeat(d) : '{"a":'.repeat(d) + '1' + '}'.repeat(d)));
    const structured = fc.oneof(
      fc.tuple(confuser, nested).map(([c, n]) => `{"success":true,"s":${c},"x":${n}}`),
      fc.integer({ min: 1, max: 200 }).map((d) => '{' + '"a":'.repeat(d) + '1' + '}'.repeat(d + 1)),
      fc.integer({ min: 1, max: 200 }).map((d) => `{"restrictions":\n` + '"k":"k2":'.repeat(d) + '{}' + '}'.repeat(d + 1)),
    );
    const piece = fc.constantFrom(
      '[',
      ']',
      '{',
      '}',
      '[[[[[[[[',
      ']]]]]]]]',
      '"a":',
      '"k":"k2":',
      '"s"',
      '“',
      '”',
      '„',
      '"a“b"',
      ',',
      '1',
      ':',
      '\\',
      '"[["',
      '“[[”',
    );
    const random = fc.array(piece, { maxLength: 120 }).map((p) => p.join(''));
    const depthOf = (v: unknown): number => {
      let max = 0;
      const stack: [unknown, number][] = [[v, 0]];
      while (stack.length) {
        const [x, d] = stack.pop()!;
        max = Math.max(max, d);
        if (x && typeof x === 'object') for (const y of Object.values(x)) stack.push([y, d + 1]);
      }
      return max;
    };
    let values = 0;
    fuzz(
      fc.property(fc.oneof(structured, random), (text) => {
        let v: unknown;
        try {
          v = lenientJsonParse(text);
        } catch (e) {
          if (!(e instanceof ProtocolError)) throw e;
          return;
        }
        values++;
        assert.ok(depthOf(v) <= 64, `depth ${depthOf(v)} from ${text.slice(0, 200)}`);
      }),
    );
    if (CHECK_COVERAGE) assert.ok(values >= RUNS / 50, `only ${values} texts parsed`);
  });

  it('strict JSON parses exactly as JSON.parse does', () => {
    fuzz(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.constantFrom(0, 1, 2), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        assert.deepStrictEqual(lenientJsonParse(text), JSON.parse(text));
      }),
    );
  });

  it("the protocol's quirks (trailing commas, smart quotes, missing commas between lines) are repaired to the same value", () => {
    const plain = fc.string({ unit: fc.constantFrom(...'abcXYZ019 _-'.split('')), maxLength: 10 });
    const value = fc.dictionary(plain, fc.oneof(plain, fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })), {
      minKeys: 1,
      maxKeys: 6,
      noNullPrototype: true,
    });
    fuzz(
      fc.property(value, fc.constantFrom('trailing', 'smart', 'newline'), (v, quirk) => {
        const pretty = JSON.stringify(v, null, 1);
        let text: string;
        if (quirk === 'trailing') text = pretty.replace(/\n}$/, ',\n}').replace(/(\d|\])\n(\s*)\]/g, '$1,\n$2]');
        else if (quirk === 'smart') text = pretty.replace(/"([^"]*)"/g, '“$1”');
        else text = pretty.replace(/,\n/g, '\n');
        assert.deepStrictEqual(lenientJsonParse(text), v, text);
      }),
    );
  });

  it('normaliseKeys: idempotent, every key trimmed, no prototype pollution', () => {
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', ' __proto__', 'constructor', 'a', ' a', 'a '));
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 0 }),
        fc.dictionary(key, tie('tree'), { maxKeys: 5, noNullPrototype: true }),
        fc.array(tie('tree'), { maxLength: 3 }),
      ),
    }));
    const allKeysTrimmed = (v: unknown): boolean =>
      Array.isArray(v)
        ? v.every(allKeysTrimmed)
        : v && typeof v === 'object'
          ? Object.getPrototypeOf(v) === Object.prototype && Object.entries(v).every(([k, x]) => k === k.trim() && allKeysTrimmed(x))
          : true;
    fuzz(
      fc.property(tree, (v) => {
        const once = normaliseKeys(v);
        assert.ok(allKeysTrimmed(once));
        assert.deepStrictEqual(normaliseKeys(once), once);
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
      }),
    );
  });
});

// ---- well-formed replies: the right value in the right unit ----

/** A finite wire number, sent as a number or (as some endpoints did) as a padded numeric string. */
const wireNumber = (n: fc.Arbitrary<number>) =>
  fc.tuple(n, fc.constantFrom('number', 'string', 'padded')).map(([v, how]) => ({ v, wire: how === 'number' ? v : how === 'string' ? String(v) : ` ${v} ` }));
const anyNumber = fc.oneof(
  fc.integer({ min: -2_000_000_000, max: 4_000_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).filter((x) => !Object.is(x, -0)),
);
/** A key as sent: exact, or padded with spaces (the protocol has `" wh_energy"`, `"start_charging "`). */
const wireKey = (k: string) => fc.constantFrom(k, ` ${k}`, `${k} `);

/** An object of optional wire fields: each present or absent, its key maybe padded, its number maybe a string. */
function wireFields(names: string[], n: fc.Arbitrary<number>) {
  return fc.tuple(...names.map((name) => fc.option(fc.tuple(wireKey(name), wireNumber(n)), { nil: undefined }))).map((entries) => {
    const wire: Record<string, unknown> = {};
    const expected: Record<string, number> = {};
    entries.forEach((e, i) => {
      if (!e) return;
      wire[e[0]] = e[1].wire;
      expected[names[i]] = e[1].v;
    });
    return { wire, expected };
  });
}

const STATE_TOP: Record<string, string> = {
  info_timestamp: 'infoTimestamp',
  charging_time_left: 'chargingTimeLeftS',
  plug_unplug_time: 'plugUnplugTime',
  target_time: 'targetTime',
  override_time: 'overrideTime',
  default_target_time: 'defaultTargetTime',
  time_last_ping: 'timeLastPing',
  utc_time: 'utcTime',
  unit_time: 'unitTime',
  update_interval: 'updateIntervalS',
  temperature: 'temperatureC',
  triggers_all: 'triggersAll',
  triggers_blocking: 'triggersBlocking',
  car_id: 'carId',
};
const STATE_CHARGING: Record<string, string> = {
  amps_limit: 'ampsLimit',
  amps_current: 'ampsCurrent',
  voltage: 'voltageV',
  wh_energy: 'energyWh',
  savings: 'savingsCents',
  watt_power: 'powerW',
  seconds_charging: 'secondsCharging',
  wh_energy_at_plugin: 'energyAtPluginWh',
  wh_energy_to_add: 'energyToAddWh',
  flags: 'flags',
};
const STATE_LIFETIME: Record<string, string> = { wh_energy: 'energyWh', savings: 'savingsCents' };

describe(`fuzz: well-formed replies normalise to the right units (${RUNS} cases per property)`, () => {
  it('get_state: frequency hundredths → Hz, every field under its unit name, state by name, nothing invented', () => {
    const arb = fc.record({
      top: wireFields(Object.keys(STATE_TOP), anyNumber),
      charging: fc.option(wireFields(Object.keys(STATE_CHARGING), anyNumber), { nil: undefined }),
      lifetime: fc.option(wireFields(Object.keys(STATE_LIFETIME), anyNumber), { nil: undefined }),
      frequency: fc.option(wireNumber(fc.oneof(fc.integer({ min: 4500, max: 6500 }), fc.integer({ min: 0, max: 100_000 }))), { nil: undefined }),
      state: fc.oneof(fc.constantFrom('standby', 'plugged', 'charging', 'error', 'disconnect', 'CHARGING', 'Plugged'), fc.string({ maxLength: 10 })),
      id: fc.option(fc.stringMatching(/^\d{28}$/), { nil: undefined }),
      success: fc.constantFrom<unknown>(true, 'true', ' TRUE ', 1),
    });
    fuzz(
      fc.property(arb, (a) => {
        const wire: Record<string, unknown> = { success: a.success, state: a.state, ...a.top.wire };
        if (a.id !== undefined) wire.ID = a.id;
        if (a.frequency) wire.frequency = a.frequency.wire;
        if (a.charging) wire.charging = a.charging.wire;
        if (a.lifetime) wire.lifetime = a.lifetime.wire;
        const s = parseReply('get_state', JSON.stringify(wire), { unitId: FALLBACK_UNIT });
        // Hundredths of a hertz: 5999 → 59.99, and back to the same hundredths.
        if (a.frequency) {
          assert.equal(s.frequencyHz, Math.round(a.frequency.v) / 100);
          assert.equal(Math.round(s.frequencyHz! * 100), a.frequency.v);
        } else assert.equal(s.frequencyHz, undefined);
        for (const [w, d] of Object.entries(STATE_TOP)) assert.equal((s as unknown as Record<string, unknown>)[d], a.top.expected[w], d);
        for (const [w, d] of Object.entries(STATE_CHARGING)) assert.equal((s.charging as Record<string, unknown>)[d], a.charging?.expected[w], `charging.${d}`);
        for (const [w, d] of Object.entries(STATE_LIFETIME)) assert.equal((s.lifetime as Record<string, unknown>)[d], a.lifetime?.expected[w], `lifetime.${d}`);
        const known = ['standby', 'plugged', 'charging', 'error', 'disconnect'];
        const trimmed = a.state.trim();
        assert.equal(s.rawState, trimmed);
        assert.equal(s.state, known.includes(trimmed.toLowerCase()) ? trimmed.toLowerCase() : 'unknown');
        assert.equal(s.unitId, a.id || FALLBACK_UNIT);
      }),
    );
  });

  it('get_schedule: windows in minutes, car_ready_by defaulting to 0, type by name', () => {
    const minute = fc.integer({ min: 0, max: 1440 });
    const win = fc.record({ start: wireNumber(minute), end: wireNumber(minute), car: fc.option(wireNumber(minute), { nil: undefined }) });
    fuzz(
      fc.property(win, win, fc.constantFrom('custom', 'disabled', 'Custom', ' DISABLED '), (wd, we, type) => {
        const wire = (w: typeof wd) => ({ start: w.start.wire, end: w.end.wire, ...(w.car ? { car_ready_by: w.car.wire } : {}) });
        const s = parseReply('get_schedule', JSON.stringify({ success: true, type, weekday: wire(wd), ' weekend': wire(we) }));
        assert.equal(s.type, type.trim().toLowerCase());
        for (const [got, w] of [
          [s.weekday, wd],
          [s.weekend, we],
        ] as const)
          assert.deepEqual(got, { start: w.start.v, end: w.end.v, carReadyBy: w.car?.v ?? 0 });
      }),
    );
  });

  it('get_history and get_plot: seconds, Wh and cents under their names; points unchanged', () => {
    const session = wireFields(['id', 'time_start', 'time_end', 'duration', 'wh_energy', 'savings'], fc.integer({ min: 0, max: 2_000_000_000 }));
    const point = fc.record({ t: wireNumber(fc.integer({ min: 0, max: 2_000_000_000 })), v: wireNumber(anyNumber) });
    fuzz(
      fc.property(
        fc.array(session, { maxLength: 5 }),
        fc.option(
          fc.string({ minLength: 1, maxLength: 20 }).filter((t) => t.trim() !== ''),
          { nil: undefined },
        ),
        fc.array(point, { maxLength: 8 }),
        (sessions, token, points) => {
          const page = parseReply(
            'get_history',
            JSON.stringify({ success: true, sessions: sessions.map((x) => x.wire), ...(token ? { continuity_token: token } : {}) }),
          );
          const names: Record<string, string> = {
            id: 'id',
            time_start: 'timeStart',
            time_end: 'timeEnd',
            duration: 'durationS',
            wh_energy: 'energyWh',
            savings: 'savingsCents',
          };
          assert.equal(page.sessions.length, sessions.length);
          sessions.forEach((x, i) => {
            const want: Record<string, number> = {};
            for (const [w, d] of Object.entries(names)) if (x.expected[w] !== undefined) want[d] = x.expected[w];
            assert.deepEqual(page.sessions[i], want);
          });
          assert.equal(page.continuityToken, token?.trim());
          const plot = parseReply('get_plot', JSON.stringify({ success: 'true', points: points.map((p) => ({ t: p.t.wire, v: p.v.wire })) }));
          assert.deepEqual(
            plot,
            points.map((p) => ({ t: p.t.v, v: p.v.v })),
          );
        },
      ),
    );
  });

  it('get_notifications, get_account_units, get_share_pin: delivery flags default off, PUT/POST only, strings kept', () => {
    const flag = fc.option(fc.tuple(fc.boolean(), fc.constantFrom('bool', 'string', 'number')), { nil: undefined });
    const setting = fc.record({
      email: flag,
      push: flag,
      time: fc.option(wireNumber(fc.integer({ min: 0, max: 1440 })), { nil: undefined }),
      method: fc.option(fc.constantFrom('put', 'POST', 'Post', 'GET', 'delete'), { nil: undefined }),
    });
    const wireFlag = (f: [boolean, string]) => (f[1] === 'bool' ? f[0] : f[1] === 'string' ? String(f[0]).toUpperCase() : f[0] ? 1 : 0);
    const unit = fc.record({
      unit_id: fc.stringMatching(/^\d{28}$/),
      name: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
      token: fc.stringMatching(/^[0-9a-f]{32}$/),
    });
    fuzz(
      fc.property(
        fc.dictionary(fc.constantFrom('start_charging', 'stop_charging', 'is_offline', 'plugin', 'unplug'), setting),
        fc.array(unit, { maxLength: 4 }),
        fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.stringMatching(/^\d{4}$/)),
        (events, units, pin) => {
          const wire: Record<string, unknown> = {};
          for (const [k, n] of Object.entries(events)) {
            wire[`${k} `] = {
              ...(n.email ? { email: wireFlag(n.email) } : {}),
              ...(n.push ? { push: wireFlag(n.push) } : {}),
              ...(n.time ? { time: n.time.wire } : {}),
              ...(n.method ? { webhook: { url: 'https://example.com/hook', method: n.method } } : {}),
            };
          }
          const got = parseReply('get_notifications', JSON.stringify({ success: true, notifications: wire }));
          assert.deepEqual(Object.keys(got).sort(), Object.keys(events).sort());
          for (const [k, n] of Object.entries(events)) {
            const g = got[k]!;
            assert.equal(g.email, n.email ? n.email[0] : false);
            assert.equal(g.push, n.push ? n.push[0] : false);
            assert.equal(g.time, n.time?.v);
            const upper = n.method?.toUpperCase();
            assert.equal(g.webhook?.method, upper === 'PUT' || upper === 'POST' ? upper : undefined);
          }
          const listed = parseReply('get_account_units', JSON.stringify({ success: true, units }));
          assert.deepEqual(
            listed,
            units.map((u) => ({ unitId: u.unit_id, name: (u.name ?? '').trim(), token: u.token })),
          );
          assert.equal(parseReply('get_share_pin', JSON.stringify({ success: true, pin })), String(pin));
        },
      ),
    );
  });
});
