import { randomBytes } from 'node:crypto';
import { ClientError } from './errors';
import type { Caller } from './caller';
import { stableId } from './stable-id';
import type { ChannelKind } from '../model/entities';
import type { NewChannel } from '../model/channels';
import type { ChannelItem, MembershipItem } from '../model/service';
import { decodeScopedCursor, encodeScopedCursor, isIdPosition } from './cursor';
import { toSlackChannel, type Unread } from './format';
import { subscribeUsers, unsubscribeUser } from './live';
import { inParallel } from './parallel';
import { table } from './ports';
import { requireUsers } from './users';
import { mentionsUser } from './mentions';
import { storeMessage } from './messages';
import { takeMessageToken } from './rate-limit';

export interface Access {
  channel: ChannelItem;
  membership?: MembershipItem;
}

const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const MAX_NAME = 80;
const MAX_GROUP_DM_OTHERS = 8;

/** Slack's channel name rules: lower-case letters, digits, hyphens and underscores, at most 80. */
export function checkChannelName(name: string): void {
  if (name.length === 0) throw new ClientError('invalid_name_required');
  if (name.length > MAX_NAME) throw new ClientError('invalid_name_maxlength');
  if (!CHANNEL_NAME.test(name)) throw new ClientError('invalid_name');
}

const randomChannelId = () => stableId('C', randomBytes(16).toString('hex'));
export const dmChannelId = (kind: 'im' | 'mpim', userIds: string[]) =>
  stableId(kind === 'im' ? 'D' : 'G', kind, ...[...userIds].sort());

/**
 * The conversation as the caller may see it. Another workspace's channel, and a private channel or
 * DM the caller is not in, are not found (never merely forbidden).
 */
export async function access(caller: Caller, channelId: string, known?: ChannelItem): Promise<Access> {
  const [channel, membership] = await Promise.all([known ?? table().channels.get(channelId), table().memberships.get(channelId, caller.userId)]);
  if (!channel || channel.teamId !== caller.teamId) throw new ClientError('channel_not_found');
  if (channel.kind !== 'public' && !membership) throw new ClientError('channel_not_found');
  return { channel, membership };
}

/**
 * Access for reading or writing a conversation's messages: members only. `known` is the channel's
 * meta when the caller holds it already (a hot channel's page snapshot, read up to MAX_AGE_MS ago:
 * a channel's workspace and kind never change); the membership is read every time.
 */
export async function memberAccess(caller: Caller, channelId: string, known?: ChannelItem): Promise<Required<Access>> {
  const found = await access(caller, channelId, known);
  if (!found.membership) throw new ClientError('not_in_channel');
  return found as Required<Access>;
}

/** Adds one member: the membership and the count change together, or neither. False if already a member. */
async function addMember(channel: ChannelItem, userId: string): Promise<boolean> {
  if (!(await table().channels.addMember(channel, userId))) return false;
  await subscribeUsers(channel.channelId, [userId]);
  return true;
}

/** Removes one member: the membership and the count change together, or neither. False if not a member. */
async function removeMember(channel: ChannelItem, userId: string): Promise<boolean> {
  if (!(await table().channels.removeMember(channel.channelId, userId, Date.now()))) return false;
  await unsubscribeUser(channel.channelId, userId);
  return true;
}

const view = (found: Access, unread?: Unread) => toSlackChannel(found.channel, { membership: found.membership, unread });

// conversations.create: the name, the channel and the creator's membership in one transaction
export async function createChannel(caller: Caller, name: string, isPrivate: boolean) {
  checkChannelName(name);
  const channelId = randomChannelId();
  const kind: ChannelKind = isPrivate ? 'private' : 'public';
  const channel: NewChannel = { channelId, teamId: caller.teamId, name, kind, creator: caller.userId, memberCount: 1 };
  if (!(await table().channels.createNamed(channel))) throw new ClientError('name_taken');
  await subscribeUsers(channelId, [caller.userId]);
  return { channel: view(await access(caller, channelId)) };
}

