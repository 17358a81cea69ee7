// Smart charging on a JuiceNet Local server (POST /local/smart with the account token): read what
// it does, define circuits, set "ready by" plans, choose solar modes, set the meter and the tariff.
// No vscode; the reply is checked with the contract's schema (./local-contract).
import { LOCAL_PATHS, localSmartStatusSchema, type LocalSmartRequest, type LocalSmartStatus } from './local-contract';

/** An action of /local/smart without the token (the caller adds it). */
export type LocalSmartAction = LocalSmartRequest extends infer R ? (R extends { action: string } ? Omit<R, 'account_token'> : never) : never;

/** Why smart charging could not be read or set, with what to do. */
export class LocalSmartError extends Error {
  constructor(
    message: string,
    readonly nextStep: string,
    readonly kind: 'unreachable' | 'token' | 'not-local' | 'refused' | 'protocol',
  ) {
    super(message);
    this.name = 'LocalSmartError';
  }
}

/** Runs one action on the server at `baseUrl`; resolves with the status after it. Never logs the token. */
export async function callLocalSmart(
  baseUrl: string,
  accountToken: string,
  action: LocalSmartAction,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<LocalSmartStatus> {
  const url = new URL(LOCAL_PATHS.smart, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? 5000), ...(opts.signal ? [opts.signal] : [])];
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account_token: accountToken, ...action }),
      signal: AbortSignal.any(signals),
    });
  } catch (e) {
    throw new LocalSmartError(
      `Could not reach the local server at ${url.origin} (${(e as Error).name === 'TimeoutError' ? 'no answer within 5 s' : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message)}).`,
      'Start it (JuiceNet: Start Local Server, or its service), then try again.',
      'unreachable',
    );
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const said = (json as { error_message?: unknown } | undefined)?.error_message;
  if (res.status === 401)
    throw new LocalSmartError('The server refused the account token.', 'Connect again with the token from its data folder (account-token).', 'token');
  if (res.status === 404 && (said === undefined || String(said).startsWith('Not found:')))
    throw new LocalSmartError(
      `${url.origin} has no smart charging: it is not a JuiceNet Local server, or an older one.`,
      'Smart charging needs JuiceNet Local of this version; update it or connect to it.',
      'not-local',
    );
  if (!res.ok) {
    throw new LocalSmartError(
      typeof said === 'string' ? said : `The local server refused the change (HTTP ${res.status}).`,
      'Change what it names and try again.',
      'refused',
    );
  }
  const parsed = localSmartStatusSchema.safeParse(json);
  if (!parsed.success)
    throw new LocalSmartError(
      `The local server's smart-charging reply was not understood (HTTP ${res.status}).`,
      'Update the local server to this version of the extension.',
      'protocol',
    );
  return parsed.data;
}
