import { withFileUrls } from '../adapters/media';
import { ClientError } from './errors';
import type { Caller } from './caller';
import type { MessageItem } from '../model/service';
import type { NewMessage } from '../model/messages';
import { TransactionCancelled, type TransactItem } from '../model/store';
import { memberAccess } from './channels';
import { isHot } from './hot-channels';
import { newestChannelPage } from './channel-pages';
import { currentSnapshot, hotPage } from './hot-pages';
import { makeReadGrant, readGrantHolds } from './read-grants';
import { checkRichContent, fallbackText, type RichContent } from './blocks';
import { HTTP_PAGE_BYTES, responseBytes } from './budgets';
import { decodeCursor, encodeCursor } from './cursor';
import { toSlackMessage, type SlackMessage } from './format';
import { table } from './ports';
import { takeMessageToken } from './rate-limit';
import { isTs, nextTs, tsBound } from './ts';
import { broadcastAllowed, parseMentions, type Broadcast } from './mentions';
import type { ChannelItem } from '../model/service';

export const MAX_TEXT = 40_000;
const IDEMPOTENCY_SECONDS = 24 * 60 * 60;
const MAX_CLIENT_MSG_ID = 128;
/** Sends racing for the same channel head retry this often before giving up with a 500. */
const MAX_HEAD_ATTEMPTS = 20;

export interface PostInput {
  channelId: string;
  text: string;
  threadTs?: string;
  replyBroadcast?: boolean;
  clientMsgId?: string;
  /** The WebSocket connection whose ack carries the message's event: the fan-out posts it no echo. */
  ackedTo?: string;
  files?: unknown[];
  /** Block Kit blocks and legacy attachments, as the request gave them (a JSON array or a string of one). */
  blocks?: unknown;
  attachments?: unknown;
  /** The caller already took this message's rate token (files.completeUploadExternal takes it before any file moves). */
  tokenTaken?: boolean;
  /**
   * More writes committed in the message's transaction, all or nothing (files.completeUploadExternal's
   * file records). If one of their conditions fails, the post throws TransactionCancelled with their reasons.
   */
  alsoWrite?: TransactItem[];
  /** A message the system posts for the caller (channel_topic / channel_purpose): its mentions are not resolved. */
  subtype?: { name: 'channel_topic' | 'channel_purpose'; about: string };
}

export interface Posted {
  channel: string;
  ts: string;
  message: SlackMessage;
}

/** `no_text` unless there is text or something else to show (files, blocks, attachments); `msg_too_long`. */
export function checkText(text: string, hasOtherContent: boolean): void {
  if (text.trim().length === 0 && !hasOtherContent) throw new ClientError('no_text');
  if ([...text].length > MAX_TEXT) throw new ClientError('msg_too_long');
}

export const hasRich = (rich: RichContent) => rich.blocksJson !== undefined || rich.attachmentsJson !== undefined;

/** The text stored: as given, or (none given, blocks or attachments present) their plain-text fallback. */
export const storedText = (text: string, rich: RichContent) => (text.trim().length === 0 && hasRich(rich) ? fallbackText(rich) : text);
/** The mentions of a message that count: stored on it, read by mention_count and the push consumer. */
export interface ResolvedMentions {
  mentions?: string[];
  broadcast?: Broadcast;
}

/**
 * A text's mentions as they count in this conversation: mentioned users who are members (anyone
 * else's mention stays in the text but counts and notifies no one), and a broadcast if the author
 * may make one there (broadcastAllowed). One consistent batch read, only when the text mentions someone.
 */
export async function resolveMentions(channel: Pick<ChannelItem, 'channelId' | 'memberCount' | 'creator'>, authorId: string, text: string): Promise<ResolvedMentions> {
  const parsed = parseMentions(text);
  const others = parsed.userIds.filter((u) => u !== authorId);
  const members = await table().memberships.membersAmong(channel.channelId, others);
  const mentions = others.filter((u) => members.has(u));
  const broadcast = parsed.broadcast && broadcastAllowed(channel, authorId) ? parsed.broadcast : undefined;
  return { ...(mentions.length ? { mentions } : {}), ...(broadcast ? { broadcast } : {}) };
}

async function getMessage(channelId: string, ts: string): Promise<MessageItem | undefined> {
  if (!isTs(ts)) return undefined;
  return table().messages.get(channelId, ts);
}

/** The first send of this client_msg_id by the caller in this conversation, if it is still remembered. */
async function alreadySent(caller: Caller, channelId: string, clientMsgId: string): Promise<Posted | undefined> {
  const sent = await table().messages.sentWith(caller.userId, channelId, clientMsgId);
  if (!sent || (sent.expiresAt ?? 0) <= Math.floor(Date.now() / 1000)) return undefined;
  const message = await getMessage(sent.channelId, sent.ts);
  return { channel: sent.channelId, ts: sent.ts, message: message ? toSlackMessage(message) : ({ type: 'message', user: caller.userId, text: '', ts: sent.ts } as SlackMessage) };
}

