import type { PostToConnection } from '../core/delivery';
import { documentClient as createDocumentClient, type DocumentClient } from '../model/document-client';
import { createChatTable, type ChatTable } from '../model/table';
import { binding } from '../config/env';
import { awsRegion } from './aws-request';
import { connectionsPoster } from './connections-api';

/*
 * AWS clients, created once per process and reused across invocations. Endpoints come from the
 * SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB and friends), which is how the local cloud points
 * the same bundles at its local services.
 */

let documentClient: DocumentClient | undefined;
let table: ChatTable | undefined;

export function dynamo(): DocumentClient {
  documentClient ??= createDocumentClient();
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
 * Posts to one connection of this deployment's WebSocket API (WS_CALLBACK_URL: https://{api}/{stage}):
 * 'gone' for API Gateway's 410, any other failure thrown. `maxSockets` keep-alive sockets (default
 * 50): a caller that keeps more posts in flight passes its own number.
 */
export function postToConnection(maxSockets = 50): PostToConnection {
  return connectionsPoster(binding('connectionsEndpoint'), awsRegion(), maxSockets);
}
