import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { Faults } from '../../dev/faults';
import type { InvokeResult } from '../../functions/protocol';
import type { WebSocketApiSpec } from '../../template';
import { listen, readBody, type Listening } from '../../net';
import { gatewayId } from '../gateway-id';
import {
  authorizerContext,
  authorizerEvent,
  connectEvent,
  disconnectEvent,
  messageEvent,
  policyAllows,
  selectRoute,
  type ConnectionInfo,
} from './ws-events';

/*
 * API Gateway's WebSocket API on one port: the stage path (`/v1`) takes upgrades, runs the REQUEST
 * authorizer and $connect before accepting, routes frames by the selection expression, and the
 * `@connections` management API (POST/GET/DELETE `/v1/@connections/{id}`) is served on the same
 * port over plain HTTP. Limits as on AWS: 32 KB frames, 128 KB posts, idle timeout, maximum age.
 */

export interface WebSocketGatewayOptions {
  api: WebSocketApiSpec;
  invoke: (functionId: string, event: unknown) => Promise<InvokeResult>;
  port: number;
  idleSeconds: number;
  maxAgeSeconds: number;
  log: (line: string) => void;
  /** Fault injection on @connections posts (local/dev/faults.ts); none without it. */
  faults?: Faults;
}

const FRAME_LIMIT = 32 * 1024;
const POST_LIMIT = 128 * 1024;
const GOING_AWAY = 1001;

