import { ClientError } from './errors';
import type { Caller } from './caller';
import { withFileUrls } from '../adapters/media';
import { fitEvent, signedBytes, SYNC_EVENT_BYTES, SYNC_PAGE_BYTES } from './budgets';
import { channelIdsOfUser } from './connections';
import { isHot } from './hot-channels';
import { table } from './ports';
import { floorTsAt, isTs } from './ts';

const PAGE_EVENTS = 200;
/**
 * Inbox entries are keyed by the time the fan-out wrote them, and writers run in parallel, so an
 * entry can land slightly below a cursor already handed out. A cursor therefore never moves past
 * "now minus this window": the next sync reads the window again and the client drops repeats by
 * event_id.
 */
const SETTLE_MS = 5_000;

const CURSOR_PREFIX = 'c1.';
const encode = (seq: string) => CURSOR_PREFIX + seq;
function decode(cursor: string): string {
  const seq = cursor.startsWith(CURSOR_PREFIX) ? cursor.slice(CURSOR_PREFIX.length) : '';
  if (!isTs(seq)) throw new ClientError('invalid_cursor');
  return seq;
}

const settledFloor = () => floorTsAt(Date.now() - SETTLE_MS);
const minSeq = (a: string, b: string) => (a < b ? a : b);

/**
 * sync: the caller's events since a cursor, oldest first, a frame-sized page at a time. Reading
 * removes nothing, so every device of a user keeps its own cursor.
 */
export async function syncSince(caller: Caller, since: string | undefined) {
  const hot_channels = await hotChannels(caller);
  if (since === undefined) return { events: [], cursor: encode(settledFloor()), has_more: false, hot_channels };

  const after = decode(since);
  // Taken before the read: an entry written while the query runs must land above the cursor.
  const floor = settledFloor();
  const entries = await table().inbox.after(caller.userId, after, PAGE_EVENTS + 1);
  const events: Array<Record<string, unknown>> = [];
  let bytes = 0;
  let last = after;
  // Pages of SYNC_PAGE_BYTES; an event larger than that goes alone (as its reference past
  // SYNC_EVENT_BYTES), so the cursor always moves past it and the reply stays under 128 KB.
  for (const entry of entries.slice(0, PAGE_EVENTS)) {
    const event = JSON.parse(entry.event) as Record<string, unknown>;
    const size = Math.min(signedBytes(event), SYNC_EVENT_BYTES);
    if (events.length > 0 && bytes + size > SYNC_PAGE_BYTES) break;
    events.push(event);
    bytes += size;
    last = entry.seq;
  }
  const hasMore = events.length < entries.length;
  // Inbox entries keep files' object keys; the reader gets freshly signed url_private instead.
  const signed = (await withFileUrls(events)).map((event) => fitEvent(event, SYNC_EVENT_BYTES));
  // Never move back behind where the client already was, never past the settle window.
  const settled = minSeq(last, floor);
  const cursor = hasMore ? last : settled < after ? after : settled;
  return { events: signed, cursor: encode(cursor), has_more: hasMore, hot_channels };
}

/** Large channels whose messages are not in inboxes: the client reads them with conversations.history. */
async function hotChannels(caller: Caller) {
  const channelIds = await channelIdsOfUser(caller.userId);
  if (channelIds.length === 0) return [];
  const channels = await table().channels.byIds(channelIds);
  const hot = [...channels.values()].filter((c) => isHot(c.memberCount)).map((c) => c.channelId);
  if (hot.length === 0) return [];
  const latest = await table().channels.headsOf(hot);
  return hot.map((channel) => ({ channel, latest: latest.get(channel) ?? '' }));
}
