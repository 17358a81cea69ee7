// Shared fuzzing set-up: the case count and seed (env vars, so a profile can change them), and the
// generators of random and mutated reply payloads.
import fc from 'fast-check';

/** Cases per property. JUICENET_FUZZ_RUNS changes it (e.g. 100000 for a long run); default 10,000. */
export const RUNS = positiveInt(process.env.JUICENET_FUZZ_RUNS, 10_000);
/** Fixed seed, so a run is reproducible; fast-check prints it (with the shrunk case's path) on failure. */
export const SEED = positiveInt(process.env.JUICENET_FUZZ_SEED, 20_240_611);

function positiveInt(v: string | undefined, dflt: number): number {
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive whole number, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * Whether to check that the generators reached every branch (a share of RUNS per outcome): only
 * meaningful with enough cases, so a quick profile (JUICENET_FUZZ_RUNS=100) skips it.
 */
export const CHECK_COVERAGE = RUNS >= 1000;

/** Parameters for fc.assert: the fixed seed and RUNS cases (or another count). */
export function params<T>(numRuns = RUNS): fc.Parameters<T> {
  return { numRuns, seed: SEED };
}

/**
 * fc.assert under the error-cost profile of the extension host: Node's default stack depth (10
 * frames; mocha sets it to Infinity) and no source-mapped stacks (tsx turns them on). Every
 * JuiceNetError redacts its stack, so under mocha's settings each refused case costs several times
 * more. Failures still print the seed, the shrunk counterexample and the cause.
 */
export function fuzz<T>(property: fc.IProperty<T>, numRuns = RUNS): void {
  const restore = productionErrorCost();
  try {
    fc.assert(property, params<T>(numRuns));
  } finally {
    restore();
  }
}

/** The same for async properties. */
export async function fuzzAsync<T>(property: fc.IAsyncProperty<T>, numRuns = RUNS): Promise<void> {
  const restore = productionErrorCost();
  try {
    await fc.assert(property, params<T>(numRuns));
  } finally {
    restore();
  }
}

function productionErrorCost(): () => void {
  const sourceMaps = process.sourceMapsEnabled;
  const limit = Error.stackTraceLimit;
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 10;
  return () => {
    process.setSourceMapsEnabled(sourceMaps);
    Error.stackTraceLimit = limit;
  };
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every key that appears anywhere in a value (the vocabulary of structure-aware random payloads). */
export function keysOf(v: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keysOf(x, into);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      into.add(k.trim());
      keysOf(x, into);
    }
  }
  return into;
}

// ---- value-level mutations ----

/** Placeholders for number literals JSON values cannot hold; rendered into the text as is. */
const HUGE_LITERALS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '1.7976931348623157e309',
  '-0',
  '4.9e-325',
  '1E+999',
  '0.000000000000000000000000001',
];
const PLACEHOLDER = (i: number) => `\u0000HUGE${i}\u0000`;

const SPECIAL_VALUES: Json[] = [
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_SAFE_INTEGER - 2,
  5e-324,
  -0,
  0,
  -1,
  0.5,
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '0x10',
  '1_000',
  ' 12 ',
  '',
  '   ',
  'true',
  'FALSE',
  'null',
  '__proto__',
  '{}',
  '[]',
  '\u0000',
  '\ud800',
  'x'.repeat(10_000),
];

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

export type MutationOp = 'drop' | 'retype' | 'numToStr' | 'padKey' | 'null' | 'special' | 'huge' | 'nest' | 'stringify' | 'wrapArray' | 'protoKey' | 'bigArray';

export interface Mutation {
  op: MutationOp;
  /** Which location (modulo the number of locations). */
  at: number;
  payload: Json;
  n: number;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<MutationOp>('drop', 'retype', 'numToStr', 'padKey', 'null', 'special', 'huge', 'nest', 'stringify', 'wrapArray', 'protoKey', 'bigArray'),
  at: fc.nat(),
  payload: fc.oneof({ arbitrary: fc.jsonValue({ maxDepth: 0 }), weight: 3 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 }) as fc.Arbitrary<Json>,
  n: fc.nat({ max: 1000 }),
});