export async function channelInfo(caller: Caller, channelId: string) {
  const found = await access(caller, channelId);
  if (!found.membership) return { channel: view(found) };
  return { channel: view(found, await unreadCount(channelId, found.membership)) };
}

/**
 * Unread messages after the read marker, counted up to a cap (Slack shows "99+" past that too), and
 * among them those that mention the member (mention_count): a member or broadcast mention resolved
 * at send, or in a DM or group DM any message of another's. Both come from the same consistent read
 * of the messages after the marker, so conversations.mark moves them together and a mention after
 * the marked ts always still counts: no counter to keep in step with the marker.
 */
const UNREAD_CAP = 1000;
export async function unreadCount(channelId: string, member: Pick<MembershipItem, 'userId' | 'kind' | 'lastRead'>): Promise<Unread> {
  const { lastRead } = member;
  const unread = await table().messages.oldestFirst(channelId, { lowest: lastRead || undefined, lowestExclusive: true }, {
    limit: UNREAD_CAP,
    // Strongly consistent, so `through` is exact: every message up to it is in the count or not unread.
    consistent: true,
    keep: (m) => (m.threadTs === m.ts || m.replyBroadcast === true) && m.deleted !== true,
  });
  const direct = member.kind === 'im' || member.kind === 'mpim';
  const mentions = unread.filter((m) => (direct ? m.userId !== member.userId && m.subtype === undefined : mentionsUser(m, member.userId))).length;
  const newest = unread[unread.length - 1];
  return { count: unread.length, mentions, through: newest ? newest.ts : (lastRead ?? '0'.repeat(26)) };
}

export async function joinChannel(caller: Caller, channelId: string) {
  const found = await access(caller, channelId);
  if (found.channel.kind === 'im' || found.channel.kind === 'mpim') throw new ClientError('method_not_supported_for_channel_type');
  if (found.channel.archived === true) throw new ClientError('is_archived');
  const joined = found.membership ? false : await addMember(found.channel, caller.userId);
  const out = { channel: view(await access(caller, channelId)) };
  return joined ? out : { ...out, already_in_channel: true };
}

export async function leaveChannel(caller: Caller, channelId: string) {
  const found = await access(caller, channelId);
  if (found.channel.kind === 'im') throw new ClientError('method_not_supported_for_channel_type');
  if (!found.membership || !(await removeMember(found.channel, caller.userId))) throw new ClientError('not_in_channel');
  return {};
}

export async function inviteToChannel(caller: Caller, channelId: string, userIds: string[]) {
  if (userIds.length === 0) throw new ClientError('invalid_arguments', 'users');
  if (userIds.length > 100) throw new ClientError('too_many_users');
  const found = await memberAccess(caller, channelId);
  if (found.channel.kind === 'im' || found.channel.kind === 'mpim') throw new ClientError('method_not_supported_for_channel_type');
  if (found.channel.archived === true) throw new ClientError('is_archived');
  if (userIds.includes(caller.userId)) throw new ClientError('cant_invite_self');
  await requireUsers(caller, userIds);
  const added = await Promise.all([...new Set(userIds)].map((u) => addMember(found.channel, u)));
  if (!added.some(Boolean)) throw new ClientError('already_in_channel');
  return { channel: view(await access(caller, channelId)) };
}

export async function kickFromChannel(caller: Caller, channelId: string, userId: string) {
  const found = await memberAccess(caller, channelId);
  if (found.channel.kind === 'im' || found.channel.kind === 'mpim') throw new ClientError('method_not_supported_for_channel_type');
  if (userId === caller.userId) throw new ClientError('cant_kick_self');
  if (!(await removeMember(found.channel, userId))) throw new ClientError('not_in_channel');
  return {};
}

/** Slack's limit for a topic or purpose. */
const MAX_ABOUT = 250;

