import type { ChatEvent, MessageEvent } from './events';
import { mentionsMe } from './mentions';
import { isReply, patchMessage, threadKey, toMessage, upsert } from './messages';
import { withReaction } from './reactions';
import { startTyping, stopTyping } from './typing';
import type { Message, State } from './types';
import { countedOnce, markedRead, patchChannel, unreadOutcome, type ReadsInFlight } from './unread';

/*
 * The event logic: one server event applied to the client's state, as a pure function. What the
 * state alone cannot settle comes back as follow-ups for the coordinator (Chat) to carry out: reads
 * from the server, and the read marker.
 */

/** What applying an event needs to know besides the state. */
export interface EventContext extends ReadsInFlight {
  /** Epoch ms now (typing indicators expire). */
  now: number;
  /** Whether the tab is visible: a message in the open conversation is then read at once. */
  visible: boolean;
}

export type FollowUp =
  /** The event came as a reference (`body_omitted`): read the message, then apply it whole. */
  | { kind: 'read-omitted'; event: MessageEvent }
  /** Read the channel again (conversations.info). */
  | { kind: 'refresh-channel'; channel: string }
  /** Read the channel again once the channel list being read has landed. */
  | { kind: 'refresh-after-listing'; channel: string }
  /** Move the read marker on the server (conversations.mark). */
  | { kind: 'mark-read'; channel: string; ts: string }
  /** Someone the client does not know yet: read them (users.info). */
  | { kind: 'read-user'; user: string };

export interface Applied {
  state: State;
  followUps: FollowUp[];
}

export function applyEvent(state: State, event: ChatEvent, context: EventContext): Applied {
  const me = state.me.id;
  switch (event.type) {
    case 'message':
      return applyMessageEvent(state, event, context);
    case 'reaction_added':
    case 'reaction_removed': {
      const item = event.item;
      if (item?.type !== 'message') return { state, followUps: [] };
      return { state: patchMessage(state, item.channel, item.ts, (m) => withReaction(m, event.reaction, event.user, event.type === 'reaction_added')), followUps: [] };
    }
    case 'member_joined_channel': {
      const followUps: FollowUp[] = [];
      if (state.channels[event.channel] || event.user === me) followUps.push({ kind: 'refresh-channel', channel: event.channel });
      if (!state.users[event.user]) followUps.push({ kind: 'read-user', user: event.user });
      return { state, followUps };
    }
    case 'member_left_channel':
      if (event.user === me) return { state: patchChannel(state, event.channel, (c) => ({ ...c, is_member: false, unread: 0, mentions: 0 })), followUps: [] };
      return { state, followUps: state.channels[event.channel] ? [{ kind: 'refresh-channel', channel: event.channel }] : [] };
    case 'channel_created': {
      const id = event.channel?.id;
      return { state, followUps: id && !state.channels[id] ? [{ kind: 'refresh-channel', channel: id }] : [] };
    }
    case 'channel_rename':
    case 'group_rename':
    case 'channel_archive':
    case 'group_archive':
    case 'channel_unarchive':
    case 'group_unarchive': {
      // The new name or archived state: conversations.info has it (rename events carry the channel as an object).
      const id = typeof event.channel === 'string' ? event.channel : event.channel?.id;
      return { state, followUps: id && state.channels[id] ? [{ kind: 'refresh-channel', channel: id }] : [] };
    }
    case 'channel_marked': {
      // Another device read the channel up to `ts`. The mark and newer messages travel different
      // stream shards, so the mark can arrive after messages it does not cover: then only the
      // server can say what is still unread.
      const c = state.channels[event.channel];
      if (!c || (c.last_read && c.last_read >= event.ts)) return { state, followUps: [] };
      if (c.unread_through && c.unread_through > event.ts) {
        return { state: patchChannel(state, event.channel, (ch) => ({ ...ch, last_read: event.ts })), followUps: [{ kind: 'refresh-channel', channel: event.channel }] };
      }
      return { state: patchChannel(state, event.channel, (ch) => ({ ...ch, last_read: event.ts, unread: 0, mentions: 0 })), followUps: [] };
    }
    case 'user_typing':
      if (event.user === me) return { state, followUps: [] };
      return { state: { ...state, typing: startTyping(state.typing, event.channel, event.user, context.now) }, followUps: [] };
    case 'presence_change': {
      const users = event.users ?? (event.user ? [event.user] : []);
      return { state: { ...state, presence: { ...state.presence, ...Object.fromEntries(users.map((u) => [u, event.presence])) } }, followUps: [] };
    }
    default:
      return { state, followUps: [] };
  }
}