type Loc = { parent: Json[] | { [k: string]: Json }; key: string | number };

function locations(v: Json, out: Loc[] = []): Loc[] {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push({ parent: v, key: i });
      locations(x, out);
    });
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      out.push({ parent: v, key: k });
      locations(v[k], out);
    }
  }
  return out;
}

function setAt(loc: Loc, value: Json): void {
  Object.defineProperty(loc.parent, loc.key, { value, enumerable: true, writable: true, configurable: true });
}

function nest(v: Json, depth: number, objects: boolean): Json {
  let out = v;
  for (let i = 0; i < depth; i++) out = objects ? { a: out } : [out];
  return out;
}

/** Applies mutations to a deep copy of `seed`. */
export function mutate(seed: Json, muts: Mutation[]): Json {
  const root: { root: Json } = { root: structuredClone(seed) };
  for (const m of muts) {
    const locs: Loc[] = [{ parent: root as unknown as { [k: string]: Json }, key: 'root' }, ...locations(root.root)];
    const loc = locs[m.at % locs.length];
    const cur = (loc.parent as Record<string | number, Json>)[loc.key];
    switch (m.op) {
      case 'drop':
        if (loc.key === 'root') break;
        if (Array.isArray(loc.parent)) loc.parent.splice(loc.key as number, 1);
        else delete loc.parent[loc.key as string];
        break;
      case 'retype':
        setAt(loc, m.payload);
        break;
      case 'numToStr':
        if (typeof cur === 'number') setAt(loc, [String(cur), ` ${cur}`, `${cur} `, cur.toExponential()][m.n % 4]);
        else if (typeof cur === 'string' && cur.trim() !== '' && Number.isFinite(Number(cur))) setAt(loc, Number(cur));
        else if (typeof cur === 'boolean') setAt(loc, [String(cur), String(cur).toUpperCase(), cur ? 1 : 0][m.n % 3]);
        else setAt(loc, JSON.stringify(cur) ?? 'undefined');
        break;
      case 'padKey':
        if (!Array.isArray(loc.parent) && loc.key !== 'root') {
          const k = loc.key as string;
          const padded = [` ${k}`, `${k} `, ` ${k} `, `\t${k}\n`][m.n % 4];
          // Padded twin: sometimes instead of the exact key, sometimes beside it with another value.
          if (m.n % 2 === 0) delete loc.parent[k];
          Object.defineProperty(loc.parent, padded, { value: m.n % 2 === 0 ? cur : m.payload, enumerable: true, writable: true, configurable: true });
        }
        break;
      case 'null':
        setAt(loc, null);
        break;
      case 'special':
        setAt(loc, SPECIAL_VALUES[m.n % SPECIAL_VALUES.length]);
        break;
      case 'huge':
        setAt(loc, PLACEHOLDER(m.n % HUGE_LITERALS.length));
        break;
      case 'nest':
        setAt(loc, nest(cur ?? null, 1 + (m.n % 120), m.n % 3 === 0));
        break;
      case 'stringify':
        setAt(loc, JSON.stringify(cur) ?? '');
        break;
      case 'wrapArray':
        setAt(loc, m.n % 2 ? [cur] : { value: cur });
        break;
      case 'protoKey':
        if (cur && typeof cur === 'object' && !Array.isArray(cur)) {
          Object.defineProperty(cur, PROTOTYPE_KEYS[m.n % PROTOTYPE_KEYS.length], { value: m.payload, enumerable: true, writable: true, configurable: true });
        } else setAt(loc, { [PROTOTYPE_KEYS[m.n % PROTOTYPE_KEYS.length]]: m.payload } as Json);
        break;
      case 'bigArray': {
        // Many copies of a small value (a big one would only make the case slow, not harder).
        const small = (JSON.stringify(cur) ?? '').length <= 200;
        setAt(
          loc,
          Array.from({ length: small ? 1 + (m.n % 64) : 2 }, () => cur ?? null),
        );
        break;
      }
    }
  }
  return root.root;
}

