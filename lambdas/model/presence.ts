import { GetCommand, UpdateCommand } from './document-client';
import { PRESENCE_KEYS, TABLE_KEYS, TTL_ATTRIBUTE } from './keys';
import { batchGet, batchWrite, isLive, nowSeconds, queryRange, type Item, type Key, type TableContext } from './store';

/*
 * Presence items, written with the document client (their attributes are one per connection):
 * `PRES#<user>` / `PRES` holds `L#<connection>` = lease end (epoch seconds) for each connection;
 * `PSUB#<watched>` / `<connection>` is one presence subscription; `CONN#<connection>` / `PSUB` is
 * the list a connection watches. See lambdas/core/presence.ts for what they mean.
 */

const presenceKey = (userId: string): Key => ({
  [TABLE_KEYS.partition]: `${PRESENCE_KEYS.partitionPrefix}${userId}`,
  [TABLE_KEYS.sort]: PRESENCE_KEYS.sort,
}) as Key;
const leaseAttribute = (connectionId: string) => `${PRESENCE_KEYS.leasePrefix}${connectionId}`;
const subscriptionKey = (watchedUserId: string, connectionId: string): Key => ({
  [TABLE_KEYS.partition]: `${PRESENCE_KEYS.subscriptionPrefix}${watchedUserId}`,
  [TABLE_KEYS.sort]: connectionId,
}) as Key;
const watchListKey = (connectionId: string): Key => ({
  [TABLE_KEYS.partition]: `CONN#${connectionId}`,
  [TABLE_KEYS.sort]: PRESENCE_KEYS.watchListSort,
}) as Key;

/** The leases a presence item holds: connection id → lease end (a malformed value counts as ended). */
export type Leases = Map<string, number>;

export function leasesIn(item: Item | undefined): Leases {
  const leases: Leases = new Map();
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith(PRESENCE_KEYS.leasePrefix)) leases.set(name.slice(PRESENCE_KEYS.leasePrefix.length), typeof value === 'number' ? value : 0);
  }
  return leases;
}

/** The live leases in a presence item: connection id → lease end. */
export function liveLeases(item: Item | undefined, now = nowSeconds()): Leases {
  return new Map([...leasesIn(item)].filter(([, end]) => end > now));
}

/** Presence leases and presence subscriptions. */
export function presenceAccess(t: TableContext) {
  return {
    // A connection's lease set in its user's presence item (kept until `keepUntil`); the leases held before
    holdLease: async (userId: string, connectionId: string, leaseEnd: number, keepUntil: number): Promise<Leases> => {
      const { Attributes: old } = await t.client.send(new UpdateCommand({
        TableName: t.table,
        Key: presenceKey(userId),
        UpdateExpression: 'SET #lease = :end, #uid = :uid, #exp = :exp',
        ExpressionAttributeNames: { '#lease': leaseAttribute(connectionId), '#uid': 'userId', '#exp': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':end': leaseEnd, ':uid': userId, ':exp': keepUntil },
        ReturnValues: 'ALL_OLD',
      }));
      return leasesIn(old as Item | undefined);
    },

    // Leases removed that are still expired at `now` (missed $disconnects)
    dropExpiredLeases: async (userId: string, connectionIds: string[], now: number): Promise<void> => {
      const names: Record<string, string> = {};
      const conditions: string[] = [];
      connectionIds.slice(0, 50).forEach((connectionId, i) => {
        names[`#s${i}`] = leaseAttribute(connectionId);
        conditions.push(`(attribute_not_exists(#s${i}) OR #s${i} <= :now)`);
      });
      await t.client.send(new UpdateCommand({
        TableName: t.table,
        Key: presenceKey(userId),
        UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':now': now },
      })).catch((error: Error) => {
        if (error.name !== 'ConditionalCheckFailedException') throw error;
      });
    },

    // A connection's lease removed; the leases held before, or undefined when it held none
    releaseLease: async (userId: string, connectionId: string): Promise<Leases | undefined> => {
      const { Attributes: old } = await t.client.send(new UpdateCommand({
        TableName: t.table,
        Key: presenceKey(userId),
        UpdateExpression: 'REMOVE #lease',
        ConditionExpression: 'attribute_exists(#lease)',
        ExpressionAttributeNames: { '#lease': leaseAttribute(connectionId) },
        ReturnValues: 'ALL_OLD',
      })).catch((error: Error) => {
        if (error.name === 'ConditionalCheckFailedException') return { Attributes: undefined };
        throw error;
      });
      return old ? leasesIn(old as Item) : undefined;
    },

    // The leases of each user (one user: read consistently)
    leasesOf: async (userIds: string[]): Promise<Map<string, Leases>> => {
      const items = userIds.length === 1
        ? [((await t.client.send(new GetCommand({ TableName: t.table, Key: presenceKey(userIds[0]), ConsistentRead: true }))).Item ?? { userId: userIds[0] }) as Item]
        : await batchGet(t, userIds.map(presenceKey));
      return new Map(items.map((item) => [String(item.userId), leasesIn(item)]));
    },

    // The users a connection watches
    watchedBy: async (connectionId: string): Promise<string[]> => {
      const { Item } = await t.client.send(new GetCommand({ TableName: t.table, Key: watchListKey(connectionId), ConsistentRead: true }));
      return Array.isArray(Item?.users) ? (Item.users as string[]) : [];
    },

    // A connection's watch list replaced: its list and one subscription per watched user, the dropped ones removed
    setWatchList: async (connectionId: string, userId: string, watched: string[], dropped: string[], expiresAt: number): Promise<void> => {
      await batchWrite(t,
        [
          { ...watchListKey(connectionId), users: watched, userId, [TTL_ATTRIBUTE]: expiresAt },
          ...watched.map((u) => ({ ...subscriptionKey(u, connectionId), watchedUserId: u, connectionId, userId, [TTL_ATTRIBUTE]: expiresAt })),
        ],
        dropped.map((u) => subscriptionKey(u, connectionId)),
      );
    },

    // A connection's watch list and subscriptions removed
    clearWatchList: async (connectionId: string, watched: string[]): Promise<void> => {
      await batchWrite(t, [], [watchListKey(connectionId), ...watched.map((u) => subscriptionKey(u, connectionId))]);
    },

    // The live connections subscribed to a user's presence
    subscribersOf: async (userId: string): Promise<Array<{ connectionId: string; userId: string }>> => {
      const items = await queryRange(t, { partition: `${PRESENCE_KEYS.subscriptionPrefix}${userId}`, limit: 100_000, keep: (item) => isLive(item) });
      return items.map((item) => ({ connectionId: String(item.connectionId), userId: String(item.userId) }));
    },
  };
}
