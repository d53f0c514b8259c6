import type { ChannelItem, MembershipItem, MessageItem, UserItem } from '../model/service';
import { parseStored } from './blocks';

/*
 * Stored items to Slack's public shapes. Internal attributes (keys, entity markers, team ids on
 * messages) never leave through here.
 */


/** DynamoDB string sets arrive as Set; JSON images as arrays. */
const strings = (v: unknown): string[] => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []).filter((s): s is string => typeof s === 'string');

export interface SlackMessage {
  type: 'message';
  subtype?: string;
  user: string;
  text: string;
  ts: string;
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  reply_users_count?: number;
  latest_reply?: string;
  reply_broadcast?: boolean;
  edited?: { user: string; ts: string };
  reactions?: Array<{ name: string; count: number; users: string[] }>;
  files?: unknown[];
  blocks?: unknown[];
  attachments?: unknown[];
  client_msg_id?: string;
  /** channel_topic / channel_purpose: what was set. */
  topic?: string;
  purpose?: string;
}

/** A message's stored fields, as read or as a send writes them. */
export type MessageFields = Readonly<Partial<MessageItem>>;

export function toSlackMessage(item: MessageFields): SlackMessage {
  const ts = item.ts ?? '';
  const threadTs = item.threadTs;
  const replyCount = item.replyCount ?? 0;
  const message: SlackMessage = { type: 'message', user: item.userId ?? '', text: item.text ?? '', ts };
  if (item.deleted === true) {
    message.subtype = 'tombstone';
    message.text = 'This message was deleted.';
  }
  const isReply = threadTs !== undefined && threadTs !== ts;
  if (isReply) message.thread_ts = threadTs;
  if (isReply && item.replyBroadcast === true) {
    message.subtype = 'thread_broadcast';
    message.reply_broadcast = true;
  }
  if (!isReply && replyCount > 0) {
    const users = strings(item.replyUsers);
    message.thread_ts = ts;
    message.reply_count = replyCount;
    message.reply_users = users;
    message.reply_users_count = users.length;
    if (item.latestReply) message.latest_reply = item.latestReply;
  }
  if (item.subtype === 'channel_topic') Object.assign(message, { subtype: item.subtype, topic: item.about ?? '' });
  if (item.subtype === 'channel_purpose') Object.assign(message, { subtype: item.subtype, purpose: item.about ?? '' });
  if (item.editedBy && item.editedTs) message.edited = { user: item.editedBy, ts: item.editedTs };
  const reactions = reactionsOf(item);
  if (reactions.length > 0) message.reactions = reactions;
  if (Array.isArray(item.files) && item.files.length > 0) message.files = item.files;
  if (item.deleted !== true) {
    const blocks = parseStored(item.blocks);
    const attachments = parseStored(item.attachments);
    if (blocks) message.blocks = blocks;
    if (attachments) message.attachments = attachments;
  }
  if (item.clientMsgId) message.client_msg_id = item.clientMsgId;
  return message;
}

/** Reactions in the order they were first added (the map keeps `name` → users and `order`). */
export function reactionsOf(item: MessageFields): Array<{ name: string; count: number; users: string[] }> {
  const map = item.reactions;
  if (!map || typeof map !== 'object') return [];
  return Object.entries(map as Record<string, unknown>)
    .map(([name, users]) => ({ name, users: strings(users).sort() }))
    .filter((r) => r.users.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) => ({ name: r.name, count: r.users.length, users: r.users }));
}

export interface ChannelView {
  membership?: Readonly<Partial<MembershipItem>>;
  unread?: Unread;
}

/** What conversations.info/list count as unread: the count, and the newest ts that count considered. */
export interface Unread {
  count: number;
  /** Of those, the ones that mention the member (mention_count). */
  mentions: number;
  through: string;
}

export function toSlackChannel(channel: Readonly<Partial<ChannelItem>>, view: ChannelView = {}): Record<string, unknown> {
  const kind = channel.kind ?? 'public';
  const createdMillis = channel.createdAt ?? 0;
  const out: Record<string, unknown> = {
    id: channel.channelId,
    name: channel.name,
    is_channel: kind === 'public',
    is_group: kind === 'private',
    is_im: kind === 'im',
    is_mpim: kind === 'mpim',
    is_private: kind !== 'public',
    is_archived: channel.archived === true,
    is_general: false,
    created: Math.floor(createdMillis / 1000),
    creator: channel.creator,
    context_team_id: channel.teamId,
    num_members: channel.memberCount ?? 0,
    is_member: view.membership !== undefined,
  };
  if (kind === 'im' || kind === 'mpim') out.members = strings(channel.dmUsers);
  if (channel.topic !== undefined) out.topic = { value: channel.topic, creator: channel.topicCreator ?? '', last_set: channel.topicLastSet ?? 0 };
  if (channel.purpose !== undefined) out.purpose = { value: channel.purpose, creator: channel.purposeCreator ?? '', last_set: channel.purposeLastSet ?? 0 };
  if (view.membership) {
    out.last_read = view.membership.lastRead ?? '0'.repeat(26);
    if (view.unread) {
      out.unread_count = view.unread.count;
      out.unread_count_display = view.unread.count;
      out.mention_count = view.unread.mentions;
      out.mention_count_display = view.unread.mentions;
      // Not Slack's: a client that counts live messages on top skips those at or before this ts.
      out.unread_through = view.unread.through;
    }
  }
  return out;
}

export function toSlackUser(user: Readonly<Partial<UserItem>>): Record<string, unknown> {
  const name = user.name ?? '';
  const realName = user.realName ?? name;
  return {
    id: user.userId,
    team_id: user.teamId,
    name,
    real_name: realName,
    deleted: false,
    is_bot: user.isBot === true,
    ...(user.isBot ? { is_app_user: false, profile: { real_name: realName, display_name: name, bot_id: user.botId, api_app_id: user.appId } } : { profile: { real_name: realName, display_name: name } }),
  };
}
