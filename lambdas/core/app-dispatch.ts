import { randomUUID } from 'node:crypto';
import { AppRequestFailed, postToApp, RefusedUrl } from '../adapters/app-http';
import { logger } from '../adapters/logger';
import type { AppItem } from '../model/service';
import { nowSeconds } from '../model/store';
import { ClientError } from './errors';
import { delivery, table } from './ports';

/*
 * A request a person's action makes of an app, answered within Slack's 3 s (slash commands, block
 * actions): a signed form POST to one of its URLs, or an envelope to one of its greeted Socket Mode
 * connections whose ack is awaited. Anything else (no URL, a refused URL, no connection, no answer
 * in time) is `dispatch_failed`, as Slack's clients say.
 */

const ANSWER_MS = 3000;

/** A signed form POST (`application/x-www-form-urlencoded`); the answer's text. */
export async function dispatchOverHttp(app: AppItem, url: string | undefined, form: Record<string, string>, what: string): Promise<string> {
  if (!url) throw new ClientError('dispatch_failed');
  try {
    return (await postToApp(url, app.signingSecret, new URLSearchParams(form).toString(), { 'content-type': 'application/x-www-form-urlencoded' })).text;
  } catch (error) {
    if (error instanceof AppRequestFailed || error instanceof RefusedUrl) {
      logger.info(`${what} not answered`, { appId: app.appId, reason: error.message });
      throw new ClientError('dispatch_failed');
    }
    throw error;
  }
}

/** Socket Mode: the envelope to one greeted connection, then its ack awaited up to 3 s; the ack's payload (JSON) if it carried one. */
export async function dispatchOverSocket(app: AppItem, type: 'slash_commands' | 'interactive', payload: Record<string, unknown>, acceptsResponsePayload: boolean): Promise<string | undefined> {
  const envelopeId = randomUUID();
  await table().apps.putPending({ appId: app.appId, envelopeId, expiresAt: nowSeconds() + 600 });
  const frame = { envelope_id: envelopeId, type, accepts_response_payload: acceptsResponsePayload, payload };
  let sent = false;
  for (const c of (await table().apps.connectionsOf(app.appId)).filter((l) => l.greetedAt !== undefined)) {
    if ((await delivery().postFrame(c.connectionId, frame)) === 'sent') {
      sent = true;
      break;
    }
  }
  if (!sent) throw new ClientError('dispatch_failed');
  const deadline = Date.now() + ANSWER_MS;
  while (Date.now() < deadline) {
    const acked = await table().apps.ackOf(app.appId, envelopeId);
    if (acked) return acked.response;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new ClientError('dispatch_failed');
}
