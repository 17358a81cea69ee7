// The client's error classes. Each one carries a sentence for the user (`userMessage`) and what to do
// about it (`nextStep`). Every text (message, stack, cause) is redacted at construction, so an error
// can be logged or shown as is.
import { redact } from './redact';

export interface JuiceNetErrorOptions {
  userMessage: string;
  nextStep: string;
  cause?: unknown;
}

/** A cause reduced to a redacted Error (name, message, stack): the original may hold a token. */
function safeCause(cause: unknown): Error | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof Error) {
    const e = new Error(redact(cause.message));
    e.name = cause.name;
    e.stack = cause.stack ? redact(cause.stack) : undefined;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') (e as Error & { code?: string }).code = code;
    return e;
  }
  return new Error(redact(typeof cause === 'string' ? cause : safeStringify(cause)));
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Base class: also used as is for failures that fit no subclass. */
export class JuiceNetError extends Error {
  readonly userMessage: string;
  readonly nextStep: string;
  constructor(message: string, opts: JuiceNetErrorOptions) {
    super(redact(message));
    this.name = new.target.name;
    this.userMessage = redact(opts.userMessage);
    this.nextStep = redact(opts.nextStep);
    const cause = safeCause(opts.cause);
    if (cause) Object.defineProperty(this, 'cause', { value: cause, enumerable: false, writable: true, configurable: true });
    if (this.stack) this.stack = redact(this.stack);
  }
  /** Whether retrying a read could help (the client's retry rule). */
  get transient(): boolean {
    return false;
  }
}

/** The server could not be reached or the connection broke. */
export class NetworkError extends JuiceNetError {
  /** The system/undici error code (ECONNREFUSED, UND_ERR_SOCKET...), when known. */
  readonly code?: string;
  /** False only when the request certainly never left this machine (connect failed). */
  readonly mayHaveReachedServer: boolean;
  constructor(message: string, opts: { code?: string; mayHaveReachedServer?: boolean; cause?: unknown } = {}) {
    super(message, {
      userMessage: 'Could not reach the JuiceNet server.',
      nextStep: 'Check the network connection and the juicenet.baseUrl setting, then try again.',
      cause: opts.cause,
    });
    this.code = opts.code;
    this.mayHaveReachedServer = opts.mayHaveReachedServer ?? true;
  }
  override get transient(): boolean {
    return true;
  }
}

export type TimeoutPhase = 'connect' | 'headers' | 'body';

