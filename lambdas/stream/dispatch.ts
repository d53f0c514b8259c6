import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { indexThrough } from '../adapters/search-indexing';
import { logger } from '../adapters/logger';
import { optionalVariable } from '../config/env';
import { BINDINGS } from '../config/settings';
import { APP_CONNECTION_PARTITION_PREFIX, FANOUT_SORT_KEYS, TABLE_KEYS } from '../model/keys';
import { appEventsOf } from './app-events';
import { pushRecords } from './push';

/*
 * The table's stream has two readers, as AWS advises for a DynamoDB stream's shards: the fan-out
 * (members' devices, lambdas/stream/fanout.ts) and this dispatcher, which hands each change to what
 * follows it outside the chat: pushes to offline devices, installed apps' events, and the search
 * index (through the indexer function, which lives in the index's VPC). The three parts run side by
 * side on the batch; each takes only its own records, and the batch reports the lowest record any
 * part failed, so the mapping retries from there (each part tolerates a replay: push by its markers,
 * apps by event_id as Slack's retries, the index by idempotent writes).
 */

export interface DispatchPart {
  name: string;
  /** Whether this part acts on the record (the mapping's filter is the union of the parts'). */
  takes: (record: DynamoDBRecord) => boolean;
  /** Records older than this (by their stream arrival) are left out: a push an hour late is noise. */
  maxAgeSeconds?: number;
  /** The position (in `records`) of the first record the part could not handle, or undefined; a throw counts as its first. */
  run: (records: DynamoDBRecord[]) => Promise<number | undefined>;
}

const sortKey = (r: DynamoDBRecord) => String(r.dynamodb?.Keys?.[TABLE_KEYS.sort]?.S ?? '');
const partitionKey = (r: DynamoDBRecord) => String(r.dynamodb?.Keys?.[TABLE_KEYS.partition]?.S ?? '');
const isMessage = (r: DynamoDBRecord) => sortKey(r).startsWith(FANOUT_SORT_KEYS.messagePrefix);

/** New messages (lib/dispatch.ts: the push pattern). */
export const takesForPush = (r: DynamoDBRecord) => r.eventName === 'INSERT' && isMessage(r);
/** Messages, memberships, and apps' new Socket Mode connections (`hello`). */
export const takesForApps = (r: DynamoDBRecord) =>
  isMessage(r) || sortKey(r).startsWith(FANOUT_SORT_KEYS.membershipPrefix) || (r.eventName === 'INSERT' && partitionKey(r).startsWith(APP_CONNECTION_PARTITION_PREFIX));
/** Every change of a message item. */
export const takesForSearch = isMessage;

/** The deployment's parts: push when it has a VAPID key bound, search when an indexer is, apps always. */
export function deployedParts(): DispatchPart[] {
  const parts: DispatchPart[] = [
    // Apps' events: Slack gives up on an event after its retries; ten minutes late is past them.
    { name: 'apps', takes: takesForApps, maxAgeSeconds: 10 * 60, run: async (records) => { await appEventsOf(records); return undefined; } },
  ];
  if (optionalVariable(BINDINGS.vapidPublicKey)) parts.push({ name: 'push', takes: takesForPush, maxAgeSeconds: 15 * 60, run: pushRecords });
  const indexer = optionalVariable(BINDINGS.searchIndexerFunction);
  if (indexer) parts.push({ name: 'search', takes: takesForSearch, run: (records) => indexThrough(indexer, records) });
  return parts;
}

/** The batch position of the lowest record any part failed, or undefined. */
export async function dispatch(records: DynamoDBRecord[], parts: DispatchPart[], nowSeconds = Date.now() / 1000): Promise<number | undefined> {
  const failures = await Promise.all(parts.map(async (part) => {
    const positions: number[] = [];
    records.forEach((record, position) => {
      const created = record.dynamodb?.ApproximateCreationDateTime;
      const tooOld = part.maxAgeSeconds !== undefined && created !== undefined && nowSeconds - created > part.maxAgeSeconds;
      if (part.takes(record) && !tooOld) positions.push(position);
    });
    if (positions.length === 0) return undefined;
    try {
      const failedAt = await part.run(positions.map((p) => records[p]));
      return failedAt === undefined ? undefined : positions[Math.min(Math.max(failedAt, 0), positions.length - 1)];
    } catch (error) {
      logger.error(`${part.name}: the batch failed; it will be retried`, { records: positions.length, error });
      return positions[0];
    }
  }));
  const failed = failures.filter((f): f is number => f !== undefined);
  return failed.length ? Math.min(...failed) : undefined;
}

const parts = deployedParts();

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const failedAt = await dispatch(event.Records, parts);
  if (failedAt === undefined) return { batchItemFailures: [] };
  return { batchItemFailures: [{ itemIdentifier: event.Records[failedAt].dynamodb?.SequenceNumber ?? '' }] };
};
