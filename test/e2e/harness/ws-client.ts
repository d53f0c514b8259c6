import { WsClient as SharedWsClient } from '../../clients/ws-client';
import { target } from './target';

/*
 * The e2e tests' WebSocket client: the shared Node client (test/clients/ws-client.ts) connected to
 * the target under test with a token and, optionally, a device id and an Origin.
 */

export { HandshakeError } from '../../clients/ws-client';

export class WsClient extends SharedWsClient {
  /** Opens a connection; rejects with a HandshakeError (its HTTP status) when the handshake fails. */
  static connect(token: string | undefined, opts: { deviceId?: string; origin?: string } = {}): Promise<WsClient> {
    const query = new URLSearchParams();
    if (token !== undefined) query.set('token', token);
    if (opts.deviceId) query.set('device_id', opts.deviceId);
    return WsClient.open(`${target().webSocketUrl}?${query}`, opts.origin ? { origin: opts.origin } : {});
  }
}
