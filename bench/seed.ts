import { BatchWriteCommand, documentClient, UpdateCommand, type DocumentClient } from '../lambdas/model/document-client';
import { createChatService, type ChatService } from '../lambdas/model/service';
import { LOCAL_CREDENTIALS } from '../local/storage/dynamodb/dynamodb-local';
import { chunksOf } from '../lambdas/core/parallel';
import { pool } from './client';

/*
 * Direct table access for set-up that is not being measured (straight to DynamoDB Local, past the
 * meter), with the model's own entities so items have exactly the shapes the handlers write.
 */

export interface Table {
  doc: DocumentClient;
  db: ChatService;
  name: string;
}

export function openTable(endpoint: string, name: string, appId?: string): Table {
  const doc = documentClient({ service: 'dynamodb', url: endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, appId });
  return { doc, db: createChatService(doc, name), name };
}

export async function putAll(table: Table, items: Record<string, unknown>[]): Promise<void> {
  await pool(chunksOf(items, 25), 8, async (batch) => {
    let pending: { PutRequest: { Item: Record<string, unknown> } }[] = batch.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length) {
      const r = await table.doc.send(new BatchWriteCommand({ RequestItems: { [table.name]: pending } }));
      pending = (r.UnprocessedItems?.[table.name] ?? []) as typeof pending;
    }
  });
}

/**
 * Members added straight to a channel. So that seeding N members does not fan N joins out to up to
 * N members' inboxes (N² writes of set-up), the channel counts as hot while they land; the caller
 * waits for the stream to drain and then sets the true count with `setMemberCount`.
 */
export async function addMembers(table: Table, channelId: string, teamId: string, userIds: string[]): Promise<void> {
  await setMemberCount(table, channelId, 1_000_000_000);
  const items = userIds.map((userId) => (table.db.entities.membership.put({ channelId, userId, teamId, kind: 'public' }).params() as { Item: Record<string, unknown> }).Item);
  await putAll(table, items);
}

export async function setMemberCount(table: Table, channelId: string, count: number): Promise<void> {
  await table.doc.send(new UpdateCommand({ TableName: table.name, Key: { pk: `CH#${channelId}`, sk: 'META' }, UpdateExpression: 'SET memberCount = :n', ExpressionAttributeValues: { ':n': count } }));
}
