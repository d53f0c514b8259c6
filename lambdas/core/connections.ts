import { numberSetting } from '../config/env';
import type { Caller } from './caller';
import { ClientError } from './errors';
import { subscribe, unsubscribe, type LiveConnection } from './live';
import { table } from './ports';
import { announcePresence, clearPresenceSubscriptions, holdLease, releaseLease } from './presence';
import { ensureProvisioned } from './users';

const LEASE_SECONDS = numberSetting('connectionLeaseSeconds');
const MAX_CONNECTIONS_PER_USER = numberSetting('maxConnectionsPerUser');

export interface ConnectionInput {
  connectionId: string;
  caller: Caller;
  deviceId: string;
}

const leaseEnd = () => Math.floor(Date.now() / 1000) + LEASE_SECONDS;

// The conversations a user is in
export const channelIdsOfUser = (userId: string): Promise<string[]> => table().memberships.channelIdsOf(userId);

/**
 * $connect: holds the lease in the user's presence item first (one atomic update that also counts
 * the user's other live leases, so concurrent handshakes cannot pass the cap together), then records
 * the lease and subscribes the connection to the user's conversations. The first live connection
 * makes the user active for their presence subscribers.
 */
export async function openConnection({ connectionId, caller, deviceId }: ConnectionInput): Promise<void> {
  await ensureProvisioned(caller);
  const expiresAt = leaseEnd();
  const held = await holdLease(caller.userId, connectionId, expiresAt);
  if (held.others >= MAX_CONNECTIONS_PER_USER) {
    await releaseLease(caller.userId, connectionId);
    throw new ClientError('too_many_connections');
  }
  try {
    await table().connections.put({ connectionId, userId: caller.userId, teamId: caller.teamId, deviceId, expiresAt });
    const live: LiveConnection = { connectionId, userId: caller.userId, deviceId };
    const channelIds = await channelIdsOfUser(caller.userId);
    await subscribe(channelIds, live);
    await dropUnheldSubscriptions(caller.userId, connectionId, channelIds);
  } catch (error) {
    // The handshake fails, so no $disconnect will come: give the lease back now.
    await closeConnection(connectionId, caller.userId).catch(() => undefined);
    throw error;
  }
  if (held.transition) await announcePresence(caller.userId, held.transition, closeGone);
}

/**
 * The memberships came from an eventually consistent index: one just ended (a kick, a leave) may
 * still be listed. Read them again, consistently, after subscribing, and drop the subscriptions
 * whose membership is gone. Either this read sees the removal, or the subscription was written
 * before it, and then the fan-out of the removal (which reads the channel's subscriptions
 * consistently) deletes it: a stale subscription cannot outlive the kick's delivery.
 */
async function dropUnheldSubscriptions(userId: string, connectionId: string, channelIds: string[]): Promise<void> {
  if (channelIds.length === 0) return;
  const held = await table().memberships.heldAmong(userId, channelIds, { consistent: true });
  const gone = channelIds.filter((channelId) => !held.has(channelId));
  if (gone.length > 0) await unsubscribe(gone.map((channelId) => ({ channelId, connectionId })));
}

/**
 * ping: renews the lease (and its presence entry). A lease that already lapsed is written again;
 * that comeback is not announced (ping has no @connections access), readers see it at once.
 */
export async function renewConnection({ connectionId, caller, deviceId }: ConnectionInput): Promise<void> {
  const expiresAt = leaseEnd();
  await Promise.all([
    holdLease(caller.userId, connectionId, expiresAt),
    table().connections.put({ connectionId, userId: caller.userId, teamId: caller.teamId, deviceId, expiresAt }),
  ]);
}

/**
 * $disconnect (or a 410 from @connections): removes the lease, every subscription of this
 * connection and its presence subscriptions. The user's last live connection makes them away.
 * Safe to repeat: only the call that removes the presence entry can announce the transition.
 */
export async function closeConnection(connectionId: string, userId: string): Promise<void> {
  const [transition] = await Promise.all([
    releaseLease(userId, connectionId),
    table().connections.remove(connectionId),
    clearPresenceSubscriptions(connectionId),
    channelIdsOfUser(userId).then((channelIds) => unsubscribe(channelIds.map((channelId) => ({ channelId, connectionId })))),
  ]);
  if (transition) await announcePresence(userId, transition, closeGone);
}

/** The delivery rule for a 410 wherever this function may write: the same path as $disconnect. */
export const closeGone = (r: { connectionId: string; userId: string }) => closeConnection(r.connectionId, r.userId);
