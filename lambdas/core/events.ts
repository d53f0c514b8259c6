import type { ChannelItem, EphemeralItem, MembershipItem, MessageItem, PinItem } from '../model/service';
import { storedItem } from '../model/stored-items';
import type { Item } from '../model/store';
import { recordEventId } from './delivery';
import { toSlackMessage, type SlackMessage } from './format';
import { stableId } from './stable-id';

/*
 * Events from changes: what members see when an item of the table changes. Pure: a change in,
 * Slack-shaped events out, each with an event_id derived from the change's own id, so a replayed
 * stream record yields the same ids and clients can drop repeats. A new message's event is the one
 * exception: its id derives from (channel, ts), unique in the table, so the send's ack can carry the
 * very event the fan-out delivers (`echo: false`, messageEvent below).
 */

export interface Change {
  /** The stream record's id: stable when the record is delivered again. */
  id: string;
  kind: 'INSERT' | 'MODIFY' | 'REMOVE';
  oldItem?: Item;
  newItem?: Item;
}

/**
 * Who receives an event: the conversation's members, or one user's devices. `leaver` is a user who
 * just left the channel: they get this event too, and their live subscriptions to it end with it.
 * `liveOnly` (chat.postEphemeral): posted to the user's connections now, never kept in their inbox.
 */
export type Audience =
  | { kind: 'channel'; leaver?: string; exceptConnection?: string }
  | { kind: 'user'; userId: string; exceptDevice?: string; liveOnly?: boolean };

export interface Outgoing {
  channelId: string;
  audience: Audience;
  event: Record<string, unknown> & { type: string; event_id: string };
}

/** A change's images as one entity's items (both sides of a change are the same item). */
interface Images<T> {
  kind: Change['kind'];
  oldItem?: T;
  newItem?: T;
}

function imagesOf<E extends 'message' | 'membership' | 'channel' | 'ephemeral' | 'pin'>(change: Change, entity: E) {
  const side = (raw: Item | undefined) => {
    const stored = storedItem(raw);
    return stored?.entity === entity ? stored.item : undefined;
  };
  return { kind: change.kind, oldItem: side(change.oldItem), newItem: side(change.newItem) };
}

/** The entity of the item a change touched, if members see its changes. */
export const changedEntity = (change: Change) => storedItem(change.newItem ?? change.oldItem);

export function eventsFor(change: Change): Outgoing[] {
  const drafts = (() => {
    switch (changedEntity(change)?.entity) {
      case 'message':
        return messageEvents(imagesOf(change, 'message') as Images<MessageItem>);
      case 'membership':
        return membershipEvents(imagesOf(change, 'membership') as Images<MembershipItem>);
      case 'channel':
        return channelEvents(imagesOf(change, 'channel') as Images<ChannelItem>);
      case 'ephemeral':
        return ephemeralEvents(imagesOf(change, 'ephemeral') as Images<EphemeralItem>);
      case 'pin':
        return pinEvents(imagesOf(change, 'pin') as Images<PinItem>);
      default:
        return [];
    }
  })();
  return drafts.map((draft, index) => ({
    ...draft,
    // A new message's event brings its own id (messageEvent); every other takes the record's.
    event: { ...draft.event, event_id: draft.event.event_id ?? recordEventId(change.id, index) } as Outgoing['event'],
  }));
}

type Draft = { channelId: string; audience: Audience; event: Record<string, unknown> & { type: string; event_id?: string } };

/** A new message's event_id: the same for the ack that carries it and for every delivery of its stream record. */
export const messageEventId = (channelId: string, ts: string) => stableId('Ev', 'message', channelId, ts);

/** A new message's event as members get it; `message` is the Slack-shaped message (its files' URLs signed or not). */
export const messageEvent = (channelId: string, message: SlackMessage) =>
  ({ ...message, channel: channelId, event_ts: message.ts, event_id: messageEventId(channelId, message.ts) });

function messageEvents({ kind, oldItem, newItem }: Images<MessageItem>): Draft[] {
  const item = newItem ?? oldItem;
  if (!item) return [];
  const channel = item.channelId;
  const toChannel = (event: Draft['event']): Draft => ({ channelId: channel, audience: { kind: 'channel' }, event });
  const ts = item.ts;

  if (kind === 'INSERT' && newItem) {
    const audience: Audience = newItem.ackedTo ? { kind: 'channel', exceptConnection: newItem.ackedTo } : { kind: 'channel' };
    return [{ channelId: channel, audience, event: messageEvent(channel, toSlackMessage(newItem)) }];
  }
  if (kind === 'REMOVE' && oldItem) {
    return [toChannel({ type: 'message', subtype: 'message_deleted', hidden: true, channel, ts, deleted_ts: ts, event_ts: ts, previous_message: toSlackMessage(oldItem) })];
  }
  if (kind !== 'MODIFY' || !oldItem || !newItem) return [];

  const out: Draft[] = [];
  if (newItem.deleted === true && oldItem.deleted !== true) {
    out.push(toChannel({ type: 'message', subtype: 'message_deleted', hidden: true, channel, ts, deleted_ts: ts, event_ts: ts, previous_message: toSlackMessage(oldItem) }));
    return out;
  }
  if (newItem.text !== oldItem.text || newItem.editedTs !== oldItem.editedTs) {
    const eventTs = newItem.editedTs ?? ts;
    out.push(toChannel({ type: 'message', subtype: 'message_changed', hidden: true, channel, ts: eventTs, event_ts: eventTs, message: toSlackMessage(newItem), previous_message: toSlackMessage(oldItem) }));
  }
  if ((newItem.replyCount ?? 0) > (oldItem.replyCount ?? 0)) {
    const latest = newItem.latestReply ?? ts;
    out.push(toChannel({ type: 'message', subtype: 'message_replied', hidden: true, channel, ts: latest, event_ts: latest, message: toSlackMessage(newItem) }));
  }
  const before = reactionSets(oldItem.reactions);
  const after = reactionSets(newItem.reactions);
  const itemRef = { type: 'message', channel, ts };
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(name) ?? new Set<string>();
    const now = after.get(name) ?? new Set<string>();
    for (const user of now) if (!was.has(user)) out.push(toChannel({ type: 'reaction_added', user, reaction: name, item: itemRef, item_user: item.userId, event_ts: ts }));
    for (const user of was) if (!now.has(user)) out.push(toChannel({ type: 'reaction_removed', user, reaction: name, item: itemRef, item_user: item.userId, event_ts: ts }));
  }
  return out;
}

