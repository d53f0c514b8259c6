import { binding, numberSetting } from '../config/env';
import type { FailureReason } from './app-http';
import { sendQueueMessage } from './aws-services';

/*
 * The Events API's later tries as SQS messages with a delay (DelaySeconds, at most 900), consumed
 * by lambdas/queue/app-retry.ts: the dispatcher's apps part hands a failed delivery over and moves on.
 * A message holds the app's coordinates and the event_callback payload, never the signing secret
 * (the retry reads the app again and signs then, so a rotated URL or a disabled app is honoured).
 */

/** One delivery awaiting its next try. */
export interface AppRetry {
  teamId: string;
  appId: string;
  /** The try this message is for: 1..APP_RETRY_ATTEMPTS (`X-Slack-Retry-Num`). */
  retryNum: number;
  reason: FailureReason;
  payload: Record<string, unknown>;
}

/** Slack's three retries after the first try. */
export const APP_RETRY_ATTEMPTS = 3;

/** SQS's largest message (since August 2025; 256 KiB before): a larger delivery gets no later try. */
export const RETRY_MESSAGE_MAX_BYTES = 1024 * 1024;

/** The delay before retry `retryNum` (1-based), from the settings. */
export function retryDelaySeconds(retryNum: number): number {
  if (retryNum <= 1) return numberSetting('appRetry1DelaySeconds');
  if (retryNum === 2) return numberSetting('appRetry2DelaySeconds');
  return numberSetting('appRetry3DelaySeconds');
}

/** Queues retry `r.retryNum` after its delay; false (nothing sent) past the last retry or SQS's message size. */
export async function scheduleAppRetry(r: AppRetry): Promise<boolean> {
  if (r.retryNum > APP_RETRY_ATTEMPTS) return false;
  const body = JSON.stringify(r);
  if (Buffer.byteLength(body) > RETRY_MESSAGE_MAX_BYTES) return false;
  await sendQueueMessage(binding('appRetryQueueUrl'), body, retryDelaySeconds(r.retryNum));
  return true;
}
