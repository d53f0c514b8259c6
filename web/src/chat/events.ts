import type { FileInfo, Presence, Reaction } from './types';

/*
 * The server's events (PROTOCOL.md, in Slack's shapes) as the client reads them. Fields the client
 * does not use are left out; every field is optional where the server may leave it out.
 */

/** A message object as the server sends it (in events and in conversations.history/.replies). */
export interface WireMessage {
  type?: string;
  subtype?: string;
  ts: string;
  user?: string;
  text?: string;
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
  reactions?: Reaction[];
  files?: FileInfo[];
  client_msg_id?: string;
  /** Block Kit blocks as the app posted them (the web client renders their buttons and selects). */
  blocks?: unknown[];
  /** channel_topic / channel_purpose: what was set. */
  topic?: string;
  purpose?: string;
}

interface Delivered {
  /** Unique per event; the same when the event is delivered again. */
  event_id?: string;
}

/**
 * `message` with or without a subtype. New messages carry the message's fields at the top level;
 * `message_changed` and `message_replied` carry it in `message`; `message_deleted` names `deleted_ts`.
 * With `body_omitted` the event is a reference: the message's body was left out (too large to send).
 */
export interface MessageEvent extends Delivered, Partial<Omit<WireMessage, 'type'>> {
  type: 'message';
  channel: string;
  message?: WireMessage;
  previous_message?: WireMessage;
  deleted_ts?: string;
  body_omitted?: boolean;
  /** chat.postEphemeral: for this user only, never in history (gone on reload), never unread. */
  is_ephemeral?: boolean;
}

export interface ReactionEvent extends Delivered {
  type: 'reaction_added' | 'reaction_removed';
  user: string;
  reaction: string;
  item?: { type: string; channel: string; ts: string };
}

export interface MembershipEvent extends Delivered {
  type: 'member_joined_channel' | 'member_left_channel';
  channel: string;
  user: string;
}

export interface ChannelCreatedEvent extends Delivered {
  type: 'channel_created';
  channel?: { id?: string };
}

/** A channel renamed, archived or unarchived (group_* for private channels): read it again. */
export interface ChannelChangedEvent extends Delivered {
  type: 'channel_rename' | 'group_rename' | 'channel_archive' | 'group_archive' | 'channel_unarchive' | 'group_unarchive';
  channel: string | { id?: string };
}

/** The caller's read marker moved on another of its devices. */
export interface ChannelMarkedEvent extends Delivered {
  type: 'channel_marked';
  channel: string;
  ts: string;
}

export interface UserTypingEvent extends Delivered {
  type: 'user_typing';
  channel: string;
  user: string;
}

export interface PresenceChangeEvent extends Delivered {
  type: 'presence_change';
  presence: Presence;
  user?: string;
  users?: string[];
}

/** The events the client acts on; frames of any other type are ignored. */
export type ChatEvent = MessageEvent | ReactionEvent | MembershipEvent | ChannelCreatedEvent | ChannelChangedEvent | ChannelMarkedEvent | UserTypingEvent | PresenceChangeEvent;