function applyMessageEvent(state: State, e: MessageEvent, context: EventContext): Applied {
  const channel = String(e.channel);
  // Too large to send whole (PROTOCOL additions): the event names the message; read it, then apply.
  if (e.body_omitted && e.subtype !== 'message_deleted') return { state, followUps: [{ kind: 'read-omitted', event: e }] };
  if (e.subtype === 'message_changed' || e.subtype === 'message_replied') {
    if (!e.message) return { state, followUps: [] };
    const m = toMessage(e.message, channel);
    // An edit delivered late (a catch-up sync after the live copy of a newer one) does not undo the newer one.
    const changed = (old: Message): Message => (old.edited && m.edited && old.edited.ts > m.edited.ts ? old : { ...old, ...m, pending: undefined });
    return { state: patchMessage(state, channel, m.ts, changed), followUps: [] };
  }
  if (e.subtype === 'message_deleted') {
    const deleted = (old: Message): Message => ({ ...old, deleted: true, text: 'This message was deleted.', reactions: undefined, files: undefined });
    return { state: patchMessage(state, channel, String(e.deleted_ts), deleted), followUps: [] };
  }
  const m = toMessage({ ...e, ts: String(e.ts) }, channel);
  let next: State = { ...state, typing: stopTyping(state.typing, channel, m.user) };
  // A topic or purpose set: the header shows it at once.
  if (e.subtype === 'channel_topic') next = patchChannel(next, channel, (c) => ({ ...c, topic: { value: e.topic ?? '', creator: m.user } }));
  if (e.subtype === 'channel_purpose') next = patchChannel(next, channel, (c) => ({ ...c, purpose: { value: e.purpose ?? '', creator: m.user } }));
  if (isReply(m)) {
    const key = threadKey(channel, m.thread_ts!);
    const thread = next.threads[key];
    if (thread) next = { ...next, threads: { ...next.threads, [key]: { ...thread, list: upsert(thread.list, m) } } };
    if (e.subtype !== 'thread_broadcast') return { state: next, followUps: [] };
  }
  const h = next.history[channel];
  const known = !!h?.list.some((x) => x.ts === m.ts);
  if (h?.loaded) next = { ...next, history: { ...next.history, [channel]: { ...h, list: upsert(h.list, m) } } };
  // Shown where it was posted, but not a message of the channel: no read marker, no unread count.
  if (e.is_ephemeral) return { state: next, followUps: [] };
  if (channel === next.current && context.visible) {
    const read = markedRead(next, channel);
    return { state: read.state, followUps: read.mark ? [{ kind: 'mark-read', channel, ts: read.mark }] : [] };
  }
  switch (unreadOutcome(next.channels[channel], m, next.me.id, known, context)) {
    case 'unchanged':
      return { state: next, followUps: [] };
    case 'reread':
      return { state: next, followUps: [{ kind: 'refresh-channel', channel }] };
    case 'reread-after-listing':
      return { state: next, followUps: [{ kind: 'refresh-after-listing', channel }] };
    case 'counted':
      return { state: patchChannel(next, channel, (c) => countedOnce(c, m.ts, mentionsMe(c, m, next.me.id))), followUps: [] };
  }
}
