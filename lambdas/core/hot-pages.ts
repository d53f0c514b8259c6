import type { ChannelItem, MessageItem } from '../model/service';
import { jsonBytes } from './budgets';
import { isChannelLevel, newestChannelPage } from './channel-pages';
import { table } from './ports';

/**
 * The newest messages of hot channels, held in this instance's memory: after a post in a channel of
 * thousands, its members open it together and each reads the same page (the read storm).
 *
 * A snapshot is what one strongly consistent read saw: the channel's head (its newest committed ts),
 * then every channel-level message at or below it, newest first. Sends commit in ts order (each moves
 * the head forward under a condition), so no message at or below that head can appear later: a
 * snapshot answers any page that ends at or below its head exactly as the table would. A request
 * that names the head it knows (`latest`, from `sync`'s `hot_channels` or the live event it just
 * got) costs no read of the page; one that names none reads the head first (1 read unit) and is
 * served from the snapshot if it holds that head. So a page is never older than the head.
 *
 * What a snapshot does not follow is a change to a message it holds (an edit, a reaction, a
 * deletion): it is dropped after FRESH_MS, the staleness an eventually consistent read allows.
 */
export interface PageSnapshot {
  /** The channel's meta as read with the page (access checks may use it while the snapshot is fresh). */
  channel: ChannelItem;
  /** The head when the page was read: every message at or below it is in `messages`, down to the last. */
  head: string;
  /** Channel-level messages at or below `head`, newest first. */
  messages: MessageItem[];
  /** True when `messages` reach the channel's first message. */
  complete: boolean;
  readAt: number;
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

/** The channel's fresh snapshot, if this instance holds one. */
export function freshSnapshot(channelId: string): PageSnapshot | undefined {
  const snapshot = snapshots.get(channelId);
  if (snapshot && Date.now() - snapshot.readAt < FRESH_MS) return snapshot;
  if (snapshot) forget(channelId);
  return undefined;
}

/**
 * The page a request asks of a hot channel (at most `count` messages, newest first): from this
 * instance's snapshot when it holds the head the request names; else after reading the head, from
 * the snapshot if that is still the head, or from a new one.
 */
export async function hotPage(channel: ChannelItem, request: PageRequest): Promise<MessageItem[]> {
  const held = freshSnapshot(channel.channelId);
  if (held && request.highest !== undefined && request.highest <= held.head) {
    const page = pageOf(held, request.highest, request);
    if (page) return page;
  }
  const head = await table().messages.headOf(channel.channelId);
  if (head === undefined) return [];
  // A head named above the real one (a client's guess, or a forgery) holds nothing more yet: it costs the head read, never a page read.
  const upTo = request.highest === undefined || request.highest > head ? head : request.highest;
  const snapshot = held && held.head === head ? held : await readSnapshot(channel, head, request.count);
  // A bound far below the head, or a byte-heavy channel: no snapshot can say, the table does.
  return pageOf(snapshot, upTo, request) ?? (await newestChannelPage(channel.channelId, { highest: upTo }, request.count, request.below));
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

async function readSnapshot(channel: ChannelItem, head: string, count: number): Promise<PageSnapshot> {
  const limit = Math.max(count, SNAPSHOT_MESSAGES);
  // Consistent, and read after the head: every message at or below it is committed and seen.
  const messages = await table().messages.newestFirst(channel.channelId, { highest: head }, { limit, maxBytes: SNAPSHOT_BYTES, consistent: true, keep: isChannelLevel });
  const bytes = messages.reduce((sum, m) => sum + jsonBytes(m), 0);
  // A read that stopped at its byte budget holds fewer than `limit` without reaching the first message:
  // fewer than `limit` is the whole channel only when the stored items cannot have passed the budget.
  const complete = messages.length < limit && bytes + messages.length * STORED_OVERHEAD_BYTES <= SNAPSHOT_BYTES;
  const snapshot: PageSnapshot = { channel, head, messages, complete, readAt: Date.now(), bytes };
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
