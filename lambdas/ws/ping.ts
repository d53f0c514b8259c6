import { renewConnection } from '../core/connections';
import { wsHandler } from '../edge/ws-edge';
import { takeRouteToken } from '../core/rate-limit';

/** ping: renews the connection's lease (over the user's budget: an error frame with retry_after). */
export const handler = wsHandler(async (_frame, connection) => {
  await takeRouteToken(connection.caller.userId, 'ping');
  await renewConnection(connection);
  return { type: 'pong' };
});
