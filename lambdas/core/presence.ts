import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { connections, dynamo, tableName } from '../adapters/clients';
import { numberSetting } from '../config/env';
import type { Caller } from './caller';
import { logger } from '../adapters/logger';
import { PRESENCE_KEYS, TABLE_KEYS, TTL_ATTRIBUTE } from '../model/keys';
import { getUser } from './users';
import { inParallel } from './parallel';
import { batchGet, batchWrite, isLive, nowSeconds, queryRange, type Item, type Key } from './store';

/*
 * Presence: a user is `active` while any of their connections holds a live lease, `away` otherwise.
 *
 * One item per user (`PRES#<user>` / `PRES`) holds one attribute per connection, `L#<connection>`,
 * whose value is that connection's lease end (epoch seconds). $connect and ping SET it, $disconnect
 * and a 410 REMOVE it, each as one atomic update that returns the item as it was. So exactly one
 * writer sees the first live lease appear (→ active) and exactly one sees the last live one go
 * (→ away), however many devices connect and disconnect at once, and a repeated removal (a
 * $disconnect after a 410) sees nothing to remove. Expired entries (a missed $disconnect) never
 * count: reads ignore them, and a later connect clears them.
 *
 * presence_change goes only to the connections subscribed to that user: one item per (watched user,
 * subscriber connection), `PSUB#<watched>` / `<connection>`, so a transition reads one partition.
 */

const MAX_CONNECTION_SECONDS = numberSetting('maxConnectionSeconds');
const MAX_WATCHED = 500;
const nextEventId = monotonicFactory();

export type Presence = 'active' | 'away';
export type Transition = Presence | undefined;

const presenceKey = (userId: string): Key => ({
  [TABLE_KEYS.partition]: `${PRESENCE_KEYS.partitionPrefix}${userId}`,
  [TABLE_KEYS.sort]: PRESENCE_KEYS.sort,
}) as Key;
const leaseAttribute = (connectionId: string) => `${PRESENCE_KEYS.leasePrefix}${connectionId}`;

/** The live leases in a presence item: connection id → lease end. */
export function liveLeases(item: Item | undefined, now = nowSeconds()): Map<string, number> {
  const leases = new Map<string, number>();
  for (const [name, value] of Object.entries(item ?? {})) {
    if (name.startsWith(PRESENCE_KEYS.leasePrefix) && typeof value === 'number' && value > now) {
      leases.set(name.slice(PRESENCE_KEYS.leasePrefix.length), value);
    }
  }
  return leases;
}

const expiredLeases = (item: Item | undefined, now = nowSeconds()) =>
  Object.entries(item ?? {})
    .filter(([name, value]) => name.startsWith(PRESENCE_KEYS.leasePrefix) && (typeof value !== 'number' || value <= now))
    .map(([name]) => name);

export interface HoldResult {
  /** 'active' when this connection made the user active. */
  transition: Transition;
  /** Live leases of the user's other connections before this one. */
  others: number;
}

/**
 * Records (or renews) this connection's lease in the user's presence item. One atomic update; the
 * old item says whether the user was away before it.
 */
export async function holdLease(userId: string, connectionId: string, leaseEnd: number): Promise<HoldResult> {
  const now = nowSeconds();
  const { Attributes: old } = await dynamo().send(new UpdateCommand({
    TableName: tableName(),
    Key: presenceKey(userId),
    UpdateExpression: 'SET #lease = :end, #uid = :uid, #exp = :exp',
    ExpressionAttributeNames: { '#lease': leaseAttribute(connectionId), '#uid': 'userId', '#exp': TTL_ATTRIBUTE },
    // The item outlives its newest lease by a connection's maximum age, then TTL removes it.
    ExpressionAttributeValues: { ':end': leaseEnd, ':uid': userId, ':exp': leaseEnd + MAX_CONNECTION_SECONDS },
    ReturnValues: 'ALL_OLD',
  }));
  const before = liveLeases(old as Item | undefined, now);
  const others = [...before.keys()].filter((id) => id !== connectionId).length;
  const stale = expiredLeases(old as Item | undefined, now).filter((name) => name !== leaseAttribute(connectionId));
  if (stale.length > 0) await dropExpired(userId, stale, now).catch((error) => logger.warn('presence cleanup failed', { error }));
  return { transition: before.size === 0 ? 'active' : undefined, others };
}

/** Removes leases that expired (missed $disconnects), each only if it is still expired. */
async function dropExpired(userId: string, attributes: string[], now: number): Promise<void> {
  const names: Record<string, string> = {};
  const conditions: string[] = [];
  attributes.slice(0, 50).forEach((name, i) => {
    names[`#s${i}`] = name;
    conditions.push(`(attribute_not_exists(#s${i}) OR #s${i} <= :now)`);
  });
  await dynamo().send(new UpdateCommand({
    TableName: tableName(),
    Key: presenceKey(userId),
    UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':now': now },
  })).catch((error: Error) => {
    if (error.name !== 'ConditionalCheckFailedException') throw error;
  });
}

