import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_PREFS, type NotificationPrefs } from '../core/notify';
import { TABLE_KEYS } from './keys';
import type { TableContext } from './store';

/*
 * STAND-IN until the mentions branch's prefs model lands (it replaces this file at the merge): the
 * same accessor name and item (`U#<user>` / `PREFS`), reading only `level` and `hideContent`.
 */
export function prefsAccess(t: TableContext) {
  return {
    // A user's notification preferences (the defaults when they never set any)
    notificationPrefs: async (userId: string): Promise<NotificationPrefs> => {
      const { Item } = await t.client.send(new GetCommand({
        TableName: t.table,
        Key: { [TABLE_KEYS.partition]: `U#${userId}`, [TABLE_KEYS.sort]: 'PREFS' },
        ConsistentRead: true,
      }));
      const level = Item?.level === 'all' || Item?.level === 'mentions' || Item?.level === 'nothing' ? Item.level : DEFAULT_PREFS.level;
      return { ...DEFAULT_PREFS, level, hideContent: Item?.hideContent === true };
    },
  };
}
