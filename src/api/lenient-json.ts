// JSON parsing that accepts the protocol document's own quirks. Strict JSON.parse is tried first; only
// when it fails is the text repaired, token by token (never by regex over the whole text, which would
// also "repair" the inside of strings):
//   - smart quotes “ ” (the protocol's examples are full of them) become ";
//   - a trailing comma before } or ] is dropped;
//   - a missing comma between a value and the next value/key is inserted;
//   - a key whose value lost its `{` (get_info's `"restrictions":\n "set_tou": {`) gets it back.
// Size and nesting are checked before any parsing, so a hostile reply cannot exhaust memory or stack.
import { ProtocolError } from './errors';

export const DEFAULT_MAX_REPLY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

export interface LenientJsonOptions {
  maxBytes?: number;
  maxDepth?: number;
}

/** Parses a reply body; throws ProtocolError (path `(body)`) when it is not JSON even after repair. */
export function lenientJsonParse(text: string, opts: LenientJsonOptions = {}): unknown {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_REPLY_BYTES;
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  // UTF-16 length is a lower bound of the UTF-8 size; only compute the exact size when close.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes)) {
    throw new ProtocolError('(body)', `reply is larger than ${maxBytes} bytes`);
  }
  checkDepth(text, maxDepth, isOpenQuote);
  // Each JSON.parse below only gets text whose depth, read with JSON's own string rule (straight
  // quotes only), is within the limit: a smart quote inside a string, or `{`s restored by the
  // repair, cannot carry a deeper value past the scan above.
  const strictTooDeep = !depthWithin(text, maxDepth, isStraightQuote);
  let strictError: unknown;
  if (!strictTooDeep) {
    try {
      return JSON.parse(text);
    } catch (e) {
      strictError = e;
    }
  }
  // Too deep as strict JSON and no lenient reading either: say so, not what the repair tripped on.
  const fail = (e: unknown): never => {
    if (strictTooDeep) throw tooDeep(maxDepth);
    throw e;
  };
  let repaired = '';
  try {
    repaired = repair(text);
  } catch (e) {
    fail(e);
  }
  checkDepth(repaired, maxDepth, isStraightQuote);
  try {
    return JSON.parse(repaired);
  } catch {
    const why = strictError instanceof Error ? strictError.message : String(strictError);
    return fail(new ProtocolError('(body)', `not valid JSON (${why.slice(0, 120)}); starts with ${JSON.stringify(text.slice(0, 40))}`));
  }
}

const tooDeep = (maxDepth: number) => new ProtocolError('(body)', `reply is nested deeper than ${maxDepth} levels`);

const isOpenQuote = (c: string) => c === '"' || c === '“' || c === '”' || c === '„';
const isStraightQuote = (c: string) => c === '"';

/** Linear scan of bracket depth outside strings (delimited by `isQuote`), without recursion. */
function depthWithin(text: string, maxDepth: number, isQuote: (c: string) => boolean): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (isQuote(c)) inString = false;
      continue;
    }
    if (isQuote(c)) inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > maxDepth) return false;
    } else if (c === '}' || c === ']') depth--;
  }
  return true;
}

function checkDepth(text: string, maxDepth: number, isQuote: (c: string) => boolean): void {
  if (!depthWithin(text, maxDepth, isQuote)) throw tooDeep(maxDepth);
}

type Tok = { kind: 'punct'; text: '{' | '}' | '[' | ']' | ':' | ',' } | { kind: 'string'; text: string } | { kind: 'scalar'; text: string };

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u00a0' || c === '\ufeff') {
      i++;
    } else if (c === '{' || c === '}' || c === '[' || c === ']' || c === ':' || c === ',') {
      toks.push({ kind: 'punct', text: c });
      i++;
    } else if (isOpenQuote(c)) {
      // A string runs to the next unescaped quote of either style; its content is re-escaped.
      let j = i + 1;
      let raw = '';
      while (j < n && !isOpenQuote(text[j])) {
        if (text[j] === '\\' && j + 1 < n) {
          raw += text[j] + text[j + 1];
          j += 2;
        } else {
          const ch = text[j];
          raw += ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : ch === '\t' ? '\\t' : ch;
          j++;
        }
      }
      if (j >= n) throw new ProtocolError('(body)', 'unterminated string');
      toks.push({ kind: 'string', text: `"${raw}"` });
      i = j + 1;
    } else {
      let j = i;
      while (j < n && /[A-Za-z0-9+\-.]/.test(text[j])) j++;
      if (j === i) throw new ProtocolError('(body)', `unexpected character ${JSON.stringify(c)} at offset ${i}`);
      toks.push({ kind: 'scalar', text: text.slice(i, j) });
      i = j;
    }
  }
  return toks;
}

const endsValue = (t: Tok | undefined) => !!t && (t.kind === 'string' || t.kind === 'scalar' || (t.kind === 'punct' && (t.text === '}' || t.text === ']')));
const startsValue = (t: Tok | undefined) => !!t && (t.kind === 'string' || t.kind === 'scalar' || (t.kind === 'punct' && (t.text === '{' || t.text === '[')));

/** Rebuilds the text from tokens with the protocol's quirks fixed. */
function repair(text: string): string {
  const toks = tokenize(text);
  const out: string[] = [];
  let prev: Tok | undefined;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    const next = toks[k + 1];
    if (t.kind === 'punct' && t.text === ',' && (next === undefined || (next.kind === 'punct' && (next.text === '}' || next.text === ']')))) {
      continue; // trailing comma
    }
    if (endsValue(prev) && startsValue(t) && !(prev?.kind === 'string' && t.kind === 'punct')) {
      // `"a": 1 "b": 2` → comma. (A string followed by `{` cannot be a key/value boundary, so skip it.)
      out.push(',');
    }
    out.push(t.text);
    if (t.kind === 'punct' && t.text === ':' && next?.kind === 'string' && toks[k + 2]?.kind === 'punct' && toks[k + 2].text === ':') {
      out.push('{'); // `"restrictions": "set_tou": {` → the object's `{` was lost
      prev = { kind: 'punct', text: '{' };
      continue;
    }
    prev = t;
  }
  return out.join('');
}
