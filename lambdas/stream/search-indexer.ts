import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { changeOf } from './stream-change';
import { indexChangeFor } from '../search/documents';
import { searchIndex } from '../search/index-file';
import type { IndexChange, SearchIndex } from '../search/search-index';
import { logger } from '../adapters/logger';

/** A fault in our own code on this record's content: no retry mends it. */
const isOwnBug = (error: unknown) => error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError;

/**
 * The table's stream (message items only, by the event source's filter) → the search index, off the
 * send path. A batch is applied at once (one transaction in SQLite; bounded `_bulk` requests in
 * OpenSearch, whose changes are idempotent, so a retried batch re-applies safely); if that fails,
 * record by record, so the records before a failing one stay applied and the failing one is reported: Lambda retries from it (bisecting,
 * then the dead-letter queue), the same discipline as the fan-out. A record whose image our code cannot
 * read is logged with its keys and skipped: the index is a copy of the table and can be rebuilt, and
 * sending it aside would need an SQS endpoint in the index's VPC (README: Search).
 */
export async function indexRecords(index: SearchIndex, event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const prepared: Array<{ record: DynamoDBRecord; change?: IndexChange }> = [];
  let skipped = 0;
  for (const record of event.Records) {
    try {
      prepared.push({ record, change: indexChangeFor(changeOf(record)) });
    } catch (error) {
      if (!isOwnBug(error)) throw error;
      skipped++;
      logger.error('search index: record skipped, its image could not be read', { eventId: record.eventID, keys: record.dynamodb?.Keys, error });
    }
  }
  const changes = prepared.flatMap((p) => (p.change ? [p.change] : []));
  try {
    await index.apply(changes);
  } catch (batchError) {
    logger.warn('search index: batch failed, applying record by record', { error: batchError });
    for (const { record, change } of prepared) {
      if (!change) continue;
      try {
        await index.apply([change]);
      } catch (error) {
        if (isOwnBug(error)) {
          skipped++;
          logger.error('search index: record skipped, the index refused its values', { eventId: record.eventID, keys: record.dynamodb?.Keys, error });
          continue;
        }
        logger.error('search index: record failed; it will be retried', { eventId: record.eventID, error });
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
  }
  logger.info('search index batch', { records: event.Records.length, applied: changes.length, skipped });
  return { batchItemFailures: [] };
}

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => indexRecords(searchIndex(), event);
