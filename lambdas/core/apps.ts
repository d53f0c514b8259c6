import { randomUUID } from 'node:crypto';
import { optionalVariable } from '../config/env';
import { BINDINGS } from '../config/settings';
import type { AppItem } from '../model/service';
import { nowSeconds } from '../model/store';
import { joinChannel } from './channels';
import { appTokenKind, newAppToken, newSigningSecret, newSocketTicket, newWebhookSecret, TICKET_PREFIX, tokenHash, type AppTokenKind } from './app-tokens';
import type { Caller } from './caller';
import { ClientError, InvalidToken } from './errors';
import { table } from './ports';
import { stableId } from './stable-id';

/*
 * The app platform's installs and credentials. An administrator installs an app from Slack's app
 * manifest with the admin tool (admin/apps.ts), which holds the table's credentials: that is what
 * makes them an administrator. The install creates the app, its bot user and its tokens; the tokens
 * are shown once and stored only as hashes.
 */

/** Bot events this platform delivers (`settings.event_subscriptions.bot_events`). */
export const SUPPORTED_BOT_EVENTS = ['message.channels', 'message.groups', 'message.im', 'message.mpim', 'app_mention', 'reaction_added', 'reaction_removed', 'member_joined_channel', 'member_left_channel'] as const;

/** The parts of Slack's app manifest this platform reads. */
export interface AppManifest {
  name: string;
  botName: string;
  scopes: string[];
  botEvents: string[];
  requestUrl?: string;
  socketMode: boolean;
  /** `features.slash_commands`: each command and the URL its invocations are POSTed to (Socket Mode apps need none). */
  commands: SlashCommand[];
  /** `settings.interactivity`: block actions are sent (`is_enabled`), over HTTP to `request_url` or over Socket Mode. */
  interactivity: { enabled: boolean; requestUrl?: string };
}

