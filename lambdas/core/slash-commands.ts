import { randomUUID } from 'node:crypto';
import type { AppItem } from '../model/service';
import { nowSeconds } from '../model/store';
import { newWebhookSecret, tokenHash } from './app-tokens';
import { dispatchOverHttp, dispatchOverSocket } from './app-dispatch';
import { botCaller, type SlashCommand } from './apps';
import type { Caller } from './caller';
import { memberAccess } from './channels';
import { freshEventId } from './delivery';
import { ClientError } from './errors';
import { deleteMessage, updateMessage } from './message-edits';
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

export const RESPONSE_URL_SECONDS = 30 * 60;
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
  const answer = app.socketMode
    ? await dispatchOverSocket(app, 'slash_commands', payload, true)
    : await dispatchOverHttp(app, command.url ?? app.requestUrl, payload, 'slash command');
  const reply = replyOf(answer);
  if (reply?.response_type === 'in_channel') await postInChannel(app, channel.channelId, reply);
  return { response: reply ?? null };
}

async function postInChannel(app: AppItem, channelId: string, reply: CommandReply & { blocks?: unknown }): Promise<void> {
  await storeMessage(botCaller(app), { channelId, text: reply.text ?? '', threadTs: reply.thread_ts, blocks: reply.blocks });
}

/** Slack's booleans in a response_url payload: JSON `true` or the string "true". */
const flagOf = (v: unknown) => v === true || v === 'true';

/**
 * A post to a command's or a block action's response_url (at most 5, within 30 minutes): `in_channel`
 * is posted by the app's bot; `ephemeral` goes to the invoking user's live connections only, as a
 * message event with `is_ephemeral: true`, never stored. A block action's URL also takes
 * `replace_original` (the message is updated as chat.update does: text, blocks and attachments all
 * replaced) and `delete_original` (deleted as chat.delete does). `no_service` for an unknown,
 * expired or used-up URL.
 */
export async function respondToCommand(secret: string, payload: Record<string, unknown>, text: string): Promise<'ok' | 'no_service'> {
  const target = await table().apps.useResponseUrl(tokenHash(secret), RESPONSE_URL_USES);
  if (!target) return 'no_service';
  const app = await table().apps.get(target.teamId, target.appId);
  if (!app) return 'no_service';
  const threadTs = typeof payload.thread_ts === 'string' && payload.thread_ts !== '' ? payload.thread_ts : undefined;
  if (target.messageTs && flagOf(payload.delete_original)) {
    await deleteMessage(botCaller(app), target.channelId, target.messageTs);
    return 'ok';
  }
  if (target.messageTs && flagOf(payload.replace_original)) {
    await updateMessage(botCaller(app), target.channelId, target.messageTs, typeof payload.text === 'string' ? payload.text : '', payload.blocks ?? [], payload.attachments ?? []);
    return 'ok';
  }
  if (payload.response_type === 'in_channel') {
    await postInChannel(app, target.channelId, { text: typeof payload.text === 'string' ? payload.text : '', thread_ts: threadTs, blocks: payload.blocks });
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
