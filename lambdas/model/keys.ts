/**
 * The table's physical shape, declared once. The CDK table (lib/data.ts), the ElectroDB entities
 * and the stream filter all read these names, so they cannot drift apart.
 */
export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;

/** One overloaded GSI: "by owner" (a user's memberships and connections, a thread's replies, a team's public channels). */
export const BY_OWNER_INDEX = { name: 'gsi1', partition: 'gsi1pk', sort: 'gsi1sk' } as const;

/** Items carry their expiry (epoch seconds) here; DynamoDB TTL deletes them lazily, so reads filter too. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Sort-key shapes of the items the fan-out function reacts to. The event-source filter lets only
 * these through, so connection leases, counters, inbox entries and idempotency records never
 * invoke it.
 */
export const FANOUT_SORT_KEYS = {
  messagePrefix: 'MSG#',
  membershipPrefix: 'MEM#',
  channelMeta: 'META',
} as const;

export const ENTITY_SERVICE = 'chat';
