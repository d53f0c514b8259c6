import * as z from 'zod/mini';
import {
  channelInfo, channelMembers, createChannel, inviteToChannel, joinChannel, kickFromChannel, leaveChannel,
  listConversations, openConversation,
} from '../core/channels';
import { history, postMessage, replies } from '../core/messages';
import { deleteMessage, updateMessage } from '../core/message-edits';
import { addReaction, removeReaction } from '../core/reactions';
import { getPresence } from '../core/presence';
import { subscribeMobile, subscribeWebPush, unsubscribePush, vapidPublicKey } from '../core/push-subscriptions';
import { markRead } from '../core/read-markers';
import { listUsers, userInfo } from '../core/users';
import { getPrefs, setPrefs } from '../core/prefs';
import { dndInfo, endDnd, endSnooze, setSnooze } from '../core/dnd';
import { clientCounts, resolveChannel, setChannelAbout } from '../core/channels';
import { openSocketUrl } from '../core/apps';
import { runCommand } from '../core/slash-commands';
import { clickAction } from '../core/interactivity';
import { cursor, flag, id, idList, jsonOrItsText, limit, optionalFlag, optionalInteger, optionalText, text, textOrEmpty, type Schema } from '../edge/schemas';
import { ClientError } from '../core/errors';
import { method, type Method } from './method';
import { channelRef, richArg, WEB_API_METHODS } from './web-api-methods';

/** A device id as the WebSocket's `device_id` takes it. */
const deviceId = z.string().check(z.regex(/^[\w.:-]{1,64}$/));
/** A Web Push subscription as PushSubscription.toJSON() gives it; in form bodies, that JSON as a string. */
const webPushSubscription = jsonOrItsText(
  z.record(z.string(), z.unknown()), 4_000,
  z.object({ endpoint: text(1024), keys: z.object({ p256dh: text(200), auth: text(200) }) }),
);

/** static_select's `selected_option`: `{value}`, that object as JSON (form bodies), or the bare value. */
function selectedValueOf(v: string | { value: string } | undefined): string | undefined {
  if (v === undefined || typeof v !== 'string') return v?.value;
  try {
    const parsed: unknown = JSON.parse(v);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { value?: unknown }).value === 'string') return (parsed as { value: string }).value;
  } catch {
    // not JSON: the value itself
  }
  return v;
}

export type { RequestContext } from './method';
const channelArg = z.object({ channel: id });
const none = z.object({});

