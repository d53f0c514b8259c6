import { wsHandler } from '../shared/ws-edge';
import { ClientError } from '../shared/errors';

// Placeholder until the messaging core lands.
export const handler = wsHandler(async () => {
  throw new ClientError('invalid_arguments', 'not implemented');
});
