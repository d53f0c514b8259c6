/**
 * Per-user limits the handlers enforce (lambdas/core/rate-limit.ts, lambdas/core/connections.ts).
 * The handlers default to the same numbers when a variable is missing.
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

export const DEFAULT_RATE_LIMITS: Required<RateLimits> = {
  messagesPerSecond: 1,
  messageBurst: 5,
  apiCallsPerSecond: 20,
  apiBurst: 50,
  maxConnectionsPerUser: 20,
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
  const l = resolved(limits);
  return { RATE_MESSAGE_PER_SECOND: String(l.messagesPerSecond), RATE_MESSAGE_BURST: String(l.messageBurst) };
};

/** What the Web API function reads: both buckets. */
export const apiRateEnvironment = (limits?: RateLimits): Record<string, string> => {
  const l = resolved(limits);
  return { ...messageRateEnvironment(l), RATE_API_PER_SECOND: String(l.apiCallsPerSecond), RATE_API_BURST: String(l.apiBurst) };
};

/** What $connect reads. */
export const connectionLimitEnvironment = (limits?: RateLimits): Record<string, string> => ({
  MAX_CONNECTIONS_PER_USER: String(resolved(limits).maxConnectionsPerUser),
});
