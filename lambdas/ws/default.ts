import { wsHandler } from '../shared/ws-edge';
import { ClientError } from '../shared/errors';

/** $default: any frame whose action has no route. The connection stays open. */
export const handler = wsHandler(async () => {
  throw new ClientError('invalid_arguments', 'unknown action');
});