/**
 * Stores a message, then acknowledges it (HTTP chat.postMessage and the WebSocket `message` action).
 *
 * Order: one transaction advances the channel's head to the new ts only if the head is still
 * below it, and writes the message (and its idempotency record, and the thread parent's counters).
 * So ts increase in commit order within a channel whatever the senders' clocks, and a reader who
 * has seen ts X never later finds a message below X that was not there before.
 *
 * Idempotency: the same client_msg_id from the same user in the same conversation within 24 hours
 * returns the first send; in another conversation it is a new message (never the first one's).
 */
export async function postMessage(caller: Caller, input: PostInput): Promise<Posted> {
  const posted = await storeMessage(caller, input);
  return { ...posted, message: await withFileUrls(posted.message) };
}

/** postMessage without signing the message's files: for callers that do not return it to a reader. */
export async function storeMessage(caller: Caller, input: PostInput): Promise<Posted> {
  const rich = checkRichContent(input.blocks, input.attachments);
  checkText(input.text, (input.files?.length ?? 0) > 0 || hasRich(rich));
  const text = storedText(input.text, rich);
  if (input.clientMsgId !== undefined && (input.clientMsgId.length === 0 || input.clientMsgId.length > MAX_CLIENT_MSG_ID)) {
    throw new ClientError('invalid_arguments', 'client_msg_id');
  }
  const readHead = () => table().messages.headOf(input.channelId);
  // The head and the caller's own idempotency record are read beside the access check, and the head
  // while the rate bucket and the thread parent are checked too: two round trips less per send. Nothing
  // is used before access is granted. A head that moves meanwhile fails the transaction's condition
  // and is read again.
  const firstHead = readHead();
  const sentBefore = input.clientMsgId ? alreadySent(caller, input.channelId, input.clientMsgId) : undefined;
  // A return or throw before they are awaited must not leave them unhandled.
  firstHead.catch(() => undefined);
  sentBefore?.catch(() => undefined);
  const { channel } = await memberAccess(caller, input.channelId);
  if (channel.archived === true) throw new ClientError('is_archived');

  const previous = await sentBefore;
  if (previous) return previous;
  // Charged only for a new message: retrying a send that already went through is never refused.
  if (!input.tokenTaken) await takeMessageToken(caller.userId, input.channelId);

  const mentioned = input.subtype ? {} : await resolveMentions(channel, caller.userId, text);

  let threadTs: string | undefined;
  if (input.threadTs !== undefined) {
    const parent = await getMessage(input.channelId, input.threadTs);
    if (!parent) throw new ClientError('thread_not_found');
    // A reply to a reply joins the parent's thread, as in Slack.
    threadTs = parent.threadTs ?? parent.ts;
  }

  for (let attempt = 0; attempt < MAX_HEAD_ATTEMPTS; attempt++) {
    const head = attempt === 0 ? await firstHead : await readHead();
    const ts = nextTs(head);
    const item: NewMessage = {
      channelId: input.channelId, ts, teamId: caller.teamId, userId: caller.userId, text,
      threadTs: threadTs ?? ts,
      ...(rich.blocksJson ? { blocks: rich.blocksJson } : {}),
      ...(rich.attachmentsJson ? { attachments: rich.attachmentsJson } : {}),
      ...(threadTs && input.replyBroadcast ? { replyBroadcast: true } : {}),
      ...(input.clientMsgId ? { clientMsgId: input.clientMsgId } : {}),
      ...(input.ackedTo ? { ackedTo: input.ackedTo } : {}),
      ...(input.files?.length ? { files: input.files } : {}),
      ...mentioned,
      ...(input.subtype ? { subtype: input.subtype.name, about: input.subtype.about } : {}),
    };
    const now = Math.floor(Date.now() / 1000);
    const refused = await table().messages.commit({
      message: item,
      idempotency: input.clientMsgId ? { clientMsgId: input.clientMsgId, expiresAt: now + IDEMPOTENCY_SECONDS, now } : undefined,
      threadTs,
      alsoWrite: input.alsoWrite,
    });
    if (!refused) return { channel: input.channelId, ts, message: toSlackMessage(item) };
    if (refused.also.includes('ConditionalCheckFailed')) throw new TransactionCancelled(refused.also);
    if (input.clientMsgId && refused.duplicate) {
      const previous = await alreadySent(caller, input.channelId, input.clientMsgId);
      if (previous) return previous;
    }
    if (refused.threadGone) throw new ClientError('thread_not_found');
    // Lost the race for the head (or a transaction conflict): read the new head and try again.
  }
  throw new Error('channel head contended past the retry limit');
}

