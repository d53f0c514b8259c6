import type { ChannelKind } from './entities';
import { endOf, justAfter, keyOf, queryStart } from './entity-keys';
import type { ChannelItem } from './service';
import { asTransactItem, batchGet, isConditionFailure, entityItems, queryRange, transact, TransactionCancelled, type TableContext } from './store';

/** A conversation as it is created. */
export interface NewChannel {
  channelId: string;
  teamId: string;
  name: string;
  kind: ChannelKind;
  creator: string;
  memberCount: number;
  dmUsers?: string[];
}

/** Conversations, their names, heads and memberships as they change together. */
export function channelAccess(t: TableContext) {
  const { channel, channelName, channelHead, membership } = t.service.entities;

  const membershipPut = (c: Pick<ChannelItem, 'channelId' | 'teamId' | 'kind'>, userId: string) =>
    asTransactItem('Put', membership.create({ channelId: c.channelId, userId, teamId: c.teamId, kind: c.kind }).params());
  const memberCountChange = (channelId: string, delta: number) =>
    asTransactItem('Update', {
      TableName: t.table,
      Key: keyOf(channel.get({ channelId }).params()),
      UpdateExpression: 'ADD memberCount :delta',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':delta': delta },
    });
  /** Runs a transaction; false when its first item's condition failed. */
  const unlessFirstFails = async (items: ReturnType<typeof asTransactItem>[]) => {
    try {
      await transact(t, items);
      return true;
    } catch (error) {
      if (error instanceof TransactionCancelled && error.failedAt(0)) return false;
      throw error;
    }
  };

  return {
    // A conversation by id
    get: async (channelId: string): Promise<ChannelItem | undefined> => (await channel.get({ channelId }).go()).data ?? undefined,

    // Conversations by id, in any order
    byIds: async (channelIds: string[]): Promise<Map<string, ChannelItem>> => {
      const items = entityItems(await batchGet(t, channelIds.map((channelId) => keyOf(channel.get({ channelId }).params()))), (Item) => channel.parse({ Item }).data);
      return new Map(items.map((c) => [c.channelId, c]));
    },

    // A workspace's public channels by name, after a name (or from the first), a page at a time
    publicPage: async (teamId: string, afterName: string | undefined, limit: number): Promise<ChannelItem[]> => {
      const start = queryStart(channel.query.publicByTeam({ teamId }).params());
      const items = await queryRange(t, { ...start, from: afterName === undefined ? '' : justAfter(afterName), to: endOf(start.sortPrefix), limit });
      return entityItems(items, (Item) => channel.parse({ Item }).data);
    },

    // A workspace's channel by its name (the name reservation), if any
    idByName: async (teamId: string, name: string): Promise<string | undefined> => (await channelName.get({ teamId, name }).go()).data?.channelId,

    // The newest committed ts of each channel that has one
    headsOf: async (channelIds: string[]): Promise<Map<string, string>> => {
      const heads = entityItems(await batchGet(t, channelIds.map((channelId) => keyOf(channelHead.get({ channelId }).params()))), (Item) => channelHead.parse({ Item }).data);
      return new Map(heads.flatMap((h) => (h.lastTs === undefined ? [] : [[h.channelId, h.lastTs]])));
    },

    // A new channel with its name reserved and its creator as member, all or nothing; false when the name is taken
    createNamed: (c: NewChannel) =>
      unlessFirstFails([
        asTransactItem('Put', channelName.create({ teamId: c.teamId, name: c.name, channelId: c.channelId }).params()),
        asTransactItem('Put', channel.create(c).params()),
        membershipPut(c, c.creator),
      ]),

    // A new DM or group DM with all its members, all or nothing; false when it already exists (a concurrent open)
    createWithMembers: async (c: NewChannel, userIds: string[]): Promise<boolean> => {
      try {
        await transact(t, [asTransactItem('Put', channel.create(c).params()), ...userIds.map((u) => membershipPut(c, u))]);
        return true;
      } catch (error) {
        if (error instanceof TransactionCancelled) return false;
        throw error;
      }
    },

    /*
     * A channel's new name, all or nothing: the old name's reservation released (only if it is still
     * this channel's), the new one taken (only if free), and the channel's name (and, for a public
     * channel, its place in the workspace's by-name index). 'name_taken' when the new name is held.
     */
    rename: async (c: Pick<ChannelItem, 'channelId' | 'teamId' | 'kind' | 'name'>, newName: string): Promise<'renamed' | 'name_taken'> => {
      try {
        await transact(t, [
          asTransactItem('Put', channelName.create({ teamId: c.teamId, name: newName, channelId: c.channelId }).params()),
          asTransactItem('Delete', {
            ...(channelName.delete({ teamId: c.teamId, name: c.name }).params() as object),
            ConditionExpression: 'channelId = :channel',
            ExpressionAttributeValues: { ':channel': c.channelId },
          }),
          // The kind and workspace go with the name so the entity keeps the by-name index right (a public channel moves in it).
          asTransactItem('Update', channel.patch({ channelId: c.channelId }).set({ name: newName, kind: c.kind, teamId: c.teamId }).params()),
        ]);
        return 'renamed';
      } catch (error) {
        if (error instanceof TransactionCancelled && error.failedAt(0)) return 'name_taken';
        throw error;
      }
    },

    // A channel archived or unarchived, and by whom; false when it already was in that state
    setArchived: async (channelId: string, archived: boolean, userId: string): Promise<boolean> => {
      try {
        await channel.patch({ channelId }).set({ archived, archivedBy: userId }).where((a, { eq }) => eq(a.archived, !archived)).go();
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // One more member: the membership and the count together; false when already a member
    addMember: (c: Pick<ChannelItem, 'channelId' | 'teamId' | 'kind'>, userId: string) =>
      unlessFirstFails([membershipPut(c, userId), memberCountChange(c.channelId, 1)]),

    // One member less: the membership, the count and the head's removal time (epoch ms) together; false when not a member
    removeMember: (channelId: string, userId: string, at: number) =>
      unlessFirstFails([
        asTransactItem('Delete', { ...(membership.delete({ channelId, userId }).params() as object), ConditionExpression: 'attribute_exists(pk)' }),
        memberCountChange(channelId, -1),
        asTransactItem('Update', channelHead.update({ channelId }).set({ removedAt: at }).params()),
      ]),

    // A conversation's topic or purpose, who set it and when (epoch seconds); the conversation as it is now
    setAbout: async (channelId: string, field: 'topic' | 'purpose', value: string, userId: string, at: number): Promise<ChannelItem | undefined> => {
      const set = field === 'topic' ? { topic: value, topicCreator: userId, topicLastSet: at } : { purpose: value, purposeCreator: userId, purposeLastSet: at };
      try {
        const out = await channel.patch({ channelId }).set(set).go({ response: 'all_new' });
        return out.data as ChannelItem;
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },
  };
}
