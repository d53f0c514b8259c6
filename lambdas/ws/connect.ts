import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { openConnection } from '../core/connections';
import { openAppConnection } from '../core/apps';
import { numberSetting } from '../config/env';
import { ClientError } from '../core/errors';
import { logger } from '../adapters/logger';
import { connectionContext, type WsEvent } from '../edge/ws-edge';

const MAX_AGE_SECONDS = numberSetting('maxConnectionSeconds');

/** $connect (after the authorizer): records the connection's lease; a non-2xx refuses the handshake. */
export const handler = middy<WsEvent, APIGatewayProxyResultV2>().handler(async (event) => {
  try {
    const connection = connectionContext(event);
    if (connection.appId) {
      const ticket = (event as WsEvent & { queryStringParameters?: Record<string, string | undefined> }).queryStringParameters?.token ?? '';
      const opened = await openAppConnection({
        connectionId: connection.connectionId, appId: connection.appId, teamId: connection.caller.teamId, ticket, maxAgeSeconds: MAX_AGE_SECONDS,
      });
      return { statusCode: opened ? 200 : 401 };
    }
    await openConnection(connection);
    return { statusCode: 200 };
  } catch (error) {
    if (error instanceof ClientError && error.code === 'too_many_connections') return { statusCode: 429 };
    logger.error('connect failed', { error });
    return { statusCode: 500 };
  }
});
