import { db } from '../shared/clients';
import { ClientError } from '../shared/errors';
import { numberEnv } from '../shared/env';
import type { Caller } from '../shared/identity';
import { BY_OWNER_INDEX } from '../model/keys';
import { connectionsOfUser, subscribe, unsubscribe, type LiveConnection } from './live';
import { queryRange } from './store';
import { ensureProvisioned } from './users';

/** A connection's lease: API Gateway drops a connection idle for 10 minutes; a ping renews it. */
const LEASE_SECONDS = numberEnv('CONNECTION_LEASE_SECONDS', 11 * 60);
const MAX_CONNECTIONS_PER_USER = numberEnv('MAX_CONNECTIONS_PER_USER', 20);

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

/** $connect: records the lease and subscribes the connection to the user's conversations. */
export async function openConnection({ connectionId, caller, deviceId }: ConnectionInput): Promise<void> {
  await ensureProvisioned(caller);
  const existing = await connectionsOfUser(caller.userId);
  if (existing.length >= MAX_CONNECTIONS_PER_USER) throw new ClientError('too_many_connections');
  await db().entities.connection
    .put({ connectionId, userId: caller.userId, teamId: caller.teamId, deviceId, expiresAt: leaseEnd() })
    .go();
  const live: LiveConnection = { connectionId, userId: caller.userId, deviceId };
  await subscribe(await channelIdsOfUser(caller.userId), live);
}

/** ping: renews the lease. A lease that already lapsed is written again. */
export async function renewConnection({ connectionId, caller, deviceId }: ConnectionInput): Promise<void> {
  await db().entities.connection
    .put({ connectionId, userId: caller.userId, teamId: caller.teamId, deviceId, expiresAt: leaseEnd() })
    .go();
}

/** $disconnect (or a 410 from @connections): removes the lease and every subscription of this connection. */
export async function closeConnection(connectionId: string, userId: string): Promise<void> {
  await db().entities.connection.delete({ connectionId }).go();
  const channelIds = await channelIdsOfUser(userId);
  await unsubscribe(channelIds.map((channelId) => ({ channelId, connectionId })));
}
