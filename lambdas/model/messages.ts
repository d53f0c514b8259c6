import { UpdateCommand } from './document-client';
import { endOf, justAfter, keyOf, queryStart } from './entity-keys';
import type { MessageItem } from './service';
import { asTransactItem, batchGet, entityItems, isConditionFailure, queryRange, transact, TransactionCancelled, type TableContext, type TransactItem } from './store';

/** A message as a send writes it. */
export interface NewMessage {
  channelId: string;
  ts: string;
  teamId: string;
  userId: string;
  text: string;
  threadTs: string;
  replyBroadcast?: boolean;
  clientMsgId?: string;
  /** The sending connection that got the event in its ack (no echo for it). */
  ackedTo?: string;
  files?: unknown[];
  /** Blocks and attachments as JSON (lambdas/core/blocks.ts). */
  blocks?: string;
  attachments?: string;
  mentions?: string[];
  broadcast?: 'here' | 'channel' | 'everyone';
  subtype?: 'channel_topic' | 'channel_purpose';
  about?: string;
}

/** What chat.update changes: the text, and blocks or attachments (undefined: kept; null: removed). */
export interface ContentUpdate {
  text: string;
  blocks?: string | null;
  attachments?: string | null;
}

export interface CommitInput {
  message: NewMessage;
  /** The send's client_msg_id record, kept until `expiresAt`. */
  idempotency?: { clientMsgId: string; expiresAt: number; now: number };
  /** The thread whose parent's counters this reply moves. */
  threadTs?: string;
  /** More writes of the caller's, all or nothing with the message. */
  alsoWrite?: TransactItem[];
}

/** Why a send's transaction did not commit: each flag names the item whose condition failed. */
export interface CommitRefused {
  /** The caller's own writes' outcomes (failed ones are `ConditionalCheckFailed`). */
  also: string[];
  duplicate: boolean;
  threadGone: boolean;
}

/** A channel's head as a hot channel's page snapshot checks it. */
export interface HeadState {
  lastTs: string;
  /** Edits, reactions and deletions counted so far (core/hot-pages.ts). */
  changes: number;
  /** When a member last left or was removed, epoch ms (0: never). */
  removedAt: number;
}

/** Bounds of a channel's messages by ts, each inclusive unless said. */
export interface TsRange {
  lowest?: string;
  lowestExclusive?: boolean;
  highest?: string;
}

