import { monotonicFactory } from 'ulid';
import { logger } from '../adapters/logger';
import { withFileUrls } from '../adapters/media';
import type { ChannelItem } from '../model/service';
import { fitEventJson, INBOX_EVENT_BYTES } from './budgets';
import { closeGone } from './connections';
import { emptyStats, type DeliveryStats } from './delivery';
import { changedEntity, eventsFor, type Change, type Outgoing } from './events';
import { isHot } from './hot-channels';
import { connectionsOfChannel, connectionsOfUser, unsubscribe, type LiveConnection } from './live';
import { delivery, table } from './ports';

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

const nextSeq = monotonicFactory();

export interface FanoutStats extends DeliveryStats {
  events: number;
  inboxWrites: number;
  lateInboxRewrites: number;
}

/**
 * Per-invocation view of channels and members, so a batch of many messages to one channel reads
 * its member list once. A membership change in the batch drops the cached list.
 */
export class FanoutContext {
  private channels = new Map<string, Promise<ChannelItem | undefined>>();
  private members = new Map<string, Promise<string[]>>();
  readonly stats: FanoutStats = { events: 0, ...emptyStats(), inboxWrites: 0, lateInboxRewrites: 0 };

  channel(channelId: string): Promise<ChannelItem | undefined> {
    if (!this.channels.has(channelId)) this.channels.set(channelId, table().channels.get(channelId));
    return this.channels.get(channelId)!;
  }

  membersOf(channelId: string): Promise<string[]> {
    if (!this.members.has(channelId)) this.members.set(channelId, table().memberships.allMembers(channelId));
    return this.members.get(channelId)!;
  }

  forget(channelId: string): void {
    this.members.delete(channelId);
    this.channels.delete(channelId);
  }
}

/**
 * Delivers what one change means to the people it concerns: kept for devices that are offline (a
 * channel's event once in its log, unless the channel is hot; a user's in their inbox), so nothing
 * is lost, and at the same time live to every connection online now (core/delivery.ts: a failed
 * post is left to sync, a 410 closes that connection). Write failures throw, so the stream record
 * is retried.
 */
export async function deliverChange(change: Change, ctx: FanoutContext): Promise<void> {
  const outgoing = eventsFor(change);
  const touched = changedEntity(change);
  if (touched?.entity === 'membership' || touched?.entity === 'channel') ctx.forget(touched.item.channelId);
  for (const out of outgoing) {
    ctx.stats.events++;
    // Side by side: the live push does not wait for the catch-up write. A device that gets it live
    // and later syncs the kept entry too drops the repeat by event_id. Either failing
    // fails the record (a retry repeats both; clients drop what they already have).
    const settled = await Promise.allSettled([keepForOffline(out, ctx), pushLive(out, ctx)]);
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
  }
}

/** The members of a channel as of this record, or undefined for a hot channel (its members are not read). */
async function membersNow(channelId: string, ctx: FanoutContext): Promise<string[] | undefined> {
  const channel = await ctx.channel(channelId);
  if (channel && isHot(channel.memberCount)) return undefined;
  return ctx.membersOf(channelId);
}

/**
 * Where an event is kept for devices that are offline: a channel's event once in the channel's log
 * (its members' syncs read it) unless the channel is hot, and in the inbox of a member it concerns
 * who will no longer read that log (the leaver); a user's event in their inbox.
 */
async function keptFor(out: Outgoing, ctx: FanoutContext): Promise<{ channelLog: boolean; users: string[] }> {
  if (out.audience.kind === 'user') return { channelLog: false, users: out.audience.liveOnly ? [] : [out.audience.userId] };
  const channel = await ctx.channel(out.channelId);
  const leaver = out.audience.leaver;
  return { channelLog: channel !== undefined && !isHot(channel.memberCount), users: leaver ? [leaver] : [] };
}

async function keepForOffline(out: Outgoing, ctx: FanoutContext): Promise<void> {
  const kept = await keptFor(out, ctx);
  if (!kept.channelLog && kept.users.length === 0) return;
  // An event too large to keep whole is kept as its reference (core/budgets.ts): the item stays far
  // under DynamoDB's 400 KB whatever the message holds.
  const event = fitEventJson(out.event, INBOX_EVENT_BYTES);
  const entry = { channelId: out.channelId, eventId: out.event.event_id, event };
  await Promise.all([
    kept.channelLog && keepInTime(out, ctx, async (seq, expiresAt) => {
      await table().channelLog.put([{ ...entry, seq: seq(), expiresAt }]);
      return 1;
    }),
    kept.users.length > 0 && keepInTime(out, ctx, async (seq, expiresAt) => {
      await table().inbox.put(kept.users.map((userId) => ({ ...entry, userId, seq: seq(), expiresAt })));
      return kept.users.length;
    }),
  ]);
}

/**
 * Writes catch-up entries keyed by the time they are written (`seq`), again with a fresh seq while
 * they land late: a cursor handed out meanwhile may already be above the first ones.
 */
async function keepInTime(out: Outgoing, ctx: FanoutContext, write: (seq: () => string, expiresAt: number) => Promise<number>): Promise<void> {
  for (let rewrite = 0; ; rewrite++) {
    const startedAt = Date.now();
    const expiresAt = Math.floor(startedAt / 1000) + INBOX_DAYS * 24 * 60 * 60;
    ctx.stats.inboxWrites += await write(() => nextSeq(startedAt), expiresAt);
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
  const { leaver, exceptConnection } = out.audience;
  // A subscription is not a membership: one left over by a kick racing a reconnect must never get
  // the channel's events (hot channels: see README).
  const allowed = members && new Set(leaver ? [...members, leaver] : members);
  // The connection whose ack carried this new message's event (`echo: false`) gets no second copy.
  const online = (allowed ? subscribed.filter((c) => allowed.has(c.userId)) : subscribed).filter((c) => c.connectionId !== exceptConnection);
  if (!leaver) return online;
  const extra = await connectionsOfUser(leaver);
  const seen = new Set(online.map((c) => c.connectionId));
  return [...online, ...extra.filter((c) => !seen.has(c.connectionId))];
}

async function pushLive(out: Outgoing, ctx: FanoutContext): Promise<void> {
  const started = Date.now();
  const recipients = await liveRecipients(out, ctx);
  if (recipients.length > 0) {
    // Inboxes keep files unsigned; live events carry url_private minted now, for these members only.
    const event = await withFileUrls(out.event);
    await delivery().deliver(event, recipients, { whenGone: closeGone, stats: ctx.stats, logFields: { channel: out.channelId, queryMs: Date.now() - started } });
  }
  const leaver = out.audience.kind === 'channel' ? out.audience.leaver : undefined;
  // The leaver got this last event; their subscriptions end now, before the channel's next record.
  if (leaver) await unsubscribe(recipients.filter((c) => c.userId === leaver).map((c) => ({ channelId: out.channelId, connectionId: c.connectionId })));
}
