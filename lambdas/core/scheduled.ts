import { decodeTime, ulid } from 'ulid';
import { logger } from '../adapters/logger';
import type { ScheduledMessageItem } from '../model/service';
import type { Caller } from './caller';
import { checkRichContent } from './blocks';
import { memberAccess } from './channels';
import { decodeScopedCursor, encodeScopedCursor, isIdPosition } from './cursor';
import { ClientError } from './errors';
import { toSlackMessage } from './format';
import { checkText, hasRich, storeMessage, storedText } from './messages';
import { table } from './ports';
import { takeMessageToken } from './rate-limit';
import { isTs } from './ts';

/*
 * chat.scheduleMessage and its companions. A scheduled message is an item under the minute it is
 * due in (`DUE#<epoch minute>`); a deliverer function that runs every minute (an EventBridge rule in
 * AWS, the local cloud's timer locally) reads the partitions of the minutes up to now and posts what
 * is due as its author, with the scheduled id as client_msg_id, so a run that repeats (EventBridge
 * delivers at least once; two runs may overlap) posts it once. Then the item goes.
 *
 * Why not DynamoDB TTL: it deletes expired items within days, not minutes (typically within 48 h),
 * so a message would be posted hours late. Why not one EventBridge Scheduler schedule per message:
 * it would need a scheduler role, a schedule group and create/delete calls on every schedule and
 * delete, and the local cloud an emulation of it; a minute rule and a query per minute cost less
 * than a cent a day and are the same code locally.
 */

/** Slack's limit: at most 120 days ahead. */
export const MAX_SCHEDULE_SECONDS = 120 * 24 * 60 * 60;
/** The deliverer reads this many past minutes each run, so a run that failed or was skipped is made good by the next ones. */
export const DELIVERY_LOOKBACK_MINUTES = 15;
/** Items posted per minute partition per run: the rest wait for the next run. */
const DUE_PER_MINUTE = 500;

const minuteOf = (postAtSeconds: number) => String(Math.floor(postAtSeconds / 60));
/** The minute a scheduled id names (its ULID's time is post_at), or undefined for an id not ours. */
function minuteOfId(id: string): string | undefined {
  if (!/^Q[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(id)) return undefined;
  try {
    return minuteOf(Math.floor(decodeTime(id.slice(1)) / 1000));
  } catch {
    return undefined;
  }
}

/** `post_at` as Slack takes it: epoch seconds, a number or its digits (a fraction is dropped). */
function parsePostAt(raw: unknown): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,12}(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(value) || value <= 0) throw new ClientError('invalid_time');
  return Math.floor(value);
}

export interface ScheduleInput {
  channelId: string;
  postAt: unknown;
  text: string;
  blocks?: unknown;
  attachments?: unknown;
  threadTs?: string;
  replyBroadcast?: boolean;
}

/** chat.scheduleMessage: `time_in_past`, `time_too_far` (120 days), and a post's own checks now (members, archive, text). */
export async function scheduleMessage(caller: Caller, input: ScheduleInput, now = Date.now()) {
  const postAt = parsePostAt(input.postAt);
  const nowSeconds = Math.floor(now / 1000);
  if (postAt <= nowSeconds) throw new ClientError('time_in_past');
  if (postAt > nowSeconds + MAX_SCHEDULE_SECONDS) throw new ClientError('time_too_far');
  const rich = checkRichContent(input.blocks, input.attachments);
  checkText(input.text, hasRich(rich));
  const { channel } = await memberAccess(caller, input.channelId);
  if (channel.archived === true) throw new ClientError('is_archived');
  if (input.threadTs !== undefined && !isTs(input.threadTs)) throw new ClientError('thread_not_found');
  // Charged now, as a send: the deliverer posts without a token, so the channel's send rate holds for scheduled messages too.
  await takeMessageToken(caller.userId, input.channelId);
  const scheduledId = `Q${ulid(postAt * 1000)}`;
  const item = {
    scheduledId, dueMinute: minuteOf(postAt), postAt, channelId: input.channelId, teamId: caller.teamId, userId: caller.userId, userName: caller.userName,
    text: storedText(input.text, rich),
    ...(input.threadTs ? { threadTs: input.threadTs, ...(input.replyBroadcast ? { replyBroadcast: true } : {}) } : {}),
    ...(rich.blocksJson ? { blocks: rich.blocksJson } : {}),
    ...(rich.attachmentsJson ? { attachments: rich.attachmentsJson } : {}),
  };
  await table().scheduledMessages.create(item);
  const message = toSlackMessage({ userId: caller.userId, text: item.text, ts: '', blocks: item.blocks, attachments: item.attachments });
  const { ts: _ts, ...shown } = message;
  return { channel: input.channelId, scheduled_message_id: scheduledId, post_at: postAt, message: shown };
}