export interface HistoryInput {
  channelId: string;
  limit: number;
  cursor?: string;
  oldest?: string;
  latest?: string;
  inclusive: boolean;
  /** A read grant for the channel (read-grants.ts), which spares a hot channel's page the membership read. */
  readGrant?: string;
}

/**
 * conversations.history: newest first, between `oldest` and `latest`, thread replies left out
 * unless broadcast. The cursor is the ts of the last message returned. A hot channel's page read
 * after the membership carries a `read_grant` for the next.
 */
export async function history(caller: Caller, input: HistoryInput) {
  const held = await currentSnapshot(input.channelId);
  const granted = held !== undefined && held.channel.teamId === caller.teamId && (await readGrantHolds(input.readGrant, caller, input.channelId, held.removedAt));
  const { channel } = granted ? held : await memberAccess(caller, input.channelId, held?.channel);
  const oldest = input.oldest !== undefined && input.oldest !== '' ? tsBound(input.oldest, 'floor') : undefined;
  const latest = input.latest !== undefined && input.latest !== '' ? tsBound(input.latest, 'ceil') : undefined;
  if (input.oldest && !oldest) throw new ClientError('invalid_ts_oldest');
  if (input.latest && !latest) throw new ClientError('invalid_ts_latest');
  const before = input.cursor ? decodeCursor(input.cursor, ['before']).before : undefined;
  if (before !== undefined && !isTs(before)) throw new ClientError('invalid_cursor');

  // Bounds as inclusive sort keys: `inclusive` applies to explicit oldest/latest; a cursor is exclusive.
  const exclusiveLatest = before ?? (latest && !input.inclusive && isTs(input.latest ?? '') ? latest : undefined);
  const range = { lowest: oldest, lowestExclusive: !(input.inclusive || !isTs(input.oldest ?? '')), highest: exclusiveLatest ?? latest };
  // A hot channel's newest page (the read storm after a post) comes from this instance's snapshot (hot-pages.ts).
  const hot = isHot(channel.memberCount);
  const items = hot && oldest === undefined && before === undefined
    ? await hotPage(channel, { highest: range.highest, below: exclusiveLatest, count: input.limit + 1 }, held)
    : await newestChannelPage(input.channelId, range, input.limit + 1, exclusiveLatest);
  const page = pageByBytes(items.slice(0, input.limit).map(toSlackMessage));
  const hasMore = items.length > page.length;
  return withFileUrls({
    messages: page,
    has_more: hasMore,
    pin_count: 0,
    ...(hot && !granted ? { read_grant: await makeReadGrant(caller, input.channelId) } : {}),
    response_metadata: { next_cursor: hasMore ? encodeCursor({ before: page[page.length - 1].ts }) : '' },
  });
}

/**
 * The leading messages that fit HTTP_PAGE_BYTES in the response (at least one): 24 messages of
 * 40,000 control characters are 6.7 MB of JSON, over Lambda's 6 MB response.
 */
function pageByBytes(messages: SlackMessage[]): SlackMessage[] {
  let bytes = 0;
  let count = 0;
  for (const message of messages) {
    bytes += responseBytes(message);
    if (count > 0 && bytes > HTTP_PAGE_BYTES) break;
    count++;
  }
  return messages.slice(0, count);
}

/** conversations.replies: the parent, then its replies oldest first, a page at a time. */
export async function replies(caller: Caller, channelId: string, ts: string, limit: number, cursor?: string) {
  await memberAccess(caller, channelId);
  const message = await getMessage(channelId, ts);
  if (!message) throw new ClientError('thread_not_found');
  const threadTs = message.threadTs ?? message.ts;
  const parent = threadTs === ts ? message : await getMessage(channelId, threadTs);
  const after = cursor ? decodeCursor(cursor, ['after']).after : undefined;
  if (after !== undefined && !isTs(after)) throw new ClientError('invalid_cursor');
  const room = after === undefined && parent ? limit - 1 : limit;
  const items = await table().messages.replies(channelId, threadTs, after, Math.max(room, 0) + 1, HTTP_PAGE_BYTES);
  const head = after === undefined && parent ? [toSlackMessage(parent)] : [];
  const fitted = pageByBytes([...head, ...items.slice(0, Math.max(room, 0)).map(toSlackMessage)]);
  const page = fitted.slice(head.length);
  const hasMore = items.length > page.length;
  return withFileUrls({
    messages: fitted,
    has_more: hasMore,
    response_metadata: { next_cursor: hasMore && page.length ? encodeCursor({ after: page[page.length - 1].ts }) : '' },
  });
}
