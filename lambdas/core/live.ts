import { db } from '../adapters/clients';
import { BY_OWNER_INDEX } from '../model/keys';
import { batchWrite, isLive, queryRange, type Item } from './store';
import { numberSetting } from '../config/env';

/*
 * Live subscriptions: one item per (channel, connection) so that fan-out reads the channel's online
 * connections in one query. They are written at $connect and when a connected user joins, and
 * removed at $disconnect, on leave, and when @connections answers 410.
 */

const MAX_CONNECTION_SECONDS = numberSetting('maxConnectionSeconds');

export interface LiveConnection {
  connectionId: string;
  userId: string;
  deviceId: string;
  /** When the subscription (or the connection's lease) was written, in ms; absent on items older than the field. */
  since?: number;
}

// The live connections of a user (all their devices)
export async function connectionsOfUser(userId: string): Promise<LiveConnection[]> {
  const items = await queryRange({
    index: BY_OWNER_INDEX.name,
    partitionField: BY_OWNER_INDEX.partition,
    sortField: BY_OWNER_INDEX.sort,
    partition: `U#${userId}`,
    prefix: 'CONN#',
    limit: 1000,
    keep: (item) => isLive(item),
  });
  return items.map(toLiveConnection);
}

// The live connections subscribed to a channel
export async function connectionsOfChannel(channelId: string): Promise<LiveConnection[]> {
  const items = await queryRange({ partition: `LIVE#${channelId}`, limit: 1_000_000, keep: (item) => isLive(item) });
  return items.map(toLiveConnection);
}

const toLiveConnection = (item: Item): LiveConnection => ({
  connectionId: String(item.connectionId),
  userId: String(item.userId),
  deviceId: String(item.deviceId),
  since: Number(item.subscribedAt ?? item.connectedAt) || undefined,
});

function subscriptionItem(channelId: string, connection: LiveConnection, connectedAtSeconds: number): Item {
  const params = db()
    .entities.liveSubscription.put({
      channelId, connectionId: connection.connectionId, userId: connection.userId, deviceId: connection.deviceId,
      expiresAt: connectedAtSeconds + MAX_CONNECTION_SECONDS + 60,
    })
    .params() as { Item: Item };
  return params.Item;
}

export async function subscribe(channelIds: string[], connection: LiveConnection): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  await batchWrite(channelIds.map((channelId) => subscriptionItem(channelId, connection, now)));
}

/** Subscribes the live connections of users who just joined a channel. */
export async function subscribeUsers(channelId: string, userIds: string[]): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const connections = (await Promise.all(userIds.map(connectionsOfUser))).flat();
  await batchWrite(connections.map((c) => subscriptionItem(channelId, c, now)));
}

export async function unsubscribeUser(channelId: string, userId: string): Promise<void> {
  const connections = await connectionsOfUser(userId);
  await unsubscribe(connections.map((c) => ({ channelId, connectionId: c.connectionId })));
}

export async function unsubscribe(pairs: Array<{ channelId: string; connectionId: string }>): Promise<void> {
  await batchWrite([], pairs.map((p) => ({ pk: `LIVE#${p.channelId}`, sk: p.connectionId })));
}
