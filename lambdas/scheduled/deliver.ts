import { logger } from '../adapters/logger';
import { deliverDueMessages } from '../core/scheduled';

/**
 * Runs every minute (an EventBridge rule; the local cloud's timer): posts the scheduled messages that
 * are due (lambdas/core/scheduled.ts). A failure throws, and the next run picks the same items up.
 */
export const handler = async (): Promise<{ posted: number; dropped: number }> => {
  const run = await deliverDueMessages();
  if (run.posted + run.dropped > 0) logger.info('scheduled messages delivered', { ...run });
  return run;
};
