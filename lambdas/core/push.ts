import { createHash } from 'node:crypto';
import { logger } from '../adapters/logger';
import type { ChannelItem, MessageItem, PushSubscriptionItem } from '../model/service';
import { storedItem } from '../model/stored-items';
import type { Change } from './events';
import { isHot } from './hot-channels';
import { parseMentions, type Broadcast } from './mentions';
import { shouldNotify, type MessageForNotify, type NotificationPrefs } from './notify';
import { inParallel } from './parallel';
import { table } from './ports';

/*
 * Push to devices that are offline: for a new message, each member it should notify
 * (shouldNotify, the one decision) who has no live connection gets a push on every subscribed
 * device. Live delivery is the fan-out's; this runs in the stream's other reader, the dispatcher
 * (lambdas/stream/dispatch.ts), so a slow push service never holds up a live event (README: Push
 * notifications).
 */

/** What a device shows; `body` is left out when the recipient hides content. */
export interface PushNotification {
  title: string;
  body?: string;
  channel: string;
  ts: string;
  thread_ts?: string;
}

export interface PushOptions {
  ttlSeconds: number;
  urgency: 'normal' | 'high';
  /** Replaces a push of the same topic still waiting at the push service (one per conversation). */
  topic: string;
}

/** sent; gone (404/410: the subscription is dead); retry (429, 5xx, network: a later try may work); failed (anything else). */
export type PushOutcome = 'sent' | 'gone' | 'retry' | 'failed';

/** Sends one push to one device (Web Push or SNS, by the subscription's kind). */
export type PushSender = (subscription: PushSubscriptionItem, notification: PushNotification, options: PushOptions) => Promise<PushOutcome>;

export interface PushContext {
  send: PushSender;
  ttlSeconds: number;
  concurrency: number;
  now?: () => number;
}

export interface PushStats {
  messages: number;
  considered: number;
  notified: number;
  sent: number;
  duplicates: number;
  gone: number;
  failed: number;
}

export const emptyPushStats = (): PushStats => ({ messages: 0, considered: 0, notified: 0, sent: 0, duplicates: 0, gone: 0, failed: 0 });

/** A failure a retry of the record may mend; the claims it made for failed sends were given back. */
export class PushRetry extends Error {
  constructor(readonly count: number) {
    super(`${count} push(es) to retry`);
    this.name = 'PushRetry';
  }
}

/** Markers outlive the stream's 24 h retention, so no replay of a record can find its marker gone. */
const MARKER_SECONDS = 2 * 24 * 60 * 60;
/** What a notification shows of the text. */
const BODY_CHARACTERS = 200;

/** The message a change inserted, or undefined (edits, deletions, other items never push). */
function insertedMessage(change: Change): MessageItem | undefined {
  if (change.kind !== 'INSERT') return undefined;
  const stored = storedItem(change.newItem);
  if (stored?.entity !== 'message' || stored.item.deleted) return undefined;
  return stored.item;
}

/**
 * The mentions that count: those the send path stored on the message (the mentions branch stores
 * members only), else the text's, kept to members.
 */
function mentionsOf(change: Change, text: string, isMember: (userId: string) => boolean): { userIds: string[]; broadcast?: Broadcast } {
  const raw = change.newItem ?? {};
  if (Array.isArray(raw.mentions)) {
    const broadcast = typeof raw.broadcast === 'string' ? (raw.broadcast as Broadcast) : undefined;
    return { userIds: raw.mentions.filter((u): u is string => typeof u === 'string'), ...(broadcast ? { broadcast } : {}) };
  }
  const parsed = parseMentions(text);
  return { ...parsed, userIds: parsed.userIds.filter(isMember) };
}

/**
 * Who could be notified: every member below the hot threshold (a member's own level may be `all`);
 * in a hot channel only the mentioned members (its member list is not read for one message).
 */
async function candidatesFor(channel: ChannelItem, message: MessageItem, change: Change): Promise<{ userIds: string[]; forNotify: MessageForNotify }> {
  const hot = isHot(channel.memberCount);
  const members = hot ? undefined : new Set(await table().memberships.allMembers(channel.channelId));
  // In a hot channel, mentions the send path did not store already checked are checked one by one.
  const toCheck = members || Array.isArray(change.newItem?.mentions) ? [] : parseMentions(message.text).userIds;
  const mentionedMembers = members
    ? undefined
    : new Set((await Promise.all(toCheck.map(async (u) => ((await table().memberships.get(channel.channelId, u)) ? u : undefined)))).filter((u): u is string => !!u));
  const isMember = (u: string) => (members ?? mentionedMembers ?? new Set()).has(u);
  const mentions = mentionsOf(change, message.text, isMember);
  const forNotify: MessageForNotify = {
    channelId: channel.channelId,
    channelKind: channel.kind,
    userId: message.userId,
    text: message.text,
    ts: message.ts,
    ...(message.threadTs !== message.ts ? { threadTs: message.threadTs } : {}),
    mentionedUserIds: mentions.userIds,
    // A broadcast in a hot channel reaches only those mentioned by name: its members are not read.
    ...(mentions.broadcast && !hot ? { broadcast: mentions.broadcast } : {}),
  };
  const userIds = [...(members ?? new Set(mentions.userIds))].filter((u) => u !== message.userId);
  return { userIds, forNotify };
}

