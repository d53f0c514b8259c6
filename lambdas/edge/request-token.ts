/*
 * Where Slack's clients put their token: the `Authorization: Bearer` header (the SDKs), else a
 * `token` argument, from the query string (`?token=`, curl habits) or a form or JSON body (older
 * clients, slack-go), as Slack still accepts. The header wins when both are present.
 */

const BEARER = /^Bearer\s+(\S+)$/i;

export function requestToken(authorization: string | undefined, args: Record<string, unknown>): string | undefined {
  const header = BEARER.exec(authorization ?? '')?.[1];
  if (header) return header;
  const argument = args.token;
  return typeof argument === 'string' && argument !== '' ? argument : undefined;
}

/** The arguments without the token, so it never reaches a method (or a log line of its arguments). */
export function withoutToken(args: Record<string, unknown>): Record<string, unknown> {
  const rest: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(args)) if (k !== 'token') rest[k] = v;
  return rest;
}
