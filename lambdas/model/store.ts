import type { QueryCommandInput, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, BatchWriteCommand, QueryCommand, TransactWriteCommand, type DocumentClient } from './document-client';
import { jsonBytes } from '../core/budgets';
import { chunksOf, inParallel } from '../core/parallel';
import { TABLE_KEYS, TTL_ATTRIBUTE } from './keys';
import type { ChatService } from './service';

/*
 * Thin helpers over the document client for what ElectroDB does not make plain: multi-item
 * transactions with per-item outcomes, batch writes that finish their unprocessed items, and
 * key-range queries that stop at a count or a byte budget. Only the access modules of this folder
 * call them; keys always come from the entities (./entity-keys.ts).
 */

/** What the access modules work with: the entities' service, the document client and the table. */
export interface TableContext {
  service: ChatService;
  client: DocumentClient;
  table: string;
}

export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const nowSeconds = () => Math.floor(Date.now() / 1000);
/** TTL deletes lazily: an item past its expiry is treated as gone. */
export const isLive = (item: Item, now = nowSeconds()) => {
  const expires = item[TTL_ATTRIBUTE];
  return typeof expires !== 'number' || expires > now;
};

/** ElectroDB `.params()` output for a put, update, delete or condition check, as a transaction item. */
export function asTransactItem(kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck', params: object): TransactItem {
  return { [kind]: params } as TransactItem;
}

/** Thrown when a transaction is cancelled; `reasons[i]` is the code for item i ('None' when it was fine). */
export class TransactionCancelled extends Error {
  constructor(readonly reasons: string[]) {
    super(`transaction cancelled: ${reasons.join(',')}`);
  }
  failedAt(index: number): boolean {
    return this.reasons[index] === 'ConditionalCheckFailed';
  }
}

export async function transact(t: TableContext, items: TransactItem[]): Promise<void> {
  try {
    await t.client.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
    if ((error as Error).name === 'TransactionCanceledException' && reasons) {
      throw new TransactionCancelled(reasons.map((r) => r.Code ?? 'None'));
    }
    throw error;
  }
}

export const isConditionFailure = (error: unknown) => (error as Error)?.name === 'ConditionalCheckFailedException';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Chunks of a batch write in flight at once: a 1,000-member inbox fan-out is 40 chunks. */
const WRITE_CHUNKS_IN_FLIGHT = 8;

/** Writes puts and deletes 25 at a time (several chunks in parallel), retrying unprocessed items with backoff. */
export async function batchWrite(t: TableContext, puts: Item[], deletes: Key[] = []): Promise<void> {
  const requests = [
    ...puts.map((Item) => ({ PutRequest: { Item } })),
    ...deletes.map((Key) => ({ DeleteRequest: { Key } })),
  ];
  const chunks = chunksOf<Record<string, unknown>>(requests, 25);
  await inParallel(chunks, WRITE_CHUNKS_IN_FLIGHT, async (chunk) => {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('batch write did not complete');
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const out = await t.client.send(new BatchWriteCommand({ RequestItems: { [t.table]: pending as never } }));
      pending = (out.UnprocessedItems?.[t.table] as Array<Record<string, unknown>> | undefined) ?? [];
    }
  });
}

/** Reads items by key, 100 at a time, finishing unprocessed keys. Order is not kept. */
export async function batchGet(t: TableContext, keys: Key[], options: { consistent?: boolean } = {}): Promise<Item[]> {
  const out: Item[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Key[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('batch get did not complete');
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const res = await t.client.send(new BatchGetCommand({ RequestItems: { [t.table]: { Keys: pending, ConsistentRead: options.consistent } } }));
      out.push(...((res.Responses?.[t.table] as Item[] | undefined) ?? []));
      pending = (res.UnprocessedKeys?.[t.table]?.Keys as Key[] | undefined) ?? [];
    }
  }
  return out;
}

export interface RangeQuery {
  index?: string;
  partitionField?: string;
  sortField?: string;
  partition: string;
  /** Inclusive sort-key bounds. */
  from?: string;
  to?: string;
  prefix?: string;
  descending?: boolean;
  /** Stop once this many items passed `keep`. */
  limit: number;
  /** Also stop once the kept items' JSON passes this many bytes (the item that passes it is kept). */
  maxBytes?: number;
  keep?: (item: Item) => boolean;
  consistent?: boolean;
  filter?: Pick<QueryCommandInput, 'FilterExpression' | 'ExpressionAttributeValues' | 'ExpressionAttributeNames'>;
}

/** Queries one partition over a sort-key range, page after page, until `limit` items are kept. */
export async function queryRange(t: TableContext, q: RangeQuery): Promise<Item[]> {
  const pkName = q.partitionField ?? TABLE_KEYS.partition;
  const skName = q.sortField ?? TABLE_KEYS.sort;
  const names: Record<string, string> = { '#pk': pkName, ...(q.filter?.ExpressionAttributeNames ?? {}) };
  const values: Record<string, unknown> = { ':pk': q.partition, ...(q.filter?.ExpressionAttributeValues ?? {}) };
  let condition = '#pk = :pk';
  if (q.prefix !== undefined) {
    names['#sk'] = skName;
    values[':prefix'] = q.prefix;
    condition += ' AND begins_with(#sk, :prefix)';
  } else {
    // Empty strings are not valid key values, so an open end is left out of the condition.
    const from = q.from || undefined;
    const to = q.to || undefined;
    // DynamoDB refuses BETWEEN with its bounds the wrong way round (a 500); such a range holds nothing.
    // Bounds compare as DynamoDB compares strings: by their UTF-8 bytes.
    if (from !== undefined && to !== undefined && Buffer.compare(Buffer.from(from), Buffer.from(to)) > 0) return [];
    if (from !== undefined || to !== undefined) names['#sk'] = skName;
    if (from !== undefined) values[':from'] = from;
    if (to !== undefined) values[':to'] = to;
    if (from !== undefined && to !== undefined) condition += ' AND #sk BETWEEN :from AND :to';
    else if (from !== undefined) condition += ' AND #sk >= :from';
    else if (to !== undefined) condition += ' AND #sk <= :to';
  }
  const kept: Item[] = [];
  let bytes = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const res = await t.client.send(
      new QueryCommand({
        TableName: t.table,
        IndexName: q.index,
        KeyConditionExpression: condition,
        FilterExpression: q.filter?.FilterExpression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: !q.descending,
        ConsistentRead: q.index ? undefined : q.consistent,
        ExclusiveStartKey: startKey,
        Limit: Math.min(1000, q.limit + 1),
      }),
    );
    for (const item of (res.Items ?? []) as Item[]) {
      if (q.keep && !q.keep(item)) continue;
      kept.push(item);
      if (kept.length >= q.limit) return kept;
      if (q.maxBytes !== undefined && (bytes += jsonBytes(item)) > q.maxBytes) return kept;
    }
    startKey = res.LastEvaluatedKey;
  } while (startKey);
  return kept;
}

/** Raw items as their entity's typed items (`Entity.parse`: ElectroDB's own formatting, as a `get` returns them). */
export function entityItems<T>(items: Item[], parse: (Item: Item) => T | null): T[] {
  const out: T[] = [];
  for (const item of items) {
    const parsed = parse(item);
    if (parsed) out.push(parsed);
  }
  return out;
}
