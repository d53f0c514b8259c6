import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { logger } from '../adapters/logger';
import { webhookTarget } from '../core/apps';
import { ClientError, RateLimited } from '../core/errors';
import { checkRichContent, fallbackText } from '../core/blocks';
import { storeMessage } from '../core/messages';
import { respondToCommand } from '../core/slash-commands';
import { looksLikeJsonObject } from '../edge/json-body';

/*
 * POST /commands/{app}?s=<secret>: a slash command's or block action's response_url (lambdas/core/slash-commands.ts).
 * POST /services/{app}?s=<secret>: an app's incoming webhook (no authorizer: the URL's secret is the
 * credential, as on hooks.slack.com). Slack's payload: `text`, `blocks`, `attachments`, `thread_ts`, as JSON or as
 * a form's `payload` field. Answers as Slack does: `200 ok`, else a 4xx with Slack's word
 * (`invalid_payload`, `no_text`, `invalid_blocks`, `no_service`, `channel_not_found`, `action_prohibited`).
 */

const MAX_BODY_BYTES = 256 * 1024;
const plain = (statusCode: number, body: string, headers: Record<string, string> = {}): APIGatewayProxyResultV2 => ({
  statusCode, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body,
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The payload's text, or the text of its blocks and attachments (core/blocks.ts, as chat.postMessage derives it). */
function textOf(payload: Record<string, unknown>): string {
  if (typeof payload.text === 'string' && payload.text !== '') return payload.text;
  try {
    return fallbackText(checkRichContent(payload.blocks, payload.attachments));
  } catch {
    return '';
  }
}

/** What storeMessage refuses in a payload, answered with Slack's word for it. */
const PAYLOAD_ERRORS = new Set(['no_text', 'invalid_blocks', 'invalid_blocks_format', 'invalid_attachments', 'too_many_attachments', 'msg_blocks_too_long']);

function payloadOf(event: APIGatewayProxyEventV2): Record<string, unknown> | undefined {
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return undefined;
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
  const json = contentType.includes('application/x-www-form-urlencoded') && !looksLikeJsonObject(raw) ? new URLSearchParams(raw).get('payload') ?? '' : raw;
  try {
    const parsed: unknown = JSON.parse(json);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  try {
    // The secret is in the query (`?s=`): access logs record the path, never the query.
    const secret = event.queryStringParameters?.s ?? '';
    const isResponseUrl = event.rawPath?.includes('/commands/') === true;
    const payload = payloadOf(event);
    const text = payload ? textOf(payload) : '';
    // A slash command's response_url: the same payload, replies to the command.
    if (isResponseUrl) {
      if (!payload) return plain(400, 'invalid_payload');
      // A block action's response_url may delete the message: nothing to say.
      if (!text.trim() && payload.delete_original !== true && payload.delete_original !== 'true') return plain(400, 'no_text');
      const outcome = await respondToCommand(secret, payload, text);
      return outcome === 'ok' ? plain(200, 'ok') : plain(404, outcome);
    }
    const target = await webhookTarget(secret);
    if (!target) return plain(404, 'no_service');
    if (!payload) return plain(400, 'invalid_payload');
    const threadTs = typeof payload.thread_ts === 'string' && payload.thread_ts !== '' ? payload.thread_ts : undefined;
    // Blocks and attachments are stored as chat.postMessage stores them (with their text fallback).
    await storeMessage(target.caller, {
      channelId: target.channelId, text: typeof payload.text === 'string' ? payload.text : '', blocks: payload.blocks, attachments: payload.attachments, threadTs,
    });
    return plain(200, 'ok');
  } catch (error) {
    if (error instanceof RateLimited) return plain(429, 'rate_limited', { 'retry-after': String(error.retryAfterSeconds) });
    if (error instanceof ClientError) {
      if (error.code === 'channel_not_found' || error.code === 'not_in_channel') return plain(404, 'channel_not_found');
      if (error.code === 'is_archived') return plain(410, 'channel_is_archived');
      if (error.code === 'msg_too_long') return plain(400, 'msg_too_long');
      if (error.code === 'thread_not_found') return plain(400, 'invalid_thread_ts');
      if (error.code === 'message_not_found') return plain(404, 'message_not_found');
      if (PAYLOAD_ERRORS.has(error.code)) return plain(400, error.code);
      return plain(400, 'invalid_payload');
    }
    logger.error('webhook failed', { error });
    return plain(500, 'internal_error');
  }
}
