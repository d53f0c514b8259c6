import type { HeadState } from '../model/messages';
import type { ChannelItem, MessageItem } from '../model/service';
import { jsonBytes } from './budgets';
import { isChannelLevel, newestChannelPage } from './channel-pages';
import { HOT_CHANNEL_THRESHOLD } from './hot-channels';
import { table } from './ports';

/**
 * The newest messages of hot channels, held in this instance's memory: after a post in a channel of
 * thousands, its members open it together and each reads the same page (the read storm).
 *
 * A snapshot is what one strongly consistent read saw: the channel's head (its newest committed ts,
 * with the head's change count and last removal), then every channel-level message at or below it,
 * newest first. Sends commit in ts order (each moves the head forward under a condition), so no
 * message at or below that head can appear later: a snapshot answers any page that ends at or below
 * its head exactly as the table would. A request that names the head it knows (`latest`, from
 * `sync`'s `hot_channels` or the live event it just got) costs no read of the page; one that names
 * none reads the head first (1 read unit) and is served from the snapshot if it holds that head. So
 * a page is never older than the head.
 *
 * A change to a message the snapshot holds (an edit, a reaction, a deletion) is counted on the head
 * (`noteChange`, after the change). A snapshot is trusted for FRESH_MS after it was read or last
 * checked, the staleness an eventually consistent read allows; then one eventually consistent head
 * read checks it again (half a read unit, not the ~10 of the page): the same head and count, and it
 * is trusted for another FRESH_MS. That check may miss a change made in the last moments (a replica
 * behind), as any eventually consistent read may; it never lets a message at or below the head go
 * missing, which only the page read decides. Whatever the count says, the page is read again after
 * MAX_AGE_MS, which bounds what a change whose count was never written (its function died in
 * between) can leave stale.
 */
export interface PageSnapshot {
  /** The channel's meta as read before the page (access checks may use it: a channel's workspace and kind never change). */
  channel: ChannelItem;
  /** The head when the page was read: every message at or below it is in `messages`, down to the last. */
  head: string;
  /** The head's change count when the page was read. */
  changes: number;
  /** The channel's last removal of a member as of the last check, epoch ms (read grants made before it no longer hold). */
  removedAt: number;
  /** Channel-level messages at or below `head`, newest first. */
  messages: MessageItem[];
  /** True when `messages` reach the channel's first message. */
  complete: boolean;
  readAt: number;
  checkedAt: number;
  bytes: number;
}

export interface PageRequest {
  /** The page's inclusive upper bound: the head the client names, or undefined for "the newest". */
  highest?: string;
  /** Leave out this ts and above (Slack's `latest` without `inclusive`). */
  below?: string;
  /** Messages wanted, the one that tells whether there are more included. */
  count: number;
}

export const FRESH_MS = 1000;
export const MAX_AGE_MS = 10_000;
/** A snapshot holds at least this many messages: a page of 100 (Slack's default) and the one that tells whether there are more. */
const SNAPSHOT_MESSAGES = 101;
const SNAPSHOT_BYTES = 1024 * 1024;
/**
 * What a stored message carries beyond its parsed fields (keys and entity tags: ~100 bytes), allowed
 * generously: the read's byte budget counts stored items, the snapshot's `bytes` parsed ones.
 */
const STORED_OVERHEAD_BYTES = 1024;
const CACHE_BYTES = 16 * 1024 * 1024;

const snapshots = new Map<string, PageSnapshot>();
let cachedBytes = 0;

/**
 * The channel's snapshot as this instance holds it, trusted now: checked under FRESH_MS ago, or
 * checked again with one head read. Undefined when none is held (no read then) or it changed (or
 * the replica read was behind it).
 */
export async function currentSnapshot(channelId: string): Promise<PageSnapshot | undefined> {
  const snapshot = snapshots.get(channelId);
  if (!snapshot) return undefined;
  const now = Date.now();
  if (now - snapshot.checkedAt < FRESH_MS) return snapshot;
  if (now - snapshot.readAt < MAX_AGE_MS) {
    const state = await table().messages.headStateOf(channelId, false);
    if (state && unchanged(snapshot, state)) return renewed(snapshot, state, now);
  }
  forget(channelId);
  return undefined;
}

/**
 * Counts a change to a message of a large channel on its head, so snapshots of its page are read
 * again. Channels past half the hot threshold count theirs: an instance that still takes the
 * channel for small (its meta read a moment earlier) must not leave a hot snapshot stale.
 */
