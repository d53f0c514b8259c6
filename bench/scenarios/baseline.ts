import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { ScanCommand } from '../../lambdas/model/document-client';
import { LOCAL_CREDENTIALS } from '../../local/storage/dynamodb/dynamodb-local';
import { pool } from '../client';
import type { Table } from '../seed';

/*
 * Scenario 3, the baseline: fan-out as the common serverless chat samples do it. Scan the table for
 * every connection item (a Scan reads, and is billed for, every item it passes, whatever the filter
 * keeps), keep those of the room's members, and post to each through @connections with as many
 * posts in flight as our fan-out (FANOUT_CONCURRENCY). It reads the same table through the same
 * capacity meter, under its own name, so its units are counted the same way.
 */

export const BASELINE_CALLER = 'baseline-scan';

export interface BaselineRun {
  scanned: number;
  connections: number;
  posted: number;
  pages: number;
}

export async function scanBroadcast(table: Table, callbackUrl: string, members: ReadonlySet<string>, data: string, concurrency = 128): Promise<BaselineRun> {
  const found: { connectionId: string; userId: string }[] = [];
  let scanned = 0;
  let pages = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(new ScanCommand({
      TableName: table.name,
      FilterExpression: 'begins_with(pk, :conn) AND sk = :conn_sk',
      ExpressionAttributeValues: { ':conn': 'CONN#', ':conn_sk': 'CONN' },
      ExclusiveStartKey: start,
    }));
    pages++;
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) found.push({ connectionId: String(item.connectionId), userId: String(item.userId) });
    start = page.LastEvaluatedKey;
  } while (start);
  const room = found.filter((c) => members.has(c.userId));
  const agent = { keepAlive: true, maxSockets: concurrency };
  const client = new ApiGatewayManagementApiClient({ endpoint: callbackUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, requestHandler: { httpAgent: agent, httpsAgent: agent } });
  const body = Buffer.from(data);
  let posted = 0;
  await pool(room, concurrency, async (c) => {
    try {
      await client.send(new PostToConnectionCommand({ ConnectionId: c.connectionId, Data: body }));
      posted++;
    } catch {
      // a gone connection: the samples delete it; nothing to do here
    }
  });
  client.destroy();
  return { scanned, connections: found.length, posted, pages };
}
