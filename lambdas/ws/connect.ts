import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { openConnection } from '../core/connections';
import { ClientError } from '../core/errors';
import { logger } from '../adapters/logger';
import { connectionContext, type WsEvent } from '../edge/ws-edge';

/** $connect (after the authorizer): records the connection's lease; a non-2xx refuses the handshake. */
export const handler = middy<WsEvent, APIGatewayProxyResultV2>().handler(async (event) => {
  try {
    await openConnection(connectionContext(event));
    return { statusCode: 200 };
  } catch (error) {
    if (error instanceof ClientError && error.code === 'too_many_connections') return { statusCode: 429 };
    logger.error('connect failed', { error });
    return { statusCode: 500 };
  }
});
