// The diagnostics read of a JuiceNet Local server (POST /local/diagnostics with the account token,
// answered on this machine only): what arrived over UDP, per box serial. The setup assistant is
// built from it. No vscode; the reply is checked with the contract's schema (./local-contract) and
// unknown fields are dropped.
import { LOCAL_PATHS, localDiagnosticsSchema, type LocalDiagnostics, type LocalOwnerRequest } from './local-contract';
import { postToLocalServer } from './local-post';

/** Why the diagnostics could not be read, with what to do. */
export class LocalDiagnosticsError extends Error {
  constructor(
    message: string,
    readonly nextStep: string,
    readonly kind: 'unreachable' | 'token' | 'not-local' | 'protocol',
  ) {
    super(message);
    this.name = 'LocalDiagnosticsError';
  }
}

/** Reads the diagnostics of the server at `baseUrl` (its HTTP API address). Never logs the token. */
export async function readLocalDiagnostics(
  baseUrl: string,
  accountToken: string,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<LocalDiagnostics> {
  const { url, res, text } = await postToLocalServer(
    baseUrl,
    LOCAL_PATHS.diagnostics,
    { account_token: accountToken } satisfies LocalOwnerRequest,
    opts,
    (message, nextStep) => new LocalDiagnosticsError(message, nextStep, 'unreachable'),
  );
  if (res.status === 401 || res.status === 403) {
    const local = /this machine|loopback/i.test(text);
    throw local
      ? new LocalDiagnosticsError(
          'The server answers its diagnostics only on the machine it runs on.',
          'Open the assistant in VS Code on that machine (or through an SSH tunnel to it).',
          'not-local',
        )
      : new LocalDiagnosticsError('The server refused the account token.', 'Connect again with the token from its data folder (account-token).', 'token');
  }
  if (res.status === 404) {
    throw new LocalDiagnosticsError(
      `${url.origin} has no diagnostics: it is not a JuiceNet Local server (the cloud and the simulator have none).`,
      'Connect to the address the local server prints when it starts.',
      'protocol',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LocalDiagnosticsError(
      `The local server's diagnostics were not JSON (HTTP ${res.status}).`,
      "Check that the address is the local server's HTTP port.",
      'protocol',
    );
  }
  const parsed = localDiagnosticsSchema.safeParse(json);
  if (!res.ok || !parsed.success) {
    throw new LocalDiagnosticsError(
      `The local server's diagnostics were not understood (HTTP ${res.status}).`,
      'Update the local server to this version of the extension.',
      'protocol',
    );
  }
  return parsed.data;
}
