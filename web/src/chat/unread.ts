import { newestSent } from './messages';
import type { Channel, Message, State } from './types';

/*
 * Unread counts: the server's count is authoritative; live messages add one each. The server also
 * says which messages its count considered (`unread_through`), so a live message already counted is
 * not counted again. While a server read of a channel is in flight a message may or may not be in
 * its count, so instead of adding one the channel is read again once that read lands (the message
 * is committed by then).
 */

/** What the client is reading from the server right now. */
export interface ReadsInFlight {
  /** conversations.list is on its way. */
  listing: boolean;
  /** Channels whose conversations.info is on its way. */
  refreshing: { has(channel: string): boolean };
}

/** What a live message does to the unread count of a channel that is not on screen. */
export type UnreadOutcome =
  /** Already counted, already read, or the caller's own. */
  | 'unchanged'
  | 'counted'
  /** A channel this tab has not seen yet (a new DM), or one being read right now: read it (again). */
  | 'reread'
  /** The channel list is being read: read this channel again once it lands. */
  | 'reread-after-listing';

export function unreadOutcome(channel: Channel | undefined, m: Message, me: string, alreadyShown: boolean, reads: ReadsInFlight): UnreadOutcome {
  if (alreadyShown || m.user === me || (channel?.last_read && m.ts <= channel.last_read) || (channel?.unread_through && m.ts <= channel.unread_through)) return 'unchanged';
  if (!channel || reads.refreshing.has(m.channel)) return 'reread';
  if (reads.listing) return 'reread-after-listing';
  return 'counted';
}

/** One more unread message (and one more mention when it mentions the reader). */
export const countedOnce = (c: Channel, ts: string, mention = false): Channel => ({
  ...c, unread: c.unread + 1, unread_through: ts, ...(mention ? { mentions: (c.mentions ?? 0) + 1 } : {}),
});

/**
 * The channel read up to its newest message (it is on screen and the tab visible): no unread, and
 * the read marker moved when it is behind. `mark` is the ts to send with conversations.mark, if any.
 */
export function markedRead(state: State, id: string): { state: State; mark?: string } {
  const latest = newestSent(state.history[id]?.list);
  const channel = state.channels[id];
  if (!channel) return { state };
  const cleared = { ...channel, unread: 0, mentions: 0 };
  if (!latest || !channel.is_member || (channel.last_read && channel.last_read >= latest)) return { state: withChannel(state, id, cleared) };
  return { state: withChannel(state, id, { ...cleared, last_read: latest }), mark: latest };
}

export const withChannel = (state: State, id: string, channel: Channel): State => ({ ...state, channels: { ...state.channels, [id]: channel } });

/** `patch` applied to a channel the client knows; the same state when it does not. */
export function patchChannel(state: State, id: string, patch: (c: Channel) => Channel): State {
  const c = state.channels[id];
  return c ? { ...state, channels: { ...state.channels, [id]: patch(c) } } : state;
}

/** The read marker the "new messages" line follows when a channel opens: only when it has unread messages and has been read before. */
export function firstUnreadAfter(channel: Channel | undefined): string | undefined {
  if (!channel?.is_member || !channel.unread || !channel.last_read || /^0+$/.test(channel.last_read.replace('.', ''))) return undefined;
  return channel.last_read;
}
