import { stableId } from './stable-id';
import { toSlackMessage } from './format';
import type { Item } from './store';

/*
 * Events from changes: what members see when an item of the table changes. Pure: a change in,
 * Slack-shaped events out, each with an event_id derived from the change's own id, so a replayed
 * stream record yields the same ids and clients can drop repeats.
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
 */
export type Audience =
  | { kind: 'channel'; leaver?: string }
  | { kind: 'user'; userId: string; exceptDevice?: string };

export interface Outgoing {
  channelId: string;
  audience: Audience;
  event: Record<string, unknown> & { type: string; event_id: string };
}

const entityOf = (item: Item | undefined) => (item ? String(item.__edb_e__ ?? '') : '');
const asStrings = (v: unknown): string[] => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []).map(String);

export function eventsFor(change: Change): Outgoing[] {
  const item = change.newItem ?? change.oldItem;
  const drafts = (() => {
    switch (entityOf(item)) {
      case 'message':
        return messageEvents(change);
      case 'membership':
        return membershipEvents(change);
      case 'channel':
        return channelEvents(change);
      default:
        return [];
    }
  })();
  return drafts.map((draft, index) => ({
    ...draft,
    event: { ...draft.event, event_id: stableId('Ev', change.id, String(index)) } as Outgoing['event'],
  }));
}

type Draft = { channelId: string; audience: Audience; event: Record<string, unknown> & { type: string } };

function messageEvents({ kind, oldItem, newItem }: Change): Draft[] {
  const item = (newItem ?? oldItem) as Item;
  const channel = String(item.channelId);
  const toChannel = (event: Draft['event']): Draft => ({ channelId: channel, audience: { kind: 'channel' }, event });
  const ts = String(item.ts);

  if (kind === 'INSERT' && newItem) return [toChannel({ ...toSlackMessage(newItem), channel, event_ts: ts })];
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
    const eventTs = String(newItem.editedTs ?? ts);
    out.push(toChannel({ type: 'message', subtype: 'message_changed', hidden: true, channel, ts: eventTs, event_ts: eventTs, message: toSlackMessage(newItem), previous_message: toSlackMessage(oldItem) }));
  }
  if (Number(newItem.replyCount ?? 0) > Number(oldItem.replyCount ?? 0)) {
    const latest = String(newItem.latestReply ?? ts);
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

/** A stored reactions map as name → users, from its own keys only: a name is never looked up on a plain object. */
const reactionSets = (map: unknown): Map<string, Set<string>> =>
  new Map(typeof map === 'object' && map !== null ? Object.entries(map).map(([name, users]) => [name, new Set(asStrings(users))]) : []);

function membershipEvents({ kind, oldItem, newItem }: Change): Draft[] {
  const item = (newItem ?? oldItem) as Item;
  const channel = String(item.channelId);
  const user = String(item.userId);
  const channelType = item.kind === 'public' ? 'C' : 'G';
  if (kind === 'INSERT') {
    return [{ channelId: channel, audience: { kind: 'channel' }, event: { type: 'member_joined_channel', user, channel, channel_type: channelType, team: item.teamId } }];
  }
  if (kind === 'REMOVE') {
    return [{ channelId: channel, audience: { kind: 'channel', leaver: user }, event: { type: 'member_left_channel', user, channel, channel_type: channelType, team: item.teamId } }];
  }
  if (newItem && oldItem && newItem.lastRead !== oldItem.lastRead && typeof newItem.lastRead === 'string') {
    const exceptDevice = typeof newItem.markedBy === 'string' ? newItem.markedBy : undefined;
    return [{ channelId: channel, audience: { kind: 'user', userId: user, exceptDevice }, event: { type: 'channel_marked', channel, ts: newItem.lastRead } }];
  }
  return [];
}

function channelEvents({ kind, newItem }: Change): Draft[] {
  if (kind !== 'INSERT' || !newItem || (newItem.kind !== 'public' && newItem.kind !== 'private')) return [];
  const channel = String(newItem.channelId);
  return [{
    channelId: channel,
    audience: { kind: 'user', userId: String(newItem.creator) },
    event: { type: 'channel_created', channel: { id: channel, name: newItem.name, created: Math.floor(Number(newItem.createdAt ?? 0) / 1000), creator: newItem.creator, is_private: newItem.kind === 'private' } },
  }];
}
