import { keyOf, queryStart } from './entity-keys';
import type { ConnectionItem, LiveSubscriptionItem } from './service';
import { batchWrite, entityItems, isLive, queryRange, type Item, type TableContext } from './store';

/** A live subscription as it is written: which connection follows which channel, until when. */
export interface NewSubscription {
  channelId: string;
  connectionId: string;
  userId: string;
  deviceId: string;
  expiresAt: number;
}

/** Connection leases and the live subscriptions fan-out reads. */
export function connectionAccess(t: TableContext) {
  const { connection, liveSubscription } = t.service.entities;
  return {
    // A connection's lease, written or renewed
    put: async (c: { connectionId: string; userId: string; teamId: string; deviceId: string; expiresAt: number }): Promise<void> => {
      await connection.put(c).go();
    },

    // A connection's lease removed
    remove: async (connectionId: string): Promise<void> => {
      await connection.delete({ connectionId }).go();
    },

    // The live connections of a user (all their devices)
    ofUser: async (userId: string): Promise<ConnectionItem[]> => {
      const start = queryStart(connection.query.byUser({ userId }).params());
      return entityItems(await queryRange(t, { ...start, prefix: start.sortPrefix, limit: 1000, keep: (item) => isLive(item) }), (Item) => connection.parse({ Item }).data);
    },

    // The live connections subscribed to a channel
    subscribedTo: async (channelId: string): Promise<LiveSubscriptionItem[]> => {
      const start = queryStart(liveSubscription.query.primary({ channelId }).params());
      return entityItems(await queryRange(t, { ...start, limit: 1_000_000, keep: (item) => isLive(item) }), (Item) => liveSubscription.parse({ Item }).data);
    },

    // Connections subscribed to channels
    subscribe: async (subscriptions: NewSubscription[]): Promise<void> => {
      await batchWrite(t, subscriptions.map((s) => (liveSubscription.put(s).params() as { Item: Item }).Item));
    },

    // Subscriptions of connections to channels removed
    unsubscribe: async (pairs: Array<{ channelId: string; connectionId: string }>): Promise<void> => {
      await batchWrite(t, [], pairs.map((p) => keyOf(liveSubscription.get(p).params())));
    },
  };
}
