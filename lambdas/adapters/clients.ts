import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { createChatService, type ChatService } from '../model/service';
import { binding } from '../config/env';

/*
 * AWS clients, created once per process and reused across invocations. Endpoints come from the
 * SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB and friends), which is how the local cloud points
 * the same bundles at its local services.
 */

let documentClient: DynamoDBDocumentClient | undefined;
let chatService: ChatService | undefined;
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

export function db(): ChatService {
  chatService ??= createChatService(dynamo(), tableName());
  return chatService;
}

/**
 * The @connections client for this deployment's WebSocket API (WS_CALLBACK_URL: https://{api}/{stage}).
 * Keep-alive sockets (the SDK's default agent) with `maxSockets` of them per endpoint (default 50, the
 * SDK's): a caller that keeps more posts in flight passes its own number (the first call decides).
 */
export function connections(opts: { maxSockets?: number } = {}): ApiGatewayManagementApiClient {
  const agent = { keepAlive: true, maxSockets: opts.maxSockets ?? 50 };
  connectionsClient ??= new ApiGatewayManagementApiClient({
    endpoint: binding('connectionsEndpoint'),
    requestHandler: { httpAgent: agent, httpsAgent: agent },
  });
  return connectionsClient;
}
