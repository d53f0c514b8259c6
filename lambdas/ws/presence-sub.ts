import * as z from 'zod/mini';
import { setPresenceSubscriptions } from '../core/presence';
import { id, parseArgs } from '../edge/schemas';
import { wsHandler } from '../edge/ws-edge';
import { takeRouteToken } from '../core/rate-limit';

const PresenceSubFrame = z.object({ users: z.array(id).check(z.maxLength(500)) });

/**
 * presence_sub: the list replaces this connection's presence subscriptions (Slack's semantics; an
 * empty list unsubscribes from everyone). Users of other workspaces are silently left out. The reply
 * carries the current presence of each watched user; later changes arrive as presence_change events.
 */
export const handler = wsHandler(async (frame, connection) => {
  const { users } = parseArgs(PresenceSubFrame, frame);
  await takeRouteToken(connection.caller.userId, 'presence_sub');
  const presence = await setPresenceSubscriptions(connection.caller, connection.connectionId, users);
  return { type: 'presence_sub', presence };
});
