import { wsHandler } from '../edge/ws-edge';
import { ClientError } from '../core/errors';
import { ackEnvelope } from '../core/apps';

/**
 * $default: any frame whose action has no route. On an app's Socket Mode connection, the SDK's
 * acknowledgement `{"envelope_id":"…","payload":{…}}` (it has no action) ends the envelope's
 * redelivery; it gets no reply, as on Slack. Anything else: `invalid_arguments`, the connection stays open.
 */
export const handler = wsHandler(async (frame, connection) => {
  if (connection.appId && typeof frame.envelope_id === 'string' && frame.envelope_id.length <= 64) {
    await ackEnvelope(connection.appId, frame.envelope_id, frame.payload);
    return undefined;
  }
  throw new ClientError('invalid_arguments', 'unknown action');
});
