import { Entity } from './entity-runtime';
import { BY_OWNER_INDEX, ENTITY_SERVICE, TABLE_KEYS, TTL_ATTRIBUTE } from './keys';

/*
 * One entity per kind of item. Keys use explicit templates (no ElectroDB prefixes, no casing
 * changes) so the stored keys are readable and match the README's table design and the stream filter.
 */

const primary = <const P extends string[], const S extends string[]>(pk: string, pkComposite: P, sk: string, skComposite: S) => ({
  pk: { field: TABLE_KEYS.partition, composite: pkComposite, template: pk, casing: 'none' as const },
  sk: { field: TABLE_KEYS.sort, composite: skComposite, template: sk, casing: 'none' as const },
});

const byOwner = <const P extends string[], const S extends string[]>(pk: string, pkComposite: P, sk: string, skComposite: S) => ({
  index: BY_OWNER_INDEX.name as string,
  pk: { field: BY_OWNER_INDEX.partition, composite: pkComposite, template: pk, casing: 'none' as const },
  sk: { field: BY_OWNER_INDEX.sort, composite: skComposite, template: sk, casing: 'none' as const },
});

const createdAt = { type: 'number', readOnly: true, required: true, default: () => Date.now() } as const;
const expiresAt = { type: 'number', field: TTL_ATTRIBUTE } as const;