interface Connection extends ConnectionInfo {
  socket: WebSocket;
  lastActiveAt: number;
  authorizer?: Record<string, unknown>;
  idleTimer?: NodeJS.Timeout;
  ageTimer: NodeJS.Timeout;
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

function rejectUpgrade(socket: Duplex, status: number): void {
  const text = STATUS_TEXT[status] ?? 'Error';
  const body = JSON.stringify({ message: text });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
}

export class WebSocketGateway {
  private readonly connections = new Map<string, Connection>();
  /** Billable traffic (frames in, frames out: route responses and @connections posts) and @connections calls, for /dev/stats. */
  readonly counters = { framesIn: 0, framesOut: 0, connectionsApi: { post: 0, get: 0, delete: 0, gone: 0 } };
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: FRAME_LIMIT });
  private readonly server: Server;
  private readonly routes: Map<string, WebSocketApiSpec['routes'][number]>;
  private listening?: Listening;

  constructor(private readonly options: WebSocketGatewayOptions) {
    this.routes = new Map(options.api.routes.map((r) => [r.routeKey, r]));
    this.server = createServer((req, res) => void this.handleManagement(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head));
  }

  async start(): Promise<number> {
    this.listening = await listen(this.server, this.options.port);
    return this.listening.port;
  }

  async stop(): Promise<void> {
    for (const c of this.connections.values()) c.socket.terminate();
    this.wss.close();
    await this.listening?.close();
  }

  /** Open connections, for /dev/connections (local only). */
  list(): { connectionId: string; principalId: unknown; connectedAt: number }[] {
    return [...this.connections.values()].map((c) => ({ connectionId: c.connectionId, principalId: c.authorizer?.principalId, connectedAt: c.connectedAt }));
  }

  private get stagePath(): string {
    return `/${this.options.api.stage}`;
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== this.stagePath && url.pathname !== `${this.stagePath}/`) return rejectUpgrade(socket, 404);
    const info: ConnectionInfo = {
      connectionId: gatewayId(),
      connectedAt: Date.now(),
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      userAgent: req.headers['user-agent'] ?? '',
      domainName: req.headers.host ?? '127.0.0.1',
      stage: this.options.api.stage,
      apiId: this.options.api.logicalId.slice(0, 10).toLowerCase(),
    };
    const status = await this.admit(info, req, url.searchParams);
    if (typeof status === 'number') return rejectUpgrade(socket, status);
    if (socket.destroyed) return void this.disconnected(info, status, 1006, 'client went away during $connect');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, info, status));
  }

  /** Runs the authorizer and $connect; the authorizer context to keep, or the HTTP status to reject with. */
  private async admit(info: ConnectionInfo, req: IncomingMessage, search: URLSearchParams): Promise<Record<string, unknown> | undefined | number> {
    const connectRoute = this.routes.get('$connect');
    let authorizer: Record<string, unknown> | undefined;
    const spec = connectRoute?.authorizerId ? this.options.api.authorizers.find((a) => a.logicalId === connectRoute.authorizerId) : undefined;
    if (spec?.type === 'REQUEST') {
      const verdict = await this.options.invoke(spec.functionId, authorizerEvent(info, req.headers, search));
      if (!verdict.ok) return verdict.error.errorMessage === 'Unauthorized' ? 401 : 500;
      if (!policyAllows(verdict.result)) return 403;
      authorizer = authorizerContext(verdict.result);
    }
    if (connectRoute) {
      const result = await this.options.invoke(connectRoute.functionId, connectEvent(info, req.headers, search, authorizer));
      if (!result.ok) return 500;
      const statusCode = (result.result as { statusCode?: unknown } | null)?.statusCode;
      if (typeof statusCode === 'number' && (statusCode < 200 || statusCode > 299)) return statusCode;
    }
    return authorizer;
  }

  private accept(socket: WebSocket, info: ConnectionInfo, authorizer: Record<string, unknown> | undefined): void {
    const connection: Connection = {
      ...info,
      socket,
      authorizer,
      lastActiveAt: Date.now(),
      ageTimer: setTimeout(() => socket.close(GOING_AWAY, 'Going away'), this.options.maxAgeSeconds * 1000),
    };
    this.connections.set(info.connectionId, connection);
    this.touch(connection);
    socket.on('message', (data: RawData, isBinary: boolean) => this.onFrame(connection, data, isBinary));
    socket.on('error', (error) => this.options.log(`[gateway] connection ${info.connectionId}: ${error.message}`));
    socket.on('close', (code: number, reason: Buffer) => {
      clearTimeout(connection.ageTimer);
      clearTimeout(connection.idleTimer);
      this.connections.delete(info.connectionId);
      this.disconnected(info, authorizer, code, reason.toString());
    });
  }

  private touch(connection: Connection): void {
    connection.lastActiveAt = Date.now();
    clearTimeout(connection.idleTimer);
    connection.idleTimer = setTimeout(() => connection.socket.close(GOING_AWAY, 'Going away'), this.options.idleSeconds * 1000);
  }

  /** A frame: select the route and invoke it; frames of one connection may run concurrently, as on AWS. */
  private onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    this.touch(connection);
    this.counters.framesIn++;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    const body = isBinary ? bytes.toString('base64') : bytes.toString('utf8');
    const routeKey = isBinary ? '$default' : selectRoute(this.options.api.routeSelectionExpression, body, new Set(this.routes.keys()));
    const route = this.routes.get(routeKey);
    if (!route) return;
    const event = messageEvent(connection, routeKey, body, isBinary, connection.authorizer);
    void this.options.invoke(route.functionId, event).then((result) => {
      if (connection.socket.readyState !== connection.socket.OPEN) return;
      if (!result.ok) {
        const { connectionId } = connection;
        this.counters.framesOut++;
        connection.socket.send(JSON.stringify({ message: 'Internal server error', connectionId, requestId: event.requestContext.requestId }));
        return;
      }
      const reply = (result.result as { body?: unknown } | null)?.body;
      if (route.hasRouteResponse && typeof reply === 'string') {
        this.counters.framesOut++;
        if (Buffer.byteLength(reply) > POST_LIMIT) {
          // API Gateway cannot send a message over 128 KB: the integration's reply fails.
          this.options.log(`[gateway] ${routeKey} reply of ${Buffer.byteLength(reply)} bytes is over the 128 KB message limit; not sent`);
          connection.socket.send(JSON.stringify({ message: 'Internal server error', connectionId: connection.connectionId, requestId: event.requestContext.requestId }));
          return;
        }
        connection.socket.send(reply);
      }
    });
  }

  private disconnected(info: ConnectionInfo, authorizer: Record<string, unknown> | undefined, code: number, reason: string): void {
    const route = this.routes.get('$disconnect');
    if (route) void this.options.invoke(route.functionId, disconnectEvent(info, code, reason, authorizer));
  }

  /** The @connections management API. SigV4 signatures are not checked. */
  private async handleManagement(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const prefix = `${this.stagePath}/@connections/`;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith(prefix)) return sendJson(res, 404, { message: 'Not Found' });
    const connection = this.connections.get(decodeURIComponent(path.slice(prefix.length)));
    const body = await readBody(req, POST_LIMIT);
    const api = this.counters.connectionsApi;
    if (req.method === 'POST') api.post++;
    else if (req.method === 'GET') api.get++;
    else if (req.method === 'DELETE') api.delete++;
    if (!connection || connection.socket.readyState !== connection.socket.OPEN) {
      api.gone++;
      return sendJson(res, 410, { message: null }, { 'x-amzn-errortype': 'GoneException' });
    }
    switch (req.method) {
      case 'POST': {
        if (body === undefined) return sendJson(res, 413, { message: 'Request entity too large' }, { 'x-amzn-errortype': 'PayloadTooLargeException' });
        const { faults } = this.options;
        if (faults?.roll('connectionsPostFail')) return sendJson(res, 500, { message: 'Internal server error' });
        if (faults?.roll('connectionsPostStall')) await new Promise((r) => setTimeout(r, faults.stallMs()));
        // Dropped mid-delivery: the socket goes right after the frame, or instead of it (then 410, as it is gone).
        const drop = faults?.roll('dropWsMidDelivery') ? (faults.next() < 0.5 ? 'after' : 'instead') : undefined;
        if (drop === 'instead' || connection.socket.readyState !== connection.socket.OPEN) {
          connection.socket.terminate();
          api.gone++;
          return sendJson(res, 410, { message: null }, { 'x-amzn-errortype': 'GoneException' });
        }
        this.counters.framesOut++;
        connection.socket.send(body.toString('utf8'));
        if (drop === 'after') connection.socket.terminate();
        return sendJson(res, 200, undefined);
      }
      case 'GET':
        // The wire names are lower camel case; the SDK maps them to ConnectedAt, Identity, LastActiveAt.
        return sendJson(res, 200, {
          connectedAt: new Date(connection.connectedAt).toISOString(),
          identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
          lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
        });
      case 'DELETE':
        connection.socket.close(1000, '');
        res.writeHead(204).end();
        return;
      default:
        return sendJson(res, 405, { message: 'Method Not Allowed' });
    }
  }
}
