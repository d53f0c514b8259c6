import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Change } from '../core/events';
import { deliverChange, FanoutContext } from '../core/fanout';
import { inParallel } from '../core/parallel';
import type { Item } from '../core/store';
import { logger } from '../shared/logger';

/** Channels fanned out at once; each channel's records go one after another, in stream order. */
const CHANNEL_CONCURRENCY = 8;

const image = (raw: unknown): Item | undefined =>
  raw ? (unmarshall(raw as Record<string, AttributeValue>, { wrapNumbers: false }) as Item) : undefined;

function toChange(record: DynamoDBRecord): Change {
  return {
    id: record.eventID ?? record.dynamodb?.SequenceNumber ?? '',
    kind: (record.eventName ?? 'MODIFY') as Change['kind'],
    oldItem: image(record.dynamodb?.OldImage),
    newItem: image(record.dynamodb?.NewImage),
  };
}

/**
 * The table's stream → members' devices. Records are grouped by partition (one channel), each
 * group delivered in order; a group that fails stops there and reports that record. Lambda resumes
 * the shard from the lowest reported record, so the records before it are never delivered again;
 * other channels' records after it are, and keep their event_ids (clients drop the repeats).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const groups = new Map<string, DynamoDBRecord[]>();
  for (const record of event.Records) {
    const partition = String(record.dynamodb?.Keys?.pk?.S ?? '');
    groups.set(partition, [...(groups.get(partition) ?? []), record]);
  }
  const ctx = new FanoutContext();
  const failures: string[] = [];
  await inParallel([...groups.values()], CHANNEL_CONCURRENCY, async (records) => {
    for (const record of records) {
      try {
        await deliverChange(toChange(record), ctx);
      } catch (error) {
        logger.error('fan-out failed; the record will be retried', { eventId: record.eventID, error });
        failures.push(record.dynamodb?.SequenceNumber ?? '');
        return;
      }
    }
  });
  logger.info('fan-out batch', { records: event.Records.length, ...ctx.stats, failed: failures.length });
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};