/** A phase of the exchange took longer than its timeout. */
export class TimeoutError extends JuiceNetError {
  readonly phase: TimeoutPhase;
  readonly timeoutMs?: number;
  constructor(phase: TimeoutPhase, timeoutMs?: number, cause?: unknown) {
    const what = phase === 'connect' ? 'connecting' : phase === 'headers' ? 'waiting for the reply' : 'reading the reply';
    super(`Timed out ${what}${timeoutMs !== undefined ? ` after ${timeoutMs} ms` : ''}`, {
      userMessage: 'The JuiceNet server did not answer in time.',
      nextStep: 'Try again; if it keeps happening, the server may be down or the network slow.',
      cause,
    });
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
  get mayHaveReachedServer(): boolean {
    return this.phase !== 'connect';
  }
  override get transient(): boolean {
    return true;
  }
}

/** The server answered with a non-2xx HTTP status. */
export class HttpStatusError extends JuiceNetError {
  readonly status: number;
  /** At most 200 characters of the reply body, redacted. */
  readonly bodyExcerpt: string;
  constructor(status: number, body: string, cmd?: string) {
    const excerpt = excerptOf(body);
    super(`HTTP ${status}${cmd ? ` for ${cmd}` : ''}${excerpt ? `: ${excerpt}` : ''}`, {
      userMessage:
        status === 401 || status === 403
          ? `The JuiceNet server refused the request (HTTP ${status}).`
          : status >= 500
            ? `The JuiceNet server had an internal error (HTTP ${status}).`
            : `The JuiceNet server rejected the request (HTTP ${status}).`,
      nextStep:
        status === 401 || status === 403
          ? 'Sign in again with a current account token.'
          : status >= 500
            ? 'Try again in a moment.'
            : 'Check the juicenet.baseUrl setting; if it is right, report this with the log.',
    });
    this.status = status;
    this.bodyExcerpt = excerpt;
  }
  override get transient(): boolean {
    return this.status >= 500;
  }
}

/** The reply said `success: false`. */
export class ApiError extends JuiceNetError {
  readonly errorMessage?: string;
  readonly errorCode?: number;
  readonly cmd?: string;
  constructor(errorMessage: string | undefined, errorCode: number | undefined, cmd?: string, opts?: Partial<JuiceNetErrorOptions>) {
    const detail = errorMessage ? redact(errorMessage) : 'no reason given';
    super(`${cmd ?? 'Request'} failed${errorCode !== undefined ? ` (code ${errorCode})` : ''}: ${detail}`, {
      userMessage: opts?.userMessage ?? `The JuiceNet server refused ${cmd ? `"${cmd}"` : 'the request'}: ${detail}.`,
      nextStep: opts?.nextStep ?? nextStepForCode(errorCode),
      cause: opts?.cause,
    });
    this.errorMessage = errorMessage === undefined ? undefined : redact(errorMessage);
    this.errorCode = errorCode;
    this.cmd = cmd;
  }
}

function nextStepForCode(code: number | undefined): string {
  if (code === 404) return 'Check the unit ID; the charger may have been removed from the account.';
  if (code === 422) return 'Correct the value and try again.';
  if (code === 429) return 'Wait a moment before trying again.';
  return 'Try again; if it keeps failing, check the charger in the JuiceNet dashboard.';
}

/** The server rejected the token (success:false with code 401/403 or an invalid/expired token message). */
export class AuthError extends ApiError {
  constructor(errorMessage: string | undefined, errorCode: number | undefined, cmd?: string) {
    super(errorMessage, errorCode, cmd, {
      userMessage: 'The JuiceNet server rejected the token.',
      nextStep: 'Sign in again with a current account token.',
    });
  }
}

/** The reply could not be understood: not JSON, too big, too deep, or a field of the wrong type. */
export class ProtocolError extends JuiceNetError {
  /** Dotted path of the offending field (`charging.amps_limit`), or `(body)` for the whole reply. */
  readonly path: string;
  readonly detail: string;
  constructor(path: string, detail: string, cmd?: string) {
    super(`${cmd ? `${cmd} reply: ` : ''}${path}: ${detail}`, {
      userMessage: 'The JuiceNet server sent a reply this extension cannot read.',
      nextStep: 'Try again; if it keeps happening, report it with the log (it names the field).',
    });
    // Redacted too: a path names object keys from the reply, and a key can be a token.
    this.path = redact(path);
    this.detail = redact(detail);
  }
  override get transient(): boolean {
    return true;
  }
}

/** The caller cancelled the request. */
export class AbortedError extends JuiceNetError {
  constructor(message = 'The request was cancelled') {
    super(message, { userMessage: 'The request was cancelled.', nextStep: 'Nothing to do; run it again when needed.' });
  }
}

/** The caller passed a value the protocol cannot carry (checked before anything is sent). */
export class InvalidInputError extends JuiceNetError {
  constructor(message: string, nextStep = 'Correct the value and try again.') {
    super(message, { userMessage: message, nextStep });
  }
}

/** The configured base URL cannot be used (not a URL, not https for a remote host, credentials in it). */
export class BaseUrlError extends InvalidInputError {
  constructor(message: string) {
    super(message, 'Fix the setting JuiceNet › Base URL (juicenet.baseUrl) and try again.');
  }
}

/**
 * Whether a failed write may nevertheless have reached the server and been applied: its reply was
 * lost (connection broken after sending, timeout waiting for or reading the reply, HTTP 5xx, an
 * unreadable reply). Not for a refusal (success:false, a rejected token, HTTP 4xx), a value refused
 * before sending, a cancel, or a connection that never opened.
 */
export function writeOutcomeUncertain(e: unknown): boolean {
  if (e instanceof NetworkError || e instanceof TimeoutError) return e.mayHaveReachedServer;
  if (e instanceof HttpStatusError) return e.status >= 500;
  return e instanceof ProtocolError;
}

/**
 * A write whose outcome was uncertain (see writeOutcomeUncertain) and whose read-back did not show
 * the value sent. `cause` is the original error (its userMessage and nextStep are kept);
 * `readBackSummary` says what the unit reports now, e.g. "the charger reports a 16 A limit".
 */
export class UncertainWriteError extends JuiceNetError {
  declare readonly cause: JuiceNetError;
  readonly readBackSummary: string;
  constructor(cause: JuiceNetError, readBackSummary: string) {
    super(`${cause.message} (not confirmed by the read-back: ${readBackSummary})`, { userMessage: cause.userMessage, nextStep: cause.nextStep });
    // The original error itself, not the base class's plain copy: callers check its class. It is
    // a JuiceNetError, so already redacted.
    Object.defineProperty(this, 'cause', { value: cause, enumerable: false, writable: true, configurable: true });
    this.readBackSummary = redact(readBackSummary);
  }
  override get transient(): boolean {
    return this.cause.transient;
  }
}

/**
 * A write the server accepted (its reply said success) whose read-back failed, so what the unit
 * holds now is unknown. Not a failure of the write: the commands say so instead of "failed".
 */
export class UnverifiedWriteError extends JuiceNetError {
  declare readonly cause: JuiceNetError;
  constructor(readBackError: JuiceNetError) {
    super(`write accepted, read-back failed: ${readBackError.message}`, {
      userMessage: `The server accepted the change, but reading the charger back failed (${readBackError.userMessage.replace(/\.$/, '')}).`,
      nextStep: 'Refresh in a moment to see what the charger reports.',
    });
    Object.defineProperty(this, 'cause', { value: readBackError, enumerable: false, writable: true, configurable: true });
  }
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Maps anything thrown (undici, node, DOM) to a JuiceNetError. Already-mapped errors pass through. */
export function toJuiceNetError(e: unknown, ctx?: { timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number } }): JuiceNetError {
  if (e instanceof JuiceNetError) return e;
  const err = e as { name?: string; code?: string; message?: string; cause?: unknown } | undefined;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  if (err?.name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') return new AbortedError();
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new TimeoutError('connect', ctx?.timeouts?.connectMs, e);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new TimeoutError('headers', ctx?.timeouts?.headersMs, e);
  if (code === 'UND_ERR_BODY_TIMEOUT') return new TimeoutError('body', ctx?.timeouts?.bodyMs, e);
  // undici wraps connect failures: the system code may sit on the cause.
  const causeCode = typeof (err?.cause as { code?: unknown } | undefined)?.code === 'string' ? (err?.cause as { code: string }).code : undefined;
  const anyCode = code ?? causeCode;
  if (anyCode) {
    return new NetworkError(`${anyCode}: ${err?.message ?? 'network error'}`, {
      code: anyCode,
      mayHaveReachedServer: !CONNECT_CODES.has(anyCode),
      cause: e,
    });
  }
  if (e instanceof TypeError && /fetch failed|network/i.test(e.message)) return new NetworkError(e.message, { cause: e });
  const message = err?.message ?? (typeof e === 'string' ? e : 'Unexpected error');
  return new JuiceNetError(message, {
    userMessage: 'Something unexpected went wrong talking to the JuiceNet server.',
    nextStep: 'Try again; if it keeps happening, report it with the log.',
    cause: e,
  });
}

/** A reply body cut to at most 200 characters, whitespace collapsed, redacted. */
export function excerptOf(body: string, max = 200): string {
  const flat = redact(body.replace(/\s+/g, ' ').trim());
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
