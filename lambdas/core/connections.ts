import { db } from '../adapters/clients';
import { ClientError } from './errors';
import { numberSetting } from '../config/env';
import type { Caller } from './caller';
import { BY_OWNER_INDEX } from '../model/keys';
import { subscribe, unsubscribe, type LiveConnection } from './live';
import { announcePresence, clearPresenceSubscriptions, holdLease, releaseLease } from './presence';
import { batchGet, queryRange, type Key } from './store';
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
export async function channelIdsOfUser(userId: string): Promise<string[]> {
  const memberships = await queryRange({
    index: BY_OWNER_INDEX.name, partitionField: BY_OWNER_INDEX.partition, sortField: BY_OWNER_INDEX.sort,
    partition: `U#${userId}`, prefix: 'CH#', limit: 100_000,
  });
  return memberships.map((m) => String(m.channelId));
}

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
    await db().entities.connection.put({ connectionId, userId: caller.userId, teamId: caller.teamId, deviceId, expiresAt }).go();
    const live: LiveConnection = { connectionId, userId: caller.userId, deviceId };
    const channelIds = await channelIdsOfUser(caller.userId);
    await subscribe(channelIds, live);
    await dropUnheldSubscriptions(caller.userId, connectionId, channelIds);
  } catch (error) {
    // The handshake fails, so no $disconnect will come: give the lease back now.
    await closeConnection(connectionId, caller.userId).catch(() => undefined);
    throw error;
  }
  if (held.transition) await announcePresence(caller.userId, held.transition);
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
  const held = await batchGet(channelIds.map((channelId) => membershipKey(channelId, userId)), { consistent: true });
  const heldIds = new Set(held.map((m) => String(m.channelId)));
  const gone = channelIds.filter((channelId) => !heldIds.has(channelId));
  if (gone.length > 0) await unsubscribe(gone.map((channelId) => ({ channelId, connectionId })));
}

const membershipKey = (channelId: string, userId: string): Key =>
  (db().entities.membership.get({ channelId, userId }).params() as { Key: Key }).Key;

/**
 * ping: renews the lease (and its presence entry). A lease that already lapsed is written again;
 * that comeback is not announced (ping has no @connections access), readers see it at once.
 */
export async function renewConnection({ connectionId, caller, deviceId }: ConnectionInput): Promise<void> {
  const expiresAt = leaseEnd();
  await Promise.all([
    holdLease(caller.userId, connectionId, expiresAt),
    db().entities.connection.put({ connectionId, userId: caller.userId, teamId: caller.teamId, deviceId, expiresAt }).go(),
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
    db().entities.connection.delete({ connectionId }).go(),
    clearPresenceSubscriptions(connectionId),
    channelIdsOfUser(userId).then((channelIds) => unsubscribe(channelIds.map((channelId) => ({ channelId, connectionId })))),
  ]);
  if (transition) await announcePresence(userId, transition);
}
