import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { db, dynamo, tableName } from '../adapters/clients';
import { ClientError } from './errors';
import type { Caller } from './caller';
import { memberAccess } from './channels';
import { toSlackMessage } from './format';
import { checkText } from './messages';
import { asTransactItem, isConditionFailure, transact, TransactionCancelled, type Item } from './store';
import { isTs } from './ts';

const messageKey = (channelId: string, ts: string) => ({ pk: `CH#${channelId}`, sk: `MSG#${ts}` });

/** A message members can act on: present and not a tombstone. */
export async function liveMessage(channelId: string, ts: string): Promise<Item> {
  if (!isTs(ts)) throw new ClientError('message_not_found');
  const { data } = await db().entities.message.get({ channelId, ts }).go({ consistent: true });
  if (!data || data.deleted === true) throw new ClientError('message_not_found');
  return data as Item;
}

/** chat.update: the author changes the text; members get message_changed with the previous message. */
export async function updateMessage(caller: Caller, channelId: string, ts: string, text: string) {
  await memberAccess(caller, channelId);
  const message = await liveMessage(channelId, ts);
  if (message.userId !== caller.userId) throw new ClientError('cant_update_message');
  checkText(text, Array.isArray(message.files) && message.files.length > 0);
  const editedTs = ulid();
  try {
    const out = await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: messageKey(channelId, ts),
        UpdateExpression: 'SET #text = :text, editedBy = :user, editedTs = :edited',
        ConditionExpression: 'attribute_exists(pk) AND userId = :user AND (attribute_not_exists(deleted) OR deleted = :no)',
        ExpressionAttributeNames: { '#text': 'text' },
        ExpressionAttributeValues: { ':text': text, ':user': caller.userId, ':edited': editedTs, ':no': false },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { channel: channelId, ts, text, message: toSlackMessage(out.Attributes as Item) };
  } catch (error) {
    if (isConditionFailure(error)) throw new ClientError('message_not_found');
    throw error;
  }
}

/**
 * chat.delete: the author removes a message. A thread parent with replies stays as a tombstone so
 * its thread can still be read (as Slack does); a deleted reply lowers its parent's reply count.
 */
export async function deleteMessage(caller: Caller, channelId: string, ts: string) {
  await memberAccess(caller, channelId);
  const message = await liveMessage(channelId, ts);
  if (message.userId !== caller.userId) throw new ClientError('cant_delete_message');
  const isReply = message.threadTs !== message.ts;
  const ownedByCaller = { ConditionExpression: 'attribute_exists(pk) AND userId = :user', ExpressionAttributeValues: { ':user': caller.userId } };
  try {
    if (!isReply && Number(message.replyCount ?? 0) > 0) {
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName(), Key: messageKey(channelId, ts),
          UpdateExpression: 'SET deleted = :yes, #text = :empty REMOVE reactions, files',
          ExpressionAttributeNames: { '#text': 'text' },
          ...ownedByCaller,
          ExpressionAttributeValues: { ...ownedByCaller.ExpressionAttributeValues, ':yes': true, ':empty': '' },
        }),
      );
    } else {
      const writes = [asTransactItem('Delete', { TableName: tableName(), Key: messageKey(channelId, ts), ...ownedByCaller })];
      if (isReply) {
        writes.push(asTransactItem('Update', {
          TableName: tableName(), Key: messageKey(channelId, String(message.threadTs)),
          UpdateExpression: 'ADD replyCount :minusOne',
          ConditionExpression: 'attribute_exists(pk) AND replyCount > :zero',
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }));
      }
      await transact(writes);
    }
  } catch (error) {
    if (isConditionFailure(error) || (error instanceof TransactionCancelled && error.failedAt(0))) throw new ClientError('message_not_found');
    if (error instanceof TransactionCancelled) {
      // The parent is gone: delete the reply alone.
      await transact([asTransactItem('Delete', { TableName: tableName(), Key: messageKey(channelId, ts), ...ownedByCaller })]);
    } else throw error;
  }
  return { channel: channelId, ts };
}
