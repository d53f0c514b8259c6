import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { InvokeResult } from '../../functions/protocol';
import type { HttpApiSpec } from '../../template';
import { corsHeaders, httpEvent, mapResult, matchRoute, preflight } from './http-events';
import { httpJwtRefusal } from './http-jwt-claims';
import { listen, readBody, type Listening } from '../../net';

/*
 * API Gateway's HTTP API: routes from the template, the JWT authorizer (signature and issuer
 * verified with aws-jwt-verify against the local issuer, then API Gateway's own claim rules from
 * http-jwt-claims.ts), payload format 2.0 events, CORS, and API Gateway's own error answers.
 * Local-only endpoints (/dev/...) are handed to `devEndpoints` first.
 */

export interface HttpGatewayOptions {
  api: HttpApiSpec;
  invoke: (functionId: string, event: unknown) => Promise<InvokeResult>;
  port: number;
  /** The local issuer that stands in for the template's JWT authorizer configuration. */
  jwt: { issuer: string; audience: string; jwks: Jwks };
  /** Answers a local-only request and returns true, or returns false to let the API handle it. */
  devEndpoints: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  log: (line: string) => void;
}

/** HTTP APIs refuse payloads over 10 MB. */
const BODY_LIMIT = 10 * 1024 * 1024;

export class HttpGateway {
  private readonly server: Server;
  private readonly verifier;
  private listening?: Listening;

  constructor(private readonly options: HttpGatewayOptions) {
    const audiences = [options.jwt.audience];
    // audience null: API Gateway matches aud, or client_id when aud is absent, which aws-jwt-verify cannot express.
    this.verifier = JwtVerifier.create({
      issuer: options.jwt.issuer,
      audience: null,
      customJwtCheck: ({ payload }) => {
        const refusal = httpJwtRefusal(payload, audiences);
        if (refusal) throw new Error(refusal);
      },
    });
    this.verifier.cacheJwks(options.jwt.jwks);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => {
        // The path only: a query string may carry a token (Slack clients send ?token=).
        options.log(`[gateway] ${req.method} ${(req.url ?? '/').split('?')[0]}: ${error.stack ?? error.message}`);
        if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
      });
    });
  }

  async start(): Promise<number> {
    this.listening = await listen(this.server, this.options.port);
    return this.listening.port;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const { cors } = this.options.api;
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;

    const preflightHeaders = preflight(cors, method, req.headers);
    if (preflightHeaders) return void res.writeHead(204, preflightHeaders).end();
    if (await this.options.devEndpoints(req, res, url)) return;

    const match = matchRoute(this.options.api.routes, method, url.pathname);
    const withCors = corsHeaders(cors, origin);
    if (!match) return send(res, 404, { message: 'Not Found' }, withCors);

    let claims: Record<string, unknown> | undefined;
    if (match.route.authorizationType === 'JWT') {
      claims = await this.verify(req.headers.authorization);
      if (!claims) return send(res, 401, { message: 'Unauthorized' }, { ...withCors, 'www-authenticate': 'Bearer' });
    }
    const body = await readBody(req, BODY_LIMIT);
    if (body === undefined) return send(res, 413, { message: 'Request Entity Too Large' }, withCors);

    const event = httpEvent(
      { method, url, headers: req.headers, httpVersion: req.httpVersion, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', body, apiId: this.options.api.logicalId.slice(0, 10).toLowerCase() },
      match,
      claims,
    );
    const result = await this.options.invoke(match.route.functionId, event);
    if (!result.ok) {
      // Lambda refuses an event over its 6 MB payload; API Gateway answers 413.
      if (result.error.errorType === 'RequestTooLargeException') return send(res, 413, { message: 'Request Entity Too Large' }, withCors);
      const timedOut = result.error.errorType === 'Sandbox.Timedout';
      return send(res, timedOut ? 503 : 500, { message: timedOut ? 'Service Unavailable' : 'Internal Server Error' }, withCors);
    }
    const response = mapResult(result.result);
    res.writeHead(response.statusCode, { ...response.headers, ...withCors }).end(response.body);
  }

  private async verify(authorization: string | undefined): Promise<Record<string, unknown> | undefined> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      return (await this.verifier.verify(token)) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
