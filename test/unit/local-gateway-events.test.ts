import { httpEvent, type HttpRequestInfo } from '../../local/gateway/http/http-events';
import { headerMaps, queryMaps } from '../../local/gateway/websocket/ws-events';
import type { RouteSpec } from '../../local/template';

/*
 * The local gateways turn the client's query and header names into the event's maps. Those names
 * are the client's strings: `__proto__` or `constructor` must arrive as parameters like any other.
 */

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const own = (map: Record<string, unknown> | undefined, key: string) => (map ? Object.getOwnPropertyDescriptor(map, key)?.value : undefined);

describe('WebSocket gateway query and header maps', () => {
  it.each(NAMES)('keeps a query parameter named %p, single and multi-valued', (name) => {
    const search = new URLSearchParams([['token', 't'], [name, 'a'], [name, 'b']]);
    const maps = queryMaps(search);
    expect(own(maps.queryStringParameters, name)).toBe('b');
    expect(own(maps.multiValueQueryStringParameters, name)).toEqual(['a', 'b']);
    expect(own(maps.queryStringParameters, 'token')).toBe('t');
  });

  it.each(NAMES.map((n) => n.toLowerCase()))('keeps a header named %p', (name) => {
    const { headers, multiValueHeaders } = headerMaps({ [name]: 'v', host: 'h' });
    expect(own(headers, name)).toBe('v');
    expect(own(multiValueHeaders, name)).toEqual(['v']);
  });
});

describe('HTTP gateway events', () => {
  const route = { routeKey: 'GET /api/{method}' } as RouteSpec;
  const request = (query: string): HttpRequestInfo => ({
    method: 'GET', url: new URL(`http://127.0.0.1/api/auth.test?${query}`), headers: { host: '127.0.0.1' },
    httpVersion: '1.1', sourceIp: '127.0.0.1', body: Buffer.alloc(0), apiId: 'api',
  });

  it.each(NAMES)('passes a query parameter named %p as the client sent it', (name) => {
    const event = httpEvent(request(`${name}=1&${name}=2&limit=3`), { route }, undefined);
    expect(own(event.queryStringParameters, name)).toBe('1,2');
    expect(own(event.queryStringParameters, 'limit')).toBe('3');
  });
});
