import { DEFAULT_PREFS, shouldNotify, type NotificationPrefs, type NotifyLevel } from '../../../lambdas/core/notify';
import type { MessageEvent } from './events';
import { broadcastIn, textMentions } from './mentions';
import type { Channel, State } from './types';

/*
 * Browser notifications (the Notification API) while the tab is hidden: the same decision the
 * server's push consumer makes (lambdas/core/notify.ts, bundled here), from the reader's
 * preferences as users.prefs.get and dnd.info give them.
 */

/** users.prefs.get's `prefs`, as the client keeps them. */
export interface ServerPrefs {
  level: NotifyLevel;
  hide_content: boolean;
  muted_channels: string[];
  channel_levels: Record<string, NotifyLevel>;
  dnd_enabled: boolean;
  dnd_start_hour: string;
  dnd_end_hour: string;
  tz_offset: number;
  snooze_enabled?: boolean;
}

/** The preferences with one conversation's level (`default`: none of its own) and mute changed. */
export function withChannelPrefs(prefs: ServerPrefs, channel: string, change: { level?: NotifyLevel | 'default'; muted?: boolean }): ServerPrefs {
  const channel_levels = { ...prefs.channel_levels };
  if (change.level === 'default') delete channel_levels[channel];
  else if (change.level) channel_levels[channel] = change.level;
  const others = prefs.muted_channels.filter((c) => c !== channel);
  const muted_channels = change.muted === undefined ? prefs.muted_channels : change.muted ? [...others, channel].sort() : others;
  return { ...prefs, channel_levels, muted_channels };
}

const minuteOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h || 0) * 60 + (m || 0);
};

/** The server's preferences (and the snooze's end, epoch seconds) as shouldNotify reads them. */
export function notificationPrefs(prefs: ServerPrefs | undefined, snoozeEndSeconds?: number): NotificationPrefs {
  if (!prefs) return { ...DEFAULT_PREFS, ...(snoozeEndSeconds ? { dnd: { snoozeUntil: snoozeEndSeconds * 1000 } } : {}) };
  const dnd: NonNullable<NotificationPrefs['dnd']> = {};
  if (snoozeEndSeconds) dnd.snoozeUntil = snoozeEndSeconds * 1000;
  if (prefs.dnd_enabled) {
    dnd.startMinute = minuteOf(prefs.dnd_start_hour);
    dnd.endMinute = minuteOf(prefs.dnd_end_hour);
    dnd.timezoneOffsetMinutes = Math.round(prefs.tz_offset / 60);
  }
  return { level: prefs.level, hideContent: prefs.hide_content, muted: prefs.muted_channels, perChannel: prefs.channel_levels, ...(Object.keys(dnd).length ? { dnd } : {}) };
}

const kindOf = (c: Channel): 'public' | 'private' | 'im' | 'mpim' => (c.is_im ? 'im' : c.is_mpim ? 'mpim' : c.is_private ? 'private' : 'public');

/** Mentions as plain text for a notification's body: `<@U1>` as @name, `<!here>` as @here, links as their label. */
export function plainText(text: string, userName: (id: string) => string): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_m, id: string) => `@${userName(id)}`)
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1');
}

export interface BrowserNotification {
  title: string;
  body: string;
  /** One notification per conversation: a newer one replaces it. */
  tag: string;
}

/**
 * The notification a new message event should raise, if any: never for the reader's own, nor
 * while the tab is visible, nor when shouldNotify says no (mute, level, DND, snooze).
 */
export function notificationFor(
  state: State,
  event: MessageEvent,
  context: { visible: boolean; now: number; prefs: NotificationPrefs; userName: (id: string) => string; channelLabel: (c: Channel) => string },
): BrowserNotification | undefined {
  if (context.visible || event.body_omitted) return undefined;
  if (event.subtype && event.subtype !== 'thread_broadcast' && event.subtype !== 'file_share') return undefined;
  const channel = state.channels[event.channel];
  const me = state.me.id;
  if (!channel?.is_member || !event.user || event.user === me || !event.ts) return undefined;
  const text = event.text ?? '';
  const threadTs = event.thread_ts && event.thread_ts !== event.ts ? event.thread_ts : undefined;
  const parent = threadTs ? state.history[event.channel]?.list.find((m) => m.ts === threadTs) : undefined;
  const decision = shouldNotify(me, {
    channelId: event.channel, channelKind: kindOf(channel), userId: event.user, text, ts: event.ts, threadTs,
    mentionedUserIds: textMentions(text, me) ? [me] : [], broadcast: broadcastIn(text),
    threadParticipant: !!parent && (parent.user === me || !!parent.reply_users?.includes(me)),
  }, context.prefs, context.now);
  if (!decision.notify) return undefined;
  const author = context.userName(event.user);
  const where = channel.is_im ? author : channel.is_mpim ? context.channelLabel(channel) : `#${context.channelLabel(channel)}`;
  const body = context.prefs.hideContent ? (channel.is_im ? 'New message' : `New message from ${author}`) : channel.is_im ? plainText(text, context.userName) : `${author}: ${plainText(text, context.userName)}`;
  return { title: where, body, tag: event.channel };
}
