import { monotonicFactory } from 'ulid';
import { logger } from '../adapters/logger';
import { fitEventJson, LIVE_EVENT_BYTES } from './budgets';
import { chunksOf, inParallel } from './parallel';
import { stableId } from './stable-id';

/*
 * The one way events reach live connections. Every rule of posting to `@connections` is here:
 * - event ids: an event from a stream record takes its id from the record (a replay repeats it, so
 *   clients drop the copy); an event that is never stored (presence, typing) takes a fresh one;
 * - batching and concurrency: recipients go in batches of `batchSize` that run in parallel,
 *   `concurrency` posts in flight in all, over as many keep-alive sockets; past `shares.size`
 *   recipients, each further share is posted by its own invocation (all at once, awaited);
 * - size: an event over API Gateway's message limit goes as its reference (core/budgets.ts);
 * - a 410 from a connection subscribed moments ago is a handshake still under way: kept;
 * - any other 410: the connection is gone, and the caller's `whenGone` removes exactly it;
 * - any other failure: counted and logged, never thrown; the device catches up with sync (or, for
 *   a hot channel, history).
 */

/** A connection an event goes to. */
export interface Recipient {
  connectionId: string;
  userId: string;
  /** When its subscription (or lease) was written, in ms; absent on items older than the field. */
  since?: number;
}

/** Posts bytes to one connection: 'gone' for a 410, throws for any other failure. */
export type PostToConnection = (connectionId: string, data: Uint8Array) => Promise<'sent' | 'gone'>;

export interface DeliveryStats {
  posts: number;
  gone: number;
  /** 410s from connections subscribed moments ago: still in their handshake, so kept. */
  goneDuringHandshake: number;
  postFailures: number;
}

export interface DeliveryOptions {
  /** Removes a gone connection; without it (a function that may not write) a gone one is left to its $disconnect. */
  whenGone?: (recipient: Recipient) => Promise<void>;
  /** Counts into these stats (a fan-out invocation sums its events). */
  stats?: DeliveryStats;
  /** Added to the timing log line of a large delivery (the channel, how long finding the recipients took). */
  logFields?: Record<string, unknown>;
}

export interface Delivery {
  /** Posts one event to every recipient; resolves once each post has succeeded or been handled. */
  deliver(event: Record<string, unknown>, recipients: Recipient[], options?: DeliveryOptions): Promise<DeliveryStats>;
  /** Posts one share of a large delivery (the event as `deliver` fitted it) here, never splitting it again. */
  deliverShare(eventJson: string, recipients: Recipient[], options?: DeliveryOptions): Promise<DeliveryStats>;
  /** Posts one frame (an app's Socket Mode envelope, `hello`, `disconnect`) to one connection, as it is (no reference form). */
  postFrame(connectionId: string, frame: Record<string, unknown>): Promise<'sent' | 'gone' | 'failed'>;
}

/**
 * Where the shares of a large delivery go: each share of `size` connections past the first is one
 * call of `deliver` (an invocation of the deliver function), all in flight at once and awaited, so
 * a channel's next event still starts only after this one reached everyone.
 */
export interface Shares {
  size: number;
  deliver: (eventJson: string, recipients: Recipient[]) => Promise<DeliveryStats>;
}

export interface DeliverySettings {
  post: PostToConnection;
  concurrency: number;
  batchSize: number;
  /** Large deliveries split across invocations; without it every delivery is posted here. */
  shares?: Shares;
  /** Deliveries to this many connections or more log their timing. */
  logFrom?: number;
  now?: () => number;
}

/** $connect's time limit in API Gateway is 29 s: a subscription younger than that may be mid-handshake. */
export const HANDSHAKE_GRACE_MS = 30_000;

const nextUlid = monotonicFactory();
/** The id of an event that is never stored: fresh, time-ordered. */
export const freshEventId = () => `Ev${nextUlid()}`;
/** The id of the `index`-th event of a stream record: the same whenever the record is delivered again. */
export const recordEventId = (recordId: string, index: number) => stableId('Ev', recordId, String(index));

