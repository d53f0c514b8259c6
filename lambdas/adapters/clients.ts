import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { PostToConnection } from '../core/delivery';
import { createChatTable, type ChatTable } from '../model/table';
import { binding } from '../config/env';

/*
 * AWS clients, created once per process and reused across invocations. Endpoints come from the
 * SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB and friends), which is how the local cloud points
 * the same bundles at its local services.
 */

let documentClient: DynamoDBDocumentClient | undefined;
let table: ChatTable | undefined;
let connectionsClient: ApiGatewayManagementApiClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function tableName(): string {
  return binding('table');
}

/** The table's access patterns (lambdas/model/table.ts) over this process's document client. */
export function chatTable(): ChatTable {
  table ??= createChatTable(dynamo(), tableName());
  return table;
}

/**
 * The @connections client for this deployment's WebSocket API (WS_CALLBACK_URL: https://{api}/{stage}).
 * Keep-alive sockets (the SDK's default agent) with `maxSockets` of them per endpoint (default 50, the
 * SDK's): a caller that keeps more posts in flight passes its own number (the first call decides).
 */
function connections(opts: { maxSockets?: number } = {}): ApiGatewayManagementApiClient {
  const agent = { keepAlive: true, maxSockets: opts.maxSockets ?? 50 };
  connectionsClient ??= new ApiGatewayManagementApiClient({
    endpoint: binding('connectionsEndpoint'),
    requestHandler: { httpAgent: agent, httpsAgent: agent },
  });
  return connectionsClient;
}

/** Posts to one connection through @connections: 'gone' for API Gateway's 410, any other failure thrown. */
export function postToConnection(maxSockets: number): PostToConnection {
  const client = connections({ maxSockets });
  return async (connectionId, data) => {
    try {
      await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
      return 'sent';
    } catch (error) {
      if ((error as Error).name === 'GoneException') return 'gone';
      throw error;
    }
  };
}