export async function noteChange(channel: ChannelItem): Promise<void> {
  if ((channel.memberCount ?? 0) * 2 > HOT_CHANNEL_THRESHOLD) await table().messages.markChanged(channel.channelId);
}

/**
 * The page a request asks of a hot channel (at most `count` messages, newest first), given the
 * snapshot `currentSnapshot` found: from it when it holds the head the request names; else after
 * reading the head, from the snapshot if that is still the head and nothing changed, or from a new one.
 */
export async function hotPage(channel: ChannelItem, request: PageRequest, held: PageSnapshot | undefined): Promise<MessageItem[]> {
  if (held && request.highest !== undefined && request.highest <= held.head) {
    const page = pageOf(held, request.highest, request);
    if (page) return page;
  }
  const state = await table().messages.headStateOf(channel.channelId);
  if (state === undefined) return [];
  const head = state.lastTs;
  // A head named above the real one (a client's guess, or a forgery) holds nothing more yet: it costs the head read, never a page read.
  const upTo = request.highest === undefined || request.highest > head ? head : request.highest;
  const snapshot = held && unchanged(held, state) ? renewed(held, state, Date.now()) : await readSnapshot(channel, state, request.count);
  // A bound far below the head, or a byte-heavy channel: no snapshot can say, the table does.
  return pageOf(snapshot, upTo, request) ?? (await newestChannelPage(channel.channelId, { highest: upTo }, request.count, request.below));
}

const unchanged = (snapshot: PageSnapshot, state: HeadState) => snapshot.head === state.lastTs && snapshot.changes === state.changes;

function renewed(snapshot: PageSnapshot, state: HeadState, now: number): PageSnapshot {
  snapshot.checkedAt = now;
  // Never back: an eventually consistent check may come from a replica behind the last one.
  snapshot.removedAt = Math.max(snapshot.removedAt, state.removedAt);
  return snapshot;
}

/** The request's page from a snapshot, or undefined when the snapshot holds too few below `upTo` to know. */
export function pageOf(snapshot: PageSnapshot, upTo: string, request: PageRequest): MessageItem[] | undefined {
  const page: MessageItem[] = [];
  for (const m of snapshot.messages) {
    if (m.ts > upTo || (request.below !== undefined && m.ts >= request.below)) continue;
    page.push(m);
    if (page.length === request.count) return page;
  }
  return snapshot.complete ? page : undefined;
}

async function readSnapshot(channel: ChannelItem, state: HeadState, count: number): Promise<PageSnapshot> {
  const limit = Math.max(count, SNAPSHOT_MESSAGES);
  // Consistent, and read after the head: every message at or below it is committed and seen, and
  // every change counted before the head read is in the page (a later one moves the count on).
  const messages = await table().messages.newestFirst(channel.channelId, { highest: state.lastTs }, { limit, maxBytes: SNAPSHOT_BYTES, consistent: true, keep: isChannelLevel });
  const bytes = messages.reduce((sum, m) => sum + jsonBytes(m), 0);
  // A read that stopped at its byte budget holds fewer than `limit` without reaching the first message:
  // fewer than `limit` is the whole channel only when the stored items cannot have passed the budget.
  const complete = messages.length < limit && bytes + messages.length * STORED_OVERHEAD_BYTES <= SNAPSHOT_BYTES;
  const now = Date.now();
  const snapshot: PageSnapshot = { channel, head: state.lastTs, changes: state.changes, removedAt: state.removedAt, messages, complete, readAt: now, checkedAt: now, bytes };
  keep(snapshot);
  return snapshot;
}

function keep(snapshot: PageSnapshot): void {
  forget(snapshot.channel.channelId);
  if (snapshot.bytes > SNAPSHOT_BYTES) return;
  snapshots.set(snapshot.channel.channelId, snapshot);
  cachedBytes += snapshot.bytes;
  // Oldest first out (a Map iterates in insertion order).
  for (const [channelId] of snapshots) {
    if (cachedBytes <= CACHE_BYTES) break;
    forget(channelId);
  }
}

function forget(channelId: string): void {
  const snapshot = snapshots.get(channelId);
  if (!snapshot) return;
  snapshots.delete(channelId);
  cachedBytes -= snapshot.bytes;
}

/** Drops every snapshot (tests). */
export function clearSnapshots(): void {
  snapshots.clear();
  cachedBytes = 0;
}
