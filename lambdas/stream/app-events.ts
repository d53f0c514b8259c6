import type { DynamoDBStreamEvent } from 'aws-lambda';
import { changeOf } from './stream-change';
import { appDeliveriesFor, AppEventsContext, deliverToApps, helloFor, type AppDelivery } from '../core/app-events';
import { logger } from '../adapters/logger';

/**
 * The table's stream → installed apps (its own event source mapping, apart from the users'
 * fan-out: an app that is slow, down or never acknowledges holds up only this consumer, never a
 * person's delivery). `hello` for new Socket Mode connections, then the batch's events, in order.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
  const ctx = new AppEventsContext();
  const deliveries: AppDelivery[] = [];
  for (const record of event.Records) {
    const change = changeOf(record);
    if (await helloFor(change, ctx)) continue;
    deliveries.push(...(await appDeliveriesFor(change, ctx)));
  }
  await deliverToApps(deliveries, ctx);
  logger.info('app events batch', { records: event.Records.length, ...ctx.stats });
};
