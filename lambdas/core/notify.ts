/*
 * Whether one user should be notified of one message: a pure function of the message (with its
 * mentions already resolved against the conversation's members), the user's preferences and the
 * time. The push consumer and the web client's notification both decide with it, so this module
 * imports nothing (the web client bundles it).
 */

/** The conversation kinds of lambdas/model/entities.ts (CHANNEL_KINDS). */
export type ChannelKind = 'public' | 'private' | 'im' | 'mpim';

export type NotifyLevel = 'all' | 'mentions' | 'nothing';

export interface DndPrefs {
  /** Snoozed until this time (epoch ms); nothing notifies before it. */
  snoozeUntil?: number;
  /** A daily quiet window in the user's local minutes of the day [0, 1440); it may wrap past midnight. */
  startMinute?: number;
  endMinute?: number;
  /** The user's local time minus UTC, in minutes (UTC+2 is 120). */
  timezoneOffsetMinutes?: number;
}

export interface NotificationPrefs {
  level: NotifyLevel;
  /** Notifications say who wrote and where, not what (the push payload honours it). */
  hideContent: boolean;
  /** Channel ids that never notify. */
  muted: string[];
  /** A level per channel id, over `level`. */
  perChannel: Record<string, NotifyLevel>;
  dnd?: DndPrefs;
}

export interface MessageForNotify {
  channelId: string;
  channelKind: ChannelKind;
  /** The author. */
  userId: string;
  text: string;
  threadTs?: string;
  ts: string;
  /** Mentioned users who are members of the conversation (a non-member's mention is kept in the text only). */
  mentionedUserIds: string[];
  /** An allowed `<!here>`, `<!channel>` or `<!everyone>`. */
  broadcast?: 'here' | 'channel' | 'everyone';
  /** The recipient has written in this message's thread (so its replies notify them). */
  threadParticipant?: boolean;
}

export type NotifyReason = 'dm' | 'mention' | 'broadcast' | 'thread' | 'all';

/** A user who never set any: mentions and DMs notify. Frozen all the way down: copy it to change it. */
export const DEFAULT_PREFS: NotificationPrefs = Object.freeze({
  level: 'mentions',
  hideContent: false,
  muted: Object.freeze([]) as unknown as string[],
  perChannel: Object.freeze({}) as Record<string, NotifyLevel>,
}) as NotificationPrefs;

const MINUTES_PER_DAY = 24 * 60;

// Whether `now` falls in the user's daily quiet window (start inclusive, end exclusive).
export function inDndWindow(dnd: DndPrefs | undefined, now: number): boolean {
  if (!dnd || dnd.startMinute === undefined || dnd.endMinute === undefined) return false;
  const { startMinute: start, endMinute: end } = dnd;
  if (start === end) return false;
  const local = Math.floor(now / 60_000) + (dnd.timezoneOffsetMinutes ?? 0);
  const minute = ((local % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

// Whether DND (snooze or the daily window) holds at `now`.
export function dndActive(dnd: DndPrefs | undefined, now: number): boolean {
  if (dnd?.snoozeUntil !== undefined && dnd.snoozeUntil > now) return true;
  return inDndWindow(dnd, now);
}

export function shouldNotify(
  recipientId: string,
  message: MessageForNotify,
  prefs: NotificationPrefs,
  now: number,
): { notify: boolean; reason?: NotifyReason } {
  const no = { notify: false };
  // Never for one's own message; never while muted or in DND (Slack's DND holds DMs and mentions too).
  if (message.userId === recipientId) return no;
  if (prefs.muted.includes(message.channelId)) return no;
  if (dndActive(prefs.dnd, now)) return no;
  const level = prefs.perChannel[message.channelId] ?? prefs.level;
  if (level === 'nothing') return no;
  const direct = message.channelKind === 'im' || message.channelKind === 'mpim';
  if (direct) return { notify: true, reason: 'dm' };
  if (message.mentionedUserIds.includes(recipientId)) return { notify: true, reason: 'mention' };
  if (message.broadcast) return { notify: true, reason: 'broadcast' };
  const isReply = message.threadTs !== undefined && message.threadTs !== message.ts;
  if (isReply && message.threadParticipant) return { notify: true, reason: 'thread' };
  if (level === 'all') return { notify: true, reason: 'all' };
  return no;
}

/**
 * The daily DND window holding `now`, or else the next one (epoch ms); undefined without a window.
 * dnd.info reports it as next_dnd_start_ts / next_dnd_end_ts.
 */
export function nextDndWindow(dnd: DndPrefs | undefined, now: number): { start: number; end: number } | undefined {
  if (!dnd || dnd.startMinute === undefined || dnd.endMinute === undefined || dnd.startMinute === dnd.endMinute) return undefined;
  const offset = (dnd.timezoneOffsetMinutes ?? 0) * 60_000;
  const day = MINUTES_PER_DAY * 60_000;
  const localMidnight = Math.floor((now + offset) / day) * day - offset;
  const length = (((dnd.endMinute - dnd.startMinute) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY * 60_000;
  for (const d of [-1, 0, 1]) {
    const start = localMidnight + d * day + dnd.startMinute * 60_000;
    if (start + length > now) return { start, end: start + length };
  }
  return undefined;
}