/** JSON text of a mutated value, the huge-number placeholders turned into their literals. */
export function render(v: Json, indent: number): string {
  let text = JSON.stringify(v, null, indent) ?? 'null';
  if (!text.includes('\\u0000HUGE')) return text;
  HUGE_LITERALS.forEach((lit, i) => {
    text = text.split(JSON.stringify(PLACEHOLDER(i))).join(lit);
  });
  return text;
}

/** In-value placeholders become large finite numbers (a JSON value cannot hold the literals). */
export function unplaceholder(v: Json): Json {
  if (typeof v === 'string' && v.startsWith('\u0000HUGE')) return 1e308;
  if (Array.isArray(v)) return v.map(unplaceholder);
  if (v && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: unplaceholder(v[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

// ---- text-level mutations ----

export type TextOp =
  'truncate' | 'deleteChar' | 'insertChar' | 'smartQuotes' | 'trailingComma' | 'dropComma' | 'duplicate' | 'deepNest' | 'bom' | 'garbageTail';

const INSERTS = ['{', '}', '[', ']', ',', ':', '"', '“', '”', '\\', ' ', '\n', '0', 'a', '-', '.', 'e', '\u0000', '\ud83d', 'null', 'true', '1e999'];

export interface TextMutation {
  op: TextOp;
  at: number;
  n: number;
}

const textMutationArb: fc.Arbitrary<TextMutation> = fc.record({
  op: fc.constantFrom<TextOp>(
    'truncate',
    'deleteChar',
    'insertChar',
    'smartQuotes',
    'trailingComma',
    'dropComma',
    'duplicate',
    'deepNest',
    'bom',
    'garbageTail',
  ),
  at: fc.nat(),
  n: fc.nat({ max: 100_000 }),
});

export function mutateText(text: string, muts: TextMutation[]): string {
  let t = text;
  for (const m of muts) {
    const i = t.length === 0 ? 0 : m.at % (t.length + 1);
    switch (m.op) {
      case 'truncate':
        t = t.slice(0, i);
        break;
      case 'deleteChar':
        t = t.slice(0, i) + t.slice(i + 1);
        break;
      case 'insertChar':
        t = t.slice(0, i) + INSERTS[m.n % INSERTS.length] + t.slice(i);
        break;
      case 'smartQuotes': {
        let k = m.n;
        t = t.replace(/"/g, () => ['“', '”', '"', '„'][k++ % 4]);
        break;
      }
      case 'trailingComma':
        t = t.replace(/([}\]])/, ',$1');
        break;
      case 'dropComma':
        t = t.replace(',', m.n % 2 ? '\n' : '');
        break;
      case 'duplicate':
        t = t.slice(0, i) + t.slice(i, i + (m.n % 200)) + t.slice(i);
        break;
      case 'deepNest': {
        // Mostly around the depth limit (64); one in a hundred up to 100,000 levels, which the depth
        // guard must refuse without recursion.
        const d = m.n % 100 === 0 ? 1 + (m.n % 100_000) : 1 + (m.n % 150);
        t = m.n % 2 ? '['.repeat(d) + t + ']'.repeat(d) : t.slice(0, i) + '{"a":'.repeat(d) + '1' + '}'.repeat(d) + t.slice(i);
        break;
      }
      case 'bom':
        t = '\ufeff' + t;
        break;
      case 'garbageTail':
        t = t + ['}', ']]', ' trailing', '\u0000', ',', '{"success":true}'][m.n % 6];
        break;
    }
  }
  return t;
}

// ---- payload generators ----

/** A payload as the client may meet it: a value (parseReply's second overload) or body text. */
export type Payload = { kind: 'value'; value: unknown } | { kind: 'text'; text: string };

/** Mutated versions of seed replies (text seeds are the raw bodies; values are their parses). */
export function mutatedPayloadArb(seedTexts: string[], seedValues: Json[]): fc.Arbitrary<Payload> {
  const valueMut = fc
    .record({
      seed: fc.nat({ max: seedValues.length - 1 }),
      muts: fc.array(mutationArb, { minLength: 1, maxLength: 5 }),
      mode: fc.constantFrom('value', 'json', 'jsonText'),
      indent: fc.constantFrom(0, 2),
      textMuts: fc.array(textMutationArb, { maxLength: 2 }),
    })
    .map(({ seed, muts, mode, indent, textMuts }): Payload => {
      const v = mutate(seedValues[seed], muts);
      if (mode === 'value') return { kind: 'value', value: unplaceholder(v) };
      const text = render(v, indent);
      return { kind: 'text', text: mode === 'json' ? text : mutateText(text, textMuts) };
    });
  const textMut = fc
    .record({
      seed: fc.nat({ max: seedTexts.length - 1 }),
      muts: fc.array(textMutationArb, { minLength: 1, maxLength: 4 }),
    })
    .map(({ seed, muts }): Payload => ({ kind: 'text', text: mutateText(seedTexts[seed], muts) }));
  return fc.oneof({ arbitrary: valueMut, weight: 3 }, { arbitrary: textMut, weight: 1 });
}

const JSONISH_CHARS = fc.constantFrom(...'{}[]:,"“” \n\t0123456789.-+eEtrufalsn\\abc_'.split(''));
/** Any UTF-16 unit, lone surrogates included (fc's 'binary' unit builds a 1.1M-entry table per instance). */
const UTF16_UNIT = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const JSONISH_TEXT = fc.string({ unit: JSONISH_CHARS, maxLength: 200 }).map((text): Payload => ({ kind: 'text', text }));
const BINARY_TEXT = fc.string({ unit: UTF16_UNIT, maxLength: 100 }).map((text): Payload => ({ kind: 'text', text }));
const ANY_JSON_VALUE = (fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>).map((v): Payload => ({ kind: 'value', value: v }));

/** Random payloads: any JSON, objects over the command's key vocabulary, random text. */
export function randomPayloadArb(vocabulary: string[]): fc.Arbitrary<Payload> {
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...vocabulary), weight: 4 },
    { arbitrary: fc.constantFrom(...vocabulary).map((k) => ` ${k} `), weight: 1 },
    { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS), weight: 1 },
    { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
  );
  const leaf = fc.oneof(
    fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
    fc.constantFrom(...SPECIAL_VALUES.slice(0, -1)),
    fc.integer().map((n) => String(n)),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  const { tree } = fc.letrec<{ tree: Json; node: Json }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('node')),
    node: fc.oneof(
      fc.dictionary(key, tie('tree'), { maxKeys: 6, noNullPrototype: true }) as fc.Arbitrary<Json>,
      fc.array(tie('tree'), { maxLength: 4 }) as fc.Arbitrary<Json>,
    ),
  }));
  const shaped = fc
    .record({
      success: fc.constantFrom<Json>(true, 'true', ' TRUE ', 1, false, 'false', 0, null, 'yes'),
      rest: fc.dictionary(key, tree, { maxKeys: 10, noNullPrototype: true }),
    })
    .map(({ success, rest }) => ({ success, ...rest }) as Json);
  return fc.oneof(
    { arbitrary: shaped.map((v): Payload => ({ kind: 'value', value: v })), weight: 3 },
    { arbitrary: shaped.map((v): Payload => ({ kind: 'text', text: JSON.stringify(v) })), weight: 3 },
    { arbitrary: ANY_JSON_VALUE, weight: 1 },
    { arbitrary: JSONISH_TEXT, weight: 1 },
    { arbitrary: BINARY_TEXT, weight: 1 },
  );
}
