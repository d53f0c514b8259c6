import type { Item } from './store';

/*
 * Stored items to Slack's public shapes. Internal attributes (keys, entity markers, team ids on
 * messages) never leave through here.
 */

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

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
  client_msg_id?: string;
}

export function toSlackMessage(item: Item): SlackMessage {
  const ts = str(item.ts) ?? '';
  const threadTs = str(item.threadTs);
  const replyCount = num(item.replyCount) ?? 0;
  const message: SlackMessage = { type: 'message', user: str(item.userId) ?? '', text: str(item.text) ?? '', ts };
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
    const latest = str(item.latestReply);
    if (latest) message.latest_reply = latest;
  }
  const editedBy = str(item.editedBy);
  const editedTs = str(item.editedTs);
  if (editedBy && editedTs) message.edited = { user: editedBy, ts: editedTs };
  const reactions = reactionsOf(item);
  if (reactions.length > 0) message.reactions = reactions;
  if (Array.isArray(item.files) && item.files.length > 0) message.files = item.files;
  const clientMsgId = str(item.clientMsgId);
  if (clientMsgId) message.client_msg_id = clientMsgId;
  return message;
}

/** Reactions in the order they were first added (the map keeps `name` → users and `order`). */
export function reactionsOf(item: Item): Array<{ name: string; count: number; users: string[] }> {
  const map = item.reactions;
  if (!map || typeof map !== 'object') return [];
  return Object.entries(map as Record<string, unknown>)
    .map(([name, users]) => ({ name, users: strings(users).sort() }))
    .filter((r) => r.users.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) => ({ name: r.name, count: r.users.length, users: r.users }));
}

export interface ChannelView {
  membership?: Item;
  unread?: Unread;
}

/** What conversations.info/list count as unread: the count, and the newest ts that count considered. */
export interface Unread {
  count: number;
  through: string;
}

export function toSlackChannel(channel: Item, view: ChannelView = {}): Record<string, unknown> {
  const kind = str(channel.kind) ?? 'public';
  const createdMillis = num(channel.createdAt) ?? 0;
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
    num_members: num(channel.memberCount) ?? 0,
    is_member: view.membership !== undefined,
  };
  if (kind === 'im' || kind === 'mpim') out.members = strings(channel.dmUsers);
  if (channel.topic !== undefined) out.topic = { value: channel.topic, creator: '', last_set: 0 };
  if (channel.purpose !== undefined) out.purpose = { value: channel.purpose, creator: '', last_set: 0 };
  if (view.membership) {
    out.last_read = str(view.membership.lastRead) ?? '0'.repeat(26);
    if (view.unread) {
      out.unread_count = view.unread.count;
      // Not Slack's: a client that counts live messages on top skips those at or before this ts.
      out.unread_through = view.unread.through;
    }
  }
  return out;
}

export function toSlackUser(user: Item): Record<string, unknown> {
  const name = str(user.name) ?? '';
  const realName = str(user.realName) ?? name;
  return {
    id: user.userId,
    team_id: user.teamId,
    name,
    real_name: realName,
    deleted: false,
    is_bot: false,
    profile: { real_name: realName, display_name: name },
  };
}
