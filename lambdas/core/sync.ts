import { decodeTime } from 'ulid';
import { ClientError } from './errors';
import type { Caller } from './caller';
import { withFileUrls } from '../adapters/media';
import { fitEvent, jsonBytes, signedBytes, SYNC_EVENT_BYTES, SYNC_HOT_CHANNELS_BYTES, SYNC_PAGE_BYTES } from './budgets';
import { channelIdsOfUser } from './connections';
import type { ChannelItem } from '../model/service';
import { isHot } from './hot-channels';
import { inParallel } from './parallel';
import { readGrantMaker } from './read-grants';
import { table } from './ports';
import { floorTsAt, isTs } from './ts';

const PAGE_EVENTS = 200;
/** The fewest entries read of one source (the inbox, a channel's log) for a page. */
const MIN_SLICE = 10;
const SOURCES_IN_FLIGHT = 32;

/** An entry kept for catch-up, in the user's inbox or a channel's log. */
interface KeptEntry {
  seq: string;
  event: string;
}
/**
 * Kept entries (inbox and channel logs) are keyed by the time the fan-out wrote them, and writers
 * run in parallel, so an entry can land slightly below a cursor already handed out. A cursor therefore never moves past
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
/**
 * A hot channel is listed when its head is newer than the cursor less this: a message's ts is taken
 * before its send commits, and a send's invocation ends within 30 s (the gateway's integration
 * timeout), so one that commits after a sync is still above the cursor that sync handed out less
 * the settle window, plus this.
 */
const HOT_NEWS_MARGIN_MS = 60_000;
const minSeq = (a: string, b: string) => (a < b ? a : b);

/**
 * sync: the caller's events since a cursor, oldest first, a frame-sized page at a time: its inbox
 * and the logs of its channels below the hot threshold (core/fanout.ts keeps a channel's events once
 * there). Reading removes nothing, so every device of a user keeps its own cursor.
 */
export async function syncSince(caller: Caller, since: string | undefined) {
  const after = since === undefined ? undefined : decode(since);
  const channels = await channelsOf(caller);
  const hot = hotChannels(caller, channels, after === undefined ? undefined : floorTsAt(decodeTime(after) - HOT_NEWS_MARGIN_MS));
  if (after === undefined) return { events: [], cursor: encode(settledFloor()), has_more: false, ...(await hot) };

  // Taken before the read: an entry written while the query runs must land above the cursor.
  const floor = settledFloor();
  const logs = channels.filter((c) => !isHot(c.memberCount)).map((c) => c.channelId);
  const [{ entries, complete }, hotList] = await Promise.all([pendingEntries(caller.userId, logs, after, floor), hot]);
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
  const hasMore = events.length < entries.length || !complete;
  // Kept entries keep files' object keys; the reader gets freshly signed url_private instead.
  const signed = (await withFileUrls(events)).map((event) => fitEvent(event, SYNC_EVENT_BYTES));
  // Never move back behind where the client already was, never past the settle window.
  const settled = minSeq(last, floor);
  const cursor = hasMore ? last : settled < after ? after : settled;
  return { events: signed, cursor: encode(cursor), has_more: hasMore, ...hotList };
}

/** The conversations the caller is in, as their meta says now. */
async function channelsOf(caller: Caller): Promise<ChannelItem[]> {
  const channelIds = await channelIdsOfUser(caller.userId);
  return channelIds.length === 0 ? [] : [...(await table().channels.byIds(channelIds)).values()];
}

/**
 * The caller's kept entries after a cursor, in seq order: its inbox, then the logs of its channels
 * below the hot threshold, a slice of each (the more sources, the thinner the slices, so one page
 * reads about twice PAGE_EVENTS entries at most, and a source with nothing new costs one query).
 * A source cut short may hold more past its slice: the entries stop at the lowest seq where one
 * was cut, so none is skipped, and `complete` is false. A source cut above the settle floor (a
 * burst in the last seconds) is read on for up to a page first: a cursor that stopped there could
 * pass an entry still landing, as an inbox of more than a page could before the logs.
 */
async function pendingEntries(userId: string, channelIds: string[], after: string, floor: string): Promise<{ entries: KeptEntry[]; complete: boolean }> {
  const slice = Math.min(PAGE_EVENTS + 1, Math.max(MIN_SLICE, Math.ceil((2 * PAGE_EVENTS) / (channelIds.length + 1))));
  const read = (source: string | undefined, from: string, limit: number) =>
    source === undefined ? table().inbox.after(userId, from, limit) : table().channelLog.after(source, from, limit);
  const slices: Array<{ entries: KeptEntry[]; cut: boolean }> = [];
  await inParallel([undefined, ...channelIds], SOURCES_IN_FLIGHT, async (source) => {
    const entries = await read(source, after, slice);
    const last = entries.at(-1)?.seq;
    if (entries.length < slice || last === undefined || last <= floor) {
      slices.push({ entries, cut: entries.length === slice });
      return;
    }
    const more = await read(source, last, PAGE_EVENTS + 1);
    slices.push({ entries: [...entries, ...more], cut: more.length === PAGE_EVENTS + 1 });
  });
  let horizon: string | undefined;
  for (const { entries, cut } of slices) {
    const last = entries.at(-1)?.seq;
    if (cut && last !== undefined && (horizon === undefined || last < horizon)) horizon = last;
  }
  const entries = slices.flatMap((s) => s.entries).filter((e) => horizon === undefined || e.seq <= horizon).sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  return { entries, complete: horizon === undefined };
}

/**
 * Large channels whose events are not kept in channel logs, with news since `newerThan` (all of them on a
 * first sync): the client reads them with conversations.history. The most recently active first,
 * as many as SYNC_HOT_CHANNELS_BYTES hold, so the reply stays under 128 KB whatever the user is in;
 * `hot_channels_truncated` says some were left out (they are read in full when opened).
 */
async function hotChannels(caller: Caller, channels: ChannelItem[], newerThan: string | undefined) {
  const hot = channels.filter((c) => isHot(c.memberCount)).map((c) => c.channelId);
  if (hot.length === 0) return { hot_channels: [] };
  const [heads, grant] = await Promise.all([table().channels.headsOf(hot), readGrantMaker(caller)]);
  const withNews = hot
    .map((channel) => ({ channel, latest: heads.get(channel) ?? '' }))
    .filter((h) => newerThan === undefined || h.latest > newerThan)
    .sort((a, b) => (a.latest < b.latest ? 1 : a.latest > b.latest ? -1 : 0))
    .map((h) => ({ ...h, read_grant: grant(h.channel) }));
  const listed: typeof withNews = [];
  let bytes = 0;
  for (const h of withNews) {
    if ((bytes += jsonBytes(h) + 1) > SYNC_HOT_CHANNELS_BYTES) return { hot_channels: listed, hot_channels_truncated: true };
    listed.push(h);
  }
  return { hot_channels: listed };
}
