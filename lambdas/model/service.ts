import type { EntityItem } from 'electrodb';
import type { DocumentClient } from './document-client';
import {
  Channel, ChannelHead, ChannelLogEntry, ChannelName, Connection, InboxEntry, LiveSubscription, Membership, Message,
  SentMessage, UploadedFile, User, UserEmail, Workspace, Pin, EphemeralMessage, ScheduledMessage, NotificationPrefs,
  PushSubscription, PushSent,
  App, AppToken, SocketTicket, AppConnection, PendingEnvelope, IncomingWebhook, CommandResponseUrl,
  AppHealthBucket,
} from './entities';
import { bindEntities } from './entity-runtime';

/** The entities over a document client and a table; one per process. */
export function createChatService(client: DocumentClient, table: string) {
  return bindEntities(
    {
      workspace: Workspace, user: User, userEmail: UserEmail, channel: Channel, channelName: ChannelName, channelHead: ChannelHead,
      membership: Membership, message: Message, sentMessage: SentMessage, connection: Connection,
      liveSubscription: LiveSubscription, inboxEntry: InboxEntry, channelLogEntry: ChannelLogEntry, file: UploadedFile, pin: Pin, ephemeral: EphemeralMessage, scheduledMessage: ScheduledMessage,
      notificationPrefs: NotificationPrefs,
      pushSubscription: PushSubscription, pushSent: PushSent,
      app: App, appToken: AppToken, socketTicket: SocketTicket, appConnection: AppConnection, pendingEnvelope: PendingEnvelope, incomingWebhook: IncomingWebhook, commandResponseUrl: CommandResponseUrl,
      appHealthBucket: AppHealthBucket,
    },
    { client, table },
  );
}

export type ChatService = ReturnType<typeof createChatService>;
export type WorkspaceItem = EntityItem<typeof Workspace>;
export type UserItem = EntityItem<typeof User>;
export type ChannelItem = EntityItem<typeof Channel>;
export type MembershipItem = EntityItem<typeof Membership>;
export type MessageItem = EntityItem<typeof Message>;
export type ConnectionItem = EntityItem<typeof Connection>;
export type LiveSubscriptionItem = EntityItem<typeof LiveSubscription>;
export type InboxEntryItem = EntityItem<typeof InboxEntry>;
export type ChannelLogEntryItem = EntityItem<typeof ChannelLogEntry>;
export type FileItem = EntityItem<typeof UploadedFile>;
export type PinItem = EntityItem<typeof Pin>;
export type EphemeralItem = EntityItem<typeof EphemeralMessage>;
export type ScheduledMessageItem = EntityItem<typeof ScheduledMessage>;
export type NotificationPrefsItem = EntityItem<typeof NotificationPrefs>;
export type PushSubscriptionItem = EntityItem<typeof PushSubscription>;
export type AppItem = EntityItem<typeof App>;
export type AppTokenItem = EntityItem<typeof AppToken>;
export type AppConnectionItem = EntityItem<typeof AppConnection>;
