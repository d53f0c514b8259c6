import { renewConnection } from '../core/connections';
import { wsHandler } from '../shared/ws-edge';

/** ping: renews the connection's lease. */
export const handler = wsHandler(async (_frame, connection) => {
  await renewConnection(connection);
  return { type: 'pong' };
});
