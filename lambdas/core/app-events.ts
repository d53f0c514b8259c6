import { randomUUID } from 'node:crypto';
import { AppRequestFailed, postToApp, RefusedUrl } from '../adapters/app-http';
import { scheduleAppRetry } from '../adapters/app-retries';
import { logger } from '../adapters/logger';
import { DeliveryTally } from './app-health';
import { appConnectionOf } from '../model/apps';
import type { AppConnectionItem, AppItem, MembershipItem } from '../model/service';
import { changedEntity, eventsFor, type Change, type Outgoing } from './events';
import { delivery, table } from './ports';
import { inParallel } from './parallel';
import { stableId } from './stable-id';

/*
 * Apps' events from the table's stream: for each installed app of the workspace, the events its
 * manifest subscribes to (`bot_events`), of conversations its bot user is a member of, as Slack's
 * `event_callback`, over Socket Mode (an `events_api` envelope, redelivered until acknowledged) or
 * the Events API (a signed POST to its request URL; a failed one is tried again later through the
 * retry queue, lambdas/queue/app-retry.ts, with Slack's retry headers).
 */

const SUBSCRIPTION_OF_KIND: Record<MembershipItem['kind'], string> = { public: 'message.channels', private: 'message.groups', im: 'message.im', mpim: 'message.mpim' };
const CHANNEL_TYPE: Record<MembershipItem['kind'], string> = { public: 'channel', private: 'group', im: 'im', mpim: 'mpim' };

/** Attempts after the first: Socket Mode waits this long for each ack (HTTP's later tries go through the retry queue). */
export const APP_RETRIES = 3;
export const ACK_WAIT_MS = 3000;
const ACK_POLL_MS = 250;
const APPS_IN_FLIGHT = 8;

export interface AppDelivery {
  app: AppItem;
  payload: Record<string, unknown>;
}

/** Per invocation: each workspace's apps read once. */
export class AppEventsContext {
  private readonly apps = new Map<string, Promise<AppItem[]>>();
  readonly stats = { hellos: 0, events: 0, acked: 0, redelivered: 0, httpFailures: 0, retriesQueued: 0, skippedDisabled: 0 };
  /** The Events API tries of this invocation, per app (lambdas/core/app-health.ts). */
  readonly tally = new DeliveryTally();
  appsOf(teamId: string): Promise<AppItem[]> {
    let found = this.apps.get(teamId);
    if (!found) this.apps.set(teamId, (found = table().apps.ofTeam(teamId)));
    return found;
  }
}

