import type { ChatTable } from '../../../lambdas/model/table';
import type { Leases } from '../../../lambdas/model/presence';
import type { ConnectionItem, LiveSubscriptionItem, InboxEntryItem, ChannelItem, ChannelLogEntryItem } from '../../../lambdas/model/service';
import type { Delivery, DeliveryOptions, Recipient } from '../../../lambdas/core/delivery';
import { usePorts } from '../../../lambdas/core/ports';

/*
 * In-memory stand-ins for the core's ports: just the access patterns the fan-out, presence and
 * connection logic use, holding state in plain maps so a test can set it up and read it back.
 */

export interface FakeState {
  channels: Map<string, Pick<ChannelItem, 'channelId' | 'memberCount'>>;
  members: Map<string, string[]>;
  subscriptions: Map<string, LiveSubscriptionItem[]>;
  connections: Map<string, ConnectionItem[]>;
  inbox: InboxEntryItem[];
  /** Channel log entries, of every channel. */
  channelLog: ChannelLogEntryItem[];
  unsubscribed: Array<{ channelId: string; connectionId: string }>;
  /** Presence leases per user (connection id → lease end, epoch seconds). */
  leases: Map<string, Leases>;
  droppedLeases: string[];
  presenceSubscribers: Map<string, Array<{ connectionId: string; userId: string }>>;
  removedConnections: string[];
}

export const emptyState = (): FakeState => ({
  channels: new Map(), members: new Map(), subscriptions: new Map(), connections: new Map(), inbox: [], channelLog: [], unsubscribed: [],
  leases: new Map(), droppedLeases: [], presenceSubscribers: new Map(), removedConnections: [],
});

export function fakeTable(state: FakeState): ChatTable {
  const table = {
    channels: { get: async (id: string) => state.channels.get(id) },
    memberships: {
      allMembers: async (id: string) => state.members.get(id) ?? [],
      channelIdsOf: async (userId: string) => [...state.members].filter(([, users]) => users.includes(userId)).map(([id]) => id),
      heldAmong: async (userId: string, ids: string[]) => new Set(ids.filter((id) => state.members.get(id)?.includes(userId))),
    },
    connections: {
      ofUser: async (userId: string) => state.connections.get(userId) ?? [],
      subscribedTo: async (channelId: string) => state.subscriptions.get(channelId) ?? [],
      subscribe: async () => undefined,
      unsubscribe: async (pairs: Array<{ channelId: string; connectionId: string }>) => {
        state.unsubscribed.push(...pairs);
      },
      put: async () => undefined,
      remove: async (connectionId: string) => {
        state.removedConnections.push(connectionId);
      },
    },
    inbox: {
      put: async (entries: InboxEntryItem[]) => {
        state.inbox.push(...entries);
      },
    },
    channelLog: {
      put: async (entries: ChannelLogEntryItem[]) => {
        state.channelLog.push(...entries);
      },
    },
    presence: {
      holdLease: async (userId: string, connectionId: string, leaseEnd: number) => {
        const before = new Map(state.leases.get(userId) ?? []);
        state.leases.set(userId, new Map([...before, [connectionId, leaseEnd]]));
        return before;
      },
      dropExpiredLeases: async (userId: string, connectionIds: string[]) => {
        state.droppedLeases.push(...connectionIds);
        for (const id of connectionIds) state.leases.get(userId)?.delete(id);
      },
      releaseLease: async (userId: string, connectionId: string) => {
        const before = state.leases.get(userId);
        if (!before?.has(connectionId)) return undefined;
        const copy = new Map(before);
        before.delete(connectionId);
        return copy;
      },
      leasesOf: async (userIds: string[]) => new Map(userIds.map((u) => [u, state.leases.get(u) ?? new Map()])),
      watchedBy: async () => [],
      clearWatchList: async () => undefined,
      subscribersOf: async (userId: string) => state.presenceSubscribers.get(userId) ?? [],
    },
    users: { createWorkspaceIfMissing: async () => undefined, createUserIfMissing: async () => undefined },
  };
  // Only the patterns above exist: a call to any other fails the test with a TypeError.
  return table as unknown as ChatTable;
}

/** A delivery that records what it was asked to deliver, in order. */
export function recordingDelivery() {
  const deliveries: Array<{ event: Record<string, unknown>; recipients: Recipient[]; options?: DeliveryOptions }> = [];
  const delivery: Delivery = {
    async deliver(event, recipients, options) {
      deliveries.push({ event, recipients, options });
      return options?.stats ?? { posts: 0, gone: 0, goneDuringHandshake: 0, postFailures: 0 };
    },
    async deliverShare(eventJson, recipients, options) {
      deliveries.push({ event: JSON.parse(eventJson), recipients, options });
      return options?.stats ?? { posts: 0, gone: 0, goneDuringHandshake: 0, postFailures: 0 };
    },
    async postFrame(connectionId, frame) {
      deliveries.push({ event: frame, recipients: [{ connectionId, userId: '' }] });
      return 'sent';
    },
  };
  return { delivery, deliveries };
}

/** Installs fakes as the core's ports until the returned function is called. */
export function installFakes(state: FakeState, delivery: Delivery): () => void {
  usePorts({ table: fakeTable(state), delivery });
  return () => usePorts(undefined);
}
