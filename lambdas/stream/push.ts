import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { changeOf } from './stream-change';
import { emptyPushStats, pushForChange, PushRetry, type PushContext, type PushSender } from '../core/push';
import { inParallel } from '../core/parallel';
import { numberSetting, optionalVariable } from '../config/env';
import { MOBILE_PUSH_APPLICATION_ARN } from '../config/settings';
import { sendWebPush } from '../adapters/web-push';
import { sendMobilePush } from '../adapters/sns-push';
import { isPermanentFailure, setAsideStreamRecord } from '../adapters/dead-letters';
import { logger } from '../adapters/logger';

const TIMEOUT_MS = numberSetting('pushTimeoutMs');
const TTL_SECONDS = numberSetting('pushTtlSeconds');
const CONCURRENCY = numberSetting('pushConcurrency');
/** Messages handled at once; each fans out to its recipients' devices under CONCURRENCY. */
const MESSAGE_CONCURRENCY = 4;

const MOBILE_APPLICATION = optionalVariable(MOBILE_PUSH_APPLICATION_ARN);

const send: PushSender = async (subscription, notification, options) => {
  if (subscription.kind === 'webpush') return sendWebPush(subscription, notification, { ...options, timeoutMs: TIMEOUT_MS });
  // A phone's subscription while mobile push is off (the opt-in removed): nothing to send it with.
  if (!MOBILE_APPLICATION) return 'failed';
  return sendMobilePush(MOBILE_APPLICATION, subscription.endpoint, notification, options.ttlSeconds);
};

const ctx: PushContext = { send, ttlSeconds: TTL_SECONDS, concurrency: CONCURRENCY };

/**
 * The table's stream (new messages only, by the event source's filter) → pushes to offline devices.
 * Its own consumer, apart from the fan-out: a slow or failing push service, and its retries, never
 * hold up live delivery. Order does not matter for pushes, so records run side by side; the lowest
 * failing record is reported (Lambda retries from it, bisecting, then the dead-letter queue), and the
 * records after it that had pushed are skipped on the retry by their markers.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const stats = emptyPushStats();
  const failed = new Set<number>();
  let setAsideCount = 0;
  await inParallel(event.Records.map((record, index) => ({ record, index })), MESSAGE_CONCURRENCY, async ({ record, index }) => {
    try {
      await pushForChange(changeOf(record), ctx, stats);
    } catch (error) {
      if (!(error instanceof PushRetry) && isPermanentFailure(error) && (await setAsideStreamRecord(record, error, 'push'))) {
        setAsideCount++;
        return;
      }
      logger.warn('push record failed; it will be retried', { eventId: record.eventID, error });
      failed.add(index);
    }
  });
  logger.info('push batch', { records: event.Records.length, ...stats, failed: failed.size, setAside: setAsideCount });
  if (failed.size === 0) return { batchItemFailures: [] };
  const first = event.Records[Math.min(...failed)];
  return { batchItemFailures: [{ itemIdentifier: first.dynamodb?.SequenceNumber ?? '' }] };
};
