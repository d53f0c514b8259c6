import { wsHandler } from '../edge/ws-edge';
import { ClientError } from '../core/errors';

/** $default: any frame whose action has no route. The connection stays open. */
export const handler = wsHandler(async () => {
  throw new ClientError('invalid_arguments', 'unknown action');
});
