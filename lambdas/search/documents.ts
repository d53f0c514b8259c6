import { decodeTime } from 'ulid';
import type { Change } from '../core/events';
import { isTs } from '../core/ts';
import type { MessageItem } from '../model/service';
import { storedItem } from '../model/stored-items';
import type { Item } from '../model/store';
import type { IndexChange } from './search-index';

/*
 * What one change of the table means for the search index. Pure. Only message items count; a
 * tombstone (a deleted thread parent kept for its replies) and a removed item leave the index, an
 * edit replaces the text, a reaction change sets or clears has_reaction.
 */

const LINK = /\bhttps?:\/\/\S/i;

/** The image as a message item, by the entity that owns it; undefined for any other item. */
function messageOf(raw: Item | undefined): MessageItem | undefined {
  const stored = storedItem(raw);
  return stored?.entity === 'message' ? stored.item : undefined;
}

/** Any reaction left: a set (or list) of users with someone in it. */
function hasReaction(reactions: unknown): boolean {
  if (!reactions || typeof reactions !== 'object') return false;
  return Object.values(reactions as Record<string, unknown>).some((users) =>
    users instanceof Set ? users.size > 0 : Array.isArray(users) ? users.length > 0 : false,
  );
}

/** A stored message must name its workspace, author and time, and have a ts of ours, to be indexed; any other image is not ours to guess at. */
function assertIndexable(m: MessageItem): void {
  if (typeof m.ts !== 'string' || !isTs(m.ts)) throw new TypeError('message image has no ts of ours');
  for (const [field, type] of [['teamId', 'string'], ['userId', 'string'], ['createdAt', 'number']] as const) {
    if (typeof m[field] !== type) throw new TypeError(`message image has no ${field}`);
  }
}

/** The index change for one table change; throws TypeError for a message image that cannot be indexed. */
export function indexChangeFor(change: Change): IndexChange | undefined {
  const item = messageOf(change.newItem ?? change.oldItem);
  if (!item) return undefined;
  const { channelId, ts } = item;
  const m = change.kind === 'REMOVE' ? undefined : messageOf(change.newItem);
  if (!m || m.deleted === true) return { kind: 'remove', channelId, ts };
  assertIndexable(m);
  const text = m.text ?? '';
  const threadTs = m.threadTs ?? ts;
  return {
    kind: 'upsert',
    message: {
      teamId: m.teamId,
      channelId,
      ts,
      userId: m.userId,
      threadTs,
      text,
      // The ts's time, which dates and order are by (it can run a little ahead of createdAt: core/ts.ts).
      sentAt: decodeTime(ts),
      isThread: threadTs !== ts || (m.replyCount ?? 0) > 0,
      hasLink: LINK.test(text),
      hasReaction: hasReaction(m.reactions),
      ...(m.editedBy ? { editedBy: m.editedBy } : {}),
      ...(m.editedTs ? { editedTs: m.editedTs } : {}),
    },
  };
}
