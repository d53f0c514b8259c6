import { endOf, justAfter, keyOf, queryStart } from './entity-keys';
import type { MembershipItem } from './service';
import { UpdateCommand } from './document-client';
import { batchGet, entityItems, isConditionFailure, queryRange, type TableContext } from './store';

/** Who is in which conversation, and their read markers. */
export function membershipAccess(t: TableContext) {
  const { membership } = t.service.entities;
  const byUserStart = (userId: string) => queryStart(membership.query.byUser({ userId }).params());

  return {
    // A user's membership of a conversation
    get: async (channelId: string, userId: string): Promise<MembershipItem | undefined> =>
      (await membership.get({ channelId, userId }).go()).data ?? undefined,

    // Every member of a conversation, read consistently
    allMembers: async (channelId: string): Promise<string[]> => {
      const start = queryStart(membership.query.primary({ channelId }).params());
      const items = await queryRange(t, { ...start, prefix: start.sortPrefix, limit: 1_000_000, consistent: true });
      return entityItems(items, (Item) => membership.parse({ Item }).data).map((m) => m.userId);
    },

    // The partitions the members and conversations listings read: their cursors are scoped to them
    membersScope: (channelId: string): string => queryStart(membership.query.primary({ channelId }).params()).partition,
    conversationsScope: (userId: string): string => byUserStart(userId).partition,

    // The members of a conversation by user id, after a user id, a page at a time
    membersPage: async (channelId: string, afterUserId: string | undefined, limit: number): Promise<string[]> => {
      const start = queryStart(membership.query.primary({ channelId }).params());
      const items = await queryRange(t, {
        partition: start.partition,
        from: afterUserId ? justAfter(keyOf(membership.get({ channelId, userId: afterUserId }).params()).sk) : start.sortPrefix,
        to: endOf(start.sortPrefix),
        limit,
      });
      return entityItems(items, (Item) => membership.parse({ Item }).data).map((m) => m.userId);
    },

    // The conversations of a user by channel id, after a channel id, a page at a time (of the kinds kept)
    conversationsPage: async (userId: string, afterChannelId: string | undefined, limit: number, keep: (m: MembershipItem) => boolean): Promise<MembershipItem[]> => {
      const start = byUserStart(userId);
      const after = afterChannelId
        ? justAfter(String((membership.query.byUser({ userId, channelId: afterChannelId }).params() as { ExpressionAttributeValues: Record<string, unknown> }).ExpressionAttributeValues[':sk1']))
        : start.sortPrefix;
      const items = await queryRange(t, {
        ...start, from: after, to: endOf(start.sortPrefix), limit,
        keep: (raw) => {
          const m = entityItems([raw], (Item) => membership.parse({ Item }).data)[0];
          return m !== undefined && keep(m);
        },
      });
      return entityItems(items, (Item) => membership.parse({ Item }).data);
    },

    // The conversations a user is in (from the index: eventually consistent)
    channelIdsOf: async (userId: string): Promise<string[]> => {
      const start = byUserStart(userId);
      const items = await queryRange(t, { ...start, prefix: start.sortPrefix, limit: 100_000 });
      return entityItems(items, (Item) => membership.parse({ Item }).data).map((m) => m.channelId);
    },

    // Which of these conversations the user is in
    heldAmong: async (userId: string, channelIds: string[], options: { consistent?: boolean } = {}): Promise<Set<string>> => {
      const items = await batchGet(t, channelIds.map((channelId) => keyOf(membership.get({ channelId, userId }).params())), options);
      return new Set(entityItems(items, (Item) => membership.parse({ Item }).data).map((m) => m.channelId));
    },

    // Which of these users are members of the conversation, read consistently
    membersAmong: async (channelId: string, userIds: string[]): Promise<Set<string>> => {
      if (userIds.length === 0) return new Set();
      const items = await batchGet(t, userIds.map((userId) => keyOf(membership.get({ channelId, userId }).params())), { consistent: true });
      return new Set(entityItems(items, (Item) => membership.parse({ Item }).data).map((m) => m.userId));
    },

    // Moves a member's read marker (and names the device that moved it); false when not a member
    markRead: async (channelId: string, userId: string, ts: string, device?: string): Promise<boolean> => {
      try {
        await t.client.send(new UpdateCommand({
          TableName: t.table,
          Key: keyOf(membership.get({ channelId, userId }).params()),
          UpdateExpression: device ? 'SET lastRead = :ts, markedBy = :device' : 'SET lastRead = :ts REMOVE markedBy',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':ts': ts, ...(device ? { ':device': device } : {}) },
        }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}
