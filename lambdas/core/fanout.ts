import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { monotonicFactory } from 'ulid';
import { connections, db } from '../adapters/clients';
import { numberSetting } from '../config/env';
import { logger } from '../adapters/logger';
import { withFileUrls } from '../adapters/media';
import { fitEvent, INBOX_EVENT_BYTES, LIVE_EVENT_BYTES } from './budgets';
import { eventsFor, type Change, type Outgoing } from './events';
import { connectionsOfChannel, connectionsOfUser, unsubscribe, type LiveConnection } from './live';
import { batchWrite, queryRange, type Item } from './store';
import { closeConnection } from './connections';
import { isHot } from './hot-channels';
import { inParallel } from './parallel';

/**
 * Live delivery of one event: the recipients are split into batches of LIVE_BATCH_SIZE that run in
 * parallel, FANOUT_CONCURRENCY posts in flight in all (spread over the batches in flight), over as
 * many keep-alive sockets. A batch is the unit that could move to its own "deliver" invocation
 * (README: Limits); today all batches run inside the fan-out invocation.
 */
const POST_CONCURRENCY = numberSetting('deliveryConcurrency');
const LIVE_BATCH_SIZE = numberSetting('deliveryBatchSize');
/** Deliveries to this many connections or more log their timing. */
const LOG_DELIVERY_FROM = 200;
const INBOX_DAYS = 30;
/**
 * Inbox entries are keyed by the time they are written (seq), and sync hands out cursors up to
 * "now minus 5 s" (core/sync.ts). Entries whose write took longer than this (throttling retries, a
 * slow instance) may have landed below a cursor already handed out, so they are written again with
 * a fresh seq (the same event_id: clients drop the repeat).
 */
const LATE_INBOX_MS = 1_500;
const MAX_LATE_REWRITES = 3;
const UNSAFE_INBOX_MS = 4_000;
/** BatchWriteItem's limit, and the chunks of one event's inbox entries in flight at once. */
const BATCH_WRITE_ITEMS = 25;
const INBOX_CHUNKS_IN_FLIGHT = 8;

const nextSeq = monotonicFactory();

export interface DeliveryStats {
  events: number;
  posts: number;
  gone: number;
  /** 410s from connections subscribed moments ago: still in their handshake, so kept. */
  goneDuringHandshake: number;
  postFailures: number;
  inboxWrites: number;
  lateInboxRewrites: number;
}

/**
 * Per-invocation view of channels and members, so a batch of many messages to one channel reads
 * its member list once. A membership change in the batch drops the cached list.
 */
export class FanoutContext {
  private channels = new Map<string, Promise<Item | undefined>>();
  private members = new Map<string, Promise<string[]>>();
  readonly stats: DeliveryStats = { events: 0, posts: 0, gone: 0, goneDuringHandshake: 0, postFailures: 0, inboxWrites: 0, lateInboxRewrites: 0 };

  channel(channelId: string): Promise<Item | undefined> {
    if (!this.channels.has(channelId)) {
      this.channels.set(channelId, db().entities.channel.get({ channelId }).go().then((r) => (r.data ?? undefined) as Item | undefined));
    }
    return this.channels.get(channelId)!;
  }

  membersOf(channelId: string): Promise<string[]> {
    if (!this.members.has(channelId)) {
      this.members.set(channelId, queryRange({ partition: `CH#${channelId}`, prefix: 'MEM#', limit: 1_000_000, consistent: true }).then((items) => items.map((m) => String(m.userId))));
    }
    return this.members.get(channelId)!;
  }

  forget(channelId: string): void {
    this.members.delete(channelId);
    this.channels.delete(channelId);
  }
}

/**
 * Delivers what one change means to the people it concerns: into the inboxes of the members
 * (unless the channel is hot), so nothing is lost for devices that are offline, and at the same
 * time live to every connection online now. A failed post to one connection is logged and left to
 * sync; a 410 removes that connection. Inbox write failures throw, so the stream record is retried.
 */
