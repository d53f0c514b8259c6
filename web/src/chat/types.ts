import type { Status } from '../realtime/status';
import type { ServerPrefs } from './notifications';

/* The client's state: what components read through `useChat` (a snapshot replaced on every change). */

export interface User {
  id: string;
  name: string;
  real_name?: string;
}

export interface Channel {
  id: string;
  name?: string;
  is_channel?: boolean;
  is_private?: boolean;
  is_im?: boolean;
  is_mpim?: boolean;
  is_member?: boolean;
  members?: string[];
  num_members?: number;
  last_read?: string;
  unread: number;
  /** Of the unread messages, those that mention the reader (the server's mention_count, then live ones). */
  mentions?: number;
  topic?: { value: string; creator?: string; last_set?: number };
  purpose?: { value: string; creator?: string; last_set?: number };
  /** The newest ts the server's unread count considered: live messages up to it are already in `unread`. */
  unread_through?: string;
}

export interface Reaction {
  name: string;
  count: number;
  users: string[];
}

export interface FileInfo {
  id: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  url_private?: string;
  /** An image's size in pixels, when the server could read it. */
  original_w?: number;
  original_h?: number;
}

export interface Message {
  ts: string;
  channel: string;
  user: string;
  text: string;
  subtype?: string;
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
  reactions?: Reaction[];
  files?: FileInfo[];
  blocks?: unknown[];
  client_msg_id?: string;
  /** Local only: not acknowledged yet ('sending'), or refused for good ('failed'). */
  pending?: 'sending' | 'failed';
  error?: string;
  deleted?: boolean;
}

export interface History {
  list: Message[];
  hasOlder: boolean;
  olderCursor?: string;
  loading: boolean;
  loaded: boolean;
}

export interface Thread {
  list: Message[];
  loading: boolean;
}

export interface Upload {
  id: string;
  channel: string;
  name: string;
  progress: number;
  error?: string;
}

export type Presence = 'active' | 'away';

export interface State {
  me: User;
  status: Status;
  users: Record<string, User>;
  presence: Record<string, Presence>;
  presenceSupported: boolean;
  channels: Record<string, Channel>;
  current?: string;
  /** Where the "new messages" line goes in the channel on screen: after this ts (its read marker when it was opened with unread messages). */
  newSince?: { channel: string; after: string };
  history: Record<string, History>;
  /** The thread open in the side panel. */
  thread?: { channel: string; ts: string };
  /** Threads by `threadKey(channel, ts)`. */
  threads: Record<string, Thread>;
  /** Per channel, per user: until when (epoch ms) they count as typing. */
  typing: Record<string, Record<string, number>>;
  uploads: Upload[];
  notice?: string;
  /** The reader's notification preferences (users.prefs.get), once read. */
  prefs?: ServerPrefs;
  /** Until when notifications are snoozed (epoch seconds), when they are. */
  snoozeEnd?: number;
}

export function initialState(me: User): State {
  return {
    me,
    status: 'connecting',
    users: { [me.id]: me },
    presence: {},
    presenceSupported: true,
    channels: {},
    history: {},
    threads: {},
    typing: {},
    uploads: [],
  };
}