export interface SlashCommand {
  command: string;
  url?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** Reads a manifest (JSON, Slack's format); throws with the bad field. */
export function parseManifest(raw: unknown): AppManifest {
  if (!isRecord(raw)) throw new Error('manifest must be a JSON object');
  const display = isRecord(raw.display_information) ? raw.display_information : {};
  const name = typeof display.name === 'string' ? display.name.trim() : '';
  if (!name || name.length > 35) throw new Error('display_information.name is required (at most 35 characters)');
  const features = isRecord(raw.features) ? raw.features : {};
  const botUser = isRecord(features.bot_user) ? features.bot_user : {};
  const botName = (typeof botUser.display_name === 'string' && botUser.display_name.trim()) || name;
  const oauth = isRecord(raw.oauth_config) ? raw.oauth_config : {};
  const scopes = strings(isRecord(oauth.scopes) ? oauth.scopes.bot : undefined);
  const settings = isRecord(raw.settings) ? raw.settings : {};
  const subs = isRecord(settings.event_subscriptions) ? settings.event_subscriptions : {};
  const botEvents = strings(subs.bot_events);
  const unknown = botEvents.filter((e) => !(SUPPORTED_BOT_EVENTS as readonly string[]).includes(e));
  if (unknown.length) throw new Error(`settings.event_subscriptions.bot_events: not supported: ${unknown.join(', ')}`);
  const requestUrl = typeof subs.request_url === 'string' && subs.request_url !== '' ? subs.request_url : undefined;
  if (requestUrl && !/^https?:\/\//.test(requestUrl)) throw new Error('settings.event_subscriptions.request_url must be an http(s) URL');
  const commands: SlashCommand[] = (Array.isArray(features.slash_commands) ? features.slash_commands : []).map((c: unknown, i: number) => {
    const cmd = isRecord(c) && typeof c.command === 'string' ? c.command.trim().toLowerCase() : '';
    if (!/^\/[a-z0-9_-]{1,31}$/.test(cmd)) throw new Error(`features.slash_commands[${i}].command must be like /deploy`);
    const url = isRecord(c) && typeof c.url === 'string' && c.url !== '' ? c.url : undefined;
    if (url && !/^https?:\/\//.test(url)) throw new Error(`features.slash_commands[${i}].url must be an http(s) URL`);
    return url ? { command: cmd, url } : { command: cmd };
  });
  const interactivity = isRecord(settings.interactivity) ? settings.interactivity : {};
  const interactivityUrl = typeof interactivity.request_url === 'string' && interactivity.request_url !== '' ? interactivity.request_url : undefined;
  if (interactivityUrl && !/^https?:\/\//.test(interactivityUrl)) throw new Error('settings.interactivity.request_url must be an http(s) URL');
  return {
    name, botName: botName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 80), scopes, botEvents, requestUrl, socketMode: settings.socket_mode_enabled === true, commands,
    interactivity: { enabled: interactivity.is_enabled === true, ...(interactivityUrl ? { requestUrl: interactivityUrl } : {}) },
  };
}

/** What an install hands the administrator, once: the tokens are not stored and cannot be shown again. */
export interface InstalledApp {
  app_id: string;
  team_id: string;
  bot_user_id: string;
  bot_id: string;
  bot_token: string;
  app_token: string;
  signing_secret: string;
}

/** Installs an app into a workspace (admin tool). */
export async function installApp(teamId: string, manifest: AppManifest): Promise<InstalledApp> {
  const seed = randomUUID();
  const appId = stableId('A', 'app', seed);
  const botId = stableId('B', 'bot', seed);
  const botUserId = stableId('U', 'bot-user', seed);
  const botToken = newAppToken('bot');
  const appToken = newAppToken('app');
  const signingSecret = newSigningSecret();
  await table().apps.install({
    app: {
      teamId, appId, name: manifest.name, botUserId, botId, scopes: manifest.scopes, botEvents: manifest.botEvents,
      requestUrl: manifest.requestUrl, socketMode: manifest.socketMode, signingSecret, commands: manifest.commands,
      interactive: manifest.interactivity.enabled, interactivityUrl: manifest.interactivity.requestUrl,
    },
    botUser: { teamId, userId: botUserId, name: manifest.botName, realName: manifest.name, isBot: true, botId, appId },
    tokens: [{ tokenHash: tokenHash(botToken), kind: 'bot' }, { tokenHash: tokenHash(appToken), kind: 'app' }],
  });
  return { app_id: appId, team_id: teamId, bot_user_id: botUserId, bot_id: botId, bot_token: botToken, app_token: appToken, signing_secret: signingSecret };
}

/** A workspace's apps, without secrets (admin tool). */
export async function listApps(teamId: string) {
  const apps = await table().apps.ofTeam(teamId);
  return Promise.all(apps.map(async (a) => ({
    app_id: a.appId, name: a.name, bot_user_id: a.botUserId, bot_id: a.botId, scopes: a.scopes, bot_events: a.botEvents,
    request_url: a.requestUrl ?? '', socket_mode: a.socketMode, interactivity: { is_enabled: a.interactive === true, request_url: a.interactivityUrl ?? '' },
    ...(a.eventsDisabledAt !== undefined ? { events_disabled_at: Math.floor(a.eventsDisabledAt / 1000) } : {}),
    tokens: (await table().apps.tokensOf(a.appId)).map((t) => ({ kind: t.kind, created: Math.floor(t.createdAt / 1000) })),
  })));
}

async function requireApp(teamId: string, appId: string): Promise<AppItem> {
  const app = await table().apps.get(teamId, appId);
  if (!app) throw new Error(`no app ${appId} in workspace ${teamId}`);
  return app;
}

/** An app's event delivery, disabled for failing too often (lambdas/core/app-health.ts), switched on again (admin tool). */
export async function enableAppEvents(teamId: string, appId: string): Promise<{ was_disabled: boolean }> {
  const app = await requireApp(teamId, appId);
  await table().apps.enableEvents(teamId, appId);
  return { was_disabled: app.eventsDisabledAt !== undefined };
}

/** Replaces an app's tokens of one kind with a new one, which is returned once (admin tool); the old ones stop working at once. */
export async function rotateToken(teamId: string, appId: string, kind: AppTokenKind): Promise<string> {
  await requireApp(teamId, appId);
  const token = newAppToken(kind);
  const old = (await table().apps.tokensOf(appId)).filter((t) => t.kind === kind);
  await table().apps.addToken({ tokenHash: tokenHash(token), kind, teamId, appId });
  for (const t of old) await table().apps.removeToken(t.tokenHash);
  return token;
}

/** Sets an app's Events API URL (admin tool; the caller verified it first). */
export async function setRequestUrl(teamId: string, appId: string, requestUrl: string): Promise<void> {
  await requireApp(teamId, appId);
  if (!/^https?:\/\//.test(requestUrl)) throw new Error('the request URL must be an http(s) URL');
  await table().apps.setRequestUrl(teamId, appId, requestUrl);
}

/** Sets an app's interactivity request URL and turns interactivity on (admin tool; Slack sends no challenge for it). */
export async function setInteractivityUrl(teamId: string, appId: string, url: string): Promise<void> {
  await requireApp(teamId, appId);
  if (!/^https?:\/\//.test(url)) throw new Error('the interactivity URL must be an http(s) URL');
  await table().apps.setInteractivityUrl(teamId, appId, url);
}

/** The caller an app acts as: its bot user with its bot scopes. */
export const botCaller = (app: AppItem): Caller => ({
  userId: app.botUserId, teamId: app.teamId, userName: app.name,
  app: { appId: app.appId, botId: app.botId, tokenKind: 'bot', scopes: app.scopes },
});

/**
 * An incoming webhook for a channel (admin tool): the URL is `{HttpApiUrl}/services/<app>?s=<secret>`,
 * shown once. The bot joins a public channel it is not in; a private one must have invited it.
 */
export async function createWebhook(teamId: string, appId: string, channelId: string, apiUrl: string): Promise<{ url: string; channel: string }> {
  const app = await requireApp(teamId, appId);
  const caller = botCaller(app);
  if (!(await table().memberships.get(channelId, app.botUserId))) await joinChannel(caller, channelId);
  const secret = newWebhookSecret();
  await table().apps.putWebhook({ hookHash: tokenHash(secret), teamId, appId, channelId });
  // The secret rides in the query, which access logs leave out (they log the path), as the upload URL's does.
  return { url: `${apiUrl.replace(/\/$/, '')}/services/${appId}?s=${secret}`, channel: channelId };
}

/** What a webhook's secret posts as and where; undefined for an unknown or revoked one. */
export async function webhookTarget(secret: string): Promise<{ caller: Caller; channelId: string } | undefined> {
  const hook = await table().apps.webhook(tokenHash(secret));
  if (!hook) return undefined;
  const app = await table().apps.get(hook.teamId, hook.appId);
  return app ? { caller: botCaller(app), channelId: hook.channelId } : undefined;
}

/** Revokes every token and webhook of an app and removes it; its bot user stays for the history it wrote (admin tool). */
export async function uninstallApp(teamId: string, appId: string): Promise<void> {
  await requireApp(teamId, appId);
  for (const t of await table().apps.tokensOf(appId)) await table().apps.removeToken(t.tokenHash);
  for (const h of await table().apps.webhooksOf(appId)) await table().apps.removeWebhook(h.hookHash);
  await table().apps.remove(teamId, appId);
}

/** The caller a bot or app-level token names; InvalidToken (401 invalid_auth) for one not issued or revoked. */
export async function callerOfAppToken(token: string): Promise<Caller> {
  const kind = appTokenKind(token);
  if (!kind) throw new InvalidToken('not an app token');
  const issued = await table().apps.token(tokenHash(token));
  if (!issued || issued.kind !== kind) throw new InvalidToken('app token not issued or revoked');
  const app = await table().apps.get(issued.teamId, issued.appId);
  if (!app) throw new InvalidToken('app token of an uninstalled app');
  return {
    userId: app.botUserId,
    teamId: app.teamId,
    userName: app.name,
    app: { appId: app.appId, botId: app.botId, tokenKind: kind, scopes: kind === 'bot' ? app.scopes : ['connections:write'] },
  };
}

/** Socket Mode tickets work for a minute: the SDK connects right after apps.connections.open. */
const TICKET_SECONDS = 60;

/** apps.connections.open: a one-time WebSocket URL for the app (an app-level token only). */
export async function openSocketUrl(caller: Caller): Promise<{ url: string }> {
  if (caller.app?.tokenKind !== 'app') throw new ClientError('not_allowed_token_type');
  const base = optionalVariable(BINDINGS.appSocketUrl);
  if (!base) throw new Error(`${BINDINGS.appSocketUrl} is not set`);
  const ticket = newSocketTicket();
  await table().apps.putTicket({ ticketHash: tokenHash(ticket), teamId: caller.teamId, appId: caller.app.appId, expiresAt: nowSeconds() + TICKET_SECONDS });
  return { url: `${base}?token=${ticket}` };
}

export const isSocketTicket = (token: string) => token.startsWith(TICKET_PREFIX);

/** The app a live (unused, unexpired) ticket was issued to, for the $connect authorizer; undefined when none. */
export async function appOfTicket(ticket: string): Promise<AppItem | undefined> {
  const found = await table().apps.ticket(tokenHash(ticket));
  return found ? table().apps.get(found.teamId, found.appId) : undefined;
}

/**
 * $connect of an app: uses the ticket up (a second connection with it is refused) and records the
 * connection until API Gateway's maximum age. The record's stream insert sends `hello`.
 */
export async function openAppConnection(c: { connectionId: string; appId: string; teamId: string; ticket: string; maxAgeSeconds: number }): Promise<boolean> {
  if (!(await table().apps.consumeTicket(tokenHash(c.ticket)))) return false;
  await table().apps.putConnection({ appId: c.appId, connectionId: c.connectionId, teamId: c.teamId, expiresAt: nowSeconds() + c.maxAgeSeconds });
  return true;
}

export async function closeAppConnection(appId: string, connectionId: string): Promise<void> {
  await table().apps.removeConnection(appId, connectionId);
}

/** An app's `{envelope_id}` frame: the envelope is acknowledged and not sent again. */
export async function ackEnvelope(appId: string, envelopeId: string, payload?: unknown): Promise<void> {
  const response = payload !== undefined && payload !== null && typeof payload === 'object' && Object.keys(payload).length > 0 ? JSON.stringify(payload) : undefined;
  // An ack for an envelope that is not pending (a repeat, a stranger's id) changes nothing.
  await table().apps.ack(appId, envelopeId, response && response.length <= 16_000 ? response : undefined);
}
