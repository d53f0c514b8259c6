import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { AWS_LIMITS } from '../core/budgets';
import { ClientError, InvalidToken, MissingScope, RateLimited } from '../core/errors';
import { appTokenKind } from '../core/app-tokens';
import { callerOfAppToken } from '../core/apps';
import type { Caller } from '../core/caller';
import { callerFromClaims } from './identity';
import { textSetting } from '../config/env';
import { logger } from '../adapters/logger';
import { looksLikeJsonObject } from './json-body';
import { verifyToken } from './jwt';
import { requestToken, withoutToken } from './request-token';

/** The HTTP API's request after the edge: the method name, its arguments, and the verified caller. */
export interface ApiRequest {
  method: string;
  httpMethod: string;
  args: Record<string, unknown>;
  caller: Caller;
  /** This API's base URL as the caller reached it (for URLs the API hands out that point back at it). */
  apiBaseUrl: string;
}

export type ApiResult = Record<string, unknown>;

const DEFAULT_TEAM = textSetting('defaultTeam');
/** Bodies past this are refused before parsing (text is at most 40,000 characters). */
export const MAX_BODY_BYTES = 256 * 1024;
/** Lambda's response is the whole proxy result as JSON (the body encoded again, with headers). */
const RESPONSE_BYTES = AWS_LIMITS.lambdaResponse;

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

/** Arguments from the query string and a JSON or form body, as Slack accepts them. */
export function parseArgs(event: APIGatewayProxyEventV2WithJWTAuthorizer): Record<string, unknown> {
  const args: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) args[k] = v;
  if (!event.body) return args;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw new ClientError('invalid_arguments', 'body too large');
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
  if (contentType.includes('application/x-www-form-urlencoded') && !looksLikeJsonObject(raw)) {
    for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
    return args;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ClientError('invalid_arguments', 'body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ClientError('invalid_arguments', 'body must be a JSON object');
  }
  for (const [k, v] of Object.entries(parsed)) args[k] = v;
  return args;
}

/**
 * `https://<domain>[/<stage or emulator path>]`: what precedes `/api/<method>` in the request.
 * API Gateway sets `x-forwarded-proto` (https), and so does the local gateway (http).
 */
export function apiBaseUrl(event: APIGatewayProxyEventV2WithJWTAuthorizer): string {
  const proto = event.headers?.['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  const path = event.rawPath ?? '';
  const at = path.lastIndexOf('/api/');
  return `${proto}://${event.requestContext.domainName}${at > 0 ? path.slice(0, at) : ''}`;
}

/**
 * The caller: from the claims the HTTP API's JWT authorizer verified (routes behind one), else from
 * the request's own token (the Web API's routes: Slack's clients may send it in the body or the
 * query, which no API Gateway authorizer reads), verified here with the WebSocket authorizer's
 * check. Undefined when there is no token; InvalidToken when it does not verify or names no user.
 */
async function callerOf(event: APIGatewayProxyEventV2WithJWTAuthorizer, args: Record<string, unknown>): Promise<Caller | undefined> {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (claims) return callerFromClaims(claims, DEFAULT_TEAM);
  const token = requestToken(event.headers?.authorization, args);
  if (!token) return undefined;
  // An app's bot or app-level token: looked up by its hash (issued at install, revocable).
  if (appTokenKind(token)) return callerOfAppToken(token);
  let verified: Record<string, unknown>;
  try {
    verified = await verifyToken(token);
  } catch (error) {
    // The reason only (an error class or ours); never the token or its claims.
    throw new InvalidToken(error instanceof InvalidToken ? error.reason : error instanceof Error ? error.name : 'not verified');
  }
  return callerFromClaims(verified, DEFAULT_TEAM);
}

const unauthorized = (error: string) => json(401, { ok: false, error }, { 'www-authenticate': 'Bearer' });

/**
 * Wraps an API router: authenticate, parse, call, map. No token is 401 `not_authed`, one that does
 * not verify or names no user 401 `invalid_auth`; client errors become `{ok:false,error}` with 200
 * (or 429), anything else a bare 500 `internal_error` whose cause is only logged.
 */
export function httpHandler(route: (request: ApiRequest) => Promise<ApiResult>) {
  return middy<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2>().handler(async (event) => {
    // `/api/{method}`, or a route of its own for one method (search, files): the path's last segment.
    const method = event.pathParameters?.method ?? event.rawPath?.split('/').pop() ?? '';
    try {
      // The body may hold the token, so it is read first; a body that cannot be read is refused only once the caller is known.
      let args: Record<string, unknown> = Object.create(null);
      let unreadable: unknown;
      try {
        args = parseArgs(event);
      } catch (error) {
        unreadable = error;
      }
      const caller = await callerOf(event, args);
      if (!caller) return unauthorized('not_authed');
      if (unreadable) throw unreadable;
      const result = await route({ method, httpMethod: event.requestContext.http.method, args: withoutToken(args), caller, apiBaseUrl: apiBaseUrl(event) });
      const response = json(200, { ok: true, ...result });
      // Methods page by bytes (core/budgets.ts); past Lambda's limit the caller would get a bare 502.
      if (Buffer.byteLength(JSON.stringify(response)) > RESPONSE_BYTES) throw new Error(`response of ${method} over Lambda's payload limit`);
      return response;
    } catch (error) {
      if (error instanceof InvalidToken) {
        logger.info('token refused', { reason: error.reason });
        return unauthorized('invalid_auth');
      }
      if (error instanceof RateLimited) {
        return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(error.retryAfterSeconds) });
      }
      if (error instanceof MissingScope) {
        return json(200, { ok: false, error: error.code, needed: error.needed, provided: error.provided });
      }
      if (error instanceof ClientError) {
        return json(200, { ok: false, error: error.code, ...(error.detail ? { detail: error.detail } : {}) });
      }
      logger.error('request failed', { method, error });
      return json(500, { ok: false, error: 'internal_error' });
    }
  });
}