/**
 * conversations.setTopic / setPurpose: members set them (empty clears); the channel as it is now.
 * As in Slack, a `channel_topic` / `channel_purpose` message by the caller announces the change to
 * the members (live, in sync and in history). Its rate token is taken first, so a refused
 * announcement never leaves a change unannounced.
 */
export async function setChannelAbout(caller: Caller, channelId: string, field: 'topic' | 'purpose', value: string) {
  const found = await memberAccess(caller, channelId);
  if (found.channel.archived === true) throw new ClientError('is_archived');
  if ([...value].length > MAX_ABOUT) throw new ClientError('too_long');
  await takeMessageToken(caller.userId, channelId);
  const channel = await table().channels.setAbout(channelId, field, value, caller.userId, Math.floor(Date.now() / 1000));
  if (!channel) throw new ClientError('channel_not_found');
  const text = value ? `set the channel ${field}: ${value}` : `cleared the channel ${field}`;
  await storeMessage(caller, { channelId, text, tokenTaken: true, subtype: { name: field === 'topic' ? 'channel_topic' : 'channel_purpose', about: value } });
  return { channel: view({ channel, membership: found.membership }) };
}

// The members of a conversation, a page at a time, by user id
export async function channelMembers(caller: Caller, channelId: string, limit: number, cursor?: string) {
  await memberAccess(caller, channelId);
  const scope = table().memberships.membersScope(channelId);
  const after = cursor ? decodeScopedCursor(cursor, scope, { u: isIdPosition }).u : undefined;
  const members = await table().memberships.membersPage(channelId, after, limit + 1);
  const page = members.slice(0, limit);
  const next = members.length > limit ? encodeScopedCursor(scope, { u: page[page.length - 1] }) : '';
  return { members: page, response_metadata: { next_cursor: next } };
}

/**
 * conversations.open: a DM (one other user) or a group DM (two to eight others). The channel id is
 * derived from the sorted set of users, so the same set always gets the same conversation, and
 * concurrent opens converge on one.
 */
export async function openConversation(caller: Caller, userIds: string[]) {
  const others = [...new Set(userIds.filter((u) => u !== caller.userId))];
  if (others.length === 0 && userIds.length === 0) throw new ClientError('invalid_arguments', 'users');
  if (others.length > MAX_GROUP_DM_OTHERS) throw new ClientError('too_many_users');
  await requireUsers(caller, others);
  const members = [...new Set([caller.userId, ...others])].sort();
  const kind = others.length <= 1 ? 'im' : 'mpim';
  const channelId = dmChannelId(kind, members);
  if (await table().channels.get(channelId)) return { channel: view(await access(caller, channelId)), already_open: true };
  const channel: NewChannel = {
    channelId, teamId: caller.teamId, name: kind === 'im' ? channelId : `mpdm-${members.join('--')}`.slice(0, 80).toLowerCase(),
    kind, creator: caller.userId, dmUsers: members, memberCount: members.length,
  };
  // False when another open of the same set won the race: the conversation exists, which is what we want.
  await table().channels.createWithMembers(channel, members);
  await subscribeUsers(channelId, members);
  return { channel: view(await access(caller, channelId)) };
}

const ALL_TYPES = ['public_channel', 'private_channel', 'mpim', 'im'] as const;
const TYPE_OF_KIND: Record<ChannelKind, (typeof ALL_TYPES)[number]> = {
  public: 'public_channel', private: 'private_channel', mpim: 'mpim', im: 'im',
};

/**
 * conversations.list: first the caller's own conversations (of the asked types), then the public
 * channels of the workspace they are not in. The cursor says which phase and where.
 */
