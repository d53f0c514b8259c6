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
  /** chat.postEphemeral's message to one user: delivered live, never to an inbox or history. */
  ephemeralPrefix: 'EPH#',
  /** A pin: pin_added / pin_removed to the members. */
  pinPrefix: 'PIN#',
} as const;

/**
 * Items written with the document client rather than an entity (their attributes are dynamic or
 * they are pure counters). None of their sort keys matches FANOUT_SORT_KEYS, so they never invoke
 * the fan-out function.
 * - presence: `PRES#<userId>` / `PRES`, one attribute per live connection (`L#<connectionId>` = lease end).
 * - presence subscription: `PSUB#<watchedUserId>` / `<connectionId>`, so a user's transition reads only
 *   that user's subscribers; and `CONN#<connectionId>` / `PSUB`, the list a connection watches.
 * - rate limit: `RL#<userId>` / `RATE#<scope>`, the scope's theoretical arrival time.
 */
export const PRESENCE_KEYS = {
  partitionPrefix: 'PRES#',
  sort: 'PRES',
  leasePrefix: 'L#',
  subscriptionPrefix: 'PSUB#',
  watchListSort: 'PSUB',
} as const;

export const RATE_LIMIT_KEYS = { partitionPrefix: 'RL#', sortPrefix: 'RATE#' } as const;

export const ENTITY_SERVICE = 'chat';

/** The partition of an app's Socket Mode connection records (entities.ts AppConnection): their inserts bring the app `hello`. */
export const APP_CONNECTION_PARTITION_PREFIX = 'APPCONN#';

/** The partition of an app's unacknowledged Socket Mode envelopes (entities.ts PendingEnvelope): the only items $default may delete. */
export const APP_ENVELOPE_PARTITION_PREFIX = 'ENV#';
