import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '../adapters/clients';
import { ClientError } from './errors';
import type { Caller } from './caller';
import { memberAccess } from './channels';
import { isConditionFailure } from './store';
import { isTs } from './ts';

/**
 * conversations.mark: moves the caller's read marker. The membership change reaches the caller's
 * other devices as channel_marked through the stream; `device` (when known) is skipped.
 */
export async function markRead(caller: Caller, channelId: string, ts: string, device?: string) {
  if (!isTs(ts)) throw new ClientError('invalid_arguments', 'ts');
  await memberAccess(caller, channelId);
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: `CH#${channelId}`, sk: `MEM#${caller.userId}` },
        UpdateExpression: device ? 'SET lastRead = :ts, markedBy = :device' : 'SET lastRead = :ts REMOVE markedBy',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':ts': ts, ...(device ? { ':device': device } : {}) },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new ClientError('not_in_channel');
    throw error;
  }
  return {};
}