export async function listConversations(caller: Caller, types: string[], limit: number, cursor?: string, excludeArchived = false) {
  const wanted = new Set(types.length ? types : ['public_channel']);
  for (const t of wanted) if (!(ALL_TYPES as readonly string[]).includes(t)) throw new ClientError('invalid_arguments', 'types');
  const scope = table().memberships.conversationsScope(caller.userId);
  const position = cursor ? listPosition(cursor, scope) : { phase: 'mine', after: '' };
  const out: Record<string, unknown>[] = [];

  if (position.phase === 'mine') {
    const memberships = await table().memberships.conversationsPage(caller.userId, position.after || undefined, limit + 1, (m) => wanted.has(TYPE_OF_KIND[m.kind]));
    const page = memberships.slice(0, limit);
    const channels = await table().channels.byIds(page.map((m) => m.channelId));
    const unread = new Map<string, Unread>();
    await inParallel(page, 8, async (m) => {
      unread.set(m.channelId, await unreadCount(m.channelId, m));
    });
    for (const m of page) {
      const channel = channels.get(m.channelId);
      if (!channel || (excludeArchived && channel.archived === true)) continue;
      out.push(toSlackChannel(channel, { membership: m, unread: unread.get(m.channelId) }));
    }
    if (memberships.length > limit) {
      return page1(out, encodeScopedCursor(scope, { phase: 'mine', after: page[page.length - 1].channelId }));
    }
    if (!wanted.has('public_channel') || out.length >= limit) {
      return page1(out, wanted.has('public_channel') ? encodeScopedCursor(scope, { phase: 'public', after: PUBLIC_START }) : '');
    }
    position.phase = 'public';
    position.after = PUBLIC_START;
  }

  if (position.phase !== 'public') throw new ClientError('invalid_cursor');
  const room = limit - out.length;
  const publicChannels = await table().channels.publicPage(caller.teamId, position.after === PUBLIC_START ? undefined : position.after, room + 1);
  const page = publicChannels.slice(0, room);
  const mine = await table().memberships.heldAmong(caller.userId, page.map((c) => c.channelId));
  for (const channel of page) {
    if (mine.has(channel.channelId)) continue; // listed in the first phase
    if (excludeArchived && channel.archived === true) continue;
    out.push(toSlackChannel(channel));
  }
  const next = publicChannels.length > room ? encodeScopedCursor(scope, { phase: 'public', after: page[page.length - 1].name }) : '';
  return page1(out, next);
}

/** client.counts reads at most this many of the caller's conversations. */
const COUNTS_MAX = 1000;

/**
 * client.counts (Slack's, undocumented): for each of the caller's conversations (up to 1,000) its
 * read marker, `has_unreads`, `unread_count` and `mention_count`, split into channels, mpims and
 * ims; a badge total in one call.
 */
export async function clientCounts(caller: Caller) {
  const memberships = await table().memberships.conversationsPage(caller.userId, undefined, COUNTS_MAX, () => true);
  const out: Record<'channels' | 'mpims' | 'ims', Record<string, unknown>[]> = { channels: [], mpims: [], ims: [] };
  const counted = new Map<string, Unread>();
  await inParallel(memberships, 8, async (m) => {
    counted.set(m.channelId, await unreadCount(m.channelId, m));
  });
  for (const m of memberships) {
    const unread = counted.get(m.channelId);
    if (!unread) continue;
    const group = m.kind === 'im' ? out.ims : m.kind === 'mpim' ? out.mpims : out.channels;
    group.push({
      id: m.channelId, last_read: m.lastRead ?? '0'.repeat(26), latest: unread.through,
      has_unreads: unread.count > 0, unread_count: unread.count, mention_count: unread.mentions,
    });
  }
  return out;
}

/** A conversations.list position before the first public channel. */
const PUBLIC_START = '\u0000';

/**
 * Where a conversations.list cursor resumes: after one of the caller's conversations (by id), or
 * after a public channel (by name, or from the first).
 */
