import type { WireMessage } from './events';
import type { History, Message, State } from './types';

/* Pure helpers over message lists: merging, conversion from the wire, patching in place. */

export const threadKey = (channel: string, ts: string) => `${channel}:${ts}`;

/** A thread reply (not its parent). */
export const isReply = (m: { ts: string; thread_ts?: string }) => !!m.thread_ts && m.thread_ts !== m.ts;

export const emptyHistory = (): History => ({ list: [], hasOlder: true, loading: false, loaded: false });

/** An edited message's copy from before that edit: one edited earlier, or (read before the edit) not at all. */
export const isOlderCopy = (held: Message, copy: Message) => !!held.edited && (!copy.edited || held.edited.ts > copy.edited.ts);

/** Merges one message into a list ordered by ts: by ts, or a pending copy by client_msg_id. */
export function upsert(list: Message[], message: Message): Message[] {
  const index = list.findIndex((m) => m.ts === message.ts || (!!message.client_msg_id && m.pending && m.client_msg_id === message.client_msg_id));
  let next: Message[];
  if (index >= 0) {
    const old = list[index];
    // A deletion is final; an older copy (history read before an edit arrived) never wins.
    if (old.deleted && !message.pending) return list;
    if (isOlderCopy(old, message)) return list;
    next = list.slice();
    next[index] = { ...old, ...message, pending: message.pending, error: message.error };
  } else {
    next = [...list, message];
  }
  return next.sort((a, b) => (a.pending && !b.pending ? 1 : !a.pending && b.pending ? -1 : a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

/** Every message of `b` merged into `a`. */
export function mergeAll(a: Message[], b: Message[]): Message[] {
  let list = a;
  for (const m of b) list = upsert(list, m);
  return list;
}

export function toMessage(raw: WireMessage, channel: string): Message {
  return {
    ts: String(raw.ts),
    channel,
    user: String(raw.user ?? ''),
    text: String(raw.text ?? ''),
    subtype: raw.subtype,
    thread_ts: raw.thread_ts,
    reply_count: raw.reply_count,
    reply_users: raw.reply_users,
    latest_reply: raw.latest_reply,
    edited: raw.edited,
    reactions: raw.reactions,
    files: raw.files,
    blocks: Array.isArray(raw.blocks) ? raw.blocks : undefined,
    client_msg_id: raw.client_msg_id,
    deleted: raw.subtype === 'tombstone' ? true : undefined,
  };
}

/** The newest acknowledged message of a list. */
export const newestSent = (list: Message[] | undefined) => list?.filter((m) => !m.pending).at(-1)?.ts;

/** `patch` applied to the message `ts` of `channel` wherever it is shown: the channel's history and its threads. */
export function patchMessage(state: State, channel: string, ts: string, patch: (m: Message) => Message): State {
  let next = state;
  const h = state.history[channel];
  if (h) {
    const i = h.list.findIndex((m) => m.ts === ts);
    if (i >= 0) {
      const list = h.list.slice();
      list[i] = patch(list[i]);
      next = { ...next, history: { ...next.history, [channel]: { ...h, list } } };
    }
  }
  for (const [key, t] of Object.entries(state.threads)) {
    if (!key.startsWith(`${channel}:`)) continue;
    const i = t.list.findIndex((m) => m.ts === ts);
    if (i < 0) continue;
    const list = t.list.slice();
    list[i] = patch(list[i]);
    next = { ...next, threads: { ...next.threads, [key]: { ...t, list } } };
  }
  return next;
}

/** A message placed where it shows: a reply (or a pending one in a thread) in its thread, any other in the channel's history. */
export function placeMessage(state: State, message: Message): State {
  if (isReply(message) || (message.thread_ts && message.pending)) {
    const key = threadKey(message.channel, message.thread_ts!);
    const thread = state.threads[key];
    return { ...state, threads: { ...state.threads, [key]: { list: upsert(thread?.list ?? [], message), loading: thread?.loading ?? false } } };
  }
  const h = state.history[message.channel] ?? emptyHistory();
  return { ...state, history: { ...state.history, [message.channel]: { ...h, list: upsert(h.list, message) } } };
}
