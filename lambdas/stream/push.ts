import type { DynamoDBRecord } from 'aws-lambda';
import { changeOf } from './stream-change';
import { emptyPushStats, pushForChange, PushRetry, type PushContext, type PushSender } from '../core/push';
import { inParallel } from '../core/parallel';
import { numberSetting, optionalVariable } from '../config/env';
import { MOBILE_PUSH_APPLICATION_ARN } from '../config/settings';
import { sendWebPush } from '../adapters/web-push';
import { sendMobilePush } from '../adapters/sns-push';
import { isPermanentFailure, setAsideStreamRecord } from '../adapters/dead-letters';
import { logger } from '../adapters/logger';

/** Messages handled at once; each fans out to its recipients' devices under the push concurrency. */
const MESSAGE_CONCURRENCY = 4;

let context: PushContext | undefined;

/** Read at the first push batch, not at load: the dispatcher of a deployment without push never reads push settings. */
function pushContext(): PushContext {
  if (context) return context;
  const timeoutMs = numberSetting('pushTimeoutMs');
  const mobileApplication = optionalVariable(MOBILE_PUSH_APPLICATION_ARN);
  const send: PushSender = async (subscription, notification, options) => {
    if (subscription.kind === 'webpush') return sendWebPush(subscription, notification, { ...options, timeoutMs });
    // A phone's subscription while mobile push is off (the opt-in removed): nothing to send it with.
    if (!mobileApplication) return 'failed';
    return sendMobilePush(mobileApplication, subscription.endpoint, notification, options.ttlSeconds);
  };
  context = { send, ttlSeconds: numberSetting('pushTtlSeconds'), concurrency: numberSetting('pushConcurrency') };
  return context;
}

/**
 * New messages → pushes to offline devices (the dispatcher's push part, lambdas/stream/dispatch.ts).
 * Order does not matter for pushes, so records run side by side. Returns the position of the lowest
 * record that failed (the mapping retries from it, bisecting, then the dead-letter queue); the records
 * after it that had pushed are skipped on the retry by their markers.
 */
export async function pushRecords(records: DynamoDBRecord[]): Promise<number | undefined> {
  const ctx = pushContext();
  const stats = emptyPushStats();
  const failed = new Set<number>();
  let setAsideCount = 0;
  await inParallel(records.map((record, index) => ({ record, index })), MESSAGE_CONCURRENCY, async ({ record, index }) => {
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
  logger.info('push batch', { records: records.length, ...stats, failed: failed.size, setAside: setAsideCount });
  return failed.size === 0 ? undefined : Math.min(...failed);
}
