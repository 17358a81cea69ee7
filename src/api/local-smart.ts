// Smart charging on a JuiceNet Local server (POST /local/smart with the account token): read what
// it does, define circuits, set "ready by" plans, choose solar modes, set the meter and the tariff.
// No vscode; the reply is checked with the contract's schema (./local-contract).
import { LOCAL_PATHS, localSmartStatusSchema, type LocalSmartRequest, type LocalSmartStatus } from './local-contract';
import { postToLocalServer } from './local-post';

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
  const { url, res, text } = await postToLocalServer(
    baseUrl,
    LOCAL_PATHS.smart,
    { account_token: accountToken, ...action },
    opts,
    (message, nextStep) => new LocalSmartError(message, nextStep, 'unreachable'),
  );
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