/** Messages, their threads, edits and reactions, and client_msg_id records. */
export function messageAccess(t: TableContext) {
  const { message, channelHead, sentMessage } = t.service.entities;
  const messageKey = (channelId: string, ts: string) => keyOf(message.get({ channelId, ts }).params());
  const ownedBy = (userId: string) => ({ ConditionExpression: 'attribute_exists(pk) AND userId = :user', ExpressionAttributeValues: { ':user': userId } });
  const deleteOwned = (channelId: string, ts: string, userId: string) =>
    asTransactItem('Delete', { TableName: t.table, Key: messageKey(channelId, ts), ...ownedBy(userId) });
  /** A channel's messages as sort keys: the entity's prefix, then the ts. */
  const sortKeyAt = (channelId: string, ts: string) => messageKey(channelId, ts).sk;
  const headStateOf = async (channelId: string, consistent = true): Promise<HeadState | undefined> => {
    const head = (await channelHead.get({ channelId }).go({ consistent })).data;
    return head?.lastTs === undefined ? undefined : { lastTs: head.lastTs, changes: head.changes ?? 0, removedAt: head.removedAt ?? 0 };
  };

  return {
    // A message by (channel, ts), read consistently
    get: async (channelId: string, ts: string): Promise<MessageItem | undefined> =>
      (await message.get({ channelId, ts }).go({ consistent: true })).data ?? undefined,

    // Messages of a channel by ts (those that exist), by ts
    byTs: async (channelId: string, tsList: string[]): Promise<Map<string, MessageItem>> => {
      const items = entityItems(await batchGet(t, tsList.map((ts) => messageKey(channelId, ts))), (Item) => message.parse({ Item }).data);
      return new Map(items.map((m) => [m.ts, m]));
    },

    // The head (newest committed ts) of a channel, read consistently
    headOf: async (channelId: string): Promise<string | undefined> => (await headStateOf(channelId))?.lastTs,

    // The head with its change count and last removal (undefined: no message yet), read consistently unless told
    headStateOf,

    // One more change (an edit, a reaction, a deletion) counted on the channel's head
    markChanged: async (channelId: string): Promise<void> => {
      await channelHead.update({ channelId }).add({ changes: 1 }).go();
    },

    // The send a user's client_msg_id made in a conversation, if still remembered
    sentWith: async (userId: string, channelId: string, clientMsgId: string) =>
      (await sentMessage.get({ userId, channelId, clientMsgId }).go({ consistent: true })).data ?? undefined,

    // A channel's messages in a ts range, newest first, until `limit` are kept or `maxBytes` read
    newestFirst: async (channelId: string, range: TsRange, page: { limit: number; maxBytes?: number; consistent?: boolean; keep?: (m: MessageItem) => boolean }): Promise<MessageItem[]> =>
      entityItems(await rangeOf(channelId, range, { ...page, descending: true }), (Item) => message.parse({ Item }).data),

    // A channel's messages in a ts range, oldest first
    oldestFirst: async (channelId: string, range: TsRange, page: { limit: number; maxBytes?: number; consistent?: boolean; keep?: (m: MessageItem) => boolean }): Promise<MessageItem[]> =>
      entityItems(await rangeOf(channelId, range, page), (Item) => message.parse({ Item }).data),

    // The replies of a thread in ts order, after a ts, a page at a time
    replies: async (channelId: string, threadTs: string, afterTs: string | undefined, limit: number, maxBytes: number): Promise<MessageItem[]> => {
      const start = queryStart(message.query.byThread({ channelId, threadTs }).params());
      return entityItems(await queryRange(t, { ...start, from: afterTs ? justAfter(afterTs) : '', limit, maxBytes }), (Item) => message.parse({ Item }).data);
    },

    /*
     * A send, all or nothing: the channel head advanced to the message's ts only if still below it
     * (so ts order is commit order), the message, its client_msg_id record (unless one is still
     * live), the thread parent's counters, and the caller's own writes. Undefined when committed.
     */
    commit: async ({ message: item, idempotency, threadTs, alsoWrite = [] }: CommitInput): Promise<CommitRefused | undefined> => {
      // An update, not a put: the head's change count and removal time stay.
      const head = channelHead.update({ channelId: item.channelId }).set({ lastTs: item.ts }).where((a, { notExists, lt }) => `${notExists(a.lastTs)} OR ${lt(a.lastTs, item.ts)}`);
      const writes: TransactItem[] = [
        asTransactItem('Update', head.params()),
        asTransactItem('Put', message.create(item).params()),
      ];
      if (idempotency) {
        const sent = sentMessage.put({ userId: item.userId, clientMsgId: idempotency.clientMsgId, channelId: item.channelId, ts: item.ts, expiresAt: idempotency.expiresAt }).params() as Record<string, unknown>;
        // An expired record (TTL deletes lazily) may be replaced.
        writes.push(asTransactItem('Put', { ...sent, ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now', ExpressionAttributeValues: { ':now': idempotency.now } }));
      }
      if (threadTs) {
        writes.push(asTransactItem('Update', {
          TableName: t.table,
          Key: messageKey(item.channelId, threadTs),
          UpdateExpression: 'ADD replyCount :one, replyUsers :user SET latestReply = :ts',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1, ':user': new Set([item.userId]), ':ts': item.ts },
        }));
      }
      const own = writes.length;
      try {
        await transact(t, [...writes, ...alsoWrite]);
        return undefined;
      } catch (error) {
        if (!(error instanceof TransactionCancelled)) throw error;
        return {
          also: error.reasons.slice(own),
          duplicate: idempotency !== undefined && error.failedAt(2),
          threadGone: threadTs !== undefined && error.failedAt(idempotency ? 3 : 2),
        };
      }
    },

    // The author's new content; undefined when the message is gone, a tombstone or not theirs
    // (with the mentions of the new text: those absent are removed; blocks and attachments: undefined kept, null removed)
    updateContent: async (channelId: string, ts: string, userId: string, content: ContentUpdate, editedTs: string, mentioned: { mentions?: string[]; broadcast?: string } = {}): Promise<MessageItem | undefined> => {
      const sets = ['#text = :text', 'editedBy = :user', 'editedTs = :edited'];
      const removes: string[] = [];
      const values: Record<string, unknown> = { ':text': content.text, ':user': userId, ':edited': editedTs, ':no': false };
      if (mentioned.mentions?.length) {
        sets.push('mentions = :mentions');
        values[':mentions'] = mentioned.mentions;
      } else removes.push('mentions');
      if (mentioned.broadcast) {
        sets.push('broadcast = :broadcast');
        values[':broadcast'] = mentioned.broadcast;
      } else removes.push('broadcast');
      for (const field of ['blocks', 'attachments'] as const) {
        const value = content[field];
        if (value === null) removes.push(field);
        else if (value !== undefined) {
          sets.push(`${field} = :${field}`);
          values[`:${field}`] = value;
        }
      }
      try {
        const out = await t.client.send(new UpdateCommand({
          TableName: t.table,
          Key: messageKey(channelId, ts),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND userId = :user AND (attribute_not_exists(deleted) OR deleted = :no)',
          ExpressionAttributeNames: { '#text': 'text' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }));
        return message.parse({ Attributes: out.Attributes }).data ?? undefined;
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },

    // A thread parent turned into a tombstone (its replies stay readable); false when gone or not the author's
    tombstone: async (channelId: string, ts: string, userId: string): Promise<boolean> => {
      const owned = ownedBy(userId);
      try {
        await t.client.send(new UpdateCommand({
          TableName: t.table, Key: messageKey(channelId, ts),
          UpdateExpression: 'SET deleted = :yes, #text = :empty REMOVE reactions, files, blocks, attachments',
          ExpressionAttributeNames: { '#text': 'text' },
          ConditionExpression: owned.ConditionExpression,
          ExpressionAttributeValues: { ...owned.ExpressionAttributeValues, ':yes': true, ':empty': '' },
        }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    /**
     * The author's message removed, and for a reply its parent's count lowered with it:
     * 'not_found' when the message is gone or not theirs, 'parent_gone' when the parent is.
     */
    remove: async (channelId: string, ts: string, userId: string, parentTs?: string): Promise<'removed' | 'not_found' | 'parent_gone'> => {
      const writes = [deleteOwned(channelId, ts, userId)];
      if (parentTs) {
        writes.push(asTransactItem('Update', {
          TableName: t.table, Key: messageKey(channelId, parentTs),
          UpdateExpression: 'ADD replyCount :minusOne',
          ConditionExpression: 'attribute_exists(pk) AND replyCount > :zero',
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }));
      }
      try {
        await transact(t, writes);
        return 'removed';
      } catch (error) {
        if (isConditionFailure(error) || (error instanceof TransactionCancelled && error.failedAt(0))) return 'not_found';
        if (error instanceof TransactionCancelled) return 'parent_gone';
        throw error;
      }
    },

    /**
     * A user's reaction added to a live message; false when they already reacted (or it is gone).
     * Reactions are string sets under `reactions.<name>`: ADD of a member is atomic, so concurrent
     * reactions never lose one.
     */
    addReaction: async (channelId: string, ts: string, name: string, userId: string): Promise<boolean> => {
      try {
        try {
          await reactionUpdate(channelId, ts, name, userId, 'ADD reactions.#name :user', '(attribute_not_exists(reactions.#name) OR NOT contains(reactions.#name, :userId))');
        } catch (error) {
          // The message has no reactions map yet: create it with this reaction, unless another writer just did.
          if ((error as Error).name !== 'ValidationException') throw error;
          await t.client.send(new UpdateCommand({
            TableName: t.table, Key: messageKey(channelId, ts),
            UpdateExpression: 'SET reactions = :map',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(reactions)',
            // A Map rather than an object keyed by the user's string (the name check in core is what keeps the SDK's own marshalling safe).
            ExpressionAttributeValues: { ':map': new Map([[name, new Set([userId])]]) },
          })).catch(async (raced) => {
            if (!isConditionFailure(raced)) throw raced;
            await reactionUpdate(channelId, ts, name, userId, 'ADD reactions.#name :user', '(attribute_not_exists(reactions.#name) OR NOT contains(reactions.#name, :userId))');
          });
        }
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // A user's reaction removed from a live message; false when they had not reacted (or it is gone)
    removeReaction: async (channelId: string, ts: string, name: string, userId: string): Promise<boolean> => {
      try {
        await reactionUpdate(channelId, ts, name, userId, 'DELETE reactions.#name :user', 'contains(reactions.#name, :userId)');
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };

  function reactionUpdate(channelId: string, ts: string, name: string, userId: string, expression: string, condition: string) {
    return t.client.send(new UpdateCommand({
      TableName: t.table,
      Key: messageKey(channelId, ts),
      UpdateExpression: expression,
      ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(deleted) OR deleted = :no) AND ${condition}`,
      ExpressionAttributeNames: { '#name': name },
      ExpressionAttributeValues: { ':user': new Set([userId]), ':userId': userId, ':no': false },
    }));
  }

  function rangeOf(channelId: string, range: TsRange, page: { limit: number; maxBytes?: number; consistent?: boolean; descending?: boolean; keep?: (m: MessageItem) => boolean }) {
    const start = queryStart(message.query.primary({ channelId }).params());
    const lowest = range.lowest === undefined ? start.sortPrefix : sortKeyAt(channelId, range.lowest) + (range.lowestExclusive ? '\u0000' : '');
    const keep = page.keep;
    return queryRange(t, {
      partition: start.partition,
      from: lowest,
      to: range.highest === undefined ? endOf(start.sortPrefix) : sortKeyAt(channelId, range.highest),
      limit: page.limit,
      maxBytes: page.maxBytes,
      consistent: page.consistent,
      descending: page.descending,
      keep: keep && ((raw) => {
        const m = entityItems([raw], (Item) => message.parse({ Item }).data)[0];
        return m !== undefined && keep(m);
      }),
    });
  }
}
