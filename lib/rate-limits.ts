import { environmentOf, NUMBER_SETTINGS } from '../lambdas/config/settings';

/**
 * Per-user limits the handlers enforce (lambdas/core/rate-limit.ts, lambdas/core/connections.ts).
 */
export interface RateLimits {
  /**
   * Messages per second per user per channel (chat.postMessage and the WebSocket `message` action).
   * @default 1
   */
  readonly messagesPerSecond?: number;
  /**
   * Messages a user may send to one channel in a burst.
   * @default 5
   */
  readonly messageBurst?: number;
  /**
   * Calls per second per user of every other Web API method.
   * @default 20
   */
  readonly apiCallsPerSecond?: number;
  /**
   * Web API calls a user may make in a burst.
   * @default 50
   */
  readonly apiBurst?: number;
  /**
   * Live WebSocket connections per user; the next handshake is refused with 429.
   * @default 20
   */
  readonly maxConnectionsPerUser?: number;
}

/** The defaults the handlers use too: both come from lambdas/config/settings.ts. */
export const DEFAULT_RATE_LIMITS: Required<RateLimits> = {
  messagesPerSecond: NUMBER_SETTINGS.messagesPerSecond.default,
  messageBurst: NUMBER_SETTINGS.messageBurst.default,
  apiCallsPerSecond: NUMBER_SETTINGS.apiCallsPerSecond.default,
  apiBurst: NUMBER_SETTINGS.apiBurst.default,
  maxConnectionsPerUser: NUMBER_SETTINGS.maxConnectionsPerUser.default,
};

/** The defaults with whatever `limits` sets (an undefined field keeps its default). */
export const resolved = (limits: RateLimits = {}): Required<RateLimits> => {
  const out = { ...DEFAULT_RATE_LIMITS };
  for (const [k, v] of Object.entries(limits) as [keyof RateLimits, number | undefined][]) {
    if (v === undefined) continue;
    if (!(v > 0)) throw new Error(`rate limit ${k} must be positive, got ${v}`);
    out[k] = v;
  }
  return out;
};

/** What a function that sends messages reads. */
export const messageRateEnvironment = (limits?: RateLimits): Record<string, string> => {
  const { messagesPerSecond, messageBurst } = resolved(limits);
  return environmentOf({ messagesPerSecond, messageBurst });
};

/** What the Web API function reads: both buckets. */
export const apiRateEnvironment = (limits?: RateLimits): Record<string, string> => {
  const { messagesPerSecond, messageBurst, apiCallsPerSecond, apiBurst } = resolved(limits);
  return environmentOf({ messagesPerSecond, messageBurst, apiCallsPerSecond, apiBurst });
};

/** What a function that charges the general Web API bucket only reads (search sends no message). */
export const apiCallRateEnvironment = (limits?: RateLimits): Record<string, string> => {
  const { apiCallsPerSecond, apiBurst } = resolved(limits);
  return environmentOf({ apiCallsPerSecond, apiBurst });
};

/** What $connect reads. */
export const connectionLimitEnvironment = (limits?: RateLimits): Record<string, string> =>
  environmentOf({ maxConnectionsPerUser: resolved(limits).maxConnectionsPerUser });
