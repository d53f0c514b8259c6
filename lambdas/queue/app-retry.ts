import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AppRetry } from '../adapters/app-retries';
import { logger } from '../adapters/logger';
import { AppEventsContext, tryOverHttp } from '../core/app-events';
import { table } from '../core/ports';

/*
 * The Events API's later tries (the retry queue's event source): each message one delivery, tried
 * once with Slack's retry headers; a failure queues the next (lambdas/core/app-events.ts). The app
 * is read again first: one removed, moved to Socket Mode, without a URL or with its delivery
 * disabled gets nothing. A message whose handling failed (the table unreachable) is reported and
 * comes back after the queue's visibility timeout.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const ctx = new AppEventsContext();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const retry = JSON.parse(record.body) as AppRetry;
      const app = await table().apps.get(retry.teamId, retry.appId);
      if (!app || app.socketMode || !app.requestUrl) continue;
      if (app.eventsDisabledAt !== undefined) {
        ctx.stats.skippedDisabled++;
        logger.info('retry not sent: the app\'s event delivery is disabled', { appId: app.appId });
        continue;
      }
      await tryOverHttp({ app, payload: retry.payload }, ctx, { retryNum: retry.retryNum, reason: retry.reason });
    } catch (error) {
      logger.error('app retry failed; it comes back after the visibility timeout', { messageId: record.messageId, error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  await ctx.tally.flush();
  logger.info('app retries batch', { records: event.Records.length, ...ctx.stats });
  return { batchItemFailures };
};
