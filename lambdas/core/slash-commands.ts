import { randomUUID } from 'node:crypto';
import { AppRequestFailed, postToApp, RefusedUrl } from '../adapters/app-http';
import { logger } from '../adapters/logger';
import type { AppItem } from '../model/service';
import { nowSeconds } from '../model/store';
import { newWebhookSecret, tokenHash } from './app-tokens';
import { botCaller, type SlashCommand } from './apps';
import type { Caller } from './caller';
import { memberAccess } from './channels';
import { freshEventId } from './delivery';
import { ClientError } from './errors';
import { storeMessage } from './messages';
import { delivery, table } from './ports';
import { stableId } from './stable-id';

/*
 * Slash commands: `/command text` from a member of a conversation (the `chat.command` method, as
 * Slack's clients call it) goes to the app whose manifest declares the command, as Slack's form
 * payload: a signed POST to the command's URL, or a `slash_commands` envelope over Socket Mode.
 * The app's immediate answer (the HTTP body, or the ack's payload) and later posts to its
 * `response_url` become replies: `in_channel` posted by the app's bot, `ephemeral` (Slack's default)
 * to the invoking user alone.
 */

const ANSWER_MS = 3000;
const RESPONSE_URL_SECONDS = 30 * 60;
const RESPONSE_URL_USES = 5;

export interface CommandReply {
  text?: string;
  response_type?: string;
  thread_ts?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An app's answer as a reply, if it is one (a JSON object with text; a plain-text answer is its text). */
function replyOf(answer: string | undefined): CommandReply | undefined {
  if (!answer || !answer.trim()) return undefined;
  try {
    const parsed: unknown = JSON.parse(answer);
    if (!isRecord(parsed)) return undefined;
    const text = typeof parsed.text === 'string' ? parsed.text : '';
    return text ? { text, response_type: typeof parsed.response_type === 'string' ? parsed.response_type : 'ephemeral', ...(typeof parsed.thread_ts === 'string' ? { thread_ts: parsed.thread_ts } : {}) } : undefined;
  } catch {
    return { text: answer.slice(0, 40_000), response_type: 'ephemeral' };
  }
}

/** chat.command: runs a slash command in a conversation the caller is a member of. */
export async function runCommand(caller: Caller, input: { channelId: string; command: string; text: string }, apiBaseUrl: string) {
  if (caller.app) throw new ClientError('not_allowed_token_type');
  const { channel } = await memberAccess(caller, input.channelId);
  const name = input.command.trim().toLowerCase();
  let found: { app: AppItem; command: SlashCommand } | undefined;
  for (const app of await table().apps.ofTeam(caller.teamId)) {
    const command = ((app.commands ?? []) as SlashCommand[]).find((c) => c.command === name);
    if (command) found = { app, command };
  }
  if (!found) throw new ClientError('invalid_command');
  const { app, command } = found;
  const secret = newWebhookSecret();
  await table().apps.putResponseUrl({ urlHash: tokenHash(secret), teamId: caller.teamId, appId: app.appId, channelId: channel.channelId, userId: caller.userId, expiresAt: nowSeconds() + RESPONSE_URL_SECONDS });
  const payload: Record<string, string> = {
    token: stableId('V', 'verification', app.appId),
    team_id: caller.teamId,
    team_domain: caller.teamId.toLowerCase(),
    channel_id: channel.channelId,
    channel_name: channel.kind === 'im' ? 'directmessage' : channel.kind === 'mpim' ? 'privategroup' : channel.name,
    user_id: caller.userId,
    user_name: caller.userName,
    command: name,
    text: input.text,
    api_app_id: app.appId,
    is_enterprise_install: 'false',
    response_url: `${apiBaseUrl}/commands/${app.appId}?s=${secret}`,
    trigger_id: `${Date.now()}.${randomUUID().replace(/-/g, '')}`,
  };
  const answer = app.socketMode ? await overSocket(app, payload) : await overHttp(app, command, payload);
  const reply = replyOf(answer);
  if (reply?.response_type === 'in_channel') await postInChannel(app, channel.channelId, reply);
  return { response: reply ?? null };
}

async function overHttp(app: AppItem, command: SlashCommand, payload: Record<string, string>): Promise<string | undefined> {
  const url = command.url ?? app.requestUrl;
  if (!url) throw new ClientError('dispatch_failed');
  try {
    return (await postToApp(url, app.signingSecret, new URLSearchParams(payload).toString(), { 'content-type': 'application/x-www-form-urlencoded' })).text;
  } catch (error) {
    if (error instanceof AppRequestFailed || error instanceof RefusedUrl) {
      logger.info('slash command not answered', { appId: app.appId, reason: error.message });
      throw new ClientError('dispatch_failed');
    }
    throw error;
  }
}

/** Socket Mode: the envelope to one greeted connection, then its ack (whose payload is the answer) awaited up to 3 s. */
async function overSocket(app: AppItem, payload: Record<string, string>): Promise<string | undefined> {
  const envelopeId = randomUUID();
  await table().apps.putPending({ appId: app.appId, envelopeId, expiresAt: nowSeconds() + 600 });
  const frame = { envelope_id: envelopeId, type: 'slash_commands', accepts_response_payload: true, payload };
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

async function postInChannel(app: AppItem, channelId: string, reply: CommandReply): Promise<void> {
  await storeMessage(botCaller(app), { channelId, text: reply.text ?? '', threadTs: reply.thread_ts });
}

/**
 * A post to a command's response_url (at most 5, within 30 minutes): `in_channel` is posted by the
 * app's bot; `ephemeral` goes to the invoking user's live connections only, as a message event
 * with `is_ephemeral: true`, never stored. False for an unknown, expired or used-up URL.
 */
export async function respondToCommand(secret: string, payload: Record<string, unknown>, text: string): Promise<'ok' | 'no_service'> {
  const target = await table().apps.useResponseUrl(tokenHash(secret), RESPONSE_URL_USES);
  if (!target) return 'no_service';
  const app = await table().apps.get(target.teamId, target.appId);
  if (!app) return 'no_service';
  const threadTs = typeof payload.thread_ts === 'string' && payload.thread_ts !== '' ? payload.thread_ts : undefined;
  if (payload.response_type === 'in_channel') {
    await postInChannel(app, target.channelId, { text, thread_ts: threadTs });
    return 'ok';
  }
  const recipients = (await table().connections.ofUser(target.userId)).map((c) => ({ connectionId: c.connectionId, userId: c.userId }));
  const event = {
    type: 'message', subtype: 'ephemeral', is_ephemeral: true, channel: target.channelId, user: app.botUserId, bot_id: app.botId, text,
    ts: freshEventId().slice(2), ...(threadTs ? { thread_ts: threadTs } : {}), event_id: freshEventId(),
  };
  await delivery().deliver(event, recipients);
  return 'ok';
}