export async function deliverChange(change: Change, ctx: FanoutContext): Promise<void> {
  const outgoing = eventsFor(change);
  const touched = change.newItem ?? change.oldItem;
  if (touched?.__edb_e__ === 'membership' || touched?.__edb_e__ === 'channel') ctx.forget(String(touched.channelId));
  for (const out of outgoing) {
    ctx.stats.events++;
    // Side by side: the live push does not wait for a big channel's inbox writes. A device that
    // gets it live and later syncs the inbox entry too drops the repeat by event_id. Either failing
    // fails the record (a retry repeats both; clients drop what they already have).
    const settled = await Promise.allSettled([writeInboxes(out, ctx), pushLive(out, ctx)]);
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
  }
}

/** The members of a channel as of this record, or undefined for a hot channel (its members are not read). */
async function membersNow(channelId: string, ctx: FanoutContext): Promise<string[] | undefined> {
  const channel = await ctx.channel(channelId);
  if (channel && isHot(channel.memberCount)) return undefined;
  return ctx.membersOf(channelId);
}

async function inboxRecipients(out: Outgoing, ctx: FanoutContext): Promise<string[]> {
  if (out.audience.kind === 'user') return [out.audience.userId];
  const members = (await membersNow(out.channelId, ctx)) ?? [];
  const leaver = out.audience.leaver;
  return leaver && !members.includes(leaver) ? [...members, leaver] : members;
}

async function writeInboxes(out: Outgoing, ctx: FanoutContext): Promise<void> {
  const recipients = await inboxRecipients(out, ctx);
  if (recipients.length === 0) return;
  // An event too large to keep whole is kept as its reference (core/budgets.ts): the item stays far
  // under DynamoDB's 400 KB whatever the message holds.
  const event = JSON.stringify(fitEvent(out.event, INBOX_EVENT_BYTES));
  const chunks: string[][] = [];
  for (let i = 0; i < recipients.length; i += BATCH_WRITE_ITEMS) chunks.push(recipients.slice(i, i + BATCH_WRITE_ITEMS));
  // Each chunk takes its seq when it is sent, so lateness is per chunk: a 1,000-member channel's
  // 40 chunks do not all count as late (and all get written again) because the last ones queued.
  await inParallel(chunks, INBOX_CHUNKS_IN_FLIGHT, (chunk) => writeInboxChunk(out, event, chunk, ctx));
}

async function writeInboxChunk(out: Outgoing, event: string, recipients: string[], ctx: FanoutContext): Promise<void> {
  for (let rewrite = 0; ; rewrite++) {
    const startedAt = Date.now();
    const expiresAt = Math.floor(startedAt / 1000) + INBOX_DAYS * 24 * 60 * 60;
    const items = recipients.map(
      (userId) =>
        (db().entities.inboxEntry.put({ userId, seq: nextSeq(startedAt), channelId: out.channelId, eventId: out.event.event_id, event, expiresAt }).params() as { Item: Item }).Item,
    );
    await batchWrite(items);
    ctx.stats.inboxWrites += items.length;
    const took = Date.now() - startedAt;
    if (took <= LATE_INBOX_MS) return;
    if (rewrite >= MAX_LATE_REWRITES) {
      // Still inside the settle window (less the skew margin): safe. Past it: the stream record is retried.
      if (took <= UNSAFE_INBOX_MS) return;
      throw new Error(`inbox writes keep landing late (${took} ms)`);
    }
    ctx.stats.lateInboxRewrites++;
    logger.warn('inbox entries landed late; written again above any cursor handed out meanwhile', { eventId: out.event.event_id, ms: took });
  }
}

async function liveRecipients(out: Outgoing, ctx: FanoutContext): Promise<LiveConnection[]> {
  if (out.audience.kind === 'user') {
    const except = out.audience.exceptDevice;
    return (await connectionsOfUser(out.audience.userId)).filter((c) => c.deviceId !== except);
  }
  const [subscribed, members] = await Promise.all([connectionsOfChannel(out.channelId), membersNow(out.channelId, ctx)]);
  const { leaver } = out.audience;
  // A subscription is not a membership: one left over by a kick racing a reconnect must never get
  // the channel's events. The member list is read for the inboxes anyway (hot channels: see README).
  const allowed = members && new Set(leaver ? [...members, leaver] : members);
  const online = allowed ? subscribed.filter((c) => allowed.has(c.userId)) : subscribed;
  if (!leaver) return online;
  const extra = await connectionsOfUser(leaver);
  const seen = new Set(online.map((c) => c.connectionId));
  return [...online, ...extra.filter((c) => !seen.has(c.connectionId))];
}