/** For a reply: who has written in its thread (the parent's author and repliers), one read per reply. */
async function threadParticipants(message: MessageItem): Promise<Set<string> | undefined> {
  if (message.threadTs === message.ts) return undefined;
  const parent = await table().messages.get(message.channelId, message.threadTs);
  const repliers: unknown = parent?.replyUsers;
  const list = Array.isArray(repliers) ? repliers : repliers instanceof Set ? [...repliers] : [];
  return new Set([...(parent ? [parent.userId] : []), ...list.filter((u): u is string => typeof u === 'string')]);
}

/** The words on the device: who wrote, where; the text unless the recipient hides it. */
function notificationFor(channel: ChannelItem, message: MessageItem, authorName: string, prefs: NotificationPrefs): PushNotification {
  const direct = channel.kind === 'im' || channel.kind === 'mpim';
  const title = channel.kind === 'im' ? authorName : direct ? `${authorName} in a group message` : `${authorName} in #${channel.name}`;
  const n: PushNotification = { title, channel: channel.channelId, ts: message.ts };
  if (message.threadTs !== message.ts) n.thread_ts = message.threadTs;
  if (!prefs.hideContent) {
    const text = message.text.replace(/<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, name?: string) => `@${name || id}`);
    n.body = text.length > BODY_CHARACTERS ? `${text.slice(0, BODY_CHARACTERS - 1)}…` : text || (Array.isArray(message.files) && message.files.length > 0 ? 'sent a file' : '');
  }
  return n;
}

/** A Web Push topic (at most 32 URL-safe characters): one per conversation and recipient device. */
export const topicFor = (channelId: string) => createHash('sha256').update(channelId).digest('base64url').slice(0, 32);

/**
 * What one change means for pushes. Idempotent per (message, device): a marker is claimed with a
 * conditional put before each send, so a record delivered again pushes nothing twice. A send that
 * may succeed later gives its claim back and makes the record fail (the event source retries it,
 * bounded); a 404/410 removes that subscription (only if it still names the same endpoint).
 */
export async function pushForChange(change: Change, ctx: PushContext, stats: PushStats = emptyPushStats()): Promise<PushStats> {
  const message = insertedMessage(change);
  if (!message) return stats;
  stats.messages++;
  const channel = await table().channels.get(message.channelId);
  if (!channel) return stats;
  const { userIds, forNotify } = await candidatesFor(channel, message, change);
  if (userIds.length === 0) return stats;
  const now = (ctx.now ?? Date.now)();
  const participants = await threadParticipants(message);
  let authorName: Promise<string> | undefined;
  let retries = 0;

  // Decide first, for every candidate from one batch read of preferences: at the default level a
  // channel message without a mention notifies nobody, so most messages stop here.
  stats.considered += userIds.length;
  const prefsOf = await table().prefs.notificationPrefsOf(userIds);
  const notified = userIds.filter((userId) =>
    shouldNotify(userId, participants ? { ...forNotify, threadParticipant: participants.has(userId) } : forNotify, prefsOf.get(userId)!, now).notify);

  await inParallel(notified, ctx.concurrency, async (userId) => {
    const prefs = prefsOf.get(userId)!;
    const subscriptions = await table().push.ofUser(userId);
    if (subscriptions.length === 0) return;
    // Offline: no live connection at all (a connected device got the event from the fan-out).
    if ((await table().connections.ofUser(userId)).length > 0) return;
    stats.notified++;
    authorName ??= table().users.get(message.teamId, message.userId).then((u) => u?.name ?? message.userId);
    const notification = notificationFor(channel, message, await authorName, prefs);
    const options: PushOptions = { ttlSeconds: ctx.ttlSeconds, urgency: channel.kind === 'im' || forNotify.mentionedUserIds.includes(userId) ? 'high' : 'normal', topic: topicFor(channel.channelId) };
    for (const subscription of subscriptions) {
      const marker = { channelId: message.channelId, ts: message.ts, userId, deviceId: subscription.deviceId };
      if (!(await table().push.claimSend({ ...marker, expiresAt: Math.floor(now / 1000) + MARKER_SECONDS }))) {
        stats.duplicates++;
        continue;
      }
      const outcome = await ctx.send(subscription, notification, options).catch((error: unknown): PushOutcome => {
        logger.warn('push send failed', { kind: subscription.kind, error });
        return 'retry';
      });
      if (outcome === 'sent') stats.sent++;
      else if (outcome === 'gone') {
        stats.gone++;
        await table().push.removeIfEndpoint(userId, subscription.deviceId, subscription.endpoint);
      } else if (outcome === 'retry') {
        retries++;
        await table().push.releaseSend(marker);
      } else stats.failed++;
    }
  });
  if (retries > 0) throw new PushRetry(retries);
  return stats;
}
