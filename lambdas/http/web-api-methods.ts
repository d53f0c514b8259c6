import * as z from 'zod/mini';
import { archiveChannel, renameChannel, unarchiveChannel } from '../core/channel-settings';
import { resolveChannel, userConversations } from '../core/channels';
import { postEphemeral } from '../core/ephemeral';
import { getPermalink } from '../core/permalinks';
import { addPin, listPins, removePin } from '../core/pins';
import { getReactions } from '../core/reactions';
import { deleteScheduledMessage, listScheduledMessages, scheduleMessage } from '../core/scheduled';
import { botInfo, lookupByEmail, teamInfo } from '../core/workspace-info';
import { cursor, flag, id, idList, limit, optionalText, text, textOrEmpty, type Schema } from '../edge/schemas';
import { method, type Method } from './method';

/*
 * The Slack Web API methods that SDKs and apps reach for beyond messaging: permalinks, channel
 * rename and archive, reactions.get, users.conversations, team/bots/lookupByEmail, pins (files.* are in ./file-methods.ts).
 * Grouped here (and merged into the method table in ./methods.ts) so they change apart from it.
 */

/** `blocks` / `attachments`: a JSON array, or (form bodies, as the SDKs send them) that array as a JSON string. The core checks the shape. */
export const richArg = z.optional(z.union([text(256 * 1024), z.array(z.unknown())]));

/** A `channel` the chat methods resolve (core/channels.ts resolveChannel): an id, `#name`, a name, or a user id. */
export const channelRef = z.string().check(z.minLength(1), z.maxLength(100));

const channelArg = z.object({ channel: id });
const messageArg = z.object({ channel: id, timestamp: text(64) });

export const WEB_API_METHODS: Record<string, Method<Schema>> = {
  'chat.postEphemeral': method({
    args: z.object({ channel: channelRef, user: id, text: textOrEmpty(200_000), blocks: richArg, attachments: richArg, thread_ts: optionalText(64) }),
    run: async (caller, a) => postEphemeral(caller, {
      channelId: await resolveChannel(caller, a.channel), user: a.user, text: a.text, blocks: a.blocks, attachments: a.attachments, threadTs: a.thread_ts || undefined,
    }),
  }),
  'chat.scheduleMessage': method({
    args: z.object({
      channel: channelRef, post_at: z.union([z.number(), text(32)]), text: textOrEmpty(200_000), blocks: richArg, attachments: richArg,
      thread_ts: optionalText(64), reply_broadcast: flag,
    }),
    run: async (caller, a) => scheduleMessage(caller, {
      channelId: await resolveChannel(caller, a.channel), postAt: a.post_at, text: a.text, blocks: a.blocks, attachments: a.attachments,
      threadTs: a.thread_ts || undefined, replyBroadcast: a.reply_broadcast,
    }),
  }),
  'chat.deleteScheduledMessage': method({
    args: z.object({ channel: channelRef, scheduled_message_id: id }),
    run: async (caller, a) => deleteScheduledMessage(caller, await resolveChannel(caller, a.channel), a.scheduled_message_id),
  }),
  'chat.scheduledMessages.list': method({
    args: z.object({ channel: z.optional(channelRef), cursor, limit: limit(100, 100), oldest: optionalText(32), latest: optionalText(32), team_id: optionalText(64) }), read: true,
    run: async (caller, a) => listScheduledMessages(caller, {
      channelId: a.channel ? await resolveChannel(caller, a.channel) : undefined, limit: a.limit, cursor: a.cursor || undefined, oldest: a.oldest, latest: a.latest,
    }),
  }),
  'chat.getPermalink': method({
    args: z.object({ channel: id, message_ts: text(64) }), read: true,
    run: (caller, a) => getPermalink(caller, a.channel, a.message_ts),
  }),
  'conversations.rename': method({
    args: z.object({ channel: id, name: text(1000) }),
    run: (caller, a) => renameChannel(caller, a.channel, a.name),
  }),
  'conversations.archive': method({ args: channelArg, run: (caller, a) => archiveChannel(caller, a.channel) }),
  'conversations.unarchive': method({ args: channelArg, run: (caller, a) => unarchiveChannel(caller, a.channel) }),
  'reactions.get': method({
    args: z.object({ channel: id, timestamp: text(64), full: flag }), read: true,
    run: (caller, a) => getReactions(caller, a.channel, a.timestamp),
  }),
  'users.conversations': method({
    args: z.object({ user: optionalText(64), types: z.optional(idList), cursor, limit: limit(1000, 100), exclude_archived: flag }), read: true,
    run: (caller, a) => userConversations(caller, { user: a.user || undefined, types: a.types ?? [], limit: a.limit, cursor: a.cursor || undefined, excludeArchived: a.exclude_archived }),
  }),
  'users.lookupByEmail': method({ args: z.object({ email: text(320) }), read: true, run: (caller, a) => lookupByEmail(caller, a.email) }),
  'team.info': method({ args: z.object({ team: optionalText(64) }), read: true, run: (caller, a) => teamInfo(caller, a.team || undefined) }),
  'bots.info': method({ args: z.object({ bot: optionalText(64) }), read: true, run: (caller, a) => botInfo(caller, a.bot) }),
  'pins.add': method({ args: messageArg, run: (caller, a) => addPin(caller, a.channel, a.timestamp) }),
  'pins.remove': method({ args: messageArg, run: (caller, a) => removePin(caller, a.channel, a.timestamp) }),
  'pins.list': method({ args: channelArg, read: true, run: (caller, a) => listPins(caller, a.channel) }),
};
