import { endOf, justAfter, queryStart } from './entity-keys';
import type { ScheduledMessageItem } from './service';
import { entityItems, isConditionFailure, queryRange, type TableContext } from './store';

export type NewScheduledMessage = Omit<ScheduledMessageItem, 'createdAt'>;

/** Messages to post later. */
export function scheduledMessageAccess(t: TableContext) {
  const { scheduledMessage } = t.service.entities;
  return {
    // A scheduled message, under the minute it is due in
    create: async (item: NewScheduledMessage): Promise<void> => {
      await scheduledMessage.create(item).go();
    },

    // A scheduled message by its id (and the minute the id names), read consistently
    get: async (dueMinute: string, scheduledId: string): Promise<ScheduledMessageItem | undefined> =>
      (await scheduledMessage.get({ dueMinute, scheduledId }).go({ consistent: true })).data ?? undefined,

    // A scheduled message removed (deleted, or posted); false when it was already gone
    remove: async (dueMinute: string, scheduledId: string): Promise<boolean> => {
      try {
        await scheduledMessage.delete({ dueMinute, scheduledId }).where((a, { exists }) => exists(a.postAt)).go();
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // The messages due in one minute, read consistently
    dueIn: async (dueMinute: string, limit: number): Promise<ScheduledMessageItem[]> => {
      const start = queryStart(scheduledMessage.query.primary({ dueMinute }).params());
      const items = await queryRange(t, { ...start, prefix: start.sortPrefix, limit, consistent: true });
      return entityItems(items, (Item) => scheduledMessage.parse({ Item }).data);
    },

    // The partition a user's listing reads: its cursors are scoped to it
    ofUserScope: (userId: string): string => queryStart(scheduledMessage.query.byUser({ userId }).params()).partition,

    // A user's scheduled messages by post_at, after an id, a page at a time (from the index: eventually consistent)
    ofUser: async (userId: string, afterId: string | undefined, limit: number, keep: (m: ScheduledMessageItem) => boolean): Promise<ScheduledMessageItem[]> => {
      const start = queryStart(scheduledMessage.query.byUser({ userId }).params());
      const items = await queryRange(t, {
        ...start,
        from: afterId ? justAfter(`${start.sortPrefix}${afterId}`) : start.sortPrefix,
        to: endOf(start.sortPrefix),
        limit,
        keep: (raw) => {
          const m = entityItems([raw], (Item) => scheduledMessage.parse({ Item }).data)[0];
          return m !== undefined && keep(m);
        },
      });
      return entityItems(items, (Item) => scheduledMessage.parse({ Item }).data);
    },
  };
}
