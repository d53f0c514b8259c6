import { wsHandler } from '../shared/ws-edge';

/** ping: renews the connection's lease. */
export const handler = wsHandler(async () => ({ type: 'pong' }));
