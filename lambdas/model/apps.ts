import { DeleteCommand } from './document-client';
import { AppConnection } from './entities';
import { keyOf, queryStart } from './entity-keys';
import type { AppConnectionItem, AppItem, AppTokenItem } from './service';
import { entityItems, isConditionFailure, isLive, queryRange, transact, asTransactItem, type Item, type TableContext } from './store';

/** An app's Events API tries and failures in an hour. */
export interface HealthCounts {
  attempts: number;
  failures: number;
}

/** What installing an app writes: the app, its bot user and its first tokens, in one transaction. */
export interface NewApp {
  app: Omit<AppItem, 'createdAt'>;
  botUser: { teamId: string; userId: string; name: string; realName?: string; isBot: true; botId: string; appId: string };
  tokens: Array<{ tokenHash: string; kind: 'bot' | 'app' }>;
}

/** Installed apps, their tokens (by hash), Socket Mode tickets, connections and unacknowledged envelopes. */
export function appAccess(t: TableContext) {
  const { app, appToken, socketTicket, appConnection, pendingEnvelope, incomingWebhook, commandResponseUrl, appHealthBucket, user, workspace } = t.service.entities;
  return {
    // An app, its bot user and its tokens, written together (a failure leaves none of them)
    install: async (n: NewApp): Promise<void> => {
      await transact(t, [
        asTransactItem('Put', workspace.put({ teamId: n.app.teamId, name: n.app.teamId }).params()),
        asTransactItem('Put', app.create(n.app).params()),
        asTransactItem('Put', user.put(n.botUser).params()),
        ...n.tokens.map((tok) => asTransactItem('Put', appToken.create({ ...tok, teamId: n.app.teamId, appId: n.app.appId }).params())),
      ]);
    },

    // An app of a workspace by id
    get: async (teamId: string, appId: string): Promise<AppItem | undefined> => (await app.get({ teamId, appId }).go()).data ?? undefined,

    // The apps of a workspace (few: an administrator installs each)
    ofTeam: async (teamId: string): Promise<AppItem[]> => {
      const start = queryStart(app.query.primary({ teamId }).params());
      return entityItems(await queryRange(t, { ...start, prefix: start.sortPrefix, limit: 1000 }), (Item) => app.parse({ Item }).data);
    },

    // An app's Events API request URL set (after it answered url_verification)
    setRequestUrl: async (teamId: string, appId: string, requestUrl: string): Promise<void> => {
      await app.patch({ teamId, appId }).set({ requestUrl }).go();
    },

    // An app's interactivity request URL set (interactivity on)
    setInteractivityUrl: async (teamId: string, appId: string, interactivityUrl: string): Promise<void> => {
      await app.patch({ teamId, appId }).set({ interactivityUrl, interactive: true }).go();
    },

    // A token by its hash
    token: async (tokenHash: string): Promise<AppTokenItem | undefined> => (await appToken.get({ tokenHash }).go()).data ?? undefined,

    // The tokens of an app
    tokensOf: async (appId: string): Promise<AppTokenItem[]> => (await appToken.query.byApp({ appId }).go({ pages: 'all' })).data,

    // A new token for an app
    addToken: async (tok: { tokenHash: string; kind: 'bot' | 'app'; teamId: string; appId: string }): Promise<void> => {
      await appToken.create(tok).go();
    },

    // A token revoked (deleted: a revoked token is then the same as one never issued)
    removeToken: async (tokenHash: string): Promise<void> => {
      await appToken.delete({ tokenHash }).go();
    },

    // An app removed (its tokens are removed with removeToken first; the bot user stays, as Slack keeps deactivated bots)
    remove: async (teamId: string, appId: string): Promise<void> => {
      await app.delete({ teamId, appId }).go();
    },

    // An incoming webhook of an app for a channel
    putWebhook: async (h: { hookHash: string; teamId: string; appId: string; channelId: string }): Promise<void> => {
      await incomingWebhook.create(h).go();
    },

    // A webhook by the hash of its secret
    webhook: async (hookHash: string) => (await incomingWebhook.get({ hookHash }).go()).data ?? undefined,

    // The webhooks of an app
    webhooksOf: async (appId: string) => (await incomingWebhook.query.byApp({ appId }).go({ pages: 'all' })).data,

    // A webhook removed
    removeWebhook: async (hookHash: string): Promise<void> => {
      await incomingWebhook.delete({ hookHash }).go();
    },

    // A one-time Socket Mode ticket
    putTicket: async (tk: { ticketHash: string; teamId: string; appId: string; expiresAt: number }): Promise<void> => {
      await socketTicket.create(tk).go();
    },

    // A ticket by its hash, unless it expired
    ticket: async (ticketHash: string) => {
      const found = (await socketTicket.get({ ticketHash }).go({ consistent: true })).data;
      return found && isLive(found as unknown as Item) ? found : undefined;
    },

    // A ticket used up: true for the one caller that deleted it, false if it was already used
    consumeTicket: async (ticketHash: string): Promise<boolean> => {
      try {
        await t.client.send(new DeleteCommand({
          TableName: t.table,
          Key: keyOf(socketTicket.get({ ticketHash }).params()),
          ConditionExpression: 'attribute_exists(pk)',
        }));
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // An app's Socket Mode connection recorded (its stream insert sends `hello`)
    putConnection: async (c: { appId: string; connectionId: string; teamId: string; expiresAt: number }): Promise<void> => {
      await appConnection.put(c).go();
    },

    // An app's Socket Mode connection removed
    removeConnection: async (appId: string, connectionId: string): Promise<void> => {
      await appConnection.delete({ appId, connectionId }).go();
    },

    // A connection marked as greeted (hello sent)
    markGreeted: async (appId: string, connectionId: string): Promise<void> => {
      await appConnection.patch({ appId, connectionId }).set({ greetedAt: Date.now() }).go();
    },

    // The live Socket Mode connections of an app
    connectionsOf: async (appId: string): Promise<AppConnectionItem[]> => {
      const start = queryStart(appConnection.query.primary({ appId }).params());
      return entityItems(await queryRange(t, { ...start, limit: 100, keep: (item) => isLive(item) }), (Item) => appConnection.parse({ Item }).data);
    },

    // An envelope awaiting its ack
    putPending: async (p: { appId: string; envelopeId: string; expiresAt: number }): Promise<void> => {
      await pendingEnvelope.put(p).go();
    },

    // Whether an envelope is still unacknowledged (consistent: an ack just written counts)
    isPending: async (appId: string, envelopeId: string): Promise<boolean> => {
      const found = (await pendingEnvelope.get({ appId, envelopeId }).go({ consistent: true })).data;
      return found != null && found.ackedAt === undefined;
    },

    // An envelope's ack and the payload it carried (consistent), once acknowledged
    ackOf: async (appId: string, envelopeId: string): Promise<{ response?: string } | undefined> => {
      const found = (await pendingEnvelope.get({ appId, envelopeId }).go({ consistent: true })).data;
      return found?.ackedAt !== undefined ? { response: found.response } : undefined;
    },

    // An envelope acknowledged, with the ack's payload; false for an envelope that is not (or no longer) pending
    ack: async (appId: string, envelopeId: string, response?: string): Promise<boolean> => {
      try {
        await pendingEnvelope.patch({ appId, envelopeId }).set({ ackedAt: Date.now(), ...(response ? { response } : {}) }).go();
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // An app's Events API tries and failures added to its hour's counters (one ADD; the item lives 2 hours); the hour's totals
    addDeliveryCounts: async (appId: string, hour: number, attempts: number, failures: number): Promise<HealthCounts> => {
      const updated = await appHealthBucket.update({ appId, hour }).add({ attempts, failures }).set({ expiresAt: (hour + 2) * 3600 }).go({ response: 'all_new' });
      return { attempts: updated.data.attempts ?? 0, failures: updated.data.failures ?? 0 };
    },

    // An app's counters of one hour (zeros when it had no tries then)
    deliveryCounts: async (appId: string, hour: number): Promise<HealthCounts> => {
      const found = (await appHealthBucket.get({ appId, hour }).go()).data;
      return { attempts: found?.attempts ?? 0, failures: found?.failures ?? 0 };
    },

    // An app's event delivery disabled (its deliveries failed too often); false when it already was
    disableEvents: async (teamId: string, appId: string): Promise<boolean> => {
      try {
        await app.patch({ teamId, appId }).set({ eventsDisabledAt: Date.now() }).where(({ eventsDisabledAt }, { notExists }) => notExists(eventsDisabledAt)).go();
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    // An app's event delivery enabled again (the administrator's `enable`)
    enableEvents: async (teamId: string, appId: string): Promise<void> => {
      await app.patch({ teamId, appId }).remove(['eventsDisabledAt']).go();
    },

    // A slash command's (or a block action's, with the message's ts) response URL
    putResponseUrl: async (r: { urlHash: string; teamId: string; appId: string; channelId: string; userId: string; messageTs?: string; expiresAt: number }): Promise<void> => {
      await commandResponseUrl.create(r).go();
    },

    // One use of a response URL: its target, unless it expired or was used `maxUses` times
    useResponseUrl: async (urlHash: string, maxUses: number) => {
      try {
        const updated = await commandResponseUrl.patch({ urlHash }).add({ uses: 1 })
          .where(({ uses, expiresAt }, { lt, gt }) => `${lt(uses, maxUses)} AND ${gt(expiresAt, Math.floor(Date.now() / 1000))}`)
          .go({ response: 'all_new' });
        return updated.data;
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },
  };
}

/** Whether a raw stream image is an app's Socket Mode connection, and which. */
export function appConnectionOf(raw: Item | undefined): AppConnectionItem | undefined {
  if (!raw || !(AppConnection as unknown as { ownsItem(i: Item): boolean }).ownsItem(raw)) return undefined;
  return AppConnection.parse({ Item: raw }).data ?? undefined;
}
