import { DeleteCommand } from './document-client';
import type { PushKind } from './entities';
import { keyOf, queryStart } from './entity-keys';
import type { PushSubscriptionItem } from './service';
import { entityItems, isConditionFailure, isLive, queryRange, type TableContext } from './store';

/** A device's subscription as push.subscribe writes it. */
export interface NewPushSubscription {
  userId: string;
  deviceId: string;
  teamId: string;
  kind: PushKind;
  endpoint: string;
  p256dh?: string;
  auth?: string;
  expiresAt: number;
}

/** Push subscriptions (per user and device) and the markers of pushes sent (per message and device). */
export function pushAccess(t: TableContext) {
  const { pushSubscription, pushSent } = t.service.entities;
  return {
    // A device's subscription, written or replaced (a device has one)
    subscribe: async (s: NewPushSubscription): Promise<void> => {
      await pushSubscription.put(s).go();
    },

    // A device's subscription removed
    unsubscribe: async (userId: string, deviceId: string): Promise<void> => {
      await pushSubscription.delete({ userId, deviceId }).go();
    },

    // A device's subscription removed only while it still names this endpoint (a 404/410 from the push
    // service must not remove the subscription the device has renewed meanwhile); false when it did not
    removeIfEndpoint: async (userId: string, deviceId: string, endpoint: string): Promise<boolean> => {
      try {
        await t.client.send(new DeleteCommand({
          TableName: t.table,
          Key: keyOf(pushSubscription.get({ userId, deviceId }).params()),
          ConditionExpression: '#endpoint = :endpoint',
          ExpressionAttributeNames: { '#endpoint': 'endpoint' },
          ExpressionAttributeValues: { ':endpoint': endpoint },
        }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // The live (unexpired) subscriptions of a user, every device
    ofUser: async (userId: string): Promise<PushSubscriptionItem[]> => {
      const start = queryStart(pushSubscription.query.primary({ userId }).params());
      return entityItems(
        await queryRange(t, { ...start, prefix: start.sortPrefix, limit: 100, keep: (item) => isLive(item) }),
        (Item) => pushSubscription.parse({ Item }).data,
      );
    },

    // The push of a message to a device claimed: true for the first claim, false when it was already made
    claimSend: async (m: { channelId: string; ts: string; userId: string; deviceId: string; expiresAt: number }): Promise<boolean> => {
      try {
        await pushSent.create(m).go();
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // A claim given back (the send failed in a way a retry may mend)
    releaseSend: async (m: { channelId: string; ts: string; userId: string; deviceId: string }): Promise<void> => {
      await pushSent.delete(m).go();
    },
  };
}
