// Redaction: every log line and error message goes through redact() so that no token is ever shown.
// Two nets: secrets registered at run time (every token the client is given), and anything that is
// shaped like a token even if nobody registered it (a server echoing a token back, a pasted value).

export const REDACTED = '‹redacted›';

const secrets = new Set<string>();
/** Shorter strings are not registered: redacting every "1234" in a message would garble it. */
const MIN_SECRET_LENGTH = 8;
let sortedCache: string[] | undefined;

/** Remember a secret so that redact() removes it wherever it appears. Idempotent. */
export function registerSecret(secret: string | undefined | null): void {
  if (typeof secret !== 'string') return;
  const s = secret.trim();
  if (s.length < MIN_SECRET_LENGTH || secrets.has(s)) return;
  secrets.add(s);
  sortedCache = undefined;
}

/** Forget a secret (after sign-out). Token-shaped text is still redacted by shape. */
export function forgetSecret(secret: string | undefined | null): void {
  if (typeof secret !== 'string') return;
  if (secrets.delete(secret.trim())) sortedCache = undefined;
}

/**
 * Token shapes: 32 hex chars (unit tokens), UUID-like 8-4-4-4-12 of [0-9a-z] (account tokens; the
 * protocol's own examples contain non-hex letters), and 24..64-char runs mixing letters and digits.
 * Unit IDs (28 decimal digits) carry no letter, so they are kept: the user needs them.
 */
const TOKEN_SHAPES: RegExp[] = [
  /(?<![0-9a-z])[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}(?![0-9a-z])/gi,
  /(?<![0-9a-z])[0-9a-f]{32}(?![0-9a-z])/gi,
  /(?<![0-9a-z])(?=[0-9a-z]*[0-9])(?=[0-9a-z]*[a-z])[0-9a-z]{24,64}(?![0-9a-z])/gi,
];

/** The text with every registered secret and every token-shaped run replaced by ‹redacted›. */
export function redact(text: unknown): string {
  let out = typeof text === 'string' ? text : String(text);
  if (secrets.size > 0) {
    // Longest first, so that a secret containing another one is removed whole.
    sortedCache ??= [...secrets].sort((a, b) => b.length - a.length);
    for (const s of sortedCache) if (out.includes(s)) out = out.split(s).join(REDACTED);
  }
  for (const re of TOKEN_SHAPES) out = out.replace(re, REDACTED);
  // Credentials inside a URL (https://user:password@host): a base URL typed with them must not leak.
  out = out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@'"<>]+@/gi, `$1${REDACTED}@`);
  return out;
}
