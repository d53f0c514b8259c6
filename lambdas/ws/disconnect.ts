import middy from '@middy/core';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { closeConnection } from '../core/connections';
import { closeAppConnection } from '../core/apps';
import { connectionContext, type WsEvent } from '../edge/ws-edge';

/** $disconnect: ends the lease and the connection's subscriptions. API Gateway ignores the result. */
export const handler = middy<WsEvent, APIGatewayProxyResultV2>().handler(async (event) => {
  const { connectionId, caller, appId } = connectionContext(event);
  if (appId) {
    await closeAppConnection(appId, connectionId);
    return { statusCode: 200 };
  }
  await closeConnection(connectionId, caller.userId);
  return { statusCode: 200 };
});
