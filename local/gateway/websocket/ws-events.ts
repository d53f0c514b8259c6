import type { IncomingHttpHeaders } from 'node:http';
import { gatewayId } from '../gateway-id';

/*
 * API Gateway WebSocket API wire shapes: route selection, and the Lambda events for the
 * REQUEST authorizer, $connect, messages and $disconnect.
 */

export interface ConnectionInfo {
  connectionId: string;
  connectedAt: number;
  sourceIp: string;
  userAgent: string;
  domainName: string;
  stage: string;
  apiId: string;
}

/**
 * The route for a frame under a `$request.body.<path>` selection expression: the value at the
 * path when the body is a JSON object and the value names a route, else `$default`.
 */
export function selectRoute(expression: string, body: string, routeKeys: ReadonlySet<string>): string {
  const prefix = '$request.body.';
  if (!expression.startsWith(prefix)) throw new Error(`unsupported route selection expression ${expression}`);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return '$default';
  }
  for (const part of expression.slice(prefix.length).split('.')) {
    value = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return typeof value === 'string' && !value.startsWith('$') && routeKeys.has(value) ? value : '$default';
}

type Single = Record<string, string>;
type Multi = Record<string, string[]>;
/*
 * Header and query names are the client's strings: kept in objects without a prototype, so
 * `?__proto__=1` or `?constructor=1` is a parameter like any other instead of an inherited
 * property (which threw here, an unhandled rejection in the gateway's upgrade handler).
 */
const emptySingle = (): Single => Object.create(null) as Single;
const emptyMulti = (): Multi => Object.create(null) as Multi;

/** Headers in API Gateway's two shapes (the original casing is lost in Node; lower case is used). */
export function headerMaps(headers: IncomingHttpHeaders): { headers: Single; multiValueHeaders: Multi } {
  const single = emptySingle();
  const multi = emptyMulti();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    single[name] = values.join(',');
    multi[name] = values;
  }
  return { headers: single, multiValueHeaders: multi };
}

export function queryMaps(search: URLSearchParams): { queryStringParameters?: Single; multiValueQueryStringParameters?: Multi } {
  const single = emptySingle();
  const multi = emptyMulti();
  for (const [k, v] of search) {
    single[k] = v; // API Gateway keeps the last value in the single-value map
    (multi[k] ??= []).push(v);
  }
  return Object.keys(single).length === 0 ? {} : { queryStringParameters: single, multiValueQueryStringParameters: multi };
}

function baseContext(c: ConnectionInfo, routeKey: string, eventType: string) {
  const now = Date.now();
  return {
    routeKey,
    eventType,
    extendedRequestId: gatewayId(),
    requestTime: new Date(now).toUTCString(),
    messageDirection: 'IN',
    stage: c.stage,
    connectedAt: c.connectedAt,
    requestTimeEpoch: now,
    identity: { sourceIp: c.sourceIp, userAgent: c.userAgent },
    requestId: gatewayId(),
    domainName: c.domainName,
    connectionId: c.connectionId,
    apiId: c.apiId,
  };
}

export function authorizerEvent(c: ConnectionInfo, headers: IncomingHttpHeaders, search: URLSearchParams) {
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:us-east-1:000000000000:${c.apiId}/${c.stage}/$connect`,
    ...headerMaps(headers),
    ...queryMaps(search),
    stageVariables: {},
    requestContext: baseContext(c, '$connect', 'CONNECT'),
  };
}

export function connectEvent(c: ConnectionInfo, headers: IncomingHttpHeaders, search: URLSearchParams, authorizer: Record<string, unknown> | undefined) {
  return {
    ...headerMaps(headers),
    ...queryMaps(search),
    requestContext: { ...baseContext(c, '$connect', 'CONNECT'), ...(authorizer ? { authorizer } : {}) },
    isBase64Encoded: false,
  };
}

export function messageEvent(c: ConnectionInfo, routeKey: string, body: string, isBase64Encoded: boolean, authorizer: Record<string, unknown> | undefined) {
  return {
    requestContext: { ...baseContext(c, routeKey, 'MESSAGE'), messageId: gatewayId(), ...(authorizer ? { authorizer } : {}) },
    body,
    isBase64Encoded,
  };
}

export function disconnectEvent(c: ConnectionInfo, statusCode: number, reason: string, authorizer: Record<string, unknown> | undefined) {
  return {
    headers: { Host: c.domainName },
    multiValueHeaders: { Host: [c.domainName] },
    requestContext: {
      ...baseContext(c, '$disconnect', 'DISCONNECT'),
      disconnectStatusCode: statusCode,
      disconnectReason: reason,
      ...(authorizer ? { authorizer } : {}),
    },
    isBase64Encoded: false,
  };
}

/** The authorizer's verdict: the first statement's effect, as API Gateway reads a policy. */
export function policyAllows(result: unknown): boolean {
  if (typeof result !== 'object' || result === null) return false;
  const policy = (result as { policyDocument?: { Statement?: { Effect?: string }[] } }).policyDocument;
  const statements = policy?.Statement ?? [];
  return statements.length > 0 && statements.every((s) => s.Effect === 'Allow');
}

/** The authorizer context that API Gateway passes to routes: `context` plus `principalId`. */
export function authorizerContext(result: unknown): Record<string, unknown> {
  const r = (typeof result === 'object' && result !== null ? result : {}) as { context?: Record<string, unknown>; principalId?: unknown };
  return { ...(r.context ?? {}), principalId: r.principalId };
}