const userIds = (v: unknown): string[] => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []).filter((u): u is string => typeof u === 'string');

/** A stored reactions map as name → users, from its own keys only: a name is never looked up on a plain object. */
const reactionSets = (map: unknown): Map<string, Set<string>> =>
  new Map(typeof map === 'object' && map !== null ? Object.entries(map).map(([name, users]) => [name, new Set(userIds(users))]) : []);

function membershipEvents({ kind, oldItem, newItem }: Images<MembershipItem>): Draft[] {
  const item = newItem ?? oldItem;
  if (!item) return [];
  const { channelId: channel, userId: user } = item;
  const channelType = item.kind === 'public' ? 'C' : 'G';
  if (kind === 'INSERT') {
    return [{ channelId: channel, audience: { kind: 'channel' }, event: { type: 'member_joined_channel', user, channel, channel_type: channelType, team: item.teamId } }];
  }
  if (kind === 'REMOVE') {
    return [{ channelId: channel, audience: { kind: 'channel', leaver: user }, event: { type: 'member_left_channel', user, channel, channel_type: channelType, team: item.teamId } }];
  }
  if (newItem && oldItem && newItem.lastRead !== oldItem.lastRead && typeof newItem.lastRead === 'string') {
    return [{ channelId: channel, audience: { kind: 'user', userId: user, exceptDevice: newItem.markedBy }, event: { type: 'channel_marked', channel, ts: newItem.lastRead } }];
  }
  return [];
}

function channelEvents({ kind, oldItem, newItem }: Images<ChannelItem>): Draft[] {
  if (!newItem || (newItem.kind !== 'public' && newItem.kind !== 'private')) return [];
  const channel = newItem.channelId;
  if (kind === 'INSERT') {
    return [{
      channelId: channel,
      audience: { kind: 'user', userId: newItem.creator },
      event: { type: 'channel_created', channel: { id: channel, name: newItem.name, created: Math.floor((newItem.createdAt ?? 0) / 1000), creator: newItem.creator, is_private: newItem.kind === 'private' } },
    }];
  }
  if (kind !== 'MODIFY' || !oldItem) return [];
  // Slack names these events channel_* for public channels and group_* for private ones.
  const prefix = newItem.kind === 'public' ? 'channel' : 'group';
  const toMembers = (event: Draft['event']): Draft => ({ channelId: channel, audience: { kind: 'channel' }, event });
  const out: Draft[] = [];
  if (newItem.name !== oldItem.name) {
    out.push(toMembers({ type: `${prefix}_rename`, channel: { id: channel, name: newItem.name, created: Math.floor((newItem.createdAt ?? 0) / 1000) } }));
  }
  if (newItem.archived !== oldItem.archived) {
    out.push(toMembers({ type: `${prefix}_${newItem.archived ? 'archive' : 'unarchive'}`, channel, user: newItem.archivedBy ?? '' }));
  }
  return out;
}

/** chat.postEphemeral: the message to its one recipient's live connections (as Slack's clients get it: `is_ephemeral`). */
function ephemeralEvents({ kind, newItem }: Images<EphemeralItem>): Draft[] {
  if (kind !== 'INSERT' || !newItem) return [];
  const message = toSlackMessage({ userId: newItem.userId, text: newItem.text, ts: newItem.ts, threadTs: newItem.threadTs, blocks: newItem.blocks, attachments: newItem.attachments });
  return [{
    channelId: newItem.channelId,
    audience: { kind: 'user', userId: newItem.toUserId, liveOnly: true },
    event: { ...message, channel: newItem.channelId, is_ephemeral: true, event_ts: newItem.ts },
  }];
}

/**
 * pins.add / pins.remove: pin_added / pin_removed to the members. The item names the message by ts
 * (`item.message.ts`; Slack sends the whole message): clients read it with conversations.history.
 */
function pinEvents({ kind, oldItem, newItem }: Images<PinItem>): Draft[] {
  const pin = kind === 'INSERT' ? newItem : kind === 'REMOVE' ? oldItem : undefined;
  if (!pin) return [];
  const channel = pin.channelId;
  const item = { type: 'message', channel, created: Math.floor((pin.createdAt ?? 0) / 1000), created_by: pin.pinnedBy, message: { type: 'message', ts: pin.ts } };
  return [{
    channelId: channel,
    audience: { kind: 'channel' },
    event: { type: kind === 'INSERT' ? 'pin_added' : 'pin_removed', user: pin.pinnedBy, channel_id: channel, item, event_ts: pin.ts },
  }];
}
