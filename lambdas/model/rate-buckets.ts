import { GetCommand, UpdateCommand } from './document-client';
import { RATE_LIMIT_KEYS, TABLE_KEYS, TTL_ATTRIBUTE } from './keys';
import { isConditionFailure, type TableContext } from './store';

/*
 * Rate-limit buckets, written with the document client: `RL#<user>` / `RATE#<scope>` holds the
 * bucket's theoretical arrival time (`tat`, epoch ms). The arithmetic is lambdas/core/rate-limit.ts's.
 */

const bucketKey = (userId: string, scope: string) => ({
  [TABLE_KEYS.partition]: `${RATE_LIMIT_KEYS.partitionPrefix}${userId}`,
  [TABLE_KEYS.sort]: `${RATE_LIMIT_KEYS.sortPrefix}${scope}`,
});
const names = { '#tat': 'tat', '#exp': TTL_ATTRIBUTE };

/** The per-user token buckets. */
export function rateBucketAccess(t: TableContext) {
  return {
    // An idle bucket (none, or full again at `now`) restarted at `next`; false when it was not idle
    restartIdle: async (userId: string, scope: string, next: number, now: number, expiresAt: number): Promise<boolean> => {
      try {
        await t.client.send(new UpdateCommand({
          TableName: t.table, Key: bucketKey(userId, scope),
          UpdateExpression: 'SET #tat = :next, #exp = :exp',
          ConditionExpression: 'attribute_not_exists(#tat) OR #tat <= :now',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':next': next, ':now': now, ':exp': expiresAt },
        }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // One token taken if the bucket's tat is at most `last`; else the tat that refused it
    takeIfLeft: async (userId: string, scope: string, interval: number, last: number, expiresAt: number): Promise<{ taken: true } | { taken: false; tat: number | undefined }> => {
      try {
        await t.client.send(new UpdateCommand({
          TableName: t.table, Key: bucketKey(userId, scope),
          UpdateExpression: 'SET #tat = #tat + :interval, #exp = :exp',
          ConditionExpression: '#tat <= :last',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':interval': interval, ':last': last, ':exp': expiresAt },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }));
        return { taken: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // The failed write's item comes back marshalled (the document client does not unmarshall errors).
        const tat = Number((error as { Item?: { tat?: { N?: string } } }).Item?.tat?.N ?? NaN);
        return { taken: false, tat: Number.isFinite(tat) ? tat : undefined };
      }
    },

    // A bucket's tat, read consistently
    tatOf: async (userId: string, scope: string): Promise<number | undefined> => {
      const { Item } = await t.client.send(new GetCommand({ TableName: t.table, Key: bucketKey(userId, scope), ConsistentRead: true }));
      return typeof Item?.tat === 'number' ? Item.tat : undefined;
    },
  };
}