export const METHODS: Record<string, Method<Schema>> = {
  'auth.test': method({
    args: none, read: true,
    run: async (caller) => ({
      user_id: caller.userId, team_id: caller.teamId, user: caller.userName, team: caller.teamId, url: '',
      // A bot token: Slack adds the bot's id (Bolt reads bot_id and user_id at start-up).
      ...(caller.app ? { bot_id: caller.app.botId, is_enterprise_install: false } : {}),
    }),
  }),
  'apps.connections.open': method({ args: none, run: (caller) => openSocketUrl(caller) }),
  // Slack's clients run a slash command with chat.command (a user's token: the scope table lists it for no bot).
  'chat.command': method({
    args: z.object({ channel: id, command: text(32), text: textOrEmpty(4000) }),
    run: (caller, a, request) => runCommand(caller, { channelId: a.channel, command: a.command, text: a.text }, request.apiBaseUrl),
  }),
  // A click on an interactive element of an app's message (ours: Slack's client API for it is private; user tokens only).
  'blocks.action': method({
    args: z.object({
      channel: id, ts: text(64), action_id: text(255), block_id: optionalText(255), value: optionalText(2000),
      selected_option: z.optional(z.union([text(4000), z.object({ value: text(150) })])),
    }),
    run: (caller, a, request) => clickAction(caller, {
      channelId: a.channel, ts: a.ts, actionId: a.action_id, blockId: a.block_id || undefined, value: a.value || undefined,
      selectedValue: selectedValueOf(a.selected_option),
    }, request.apiBaseUrl),
  }),
  'users.info': method({ args: z.object({ user: id }), read: true, run: (caller, a) => userInfo(caller, a.user) }),
  'users.getPresence': method({
    args: z.object({ user: optionalText(64) }), read: true,
    run: (caller, a) => getPresence(caller, a.user || undefined),
  }),
  'users.list': method({
    args: z.object({ cursor, limit: limit(1000, 200) }), read: true,
    run: (caller, a) => listUsers(caller, a.limit, a.cursor || undefined),
  }),
  'conversations.create': method({
    args: z.object({ name: text(1000), is_private: flag }),
    run: (caller, a) => createChannel(caller, a.name, a.is_private),
  }),
  'conversations.list': method({
    args: z.object({ types: z.optional(idList), cursor, limit: limit(1000, 100), exclude_archived: flag }), read: true,
    run: (caller, a) => listConversations(caller, a.types ?? [], a.limit, a.cursor || undefined, a.exclude_archived),
  }),
  'conversations.info': method({ args: channelArg, read: true, run: (caller, a) => channelInfo(caller, a.channel) }),
  'conversations.join': method({ args: channelArg, run: (caller, a) => joinChannel(caller, a.channel) }),
  'conversations.leave': method({ args: channelArg, run: (caller, a) => leaveChannel(caller, a.channel) }),
  'conversations.invite': method({
    args: z.object({ channel: id, users: idList }),
    run: (caller, a) => inviteToChannel(caller, a.channel, a.users),
  }),
  'conversations.kick': method({
    args: z.object({ channel: id, user: id }),
    run: (caller, a) => kickFromChannel(caller, a.channel, a.user),
  }),
  'conversations.members': method({
    args: z.object({ channel: id, cursor, limit: limit(1000, 100) }), read: true,
    run: (caller, a) => channelMembers(caller, a.channel, a.limit, a.cursor || undefined),
  }),
  'conversations.open': method({
    args: z.object({ users: idList, return_im: flag }),
    run: (caller, a) => openConversation(caller, a.users),
  }),
  'conversations.history': method({
    args: z.object({
      channel: id, cursor, limit: limit(999, 100), oldest: optionalText(64), latest: optionalText(64), inclusive: flag, read_grant: optionalText(64),
    }),
    read: true,
    run: (caller, a) => history(caller, { channelId: a.channel, limit: a.limit, cursor: a.cursor || undefined, oldest: a.oldest, latest: a.latest, inclusive: a.inclusive, readGrant: a.read_grant }),
  }),
  'conversations.replies': method({
    args: z.object({ channel: id, ts: text(64), cursor, limit: limit(1000, 100) }), read: true,
    run: (caller, a) => replies(caller, a.channel, a.ts, a.limit, a.cursor || undefined),
  }),
  'chat.postMessage': method({
    args: z.object({
      channel: channelRef, text: textOrEmpty(200_000), thread_ts: optionalText(64), reply_broadcast: flag, client_msg_id: optionalText(256),
      blocks: richArg, attachments: richArg,
    }),
    run: async (caller, a) => {
      const posted = await postMessage(caller, {
        channelId: await resolveChannel(caller, a.channel), text: a.text, threadTs: a.thread_ts || undefined, replyBroadcast: a.reply_broadcast, clientMsgId: a.client_msg_id,
        blocks: a.blocks, attachments: a.attachments,
      });
      return { channel: posted.channel, ts: posted.ts, message: posted.message };
    },
  }),
  'chat.update': method({
    args: z.object({ channel: id, ts: text(64), text: textOrEmpty(200_000), blocks: richArg, attachments: richArg }),
    run: (caller, a) => updateMessage(caller, a.channel, a.ts, a.text, a.blocks, a.attachments),
  }),
  'chat.delete': method({
    args: z.object({ channel: id, ts: text(64) }),
    run: (caller, a) => deleteMessage(caller, a.channel, a.ts),
  }),
  'reactions.add': method({
    args: z.object({ channel: id, timestamp: text(64), name: text(200) }),
    run: (caller, a) => addReaction(caller, a.channel, a.timestamp, a.name),
  }),
  'reactions.remove': method({
    args: z.object({ channel: id, timestamp: text(64), name: text(200) }),
    run: (caller, a) => removeReaction(caller, a.channel, a.timestamp, a.name),
  }),
  'conversations.mark': method({
    args: z.object({ channel: id, ts: text(64), device_id: optionalText(64) }),
    run: (caller, a) => markRead(caller, a.channel, a.ts, a.device_id),
  }),
  // Mentions, notification preferences and Do Not Disturb (README: Mentions and notifications)
  'conversations.setTopic': method({
    args: z.object({ channel: id, topic: textOrEmpty(4000) }),
    run: (caller, a) => setChannelAbout(caller, a.channel, 'topic', a.topic),
  }),
  'conversations.setPurpose': method({
    args: z.object({ channel: id, purpose: textOrEmpty(4000) }),
    run: (caller, a) => setChannelAbout(caller, a.channel, 'purpose', a.purpose),
  }),
  'users.prefs.get': method({ args: none, read: true, run: (caller) => getPrefs(caller) }),
  'users.prefs.set': method({
    args: z.object({
      channel: optionalText(64), level: z.optional(z.enum(['all', 'mentions', 'nothing', 'default'])), muted: optionalFlag,
      hide_content: optionalFlag, dnd_enabled: optionalFlag, dnd_start_hour: optionalText(5), dnd_end_hour: optionalText(5), tz_offset: optionalInteger,
    }),
    run: (caller, a) => setPrefs(caller, {
      channel: a.channel || undefined, level: a.level, muted: a.muted, hideContent: a.hide_content,
      dndEnabled: a.dnd_enabled, dndStartHour: a.dnd_start_hour || undefined, dndEndHour: a.dnd_end_hour || undefined, tzOffset: a.tz_offset,
    }),
  }),
  'dnd.info': method({ args: z.object({ user: optionalText(64) }), read: true, run: (caller, a) => dndInfo(caller, a.user || undefined) }),
  'dnd.setSnooze': method({ args: z.object({ num_minutes: optionalInteger }), run: (caller, a) => setSnooze(caller, a.num_minutes) }),
  'dnd.endSnooze': method({ args: none, run: (caller) => endSnooze(caller) }),
  'dnd.endDnd': method({ args: none, run: (caller) => endDnd(caller) }),
  // Push notifications (this API's own methods; README: Push notifications)
  'push.vapidPublicKey': method({ args: none, read: true, run: () => vapidPublicKey() }),
  'push.subscribe': method({
    args: z.object({ device_id: deviceId, subscription: z.optional(webPushSubscription), mobile_token: optionalText(4096) }),
    run: async (caller, a) => {
      if (a.subscription) {
        return subscribeWebPush(caller, { deviceId: a.device_id, endpoint: a.subscription.endpoint, p256dh: a.subscription.keys.p256dh, auth: a.subscription.keys.auth });
      }
      if (a.mobile_token) return subscribeMobile(caller, { deviceId: a.device_id, token: a.mobile_token });
      throw new ClientError('invalid_arguments', 'subscription');
    },
  }),
  'push.unsubscribe': method({ args: z.object({ device_id: deviceId }), run: (caller, a) => unsubscribePush(caller, a.device_id) }),
  'client.counts': method({ args: none, read: true, run: (caller) => clientCounts(caller) }),

  // Apps and bots (README: The Web API for apps and bots; lambdas/http/web-api-methods.ts)
  ...WEB_API_METHODS,
};
