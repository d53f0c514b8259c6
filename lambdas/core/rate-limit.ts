import { numberSetting } from '../config/env';
import { RateLimited } from './errors';
import { table } from './ports';

/*
 * Per-user token buckets kept in the table, so they hold across every function instance.
 *
 * A bucket of `burst` tokens refilled at `perSecond` is stored as one number, its theoretical
 * arrival time (`tat`, epoch ms: when the bucket would be full again; GCRA, the token bucket written
 * as a timestamp). Tokens left at time t = (t + burst·interval − tat) / interval, capped at burst.
 * Taking a token is at most two conditional writes and no read:
 *   1. idle bucket (tat ≤ now, or no item): SET tat = now + interval;
 *   2. otherwise, if a token is left (tat ≤ now + (burst−1)·interval): SET tat = tat + interval.
 * Both are atomic on the item, and tat only ever grows, so once (1) fails (2) decides alone:
 * concurrent instances can never take more tokens than the bucket holds. When (2) fails the caller
 * waits until tat − (burst−1)·interval, which is the Retry-After.
 */

export interface BucketSettings {
  perSecond: number;
  burst: number;
}

/** chat.postMessage and the WebSocket `message` action: per user per channel, as Slack's "1 per second with short bursts". */
export const MESSAGE_BUCKET: BucketSettings = {
  perSecond: numberSetting('messagesPerSecond'),
  burst: numberSetting('messageBurst'),
};

/** Every other Web API method: one bucket per user. */
export const API_BUCKET: BucketSettings = {
  perSecond: numberSetting('apiCallsPerSecond'),
  burst: numberSetting('apiBurst'),
};

/**
 * WebSocket routes with no bucket of their own would let one user spend the stage's throttle, which
 * every user shares. Per user, across all their devices (at most 20): a device pings every few
 * minutes, syncs a few pages after a reconnect, and sends typing every few seconds while typing.
 */
export const ROUTE_BUCKETS = {
  ping: { perSecond: numberSetting('wsPingPerSecond'), burst: numberSetting('wsPingBurst') },
  sync: { perSecond: numberSetting('wsSyncPerSecond'), burst: numberSetting('wsSyncBurst') },
  presence_sub: { perSecond: numberSetting('wsPresenceSubPerSecond'), burst: numberSetting('wsPresenceSubBurst') },
  typing: { perSecond: numberSetting('wsTypingPerSecond'), burst: numberSetting('wsTypingBurst') },
} satisfies Record<string, BucketSettings>;

export type LimitedRoute = keyof typeof ROUTE_BUCKETS;

/** Seconds until a token is free again, as Retry-After wants it: a whole number, at least 1. */
export function retryAfterSeconds(tat: number, now: number, settings: BucketSettings): number {
  const interval = 1000 / settings.perSecond;
  const freeAt = tat - (settings.burst - 1) * interval;
  return Math.max(1, Math.ceil((freeAt - now) / 1000));
}

/** Takes one token from the user's bucket for `scope`, or throws RateLimited with the seconds to wait. */
export async function takeToken(userId: string, scope: string, settings: BucketSettings, now = Date.now()): Promise<void> {
  if (!(settings.perSecond > 0) || !(settings.burst >= 1)) return; // a zero rate turns the limit off
  const interval = 1000 / settings.perSecond;
  // Gone once full again (plus a minute); TTL is lazy, but an expired bucket reads as full anyway.
  const expires = Math.ceil((now + settings.burst * interval) / 1000) + 60;
  const buckets = table().rateBuckets;
  if (await buckets.restartIdle(userId, scope, now + interval, now, expires)) return;
  const taken = await buckets.takeIfLeft(userId, scope, interval, now + (settings.burst - 1) * interval, expires);
  if (taken.taken) return;
  const tat = taken.tat ?? (await buckets.tatOf(userId, scope)) ?? now;
  throw new RateLimited(retryAfterSeconds(tat, now, settings));
}

/** One message to a channel. */
export const takeMessageToken = (userId: string, channelId: string) => takeToken(userId, `chat#${channelId}`, MESSAGE_BUCKET);

/** One call of any other Web API method. */
export const takeApiToken = (userId: string) => takeToken(userId, 'api', API_BUCKET);

/** One frame of a WebSocket route that has no other limit. */
export const takeRouteToken = (userId: string, route: LimitedRoute) => takeToken(userId, `ws#${route}`, ROUTE_BUCKETS[route]);