export const CHANNEL_KINDS = ['public', 'private', 'mpim', 'im'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const BROADCASTS = ['here', 'channel', 'everyone'] as const;
export const NOTIFY_LEVELS = ['all', 'mentions', 'nothing'] as const;
export const MESSAGE_SUBTYPES = ['channel_topic', 'channel_purpose'] as const;

// A workspace (Slack's team). Created on first use.
export const Workspace = new Entity({
  model: { entity: 'workspace', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    teamId: { type: 'string', required: true },
    name: { type: 'string', required: true },
    createdAt,
  },
  indexes: {
    // A workspace by id
    primary: primary('T#${teamId}', ['teamId'], 'TEAM', []),
  },
});

// A user, provisioned on first use from the token's claims.
export const User = new Entity({
  model: { entity: 'user', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    teamId: { type: 'string', required: true },
    userId: { type: 'string', required: true },
    name: { type: 'string', required: true },
    realName: { type: 'string' },
    /** The address the identity provider verified (lowercase), from the ID token; absent unless verified. */
    email: { type: 'string' },
    /** An app's bot user: its app and Slack's bot id. */
    isBot: { type: 'boolean' },
    botId: { type: 'string' },
    appId: { type: 'string' },
    createdAt,
  },
  indexes: {
    // A user by id; the users of a workspace, a page at a time
    primary: primary('T#${teamId}', ['teamId'], 'U#${userId}', ['userId']),
  },
});
// A verified email address of a workspace's user (users.lookupByEmail). Written when the user's ID
// token says email_verified; a lookup checks the user item still holds the address.
export const UserEmail = new Entity({
  model: { entity: 'userEmail', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    teamId: { type: 'string', required: true },
    email: { type: 'string', required: true },
    userId: { type: 'string', required: true },
  },
  indexes: {
    // The user holding an address in a workspace
    primary: primary('T#${teamId}', ['teamId'], 'EMAIL#${email}', ['email']),
  },
});


// A conversation: a public or private channel, a DM (im) or a group DM (mpim).
export const Channel = new Entity({
  model: { entity: 'channel', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    channelId: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    name: { type: 'string', required: true },
    kind: { type: CHANNEL_KINDS, required: true },
    creator: { type: 'string', required: true },
    /** The sorted user ids of a DM or group DM; they decide its id. */
    dmUsers: { type: 'list', items: { type: 'string' } },
    memberCount: { type: 'number', required: true, default: 0 },
    archived: { type: 'boolean', required: true, default: false },
    topic: { type: 'string' },
    topicCreator: { type: 'string' },
    /** Epoch seconds. */
    topicLastSet: { type: 'number' },
    purpose: { type: 'string' },
    purposeCreator: { type: 'string' },
    purposeLastSet: { type: 'number' },
    /** Who last archived or unarchived the channel (the `user` of channel_archive and channel_unarchive). */
    archivedBy: { type: 'string' },
    createdAt,
  },
  indexes: {
    // A conversation by id
    primary: primary('CH#${channelId}', ['channelId'], 'META', []),
    // A workspace's public channels by name (sparse: private channels and DMs stay out)
    publicByTeam: {
      ...byOwner('T#${teamId}#PUB', ['teamId'], '${name}', ['name']),
      condition: (attr: { kind?: string }) => attr.kind === 'public',
    },
  },
});

// A channel name reserved in its workspace, so names are unique (name_taken).
export const ChannelName = new Entity({
  model: { entity: 'channelName', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    teamId: { type: 'string', required: true },
    name: { type: 'string', required: true },
    channelId: { type: 'string', required: true },
  },
  indexes: {
    // The channel holding a name in a workspace
    primary: primary('T#${teamId}', ['teamId'], 'NAME#${name}', ['name']),
  },
});

// The newest committed ts of a channel. Every send conditionally advances it in the same
// transaction as the message, so ts order is commit order. It also tells readers of a hot channel's
// page snapshot (core/hot-pages.ts) what changed since they read it: `changes` counts edits,
// reactions and deletions there, `removedAt` is when a member last left or was removed (read grants
// made before it no longer hold). A channel whose member left before its first message has a head
// without `lastTs`.
export const ChannelHead = new Entity({
  model: { entity: 'channelHead', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    channelId: { type: 'string', required: true },
    lastTs: { type: 'string' },
    changes: { type: 'number' },
    removedAt: { type: 'number' },
  },
  indexes: {
    // The head of a channel
    primary: primary('CH#${channelId}', ['channelId'], 'HEAD', []),
  },
});

// A user's membership of a conversation, with their read marker.
export const Membership = new Entity({
  model: { entity: 'membership', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    channelId: { type: 'string', required: true },
    userId: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    kind: { type: CHANNEL_KINDS, required: true },
    lastRead: { type: 'string' },
    /** The device that last moved the read marker, so channel_marked skips it. */
    markedBy: { type: 'string' },
    joinedAt: createdAt,
  },
  indexes: {
    // The members of a conversation, a page at a time
    primary: primary('CH#${channelId}', ['channelId'], 'MEM#${userId}', ['userId']),
    // The conversations of a user
    byUser: byOwner('U#${userId}', ['userId'], 'CH#${channelId}', ['channelId']),
  },
});

// A message. Top-level messages, thread replies and broadcast replies all live at MSG#<ts> so any
// message is found by (channel, ts); replies are also indexed by their thread.
export const Message = new Entity({
  model: { entity: 'message', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    channelId: { type: 'string', required: true },
    ts: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    userId: { type: 'string', required: true },
    text: { type: 'string', required: true },
    /** The thread this message belongs to; a top-level message carries its own ts. */
    threadTs: { type: 'string', required: true },
    replyBroadcast: { type: 'boolean' },
    replyCount: { type: 'number' },
    replyUsers: { type: 'set', items: 'string' },
    latestReply: { type: 'string' },
    editedBy: { type: 'string' },
    editedTs: { type: 'string' },
    /** A deleted thread parent stays as a tombstone so its thread can still be read. */
    deleted: { type: 'boolean' },
    /** Reaction name to the users who reacted, as string sets so concurrent ADDs never lose one. */
    reactions: { type: 'any' },
    files: { type: 'any' },
    clientMsgId: { type: 'string' },
    /** The WebSocket connection that sent it with `echo: false`: its ack carried the message's event, so the fan-out posts that connection no echo. */
    ackedTo: { type: 'string' },
    /** Block Kit blocks and legacy attachments, as the JSON given (a string: no nesting limit, no key of theirs unmarshalled). */
    blocks: { type: 'string' },
    attachments: { type: 'string' },
    /** The mentioned users who were members when it was sent or last edited (others stay in the text only). */
    mentions: { type: 'list', items: { type: 'string' } },
    /** An allowed `<!here>`, `<!channel>` or `<!everyone>` (see resolveMentions). */
    broadcast: { type: BROADCASTS },
    /** Slack's subtype of a message the system posts for a member (a topic or purpose set). */
    subtype: { type: MESSAGE_SUBTYPES },
    /** The topic or purpose a channel_topic / channel_purpose message set. */
    about: { type: 'string' },
    createdAt,
  },
  indexes: {
    // A message by (channel, ts); a channel's messages in ts order
    primary: primary('CH#${channelId}', ['channelId'], 'MSG#${ts}', ['ts']),
    // The replies of a thread in ts order (sparse: only replies)
    byThread: {
      ...byOwner('TH#${channelId}#${threadTs}', ['channelId', 'threadTs'], '${ts}', ['ts']),
      condition: (attr: { threadTs?: string; ts?: string }) => attr.threadTs !== attr.ts,
    },
  },
});

// A message pinned to its conversation (pins.add); the fan-out tells the members (pin_added, pin_removed).
export const Pin = new Entity({
  model: { entity: 'pin', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    channelId: { type: 'string', required: true },
    ts: { type: 'string', required: true },
    pinnedBy: { type: 'string', required: true },
    createdAt,
  },
  indexes: {
    // A conversation's pins by message ts
    primary: primary('CH#${channelId}', ['channelId'], 'PIN#${ts}', ['ts']),
  },
});

// chat.postEphemeral's message to one member: the fan-out posts it to that user's live connections
// only (no inbox entry, no history). Kept an hour for nothing but the stream record that carries it.
export const EphemeralMessage = new Entity({
  model: { entity: 'ephemeral', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    channelId: { type: 'string', required: true },
    ts: { type: 'string', required: true },
    /** The author, and the one member who sees it. */
    userId: { type: 'string', required: true },
    toUserId: { type: 'string', required: true },
    text: { type: 'string', required: true },
    threadTs: { type: 'string' },
    blocks: { type: 'string' },
    attachments: { type: 'string' },
    expiresAt,
  },
  indexes: {
    // An ephemeral message by (channel, ts, recipient): written once, never read back
    primary: primary('CH#${channelId}', ['channelId'], 'EPH#${ts}#${toUserId}', ['ts', 'toUserId']),
  },
});

// A message to post later (chat.scheduleMessage), kept under the minute it is due in, so the
// scheduled deliverer reads each past minute's partition (lambdas/core/scheduled.ts). Its id holds
// post_at (a ULID of that time), so the minute is known from the id alone.
export const ScheduledMessage = new Entity({
  model: { entity: 'scheduledMessage', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    scheduledId: { type: 'string', required: true },
    /** post_at in whole minutes since the epoch. */
    dueMinute: { type: 'string', required: true },
    postAt: { type: 'number', required: true },
    channelId: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    userId: { type: 'string', required: true },
    userName: { type: 'string', required: true },
    text: { type: 'string', required: true },
    threadTs: { type: 'string' },
    replyBroadcast: { type: 'boolean' },
    blocks: { type: 'string' },
    attachments: { type: 'string' },
    createdAt,
  },
  indexes: {
    // The messages due in a minute
    primary: primary('DUE#${dueMinute}', ['dueMinute'], 'SCHED#${scheduledId}', ['scheduledId']),
    // A user's scheduled messages, by post_at (the id sorts by it)
    byUser: byOwner('U#${userId}', ['userId'], 'SCHED#${scheduledId}', ['scheduledId']),
  },
});

// A send already made with this client_msg_id by this user in this conversation (kept 24 hours).
export const SentMessage = new Entity({
  model: { entity: 'sentMessage', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    userId: { type: 'string', required: true },
    clientMsgId: { type: 'string', required: true },
    channelId: { type: 'string', required: true },
    ts: { type: 'string', required: true },
    expiresAt,
  },
  indexes: {
    // The send a client message id produced in a conversation: the same id elsewhere is another message.
    // The channel id comes first (ids never hold `#`), so no client_msg_id can make two keys meet.
    primary: primary('IDEM#${userId}', ['userId'], '${channelId}#${clientMsgId}', ['channelId', 'clientMsgId']),
  },
});

// A live WebSocket connection: a lease that pings renew and $disconnect ends.
export const Connection = new Entity({
  model: { entity: 'connection', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    connectionId: { type: 'string', required: true },
    userId: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    deviceId: { type: 'string', required: true },
    connectedAt: createdAt,
    expiresAt,
  },
  indexes: {
    // A connection by id
    primary: primary('CONN#${connectionId}', ['connectionId'], 'CONN', []),
    // The live connections of a user (all their devices)
    byUser: byOwner('U#${userId}', ['userId'], 'CONN#${connectionId}', ['connectionId']),
  },
});

// A live connection subscribed to a channel: fan-out reads these, so its cost follows the
// members online, not the members.
export const LiveSubscription = new Entity({
  model: { entity: 'liveSubscription', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    channelId: { type: 'string', required: true },
    connectionId: { type: 'string', required: true },
    userId: { type: 'string', required: true },
    deviceId: { type: 'string', required: true },
    /** When this subscription was written (ms): a 410 soon after is a handshake still under way, not a gone connection. */
    subscribedAt: { type: 'number', required: true, default: () => Date.now() },
    expiresAt,
  },
  indexes: {
    // The live connections of a channel
    primary: primary('LIVE#${channelId}', ['channelId'], '${connectionId}', ['connectionId']),
  },
});

// An event kept for a user while any device may have missed it (30 days). Devices read it with
// sync from their own cursor; reading never removes it.
export const InboxEntry = new Entity({
  model: { entity: 'inboxEntry', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    userId: { type: 'string', required: true },
    seq: { type: 'string', required: true },
    channelId: { type: 'string', required: true },
    eventId: { type: 'string', required: true },
    /** The event as JSON, exactly as a live connection would have received it. */
    event: { type: 'string', required: true },
    expiresAt,
  },
  indexes: {
    // A user's inbox in write order, from a cursor
    primary: primary('IN#${userId}', ['userId'], '${seq}', ['seq']),
  },
});

// One event of a channel below the hot threshold, kept for its members' devices to sync (core/sync.ts
// reads the logs of the user's channels beside the user's inbox): one write an event, not one a member.
export const ChannelLogEntry = new Entity({
  model: { entity: 'channelLogEntry', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    channelId: { type: 'string', required: true },
    seq: { type: 'string', required: true },
    eventId: { type: 'string', required: true },
    /** The event as JSON, exactly as a live connection would have received it. */
    event: { type: 'string', required: true },
    expiresAt,
  },
  indexes: {
    // A channel's log in write order, from a cursor
    primary: primary('CL#${channelId}', ['channelId'], '${seq}', ['seq']),
  },
});

export const FILE_STATUSES = ['pending', 'complete'] as const;

// An uploaded file: pending from files.getUploadURLExternal until files.completeUploadExternal
// checks the object and marks it complete. Pending ones expire after a day (as their objects do).
export const UploadedFile = new Entity({
  model: { entity: 'file', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    fileId: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    userId: { type: 'string', required: true },
    /** The client's file name (for display); the object key uses a sanitized form. */
    name: { type: 'string', required: true },
    title: { type: 'string', required: true },
    mimetype: { type: 'string', required: true },
    /** Declared bytes; the upload policy holds S3 to exactly this. */
    size: { type: 'number', required: true },
    /** The object's key: under uploads/pending/ until complete, then its final key. */
    key: { type: 'string', required: true },
    status: { type: FILE_STATUSES, required: true },
    altTxt: { type: 'string' },
    /** Slack's upload URL: the SHA-256 (hex) of its secret, and when it stops working (epoch seconds). */
    uploadHash: { type: 'string' },
    uploadExpiresAt: { type: 'number' },
    originalW: { type: 'number' },
    originalH: { type: 'number' },
    /** The conversations the file was shared into (files.info: who may see it). */
    channels: { type: 'list', items: { type: 'string' } },
    createdAt,
    expiresAt,
  },
  indexes: {
    // A file by id
    primary: primary('F#${fileId}', ['fileId'], 'FILE', []),
  },
});

// A user's notification preferences and Do Not Disturb: one item, so reading them is one get.
// Muted channels and the channels of each level are string sets, so each change is one atomic update.
export const NotificationPrefs = new Entity({
  model: { entity: 'notificationPrefs', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    userId: { type: 'string', required: true },
    level: { type: NOTIFY_LEVELS },
    hideContent: { type: 'boolean' },
    muted: { type: 'set', items: 'string' },
    /** The channels given each level (a channel is in at most one; the update that adds it to one deletes it from the others). */
    levelAll: { type: 'set', items: 'string' },
    levelMentions: { type: 'set', items: 'string' },
    levelNothing: { type: 'set', items: 'string' },
    /** Snoozed until (epoch ms). */
    snoozeUntil: { type: 'number' },
    /** The daily DND window in the user's local minutes of the day, and their UTC offset in minutes. */
    dndStartMinute: { type: 'number' },
    dndEndMinute: { type: 'number' },
    timezoneOffsetMinutes: { type: 'number' },
  },
  indexes: {
    // A user's preferences
    primary: primary('U#${userId}', ['userId'], 'PREFS', []),
  },
});

export const PUSH_KINDS = ['webpush', 'sns'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

// A device's push subscription (Web Push: the push service's endpoint and the browser's keys; or an
// SNS platform endpoint ARN). One per user and device; it expires unless the device renews it.
export const PushSubscription = new Entity({
  model: { entity: 'pushSubscription', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    userId: { type: 'string', required: true },
    deviceId: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    kind: { type: PUSH_KINDS, required: true },
    /** The push service URL (Web Push) or the SNS endpoint ARN. */
    endpoint: { type: 'string', required: true },
    /** Web Push only: the browser's P-256 public key and auth secret (base64url). */
    p256dh: { type: 'string' },
    auth: { type: 'string' },
    createdAt,
    expiresAt,
  },
  indexes: {
    // A user's push subscriptions, one per device (the sort key's DEV# keeps device ids clear of the stream filters' MSG#/MEM#/META)
    primary: primary('PUSH#${userId}', ['userId'], 'DEV#${deviceId}', ['deviceId']),
  },
});

// A push already sent for a message to one device: written (conditionally) before the send, so a
// replayed stream record never pushes twice. Kept past the stream's 24 h retention.
export const PushSent = new Entity({
  model: { entity: 'pushSent', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    channelId: { type: 'string', required: true },
    ts: { type: 'string', required: true },
    userId: { type: 'string', required: true },
    deviceId: { type: 'string', required: true },
    expiresAt,
  },
  indexes: {
    // The push of one message to one device of one user
    primary: primary('PUSHED#${channelId}#${ts}', ['channelId', 'ts'], '${userId}#${deviceId}', ['userId', 'deviceId']),
  },
});

// An app installed into a workspace by an administrator (admin/apps.ts), from Slack's app manifest.
export const App = new Entity({
  model: { entity: 'app', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    teamId: { type: 'string', required: true },
    appId: { type: 'string', required: true },
    name: { type: 'string', required: true },
    /** Its bot user (a User item with isBot) and Slack's bot id. */
    botUserId: { type: 'string', required: true },
    botId: { type: 'string', required: true },
    /** `oauth_config.scopes.bot`. */
    scopes: { type: 'list', items: { type: 'string' }, required: true },
    /** `settings.event_subscriptions.bot_events`. */
    botEvents: { type: 'list', items: { type: 'string' }, required: true },
    /** `settings.event_subscriptions.request_url`: the Events API over HTTP (empty: Socket Mode only). */
    requestUrl: { type: 'string' },
    socketMode: { type: 'boolean', required: true, default: false },
    /** `features.slash_commands`: `[{command, url?}]`. */
    commands: { type: 'any' },
    /** `settings.interactivity`: whether block actions are sent, and where over HTTP (empty: Socket Mode). */
    interactive: { type: 'boolean' },
    interactivityUrl: { type: 'string' },
    /**
     * The signing secret of its HTTP requests. Unlike tokens it cannot be stored hashed: every
     * request is signed with it. Never logged, never returned but by the admin tool.
     */
    signingSecret: { type: 'string', required: true },
    /** Set when its Events API deliveries failed too often (lambdas/core/app-health.ts): no events are sent until `npm run app -- enable`. */
    eventsDisabledAt: { type: 'number' },
    createdAt,
  },
  indexes: {
    // An app by id; the apps of a workspace (the dispatcher's apps part reads these per batch)
    primary: primary('T#${teamId}', ['teamId'], 'APP#${appId}', ['appId']),
  },
});

export const APP_TOKEN_KINDS = ['bot', 'app'] as const;

// A token issued to an app, stored by the SHA-256 (hex) of the token: the token itself is never stored.
export const AppToken = new Entity({
  model: { entity: 'appToken', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    tokenHash: { type: 'string', required: true },
    kind: { type: APP_TOKEN_KINDS, required: true },
    teamId: { type: 'string', required: true },
    appId: { type: 'string', required: true },
    createdAt,
  },
  indexes: {
    // A token by its hash (every Web API call with it)
    primary: primary('TOK#${tokenHash}', ['tokenHash'], 'TOKEN', []),
    // The tokens of an app (list, rotate, revoke)
    byApp: byOwner('APP#${appId}', ['appId'], 'TOK#${kind}#${tokenHash}', ['kind', 'tokenHash']),
  },
});

// A one-time Socket Mode ticket (apps.connections.open), by the SHA-256 of the ticket; expires in 60 s.
export const SocketTicket = new Entity({
  model: { entity: 'socketTicket', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    ticketHash: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    appId: { type: 'string', required: true },
    expiresAt,
  },
  indexes: {
    // A ticket by its hash
    primary: primary('TICKET#${ticketHash}', ['ticketHash'], 'TICKET', []),
  },
});

// An app's live Socket Mode connection. Its insert, through the stream, sends the app `hello`.
export const AppConnection = new Entity({
  model: { entity: 'appConnection', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    appId: { type: 'string', required: true },
    connectionId: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    connectedAt: createdAt,
    /** When `hello` reached it: envelopes go only to greeted connections, so hello always comes first. */
    greetedAt: { type: 'number' },
    expiresAt,
  },
  indexes: {
    // The live Socket Mode connections of an app
    primary: primary('APPCONN#${appId}', ['appId'], '${connectionId}', ['connectionId']),
  },
});

// An events_api envelope sent over Socket Mode and not yet acknowledged (its ack deletes it).
export const PendingEnvelope = new Entity({
  model: { entity: 'pendingEnvelope', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    appId: { type: 'string', required: true },
    envelopeId: { type: 'string', required: true },
    /** Set by the app's `{envelope_id, payload}` ack; `response` is its payload as JSON (a slash command's reply). */
    ackedAt: { type: 'number' },
    response: { type: 'string' },
    expiresAt,
  },
  indexes: {
    // An envelope awaiting its ack
    primary: primary('ENV#${appId}', ['appId'], '${envelopeId}', ['envelopeId']),
  },
});

// An incoming webhook: a per-channel URL an app posts to as its bot, by the SHA-256 of the URL's secret.
export const IncomingWebhook = new Entity({
  model: { entity: 'incomingWebhook', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    hookHash: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    appId: { type: 'string', required: true },
    channelId: { type: 'string', required: true },
    createdAt,
  },
  indexes: {
    // A webhook by the hash of its secret (every post to it)
    primary: primary('HOOK#${hookHash}', ['hookHash'], 'HOOK', []),
    // The webhooks of an app (revoked with it)
    byApp: byOwner('APP#${appId}', ['appId'], 'HOOK#${hookHash}', ['hookHash']),
  },
});

// A slash command's or block action's response_url: the app may post up to 5 replies within 30 minutes.
export const CommandResponseUrl = new Entity({
  model: { entity: 'commandResponseUrl', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    urlHash: { type: 'string', required: true },
    teamId: { type: 'string', required: true },
    appId: { type: 'string', required: true },
    channelId: { type: 'string', required: true },
    userId: { type: 'string', required: true },
    /** A block action's response_url: the message it may replace or delete (replace_original, delete_original). */
    messageTs: { type: 'string' },
    uses: { type: 'number', required: true, default: 0 },
    expiresAt,
  },
  indexes: {
    // A response URL by the hash of its secret
    primary: primary('RESP#${urlHash}', ['urlHash'], 'RESP', []),
  },
});

// An app's Events API tries and failures in one hour (the health check's rolling hour reads this one and the last).
export const AppHealthBucket = new Entity({
  model: { entity: 'appHealthBucket', service: ENTITY_SERVICE, version: '1' },
  attributes: {
    appId: { type: 'string', required: true },
    /** The hour, as epoch seconds / 3600. */
    hour: { type: 'number', required: true },
    attempts: { type: 'number' },
    failures: { type: 'number' },
    expiresAt,
  },
  indexes: {
    // An app's counters of one hour
    primary: primary('APPHEALTH#${appId}', ['appId'], 'H#${hour}', ['hour']),
  },
});
