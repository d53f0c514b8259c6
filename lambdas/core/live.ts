import { numberSetting } from '../config/env';
import type { ConnectionItem, LiveSubscriptionItem } from '../model/service';
import { table } from './ports';

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

const fromConnection = (c: ConnectionItem): LiveConnection => ({ connectionId: c.connectionId, userId: c.userId, deviceId: c.deviceId, since: c.connectedAt || undefined });
const fromSubscription = (s: LiveSubscriptionItem): LiveConnection => ({ connectionId: s.connectionId, userId: s.userId, deviceId: s.deviceId, since: s.subscribedAt || undefined });

// The live connections of a user (all their devices)
export async function connectionsOfUser(userId: string): Promise<LiveConnection[]> {
  return (await table().connections.ofUser(userId)).map(fromConnection);
}

// The live connections subscribed to a channel
export async function connectionsOfChannel(channelId: string): Promise<LiveConnection[]> {
  return (await table().connections.subscribedTo(channelId)).map(fromSubscription);
}

const subscription = (channelId: string, c: LiveConnection, connectedAtSeconds: number) => ({
  channelId, connectionId: c.connectionId, userId: c.userId, deviceId: c.deviceId,
  expiresAt: connectedAtSeconds + MAX_CONNECTION_SECONDS + 60,
});

export async function subscribe(channelIds: string[], connection: LiveConnection): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  await table().connections.subscribe(channelIds.map((channelId) => subscription(channelId, connection, now)));
}

/** Subscribes the live connections of users who just joined a channel. */
export async function subscribeUsers(channelId: string, userIds: string[]): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const connections = (await Promise.all(userIds.map(connectionsOfUser))).flat();
  await table().connections.subscribe(connections.map((c) => subscription(channelId, c, now)));
}

export async function unsubscribeUser(channelId: string, userId: string): Promise<void> {
  const connections = await connectionsOfUser(userId);
  await unsubscribe(connections.map((c) => ({ channelId, connectionId: c.connectionId })));
}

export async function unsubscribe(pairs: Array<{ channelId: string; connectionId: string }>): Promise<void> {
  await table().connections.unsubscribe(pairs);
}
