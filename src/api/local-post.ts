// One POST to a JuiceNet Local server's /local endpoint, as the extension's /local clients send it:
// JSON with the account token, bounded by a timeout and the caller's signal. An unreachable server
// becomes the caller's own error, in words. Never logs the body (it holds the token).

/** POSTs `body` to `path` under `baseUrl`; resolves with the reply read as text. */
export async function postToLocalServer(
  baseUrl: string,
  path: string,
  body: unknown,
  opts: { signal?: AbortSignal; timeoutMs?: number },
  unreachable: (message: string, nextStep: string) => Error,
): Promise<{ url: URL; res: Response; text: string }> {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? 5000), ...(opts.signal ? [opts.signal] : [])];
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.any(signals),
    });
  } catch (e) {
    throw unreachable(
      `Could not reach the local server at ${url.origin} (${(e as Error).name === 'TimeoutError' ? 'no answer within 5 s' : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message)}).`,
      'Start it (JuiceNet: Start Local Server, or its service), then try again.',
    );
  }
  return { url, res, text: await res.text() };
}
