import type { DynamoDBRecord } from 'aws-lambda';
import { changeOf } from './stream-change';
import { appDeliveriesFor, AppEventsContext, deliverToApps, helloFor, type AppDelivery } from '../core/app-events';
import { logger } from '../adapters/logger';

/**
 * Changes → installed apps (the dispatcher's apps part, lambdas/stream/dispatch.ts): `hello` for new
 * Socket Mode connections, then the batch's events, in order. A failure fails the whole part (the
 * mapping retries the batch; apps drop repeated event_ids, as with Slack's own retries). The Events
 * API's later tries wait on an SQS queue, not in the batch.
 */
export async function appEventsOf(records: DynamoDBRecord[]): Promise<void> {
  const ctx = new AppEventsContext();
  const deliveries: AppDelivery[] = [];
  for (const record of records) {
    const change = changeOf(record);
    if (await helloFor(change, ctx)) continue;
    deliveries.push(...(await appDeliveriesFor(change, ctx)));
  }
  await deliverToApps(deliveries, ctx);
  logger.info('app events batch', { records: records.length, ...ctx.stats });
}
