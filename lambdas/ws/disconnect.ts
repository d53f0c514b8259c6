import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { closeConnection } from '../core/connections';
import { connectionContext, type WsEvent } from '../edge/ws-edge';

/** $disconnect: ends the lease and the connection's subscriptions. API Gateway ignores the result. */
export const handler = middy<WsEvent, APIGatewayProxyResultV2>().handler(async (event) => {
  const { connectionId, caller } = connectionContext(event);
  await closeConnection(connectionId, caller.userId);
  return { statusCode: 200 };
});
