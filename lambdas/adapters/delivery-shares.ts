import type { DeliveryStats, Recipient, Shares } from '../core/delivery';
import { invokeForJson } from './aws-services';

/*
 * A large delivery's shares, each posted by a synchronous invocation of the deliver function
 * (lambdas/stream/deliver-share.ts). Synchronous, so the fan-out knows when every share is done
 * and a channel's events stay in order; the shares of one event run side by side.
 */

/** What the deliver function is invoked with. */
export interface ShareRequest {
  /** The event's JSON as the fan-out fitted it (core/budgets.ts). */
  event: string;
  recipients: Recipient[];
}

export function sharesThrough(functionName: string, size: number): Shares {
  return {
    size,
    async deliver(eventJson, recipients) {
      const request: ShareRequest = { event: eventJson, recipients };
      return invokeForJson<DeliveryStats>(functionName, JSON.stringify(request), 'the deliver function');
    },
  };
}
