import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { changeOf } from './stream-change';
import { deliverChange, FanoutContext } from '../core/fanout';
import { inParallel } from '../core/parallel';
import { isPermanentFailure, setAsideStreamRecord } from '../adapters/dead-letters';
import { logger } from '../adapters/logger';
import { sharesThrough } from '../adapters/delivery-shares';
import { numberSetting, optionalVariable } from '../config/env';
import { BINDINGS } from '../config/settings';
import { deliverInShares } from '../core/ports';

// A big room's delivery goes in shares, each posted by an invocation of the deliver function (the stack always binds one).
const deliverFunction = optionalVariable(BINDINGS.deliverFunction);
if (deliverFunction) deliverInShares(sharesThrough(deliverFunction, numberSetting('deliveryShareSize')));

/** Channels fanned out at once; each channel's records go one after another, in stream order. */
const CHANNEL_CONCURRENCY = 8;

/**
 * The table's stream → members' devices. Records are grouped by partition (one channel), each
 * group delivered in order; a group that fails stops there and reports that record, unless the
 * failure is one no retry can mend: that record is set aside (dead-letter queue) and the group goes on. Lambda resumes
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
  let setAsideCount = 0;
  await inParallel([...groups.values()], CHANNEL_CONCURRENCY, async (records) => {
    for (const record of records) {
      try {
        await deliverChange(changeOf(record), ctx);
      } catch (error) {
        if (isPermanentFailure(error) && (await setAsideStreamRecord(record, error, 'fan-out'))) {
          setAsideCount++;
          continue;
        }
        logger.error('fan-out failed; the record will be retried', { eventId: record.eventID, error });
        failures.push(record.dynamodb?.SequenceNumber ?? '');
        return;
      }
    }
  });
  logger.info('fan-out batch', { records: event.Records.length, ...ctx.stats, failed: failures.length, setAside: setAsideCount });
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};
