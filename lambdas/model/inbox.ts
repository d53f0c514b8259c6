import type { InboxEntryItem } from './service';
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
