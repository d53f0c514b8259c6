import { decodeTime } from 'ulid';
import type { Change } from '../core/events';
import type { Item } from '../core/store';
import type { IndexChange } from './search-index';

/*
 * What one change of the table means for the search index. Pure. Only message items count; a
 * tombstone (a deleted thread parent kept for its replies) and a removed item leave the index, an
 * edit replaces the text, a reaction change sets or clears has_reaction.
 */

const LINK = /\bhttps?:\/\/\S/i;

const isMessage = (item: Item | undefined) => item?.__edb_e__ === 'message';

/** Any reaction left: a set (or list) of users with someone in it. */
function hasReaction(reactions: unknown): boolean {
  if (!reactions || typeof reactions !== 'object') return false;
  return Object.values(reactions as Record<string, unknown>).some((users) =>
    users instanceof Set ? users.size > 0 : Array.isArray(users) ? users.length > 0 : false,
  );
}

function sentAt(item: Item): number {
  if (typeof item.createdAt === 'number') return item.createdAt;
  return decodeTime(String(item.ts));
}

export function indexChangeFor(change: Change): IndexChange | undefined {
  const item = change.newItem ?? change.oldItem;
  if (!item || !isMessage(item)) return undefined;
  const channelId = String(item.channelId);
  const ts = String(item.ts);
  if (change.kind === 'REMOVE' || !change.newItem || change.newItem.deleted === true) return { kind: 'remove', channelId, ts };
  const m = change.newItem;
  const text = typeof m.text === 'string' ? m.text : '';
  const threadTs = String(m.threadTs ?? ts);
  return {
    kind: 'upsert',
    message: {
      teamId: String(m.teamId),
      channelId,
      ts,
      userId: String(m.userId),
      threadTs,
      text,
      sentAt: sentAt(m),
      isThread: threadTs !== ts || Number(m.replyCount ?? 0) > 0,
      hasLink: LINK.test(text),
      hasReaction: hasReaction(m.reactions),
      ...(typeof m.editedBy === 'string' ? { editedBy: m.editedBy } : {}),
      ...(typeof m.editedTs === 'string' ? { editedTs: m.editedTs } : {}),
    },
  };
}