export const emptyStats = (): DeliveryStats => ({ posts: 0, gone: 0, goneDuringHandshake: 0, postFailures: 0 });

const addStats = (into: DeliveryStats, from: DeliveryStats) => {
  into.posts += from.posts;
  into.gone += from.gone;
  into.goneDuringHandshake += from.goneDuringHandshake;
  into.postFailures += from.postFailures;
};

export function createDelivery({ post, concurrency, batchSize, shares, logFrom = 200, now = Date.now }: DeliverySettings): Delivery {
  const inHandshake = (r: Recipient) => r.since !== undefined && now() - r.since < HANDSHAKE_GRACE_MS;

  async function postOne(r: Recipient, data: Uint8Array, stats: DeliveryStats, whenGone: DeliveryOptions['whenGone']): Promise<void> {
    stats.posts++;
    let outcome: 'sent' | 'gone';
    try {
      outcome = await post(r.connectionId, data);
    } catch (error) {
      stats.postFailures++;
      logger.warn('post to connection failed; the device catches up with sync', { connectionId: r.connectionId, error });
      return;
    }
    if (outcome === 'sent') return;
    // API Gateway answers 410 until $connect has returned, and $connect writes the subscriptions
    // first: removing it now would leave a live device with none. It syncs after the handshake.
    if (inHandshake(r)) {
      stats.goneDuringHandshake++;
      return;
    }
    stats.gone++;
    await whenGone?.(r);
  }

  return {
    async postFrame(connectionId, frame) {
      try {
        return await post(connectionId, Buffer.from(JSON.stringify(frame)));
      } catch (error) {
        logger.warn('post to an app connection failed', { connectionId, error });
        return 'failed';
      }
    },

    async deliver(event, recipients, { whenGone, stats = emptyStats(), logFields } = {}) {
      if (recipients.length === 0) return stats;
      const started = now();
      const json = fitEventJson(event, LIVE_EVENT_BYTES);
      const data = Buffer.from(json);
      const split = shares && recipients.length > shares.size ? shares : undefined;
      if (!split) await postAll(data, recipients, stats, whenGone);
      else {
        const [own, ...others] = chunksOf(recipients, split.size);
        await Promise.all([
          postAll(data, own, stats, whenGone),
          ...others.map(async (share) => {
            try {
              addStats(stats, await split.deliver(json, share));
            } catch (error) {
              // An invocation refused or failed: this one posts that share, slower but complete.
              logger.warn('a delivery share failed in its own invocation; posting it here', { eventId: event.event_id, connections: share.length, error });
              await postAll(data, share, stats, whenGone);
            }
          }),
        ]);
      }
      if (recipients.length >= logFrom) {
        const ms = now() - started;
        logger.info('live delivery', {
          eventId: event.event_id, ...logFields, connections: recipients.length, shares: split ? Math.ceil(recipients.length / split.size) : 1, postMs: ms,
          postsPerSecond: Math.round(recipients.length / Math.max(0.001, ms / 1000)),
        });
      }
      return stats;
    },

    async deliverShare(eventJson, recipients, { whenGone, stats = emptyStats() } = {}) {
      await postAll(Buffer.from(eventJson), recipients, stats, whenGone);
      return stats;
    },
  };

  /** Every recipient in batches of `batchSize` side by side, `concurrency` posts in flight in all. */
  async function postAll(data: Uint8Array, recipients: Recipient[], stats: DeliveryStats, whenGone: DeliveryOptions['whenGone']): Promise<void> {
    const batches = chunksOf(recipients, batchSize);
    const batchesInFlight = Math.min(batches.length, concurrency);
    const perBatch = Math.max(1, Math.floor(concurrency / batchesInFlight));
    await inParallel(batches, batchesInFlight, (batch) => inParallel(batch, perBatch, (r) => postOne(r, data, stats, whenGone)));
  }
}