/** chat.deleteScheduledMessage: the caller's own, in that channel; anything else is `invalid_scheduled_message_id`. */
export async function deleteScheduledMessage(caller: Caller, channelId: string, scheduledId: string) {
  await memberAccess(caller, channelId);
  const minute = minuteOfId(scheduledId);
  const item = minute ? await table().scheduledMessages.get(minute, scheduledId) : undefined;
  if (!item || item.userId !== caller.userId || item.channelId !== channelId) throw new ClientError('invalid_scheduled_message_id');
  if (!(await table().scheduledMessages.remove(item.dueMinute, scheduledId))) throw new ClientError('invalid_scheduled_message_id');
  return {};
}

export interface ListScheduledInput {
  channelId?: string;
  limit: number;
  cursor?: string;
  /** Epoch seconds bounds on post_at, both inclusive. */
  oldest?: string;
  latest?: string;
}

const seconds = (raw: string | undefined) => (raw && /^\d{1,12}(\.\d+)?$/.test(raw) ? Number(raw) : undefined);

/** chat.scheduledMessages.list: the caller's pending scheduled messages by post_at, optionally of one channel. */
export async function listScheduledMessages(caller: Caller, input: ListScheduledInput) {
  if (input.channelId) await memberAccess(caller, input.channelId);
  const oldest = seconds(input.oldest);
  const latest = seconds(input.latest);
  const scope = table().scheduledMessages.ofUserScope(caller.userId);
  const after = input.cursor ? decodeScopedCursor(input.cursor, scope, { after: isIdPosition }).after : undefined;
  const keep = (m: ScheduledMessageItem) =>
    (!input.channelId || m.channelId === input.channelId) && (oldest === undefined || m.postAt >= oldest) && (latest === undefined || m.postAt <= latest);
  const items = await table().scheduledMessages.ofUser(caller.userId, after, input.limit + 1, keep);
  const page = items.slice(0, input.limit);
  return {
    scheduled_messages: page.map((m) => ({
      id: m.scheduledId, channel_id: m.channelId, post_at: m.postAt, date_created: Math.floor((m.createdAt ?? 0) / 1000), text: m.text,
    })),
    response_metadata: { next_cursor: items.length > input.limit ? encodeScopedCursor(scope, { after: page[page.length - 1].scheduledId }) : '' },
  };
}

export interface DeliveryRun {
  posted: number;
  dropped: number;
}

/**
 * Posts every scheduled message due by `now` (of the last DELIVERY_LOOKBACK_MINUTES minutes) as its
 * author. A post the channel now refuses (the author left, the channel was archived or is gone) is
 * dropped, as Slack drops it; any other failure leaves the item for the next run.
 */
export async function deliverDueMessages(now = Date.now()): Promise<DeliveryRun> {
  const nowSeconds = Math.floor(now / 1000);
  const current = Math.floor(nowSeconds / 60);
  const run: DeliveryRun = { posted: 0, dropped: 0 };
  for (let minute = current - DELIVERY_LOOKBACK_MINUTES; minute <= current; minute++) {
    const due = (await table().scheduledMessages.dueIn(String(minute), DUE_PER_MINUTE)).filter((m) => m.postAt <= nowSeconds);
    for (const m of due) {
      const author: Caller = { userId: m.userId, teamId: m.teamId, userName: m.userName };
      try {
        await storeMessage(author, {
          channelId: m.channelId, text: m.text, threadTs: m.threadTs, replyBroadcast: m.replyBroadcast,
          blocks: m.blocks, attachments: m.attachments, clientMsgId: m.scheduledId, tokenTaken: true,
        });
        run.posted++;
      } catch (error) {
        if (!(error instanceof ClientError)) throw error;
        run.dropped++;
        logger.warn('scheduled message dropped: its channel refused it', { scheduledId: m.scheduledId, channel: m.channelId, error: error.code });
      }
      await table().scheduledMessages.remove(m.dueMinute, m.scheduledId);
    }
  }
  return run;
}
