import type { ShareRequest } from '../adapters/delivery-shares';
import { closeGone } from '../core/connections';
import type { DeliveryStats } from '../core/delivery';
import { delivery } from '../core/ports';

/**
 * One share of a large delivery (lambdas/core/delivery.ts): the fan-out invokes this function with
 * the event and up to FANOUT_SHARE_SIZE connections, and waits for the counts. A gone connection
 * is closed here, as the fan-out would.
 */
export const handler = async (request: ShareRequest): Promise<DeliveryStats> => {
  if (typeof request?.event !== 'string' || !Array.isArray(request.recipients)) throw new TypeError('a share needs an event and its recipients');
  return delivery().deliverShare(request.event, request.recipients, { whenGone: closeGone });
};
