import { logger } from '../adapters/logger';
import { numberSetting } from '../config/env';
import type { Leases } from '../model/presence';
import type { Caller } from './caller';
import { freshEventId, type Recipient } from './delivery';
import { delivery, table } from './ports';
import { getUser } from './users';

/*
 * Presence: a user is `active` while any of their connections holds a live lease, `away` otherwise.
 *
 * One item per user holds one lease per connection, whose value is that connection's lease end
 * (epoch seconds; lambdas/model/presence.ts). $connect and ping set it, $disconnect and a 410
 * remove it, each as one atomic update that returns the leases as they were. So exactly one
 * writer sees the first live lease appear (→ active) and exactly one sees the last live one go
 * (→ away), however many devices connect and disconnect at once, and a repeated removal (a
 * $disconnect after a 410) sees nothing to remove. Expired leases (a missed $disconnect) never
 * count: reads ignore them, and a later connect clears them.
 *
 * presence_change goes only to the connections subscribed to that user: one item per (watched user,
 * subscriber connection), so a transition reads one partition.
 */

const MAX_CONNECTION_SECONDS = numberSetting('maxConnectionSeconds');
const MAX_WATCHED = 500;

export type Presence = 'active' | 'away';
export type Transition = Presence | undefined;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const live = (leases: Leases, now: number) => new Map([...leases].filter(([, end]) => end > now));

export interface HoldResult {
  /** 'active' when this connection made the user active. */
  transition: Transition;
  /** Live leases of the user's other connections before this one. */
  others: number;
}

/** Records (or renews) this connection's lease; the leases before it say whether the user was away. */
export async function holdLease(userId: string, connectionId: string, leaseEnd: number): Promise<HoldResult> {
  const now = nowSeconds();
  // The item outlives its newest lease by a connection's maximum age, then TTL removes it.
  const before = await table().presence.holdLease(userId, connectionId, leaseEnd, leaseEnd + MAX_CONNECTION_SECONDS);
  const liveBefore = live(before, now);
  const others = [...liveBefore.keys()].filter((id) => id !== connectionId).length;
  const stale = [...before].filter(([id, end]) => end <= now && id !== connectionId).map(([id]) => id);
  if (stale.length > 0) await table().presence.dropExpiredLeases(userId, stale, now).catch((error) => logger.warn('presence cleanup failed', { error }));
  return { transition: liveBefore.size === 0 ? 'active' : undefined, others };
}

/** Removes this connection's lease; 'away' when it was the user's last live one. Repeating it is harmless. */
export async function releaseLease(userId: string, connectionId: string): Promise<Transition> {
  const now = nowSeconds();
  const before = await table().presence.releaseLease(userId, connectionId);
  if (!before) return undefined;
  const liveBefore = live(before, now);
  return liveBefore.has(connectionId) && liveBefore.size === 1 ? 'away' : undefined;
}

/** Current presence of each user (one user's read consistently). */
export async function presenceOf(userIds: string[]): Promise<Map<string, { presence: Presence; connections: number }>> {
  const now = nowSeconds();
  const unique = [...new Set(userIds)];
  const leases = await table().presence.leasesOf(unique);
  return new Map(unique.map((u) => {
    const count = live(leases.get(u) ?? new Map(), now).size;
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

/**
 * presence_sub: `userIds` becomes this connection's whole set of watched users (Slack's semantics).
 * Users outside the caller's workspace are ignored. Returns the current presence of each watched
 * user, read after the subscriptions are stored, so a transition in between is either in this
 * answer or delivered as an event.
 */
export async function setPresenceSubscriptions(caller: Caller, connectionId: string, userIds: string[]) {
  const candidates = [...new Set(userIds)].slice(0, MAX_WATCHED);
  const known = candidates.length === 0 ? new Set<string>() : await table().users.existing(caller.teamId, candidates);
  const wanted = candidates.filter((u) => known.has(u));
  const previous = await table().presence.watchedBy(connectionId);
  const expiresAt = nowSeconds() + MAX_CONNECTION_SECONDS + 60;
  await table().presence.setWatchList(connectionId, caller.userId, wanted, previous.filter((u) => !wanted.includes(u)), expiresAt);
  const current = await presenceOf(wanted);
  return wanted.map((user) => ({ user, presence: current.get(user)!.presence }));
}

/** $disconnect / 410: removes every presence subscription of this connection. */
export async function clearPresenceSubscriptions(connectionId: string): Promise<void> {
  await table().presence.clearWatchList(connectionId, await table().presence.watchedBy(connectionId));
}

/**
 * Sends presence_change for `userId` to the live connections subscribed to them, and to no one
 * else. A gone subscriber is removed by `whenGone` (the caller's $disconnect path).
 */
export async function announcePresence(userId: string, presence: Presence, whenGone: (r: Recipient) => Promise<void>): Promise<void> {
  const subscribers = await table().presence.subscribersOf(userId);
  if (subscribers.length === 0) return;
  await delivery().deliver({ type: 'presence_change', user: userId, presence, event_id: freshEventId() }, subscribers, { whenGone });
}