/** Removes this connection's lease; 'away' when it was the user's last live one. Repeating it is harmless. */
export async function releaseLease(userId: string, connectionId: string): Promise<Transition> {
  const now = nowSeconds();
  const { Attributes: old } = await dynamo().send(new UpdateCommand({
    TableName: tableName(),
    Key: presenceKey(userId),
    UpdateExpression: 'REMOVE #lease',
    ConditionExpression: 'attribute_exists(#lease)',
    ExpressionAttributeNames: { '#lease': leaseAttribute(connectionId) },
    ReturnValues: 'ALL_OLD',
  })).catch((error: Error) => {
    if (error.name === 'ConditionalCheckFailedException') return { Attributes: undefined };
    throw error;
  });
  if (!old) return undefined;
  const before = liveLeases(old as Item, now);
  return before.has(connectionId) && before.size === 1 ? 'away' : undefined;
}

/** Current presence of each user (their presence items, read consistently). */
export async function presenceOf(userIds: string[]): Promise<Map<string, { presence: Presence; connections: number }>> {
  const now = nowSeconds();
  const unique = [...new Set(userIds)];
  const items =
    unique.length === 1
      ? [((await dynamo().send(new GetCommand({ TableName: tableName(), Key: presenceKey(unique[0]), ConsistentRead: true }))).Item ?? { userId: unique[0] }) as Item]
      : await batchGet(unique.map(presenceKey));
  const byUser = new Map(items.map((item) => [String(item.userId), liveLeases(item, now).size]));
  return new Map(unique.map((u) => {
    const count = byUser.get(u) ?? 0;
    return [u, { presence: count > 0 ? 'active' : 'away', connections: count }];
  }));
}

/** users.getPresence: the caller by default; another workspace's user is not found. */
export async function getPresence(caller: Caller, userId?: string) {
  const target = userId || caller.userId;
  if (target !== caller.userId) await getUser(caller, target);
  const { presence, connections: count } = (await presenceOf([target])).get(target)!;
  return { presence, online: presence === 'active', connection_count: count };
}

/* Subscriptions */

const subscriptionKey = (watchedUserId: string, connectionId: string): Key => ({
  [TABLE_KEYS.partition]: `${PRESENCE_KEYS.subscriptionPrefix}${watchedUserId}`,
  [TABLE_KEYS.sort]: connectionId,
}) as Key;
const watchListKey = (connectionId: string): Key => ({
  [TABLE_KEYS.partition]: `CONN#${connectionId}`,
  [TABLE_KEYS.sort]: PRESENCE_KEYS.watchListSort,
}) as Key;

async function watchedBy(connectionId: string): Promise<string[]> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: tableName(), Key: watchListKey(connectionId), ConsistentRead: true }));
  return Array.isArray(Item?.users) ? (Item.users as string[]) : [];
}

/** The users among `userIds` who belong to the caller's workspace; others are dropped unseen. */
async function sameWorkspace(caller: Caller, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const found = await batchGet(userIds.map((u) => ({ pk: `T#${caller.teamId}`, sk: `U#${u}` })));
  const known = new Set(found.map((item) => String(item.userId)));
  return userIds.filter((u) => known.has(u));
}

/**
 * presence_sub: `userIds` becomes this connection's whole set of watched users (Slack's semantics).
 * Users outside the caller's workspace are ignored. Returns the current presence of each watched
 * user, read after the subscriptions are stored, so a transition in between is either in this
 * answer or delivered as an event.
 */
export async function setPresenceSubscriptions(caller: Caller, connectionId: string, userIds: string[]) {
  const wanted = await sameWorkspace(caller, [...new Set(userIds)].slice(0, MAX_WATCHED));
  const previous = await watchedBy(connectionId);
  const expiresAt = nowSeconds() + MAX_CONNECTION_SECONDS + 60;
  const dropped = previous.filter((u) => !wanted.includes(u));
  await batchWrite(
    [
      { ...watchListKey(connectionId), users: wanted, userId: caller.userId, [TTL_ATTRIBUTE]: expiresAt },
      ...wanted.map((u) => ({ ...subscriptionKey(u, connectionId), watchedUserId: u, connectionId, userId: caller.userId, [TTL_ATTRIBUTE]: expiresAt })),
    ],
    dropped.map((u) => subscriptionKey(u, connectionId)),
  );
  const current = await presenceOf(wanted);
  return wanted.map((user) => ({ user, presence: current.get(user)!.presence }));
}

/** $disconnect / 410: removes every presence subscription of this connection. */
export async function clearPresenceSubscriptions(connectionId: string): Promise<void> {
  const watched = await watchedBy(connectionId);
  await batchWrite([], [watchListKey(connectionId), ...watched.map((u) => subscriptionKey(u, connectionId))]);
}

/** Sends presence_change for `userId` to the live connections subscribed to them, and to no one else. */
export async function announcePresence(userId: string, presence: Presence): Promise<void> {
  const subscribers = await queryRange({ partition: `${PRESENCE_KEYS.subscriptionPrefix}${userId}`, limit: 100_000, keep: (item) => isLive(item) });
  if (subscribers.length === 0) return;
  const data = Buffer.from(JSON.stringify({ type: 'presence_change', user: userId, presence, event_id: `Ev${nextEventId()}` }));
  await inParallel(subscribers, 16, async (sub) => {
    const connectionId = String(sub.connectionId);
    try {
      await connections().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    } catch (error) {
      // A gone subscriber: drop its subscription to this user; its own $disconnect clears the rest.
      if ((error as Error).name === 'GoneException') await batchWrite([], [subscriptionKey(userId, connectionId)]);
      else logger.warn('presence_change post failed', { connectionId, error });
    }
  });
}
