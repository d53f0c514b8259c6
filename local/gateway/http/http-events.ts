import type { IncomingHttpHeaders } from 'node:http';
import type { CorsSpec, RouteSpec } from '../../template';
import { gatewayId } from '../gateway-id';

/*
 * API Gateway HTTP API wire shapes: route matching, payload format 2.0 events, result mapping and
 * CORS, as HTTP APIs do them.
 */

export interface RouteMatch {
  route: RouteSpec;
  pathParameters?: Record<string, string>;
}

/** Matches `METHOD /path/{param}` (and `{proxy+}`, `ANY`, `$default`), most specific route first. */
export function matchRoute(routes: RouteSpec[], method: string, path: string): RouteMatch | undefined {
  const segments = path.split('/').filter(Boolean);
  const candidates: (RouteMatch & { score: number })[] = [];
  for (const route of routes) {
    if (route.routeKey === '$default') continue;
    const [routeMethod, routePath = ''] = route.routeKey.split(' ');
    if (routeMethod !== 'ANY' && routeMethod !== method) continue;
    const parts = routePath.split('/').filter(Boolean);
    const params: Record<string, string> = {};
    let score = 0;
    let ok = true;
    let greedy = false;
    for (let i = 0; i < parts.length && ok; i++) {
      const name = /^\{(\w+)(\+?)\}$/.exec(parts[i]);
      if (i >= segments.length) ok = false;
      else if (name?.[2] === '+') {
        params[name[1]] = segments.slice(i).map(decodeURIComponent).join('/');
        greedy = true;
        break;
      } else if (name) params[name[1]] = decodeURIComponent(segments[i]);
      else if (parts[i] === segments[i]) score += 2;
      else ok = false;
    }
    if (!ok || (!greedy && parts.length !== segments.length)) continue;
    score += routeMethod === 'ANY' ? 0 : 1;
    candidates.push({ route, score, ...(Object.keys(params).length ? { pathParameters: params } : {}) });
  }
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates[0];
  if (best) return { route: best.route, pathParameters: best.pathParameters };
  const fallback = routes.find((r) => r.routeKey === '$default');
  return fallback && { route: fallback };
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript|.*\+json|.*\+xml))/i;

/** HTTP APIs pass claims as strings: numbers stringified, arrays as `[a b]`. */
export function stringifyClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    out[k] = typeof v === 'string' ? v : Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

export interface HttpRequestInfo {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  httpVersion: string;
  sourceIp: string;
  body: Buffer;
  apiId: string;
}

export function httpEvent(request: HttpRequestInfo, match: RouteMatch, claims: Record<string, unknown> | undefined) {
  // Client-chosen names, so objects without a prototype: `?constructor=x` is a parameter, not Object's constructor.
  const headers = Object.create(null) as Record<string, string>;
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies = (Array.isArray(value) ? value.join('; ') : value).split(/;\s*/);
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway adds these to every request it passes on (the local gateway speaks plain http).
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = (headers.host ?? '').split(':')[1] ?? '80';
  const query = Object.create(null) as Record<string, string>;
  for (const [k, v] of request.url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  const domainName = headers.host ?? '127.0.0.1';
  const hasBody = request.body.length > 0;
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  const scope = claims && typeof claims.scope === 'string' ? claims.scope.split(' ') : null;
  return {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: request.url.pathname,
    rawQueryString: request.url.search.replace(/^\?/, ''),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: request.apiId,
      ...(claims ? { authorizer: { jwt: { claims: stringifyClaims(claims), scopes: scope } } } : {}),
      domainName,
      domainPrefix: domainName.split('.')[0],
      http: {
        method: request.method,
        path: request.url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: gatewayId(),
      routeKey: match.route.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: isText ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !isText,
  };
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Maps a payload 2.0 Lambda result as API Gateway does; anything without a statusCode is a 200 JSON body. */
export function mapResult(result: unknown): HttpResponse {
  const isResponse = typeof result === 'object' && result !== null && 'statusCode' in result;
  if (!isResponse) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const r = result as { statusCode: unknown; headers?: Record<string, unknown>; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (Array.isArray(r.cookies)) headers['set-cookie'] = r.cookies.map(String);
  const text = typeof r.body === 'string' ? r.body : '';
  return {
    statusCode: Number(r.statusCode),
    headers,
    body: r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text),
  };
}

const allowed = (list: string[], value: string) => list.includes('*') || list.map((v) => v.toLowerCase()).includes(value.toLowerCase());

/** Headers for an actual (non-preflight) response to an allowed origin. */
export function corsHeaders(cors: CorsSpec | undefined, origin: string | undefined): Record<string, string> {
  if (!cors || !origin || !allowed(cors.allowOrigins, origin)) return {};
  return {
    'access-control-allow-origin': cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin,
    ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    ...(cors.exposeHeaders.length ? { 'access-control-expose-headers': cors.exposeHeaders.join(',') } : {}),
  };
}

/** A preflight answer, or undefined when the request is not a CORS preflight. */
export function preflight(cors: CorsSpec | undefined, method: string, headers: IncomingHttpHeaders): Record<string, string> | undefined {
  const requested = headers['access-control-request-method'];
  if (!cors || method !== 'OPTIONS' || typeof headers.origin !== 'string' || typeof requested !== 'string') return undefined;
  if (!allowed(cors.allowOrigins, headers.origin) || !allowed(cors.allowMethods, requested)) return {};
  const requestedHeaders = headers['access-control-request-headers'];
  return {
    ...corsHeaders(cors, headers.origin),
    'access-control-allow-methods': cors.allowMethods.includes('*') ? requested : cors.allowMethods.join(','),
    ...(cors.allowHeaders.length || requestedHeaders
      ? { 'access-control-allow-headers': cors.allowHeaders.includes('*') ? String(requestedHeaders ?? '*') : cors.allowHeaders.join(',') }
      : {}),
    ...(cors.maxAge !== undefined ? { 'access-control-max-age': String(cors.maxAge) } : {}),
  };
}
