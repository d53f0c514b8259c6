import type { ChannelLogEntryItem, InboxEntryItem } from './service';
import { batchWrite, entityItems, isLive, queryRange, type Item, type TableContext } from './store';
import { justAfter, queryStart } from './entity-keys';

/** Inbox entries: events kept for a user's devices to sync. */
export function inboxAccess(t: TableContext) {
  const { inboxEntry } = t.service.entities;
  return {
    // Events put into users' inboxes
    put: async (entries: InboxEntryItem[]): Promise<void> => {
      await batchWrite(t, entries.map((e) => (inboxEntry.put(e).params() as { Item: Item }).Item));
    },

    // A user's inbox in write order after a cursor, read consistently
    after: async (userId: string, afterSeq: string, limit: number): Promise<InboxEntryItem[]> => {
      const start = queryStart(inboxEntry.query.primary({ userId }).params());
      return entityItems(await queryRange(t, { ...start, from: justAfter(afterSeq), limit, consistent: true, keep: (item) => isLive(item) }), (Item) => inboxEntry.parse({ Item }).data);
    },
  };
}

/** Channel logs: a channel's events kept once for all its members' devices to sync. */
export function channelLogAccess(t: TableContext) {
  const { channelLogEntry } = t.service.entities;
  return {
    // Events put into channels' logs
    put: async (entries: ChannelLogEntryItem[]): Promise<void> => {
      await batchWrite(t, entries.map((e) => (channelLogEntry.put(e).params() as { Item: Item }).Item));
    },

    // A channel's log in write order after a cursor, read consistently
    after: async (channelId: string, afterSeq: string, limit: number): Promise<ChannelLogEntryItem[]> => {
      const start = queryStart(channelLogEntry.query.primary({ channelId }).params());
      return entityItems(await queryRange(t, { ...start, from: justAfter(afterSeq), limit, consistent: true, keep: (item) => isLive(item) }), (Item) => channelLogEntry.parse({ Item }).data);
    },
  };
}