function listPosition(cursor: string, scope: string): { phase: string; after: string } {
  const position = decodeScopedCursor(cursor, scope, { phase: (v) => v === 'mine' || v === 'public', after: () => true });
  const resumable = position.phase === 'mine'
    ? isIdPosition(position.after)
    : position.after === PUBLIC_START || (position.after.length <= MAX_NAME && CHANNEL_NAME.test(position.after));
  if (!resumable) throw new ClientError('invalid_cursor');
  return position;
}

const page1 = (channels: Record<string, unknown>[], next: string) => ({ channels, response_metadata: { next_cursor: next } });

/** Our user ids: U and ten Crockford characters (lambdas/edge/identity.ts). */
const USER_ID = /^U[0-9A-HJKMNP-TV-Z]{10}$/;

/**
 * A `channel` argument as Slack's chat methods take it: a conversation id; `#name` or a bare name
 * (a public or private channel of the caller's workspace, found by its name reservation; a private
 * one the caller is not in is then not found by the access check, as any other); or a user id, for
 * the DM with that user, opened if needed as conversations.open does. An unknown name, or a user of
 * another workspace, is `channel_not_found`.
 */
export async function resolveChannel(caller: Caller, raw: string): Promise<string> {
  const name = raw.startsWith('#') ? raw.slice(1).toLowerCase() : CHANNEL_NAME.test(raw) ? raw : undefined;
  if (name !== undefined) {
    const channelId = name.length > 0 && name.length <= MAX_NAME ? await table().channels.idByName(caller.teamId, name) : undefined;
    if (!channelId) throw new ClientError('channel_not_found');
    return channelId;
  }
  if (USER_ID.test(raw)) {
    try {
      const opened = await openConversation(caller, [raw]);
      return String(opened.channel.id);
    } catch (error) {
      if (error instanceof ClientError && error.code === 'user_not_found') throw new ClientError('channel_not_found');
      throw error;
    }
  }
  return raw;
}

/**
 * users.conversations: the conversations a user is in, of the asked `types` (default public
 * channels), by channel id, a page at a time. For another user of the workspace, only those the
 * caller could see anyway: public channels, and conversations the caller is in too.
 */
export async function userConversations(caller: Caller, input: { user?: string; types: string[]; limit: number; cursor?: string; excludeArchived: boolean }) {
  const target = input.user || caller.userId;
  const wanted = new Set(input.types.length ? input.types : ['public_channel']);
  for (const t of wanted) if (!(ALL_TYPES as readonly string[]).includes(t)) throw new ClientError('invalid_arguments', 'types');
  if (target !== caller.userId) await requireUsers(caller, [target]);
  const scope = `${table().memberships.conversationsScope(target)}#users.conversations`;
  const after = input.cursor ? decodeScopedCursor(input.cursor, scope, { after: isIdPosition }).after : undefined;
  const memberships = await table().memberships.conversationsPage(target, after, input.limit + 1, (m) => wanted.has(TYPE_OF_KIND[m.kind]));
  const page = memberships.slice(0, input.limit);
  const channelIds = page.map((m) => m.channelId);
  const [channels, callerHolds] = await Promise.all([
    table().channels.byIds(channelIds),
    target === caller.userId ? Promise.resolve(new Set(channelIds)) : table().memberships.heldAmong(caller.userId, channelIds),
  ]);
  const out: Record<string, unknown>[] = [];
  for (const m of page) {
    const channel = channels.get(m.channelId);
    if (!channel || channel.teamId !== caller.teamId) continue;
    if (channel.kind !== 'public' && !callerHolds.has(channel.channelId)) continue;
    if (input.excludeArchived && channel.archived === true) continue;
    // The target's own membership (read marker) only when the target is the caller.
    const shown = toSlackChannel(channel, { membership: target === caller.userId ? m : undefined });
    out.push({ ...shown, is_member: callerHolds.has(channel.channelId) });
  }
  const next = memberships.length > input.limit ? encodeScopedCursor(scope, { after: page[page.length - 1].channelId }) : '';
  return page1(out, next);
}
