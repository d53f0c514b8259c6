/*
 * The Web API: POST {HttpApiUrl}/api/<method> with a JSON body and the bearer token; `{ok:false}`
 * becomes an ApiError with Slack's code; 429 waits for Retry-After and tries again.
 */

export class ApiError extends Error {
  constructor(readonly code: string, readonly detail?: unknown) {
    super(code);
    this.name = 'ApiError';
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Slack-shaped JSON
export type Json = Record<string, any>;

export class Api {
  constructor(private readonly baseUrl: string, private readonly token: () => Promise<string>) {}

  async call(method: string, args: Json = {}): Promise<Json> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${this.baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await this.token()}`, 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      if (response.status === 429 && attempt < 5) {
        await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get('retry-after') ?? 1)));
        continue;
      }
      if (response.status === 401) throw new ApiError('not_authed');
      const body = (await response.json().catch(() => ({ ok: false, error: `http_${response.status}` }))) as Json;
      if (!body.ok) throw new ApiError(String(body.error ?? `http_${response.status}`), body.detail);
      return body;
    }
  }
}
