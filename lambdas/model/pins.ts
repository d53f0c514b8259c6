import { endOf, queryStart } from './entity-keys';
import type { PinItem } from './service';
import { entityItems, isConditionFailure, queryRange, type TableContext } from './store';

/** Pinned messages. */
export function pinAccess(t: TableContext) {
  const { pin } = t.service.entities;
  return {
    // A message pinned to its conversation; false when it already is
    add: async (channelId: string, ts: string, pinnedBy: string): Promise<boolean> => {
      try {
        await pin.create({ channelId, ts, pinnedBy }).go();
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // A pin removed; false when the message was not pinned
    remove: async (channelId: string, ts: string): Promise<boolean> => {
      try {
        await pin.delete({ channelId, ts }).where((a, { exists }) => exists(a.pinnedBy)).go();
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // A conversation's pins, newest message first, at most `limit`
    list: async (channelId: string, limit: number): Promise<PinItem[]> => {
      const start = queryStart(pin.query.primary({ channelId }).params());
      const items = await queryRange(t, { partition: start.partition, from: start.sortPrefix, to: endOf(start.sortPrefix), limit, descending: true });
      return entityItems(items, (Item) => pin.parse({ Item }).data);
    },
  };
}
