import middy from '@middy/core';
import type { APIGatewayProxyWebsocketEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { AWS_LIMITS } from '../core/budgets';
import { ClientError, RateLimited } from '../core/errors';
import type { Caller } from '../core/caller';
import { logger } from '../adapters/logger';

/** What the $connect authorizer put in the request context, on every later route of the connection. */
export interface ConnectionContext {
  connectionId: string;
  caller: Caller;
  deviceId: string;
  /** Set on an app's Socket Mode connection (the authorizer found a ticket, not a user's token). */
  appId?: string;
}

export type Frame = Record<string, unknown>;
/** A reply frame, sent back on the same connection through the route response. */
export type Reply = Record<string, unknown> | undefined;

export type WsEvent = APIGatewayProxyWebsocketEventV2 & {
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & { authorizer?: Record<string, unknown> };
};

export function connectionContext(event: WsEvent): ConnectionContext {
  const auth = event.requestContext.authorizer ?? {};
  const str = (k: string) => (typeof auth[k] === 'string' ? (auth[k] as string) : '');
  const caller: Caller = { userId: str('userId'), teamId: str('teamId'), userName: str('userName') };
  if (str('realName')) caller.realName = str('realName');
  if (!caller.userId || !caller.teamId) throw new Error('connection has no authorizer context');
  const connectionId = event.requestContext.connectionId;
  return { connectionId, caller, deviceId: str('deviceId') || connectionId, ...(str('appId') ? { appId: str('appId') } : {}) };
}

/** The client's frame; null when it is not a JSON object. */
export function parseFrame(body: string | undefined): Frame | null {
  if (!body) return null;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Frame) : null;
  } catch {
    return null;
  }
}

/** The request id a client may attach (`id`), echoed as `reply_to`. */
function requestId(frame: Frame | null): string | number | undefined {
  const id = frame?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

function respond(reply: Reply): APIGatewayProxyResultV2 {
  if (reply === undefined) return { statusCode: 200 };
  const body = JSON.stringify(reply);
  // Routes budget their replies (core/budgets.ts); this is the last line before API Gateway would fail it.
  if (Buffer.byteLength(body) <= AWS_LIMITS.webSocketMessage) return { statusCode: 200, body };
  logger.error('reply over the WebSocket message limit; sent an error instead', { bytes: Buffer.byteLength(body), type: reply.type });
  return { statusCode: 200, body: JSON.stringify({ type: 'error', error: 'internal_error', ...(reply.reply_to !== undefined ? { reply_to: reply.reply_to } : {}) }) };
}

/**
 * Wraps a WebSocket route: parse the frame, call, map. Errors become an error frame on the same
 * connection, which stays open; internals are only logged.
 */
export function wsHandler(route: (frame: Frame, connection: ConnectionContext) => Promise<Reply>) {
  return middy<WsEvent, APIGatewayProxyResultV2>().handler(async (event) => {
    const frame = parseFrame(event.body);
    const replyTo = requestId(frame);
    const withReplyTo = (reply: Record<string, unknown>) => (replyTo === undefined ? reply : { ...reply, reply_to: replyTo });
    try {
      if (!frame) throw new ClientError('invalid_arguments', 'frame must be a JSON object');
      const reply = await route(frame, connectionContext(event));
      return respond(reply && withReplyTo(reply));
    } catch (error) {
      if (error instanceof RateLimited) {
        return respond(withReplyTo({ type: 'error', error: 'ratelimited', retry_after: error.retryAfterSeconds }));
      }
      if (error instanceof ClientError) {
        return respond(withReplyTo({ type: 'error', error: error.code, ...(error.detail ? { detail: error.detail } : {}) }));
      }
      logger.error('route failed', { route: event.requestContext.routeKey, error });
      return respond(withReplyTo({ type: 'error', error: 'internal_error' }));
    }
  });
}
