import { matchRoute } from '../../local/gateway/http/http-events';
import { selectRoute } from '../../local/gateway/websocket/ws-events';
import type { RouteSpec } from '../../local/template';

describe('WebSocket route selection ($request.body.action)', () => {
  const routes = new Set(['$connect', '$disconnect', '$default', 'ping', 'message']);
  const select = (body: string) => selectRoute('$request.body.action', body, routes);

  it('picks the route named by action', () => {
    expect(select('{"action":"ping","id":1}')).toBe('ping');
    expect(select('{"action":"message"}')).toBe('message');
  });

  it('falls back to $default for unknown, missing, non-string or reserved actions and non-JSON frames', () => {
    expect(select('{"action":"nope"}')).toBe('$default');
    expect(select('{"id":1}')).toBe('$default');
    expect(select('{"action":1}')).toBe('$default');
    expect(select('{"action":"$connect"}')).toBe('$default');
    expect(select('[1,2]')).toBe('$default');
    expect(select('not json')).toBe('$default');
  });
});

describe('HTTP route matching', () => {
  const route = (routeKey: string): RouteSpec => ({ logicalId: routeKey, routeKey, functionId: 'Fn', authorizationType: 'JWT', hasRouteResponse: false });
  const routes = [route('POST /api/{method}'), route('GET /api/{method}'), route('GET /files/{proxy+}')];

  it('matches method and path and extracts path parameters', () => {
    expect(matchRoute(routes, 'POST', '/api/auth.test')).toMatchObject({ route: { routeKey: 'POST /api/{method}' }, pathParameters: { method: 'auth.test' } });
    expect(matchRoute(routes, 'GET', '/api/users.list')?.route.routeKey).toBe('GET /api/{method}');
    expect(matchRoute(routes, 'GET', '/files/a/b/c')?.pathParameters).toEqual({ proxy: 'a/b/c' });
  });

  it('finds nothing for other methods or paths (no $default route)', () => {
    expect(matchRoute(routes, 'DELETE', '/api/x')).toBeUndefined();
    expect(matchRoute(routes, 'POST', '/api')).toBeUndefined();
    expect(matchRoute(routes, 'POST', '/api/a/b')).toBeUndefined();
  });
});
