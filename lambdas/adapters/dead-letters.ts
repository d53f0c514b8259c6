import type { DynamoDBRecord } from 'aws-lambda';
import { sendQueueMessage } from './aws-services';
import { logger } from './logger';
import { binding } from '../config/env';

/*
 * Records that can never be delivered are set aside at once: sent to the consumer's dead-letter
 * queue (the same queue the event source's on-failure destination uses) and acknowledged, so that
 * they do not hold up every later record of the shard (every other workspace's messages) through
 * ten retries. Only the record's coordinates and the reason go, never its images (message text).
 */

export interface SetAsideRecord {
  eventID: string;
  sequenceNumber: string;
  eventSourceARN: string;
  keys: Record<string, unknown>;
  error: { name: string; message: string };
}

export async function setAside(record: SetAsideRecord): Promise<void> {
  const body = { condition: 'SetAsideByFunction', timestamp: new Date().toISOString(), ...record };
  await sendQueueMessage(binding('deadLetterQueueUrl'), JSON.stringify(body));
}

const DETERMINISTIC_JS_ERRORS = [TypeError, RangeError, SyntaxError];

/**
 * A failure no retry can mend: DynamoDB refusing the item as written (ValidationException: over
 * 400 KB, a key too long, a bad type), the entity schema refusing an item or a key (ItemShapeError,
 * a TypeError), or our own code failing on this record's content. Throttling, timeouts and 5xx are
 * not: they pass.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (DETERMINISTIC_JS_ERRORS.some((type) => error instanceof type)) return true;
  return (error as { name?: string } | undefined)?.name === 'ValidationException';
}

/** The failure as the log and the queue name it. */
export function describeFailure(error: unknown): { name: string; message: string } {
  const name = (error as { name?: string } | undefined)?.name;
  return { name: name ?? 'Error', message: String((error as Error)?.message ?? error).slice(0, 500) };
}

/**
 * A stream record that can never be handled, set aside by the consumer (`fan-out`, `push`): false
 * when the queue refused it too, and then the record is retried as any failure is.
 */
export async function setAsideStreamRecord(record: DynamoDBRecord, error: unknown, consumer: string): Promise<boolean> {
  const reason = describeFailure(error);
  try {
    await setAside({
      eventID: record.eventID ?? '',
      sequenceNumber: record.dynamodb?.SequenceNumber ?? '',
      eventSourceARN: record.eventSourceARN ?? '',
      keys: (record.dynamodb?.Keys ?? {}) as Record<string, unknown>,
      error: reason,
    });
  } catch (queueError) {
    logger.error(`${consumer}: could not set a record aside; it will be retried`, { eventId: record.eventID, error: queueError });
    return false;
  }
  logger.error(`${consumer} record set aside: it can never be handled (sent to the dead-letter queue)`, { eventId: record.eventID, keys: record.dynamodb?.Keys, error: reason });
  return true;
}