async function pushLive(out: Outgoing, ctx: FanoutContext): Promise<void> {
  const started = Date.now();
  const recipients = await liveRecipients(out, ctx);
  await deliverTo(out, recipients, ctx, started, Date.now());
  const leaver = out.audience.kind === 'channel' ? out.audience.leaver : undefined;
  // The leaver got this last event; their subscriptions end now, before the channel's next record.
  if (leaver) await unsubscribe(recipients.filter((c) => c.userId === leaver).map((c) => ({ channelId: out.channelId, connectionId: c.connectionId })));
}

async function deliverTo(out: Outgoing, recipients: LiveConnection[], ctx: FanoutContext, started: number, queried: number): Promise<void> {
  if (recipients.length === 0) return;
  // Inboxes keep files unsigned; live events carry url_private minted now, for these members only.
  // Over API Gateway's 128 KB per message, the event goes as its reference (core/budgets.ts).
  const data = Buffer.from(JSON.stringify(fitEvent(await withFileUrls(out.event), LIVE_EVENT_BYTES)));
  const batches: LiveConnection[][] = [];
  for (let i = 0; i < recipients.length; i += LIVE_BATCH_SIZE) batches.push(recipients.slice(i, i + LIVE_BATCH_SIZE));
  // Every batch in flight at once when they fit, each with its share of the posts in flight.
  const batchesInFlight = Math.min(batches.length, POST_CONCURRENCY);
  const perBatch = Math.max(1, Math.floor(POST_CONCURRENCY / Math.max(1, batchesInFlight)));
  await inParallel(batches, batchesInFlight, (batch) => deliverBatch(batch, data, perBatch, ctx));
  if (recipients.length >= LOG_DELIVERY_FROM) {
    const ms = Date.now() - started;
    logger.info('live delivery', {
      eventId: out.event.event_id, channel: out.channelId, connections: recipients.length, batches: batches.length,
      inFlight: perBatch * batchesInFlight, queryMs: queried - started, postMs: Date.now() - queried, ms,
      postsPerSecond: Math.round(recipients.length / Math.max(0.001, (Date.now() - queried) / 1000)),
    });
  }
}

/**
 * Posts one event to a batch of connections, `concurrency` at a time. A 410 removes exactly that
 * connection; any other failure is logged and left to sync (or, for a hot channel, to history).
 */
async function deliverBatch(batch: LiveConnection[], data: Buffer, concurrency: number, ctx: FanoutContext): Promise<void> {
  const client = connections({ maxSockets: POST_CONCURRENCY });
  await inParallel(batch, concurrency, async (connection) => {
    try {
      ctx.stats.posts++;
      await client.send(new PostToConnectionCommand({ ConnectionId: connection.connectionId, Data: data }));
    } catch (error) {
      if ((error as Error).name === 'GoneException' && inHandshake(connection)) {
        // API Gateway answers 410 until $connect has returned, and $connect writes the subscriptions
        // first: removing it now would leave a live device with none. It syncs after the handshake.
        ctx.stats.goneDuringHandshake++;
      } else if ((error as Error).name === 'GoneException') {
        ctx.stats.gone++;
        await removeGoneConnection(connection);
      } else {
        ctx.stats.postFailures++;
        logger.warn('post to connection failed; the device catches up with sync', { connectionId: connection.connectionId, error });
      }
    }
  });
}

/** $connect's time limit in API Gateway is 29 s: a subscription younger than that may be mid-handshake. */
const HANDSHAKE_GRACE_MS = 30_000;
const inHandshake = (connection: LiveConnection) => connection.since !== undefined && Date.now() - connection.since < HANDSHAKE_GRACE_MS;

/** A 410: the connection is gone. Remove exactly it (its lease and its subscriptions), nothing else. */
async function removeGoneConnection(connection: LiveConnection): Promise<void> {
  // The same path as $disconnect: lease, subscriptions, presence (a user whose last device is gone goes away).
  await closeConnection(connection.connectionId, connection.userId);
}