const mentions = (text: unknown, userId: string) => typeof text === 'string' && (text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`));

/** The events of a change each app should get, as event_callback payloads. */
export async function appDeliveriesFor(change: Change, ctx: AppEventsContext): Promise<AppDelivery[]> {
  const stored = changedEntity(change);
  // Pins and ephemeral messages carry no workspace (and app events' stream filter passes neither).
  if (!stored || stored.entity === 'pin' || stored.entity === 'ephemeral') return [];
  const teamId = stored.item.teamId;
  const outgoing = eventsFor(change).filter((o) => o.audience.kind === 'channel');
  if (outgoing.length === 0) return [];
  const apps = (await ctx.appsOf(teamId)).filter((a) => a.botEvents.length > 0);
  const out: AppDelivery[] = [];
  for (const app of apps) {
    const membership = await table().memberships.get(outgoing[0].channelId, app.botUserId);
    if (!membership) continue;
    for (const o of outgoing) for (const event of appEventsOf(o, app, membership)) out.push({ app, payload: eventCallback(app, event, o.event.event_id) });
  }
  return out;
}

/** What one channel event is for one app: the subscribed event types, in Slack's shapes (without our event_id). */
function appEventsOf(o: Outgoing, app: AppItem, membership: MembershipItem): Array<Record<string, unknown>> {
  const { event_id: _ignored, ...event } = o.event;
  const wants = (name: string) => app.botEvents.includes(name);
  // The app's own actions are not sent back to it (Bolt drops them anyway: ignoreSelf).
  if (event.user === app.botUserId && event.type !== 'member_joined_channel') return [];
  const out: Array<Record<string, unknown>> = [];
  if (event.type === 'message' && (event.subtype === undefined || event.subtype === 'thread_broadcast')) {
    if (wants(SUBSCRIPTION_OF_KIND[membership.kind])) out.push({ ...event, channel_type: CHANNEL_TYPE[membership.kind] });
    if (wants('app_mention') && mentions(event.text, app.botUserId)) {
      const { type: _t, channel_type: _c, ...rest } = event as Record<string, unknown>;
      out.push({ type: 'app_mention', ...rest });
    }
  } else if ((event.type === 'reaction_added' || event.type === 'reaction_removed' || event.type === 'member_joined_channel' || event.type === 'member_left_channel') && wants(event.type)) {
    out.push(event);
  }
  return out;
}

function eventCallback(app: AppItem, event: Record<string, unknown>, sourceEventId: string): Record<string, unknown> {
  return {
    token: stableId('V', 'verification', app.appId),
    team_id: app.teamId,
    api_app_id: app.appId,
    event: { ...event, event_ts: event.event_ts ?? event.ts },
    type: 'event_callback',
    // Stable across redeliveries of the stream record, distinct per app and event type.
    event_id: stableId('Ev', sourceEventId, app.appId, String(event.type)),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: app.teamId, user_id: app.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: stableId('EC', sourceEventId, app.appId),
  };
}

/** An app's Socket Mode connection was recorded by $connect: the stream brings it `hello`. */
export async function helloFor(change: Change, ctx: AppEventsContext): Promise<boolean> {
  if (change.kind !== 'INSERT') return false;
  const connection = appConnectionOf(change.newItem);
  if (!connection) return false;
  const all = await table().apps.connectionsOf(connection.appId);
  const hello = {
    type: 'hello',
    num_connections: Math.max(1, all.length),
    debug_info: { host: 'team-chat', build_number: 1, approximate_connection_time: Math.max(0, connection.expiresAt ?? 0) - Math.floor(Date.now() / 1000) },
    connection_info: { app_id: connection.appId },
  };
  // $connect writes the record before API Gateway has opened the socket: a 410 then is the handshake still under way.
  for (let attempt = 0; attempt < 10; attempt++) {
    const outcome = await delivery().postFrame(connection.connectionId, hello);
    if (outcome === 'sent') {
      ctx.stats.hellos++;
      await table().apps.markGreeted(connection.appId, connection.connectionId).catch((error: unknown) => {
        // Closed meanwhile ($disconnect deleted the record): nothing to mark.
        logger.info('app connection gone before it was marked greeted', { error });
      });
      return true;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  logger.warn('hello not delivered to an app connection', { appId: connection.appId, connectionId: connection.connectionId });
  return true;
}

/** Delivers each app its events: Socket Mode when it has live connections, else the Events API when it has a URL. */
export async function deliverToApps(deliveries: AppDelivery[], ctx: AppEventsContext): Promise<void> {
  const socket: AppDelivery[] = [];
  const http: AppDelivery[] = [];
  const disabled = new Set<string>();
  for (const d of deliveries) {
    if (d.app.socketMode) socket.push(d);
    else if (d.app.requestUrl && d.app.eventsDisabledAt !== undefined) disabled.add(d.app.appId);
    else if (d.app.requestUrl) http.push(d);
  }
  if (disabled.size) {
    ctx.stats.skippedDisabled += deliveries.length - socket.length - http.length;
    logger.info('events not sent to apps whose event delivery is disabled', { apps: [...disabled] });
  }
  ctx.stats.events += socket.length + http.length;
  await Promise.all([deliverOverSockets(socket, ctx), inParallel(http, APPS_IN_FLIGHT, (d) => tryOverHttp(d, ctx))]);
  await ctx.tally.flush();
}

export interface Envelope {
  app: AppItem;
  frame: Record<string, unknown>;
}

/** A connection this close to API Gateway's maximum age is asked to reconnect (Slack's `refresh_requested`) instead of used. */
export const REFRESH_BEFORE_SECONDS = 300;

/**
 * Posts an envelope to one of the app's greeted connections. One near its maximum age gets
 * `disconnect` / `refresh_requested` (the SDK opens a new one, which the retry then reaches) and
 * its record is dropped so it is asked once. False when no connection took the envelope.
 */
export async function postEnvelope(e: Envelope, connections: Map<string, Promise<AppConnectionItem[]>>, now = Date.now()): Promise<boolean> {
  let live = connections.get(e.app.appId);
  if (!live) connections.set(e.app.appId, (live = usableConnections(e.app.appId, now)));
  for (const c of [...(await live)].sort(() => Math.random() - 0.5)) {
    const outcome = await delivery().postFrame(c.connectionId, e.frame);
    if (outcome === 'sent') return true;
    if (outcome === 'gone' && now - c.connectedAt > 30_000) await table().apps.removeConnection(c.appId, c.connectionId);
  }
  logger.info('app has no live Socket Mode connection; the envelope waits for its retry', { appId: e.app.appId });
  return false;
}

/** An app's greeted connections; those near their maximum age are sent `refresh_requested` (once: their record goes) and left out. */
async function usableConnections(appId: string, now: number): Promise<AppConnectionItem[]> {
  const usable: AppConnectionItem[] = [];
  for (const c of await table().apps.connectionsOf(appId)) {
    if (c.greetedAt === undefined) continue;
    if ((c.expiresAt ?? Infinity) - now / 1000 < REFRESH_BEFORE_SECONDS) {
      await delivery().postFrame(c.connectionId, { type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'team-chat' } });
      await table().apps.removeConnection(c.appId, c.connectionId);
      continue;
    }
    usable.push(c);
  }
  return usable;
}

/**
 * Socket Mode: each envelope recorded as pending, posted to one of the app's connections, and
 * posted again (`retry_attempt`, `retry_reason: "timeout"`) while no `{envelope_id}` ack has
 * deleted the record, up to APP_RETRIES times ACK_WAIT_MS apart.
 */
async function deliverOverSockets(deliveries: AppDelivery[], ctx: AppEventsContext): Promise<void> {
  if (deliveries.length === 0) return;
  let pending: Envelope[] = [];
  for (const d of deliveries) {
    const envelopeId = randomUUID();
    await table().apps.putPending({ appId: d.app.appId, envelopeId, expiresAt: Math.floor(Date.now() / 1000) + 600 });
    pending.push({ app: d.app, frame: { envelope_id: envelopeId, type: 'events_api', accepts_response_payload: false, payload: d.payload, retry_attempt: 0, retry_reason: '' } });
  }
  for (let attempt = 0; ; attempt++) {
    const connections = new Map<string, Promise<AppConnectionItem[]>>();
    const unsent = new Set<Envelope>();
    await inParallel(pending, APPS_IN_FLIGHT, async (e) => {
      if (!(await postEnvelope(e, connections))) unsent.add(e);
    });
    // An app with no connection at all (not even one opening) is offline: its envelopes are dropped
    // now rather than waited for, so an offline app costs the other apps no retries.
    const offline = new Set<string>();
    for (const appId of new Set([...unsent].map((e) => e.app.appId))) {
      if ((await table().apps.connectionsOf(appId)).length === 0) offline.add(appId);
    }
    if (offline.size) logger.info('Socket Mode apps offline; their envelopes are dropped', { apps: [...offline] });
    // Acks usually come within milliseconds: look every 250 ms, and stop waiting once all came.
    let still: Envelope[] = pending.filter((e) => !offline.has(e.app.appId));
    const deadline = Date.now() + ACK_WAIT_MS;
    while (still.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, ACK_POLL_MS));
      const next: Envelope[] = [];
      for (const e of still) {
        if (await table().apps.isPending(e.app.appId, String(e.frame.envelope_id))) next.push(e);
        else ctx.stats.acked++;
      }
      still = next;
    }
    if (still.length === 0 || attempt >= APP_RETRIES) {
      if (still.length) logger.warn('app envelopes never acknowledged', { count: still.length });
      return;
    }
    ctx.stats.redelivered += still.length;
    pending = still.map((e) => ({ ...e, frame: { ...e.frame, retry_attempt: attempt + 1, retry_reason: 'timeout' } }));
  }
}

/**
 * The Events API: one signed POST (`retryNum` > 0 adds `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`).
 * A failure queues the next try after its delay unless the app answered `X-Slack-No-Retry: 1`, it
 * was the last, or the URL is refused. Every try counts towards the app's health.
 */
export async function tryOverHttp(d: AppDelivery, ctx: AppEventsContext, retry?: { retryNum: number; reason: string }): Promise<void> {
  const body = JSON.stringify(d.payload);
  const headers: Record<string, string> = retry ? { 'x-slack-retry-num': String(retry.retryNum), 'x-slack-retry-reason': retry.reason } : {};
  try {
    await postToApp(d.app.requestUrl ?? '', d.app.signingSecret, body, headers);
    ctx.tally.count(d.app, false);
    return;
  } catch (error) {
    if (error instanceof RefusedUrl) {
      logger.warn('app request URL refused', { appId: d.app.appId, reason: error.message });
      return;
    }
    if (!(error instanceof AppRequestFailed)) throw error;
    ctx.stats.httpFailures++;
    ctx.tally.count(d.app, true);
    const retryNum = (retry?.retryNum ?? 0) + 1;
    if (error.noRetry) {
      logger.info('app asked for no retry (X-Slack-No-Retry: 1)', { appId: d.app.appId, retryNum: retryNum - 1 });
      return;
    }
    // A queue that refuses the retry loses that try only: failing the batch would resend every other app's events.
    const queued = await scheduleAppRetry({ teamId: d.app.teamId, appId: d.app.appId, retryNum, reason: error.reason, payload: d.payload }).catch((queueError: unknown) => {
      logger.error('app retry could not be queued', { appId: d.app.appId, error: queueError });
      return false;
    });
    if (queued) ctx.stats.retriesQueued++;
    else logger.warn('app event not delivered after its retries', { appId: d.app.appId, reason: error.reason, tries: retryNum });
  }
}
