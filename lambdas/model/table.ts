import type { DocumentClient } from './document-client';
import { appAccess } from './apps';
import { channelAccess } from './channels';
import { connectionAccess } from './connections';
import { ephemeralAccess } from './ephemeral';
import { fileAccess } from './files';
import { channelLogAccess, inboxAccess } from './inbox';
import { membershipAccess } from './memberships';
import { messageAccess } from './messages';
import { pinAccess } from './pins';
import { prefsAccess } from './prefs';
import { presenceAccess } from './presence';
import { pushAccess } from './push';
import { rateBucketAccess } from './rate-buckets';
import { scheduledMessageAccess } from './scheduled-messages';
import { createChatService } from './service';
import { userAccess } from './users';

/**
 * The data-access layer: every access pattern of the table as a named, typed function, grouped
 * by what it reads and writes. The core sees only this (tests give it fakes of the same shape).
 *
 * Keys, reads' formatting and puts go through the entities (./entities.ts, ElectroDB's schema and
 * types, run by ./entity-runtime.ts so no function loads ElectroDB); key-range queries,
 * transactions and batches go through ./store.ts with keys taken from the entities.
 */
export function createChatTable(client: DocumentClient, table: string) {
  const t = { service: createChatService(client, table), client, table };
  return {
    users: userAccess(t),
    channels: channelAccess(t),
    memberships: membershipAccess(t),
    messages: messageAccess(t),
    connections: connectionAccess(t),
    presence: presenceAccess(t),
    inbox: inboxAccess(t),
    channelLog: channelLogAccess(t),
    files: fileAccess(t),
    rateBuckets: rateBucketAccess(t),
    pins: pinAccess(t),
    ephemeral: ephemeralAccess(t),
    scheduledMessages: scheduledMessageAccess(t),
    prefs: prefsAccess(t),
    push: pushAccess(t),
    apps: appAccess(t),
  };
}

export type ChatTable = ReturnType<typeof createChatTable>;
