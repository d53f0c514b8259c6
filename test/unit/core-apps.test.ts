import { isValidSlackRequest } from '@slack/bolt';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppRequestFailed, checkAppUrl, isInternalAddress, postToApp, slackSignature } from '../../lambdas/adapters/app-http';
import { appDeliveriesFor, AppEventsContext, deliverToApps, postEnvelope, REFRESH_BEFORE_SECONDS, type Envelope } from '../../lambdas/core/app-events';
import { appTokenKind, newAppToken, tokenHash } from '../../lambdas/core/app-tokens';
import { parseManifest } from '../../lambdas/core/apps';
import { MissingScope } from '../../lambdas/core/errors';
import type { Change } from '../../lambdas/core/events';
import { usePorts } from '../../lambdas/core/ports';
import type { AppConnectionItem, AppItem } from '../../lambdas/model/service';
import type { ChatTable } from '../../lambdas/model/table';
import { checkScopes } from '../../lambdas/http/scopes';
import { recordingDelivery } from './fakes/ports';

const bot = { appId: 'A1', botId: 'B1', tokenKind: 'bot' as const, scopes: ['chat:write'] };

describe('app tokens and scopes', () => {
  it('tokens carry Slack prefixes and are stored by SHA-256 only', () => {
    const token = newAppToken('bot');
    expect(token).toMatch(/^xoxb-[\w-]{43}$/);
    expect(appTokenKind(newAppToken('app'))).toBe('app');
    expect(appTokenKind('eyJhbGciOi.x.y')).toBeUndefined();
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(token)).not.toContain(token.slice(5));
  });

  it('missing_scope names what was needed and provided; token kinds are held to their methods', () => {
    const caller = { userId: 'U1', teamId: 'T1', userName: 'bot', app: bot };
    expect(() => checkScopes(caller, 'chat.postMessage')).not.toThrow();
    expect(() => checkScopes(caller, 'auth.test')).not.toThrow();
    let error: unknown;
    try {
      checkScopes(caller, 'reactions.add');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingScope);
    expect(error).toMatchObject({ code: 'missing_scope', needed: 'reactions:write', provided: 'chat:write' });
    expect(() => checkScopes(caller, 'apps.connections.open')).toThrow('not_allowed_token_type');
    expect(() => checkScopes(caller, 'some.unlisted')).toThrow('not_allowed_token_type');
    const appToken = { ...caller, app: { ...bot, tokenKind: 'app' as const } };
    expect(() => checkScopes(appToken, 'apps.connections.open')).not.toThrow();
    expect(() => checkScopes(appToken, 'chat.postMessage')).toThrow('not_allowed_token_type');
    expect(() => checkScopes({ userId: 'U2', teamId: 'T1', userName: 'alice' }, 'conversations.create')).not.toThrow();
  });

  it("reads Slack's manifest and refuses events it cannot deliver", () => {
    const m = parseManifest({
      display_information: { name: 'Helper Bot' },
      oauth_config: { scopes: { bot: ['chat:write'] } },
      settings: { event_subscriptions: { bot_events: ['app_mention'], request_url: 'https://example.com/slack/events' }, socket_mode_enabled: true },
    });
    expect(m).toEqual({ name: 'Helper Bot', botName: 'helper-bot', scopes: ['chat:write'], botEvents: ['app_mention'], requestUrl: 'https://example.com/slack/events', socketMode: true, commands: [], interactivity: { enabled: false } });
    expect(() => parseManifest({ display_information: {} })).toThrow('display_information.name');
    const withCommands = parseManifest({ display_information: { name: 'x' }, features: { slash_commands: [{ command: '/Deploy', url: 'https://example.com/cmd' }, { command: '/status' }] } });
    expect(withCommands.commands).toEqual([{ command: '/deploy', url: 'https://example.com/cmd' }, { command: '/status' }]);
    expect(() => parseManifest({ display_information: { name: 'x' }, features: { slash_commands: [{ command: 'deploy' }] } })).toThrow('slash_commands[0]');
    expect(() => parseManifest({ display_information: { name: 'x' }, settings: { event_subscriptions: { bot_events: ['team_join'] } } })).toThrow('team_join');
  });
});

describe('outbound requests to apps', () => {
  it("signs as Slack does: Bolt's own verifier accepts the signature and refuses a changed body", () => {
    const secret = 'a'.repeat(32);
    const ts = Math.floor(Date.now() / 1000);
    const body = '{"type":"event_callback"}';
    const headers = { 'x-slack-signature': slackSignature(secret, ts, body), 'x-slack-request-timestamp': ts };
    expect(isValidSlackRequest({ signingSecret: secret, body, headers })).toBe(true);
    expect(isValidSlackRequest({ signingSecret: secret, body: `${body} `, headers })).toBe(false);
  });

  it('treats private, loopback, link-local and metadata addresses as internal', () => {
    for (const a of ['10.0.0.1', '127.0.0.1', '169.254.169.254', '172.16.5.4', '192.168.1.1', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(isInternalAddress(a)).toBe(true);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700::1111']) expect(isInternalAddress(a)).toBe(false);
  });
});

describe('postToApp: bounded, no redirects, internal addresses only when allowed', () => {
  let server: Server;
  let base: string;
  const saved = process.env.APP_URL_ALLOWED_ADDRESSES;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 3500);
      if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(200 * 1024));
      if (req.url === '/fail') return void res.writeHead(503).end();
      if (req.url === '/no-retry') return void res.writeHead(500, { 'x-slack-no-retry': '1' }).end();
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    process.env.APP_URL_ALLOWED_ADDRESSES = saved;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('refuses 127.0.0.1 unless the deployment allows it', async () => {
    delete process.env.APP_URL_ALLOWED_ADDRESSES;
    await expect(checkAppUrl(`${base}/`)).rejects.toThrow('internal address');
    await expect(checkAppUrl('ftp://example.com/')).rejects.toThrow('not http(s)');
    process.env.APP_URL_ALLOWED_ADDRESSES = '127.0.0.1';
    await expect(checkAppUrl(`${base}/`)).resolves.toBeUndefined();
  });

  it('reads at most 64 KiB, follows no redirect, gives Slack\'s retry reasons', async () => {
    process.env.APP_URL_ALLOWED_ADDRESSES = '127.0.0.1';
    const big = (await postToApp(`${base}/big`, 's', '{}')).text.length;
    expect(big > 0 && big <= 64 * 1024).toBe(true);
    expect((await postToApp(`${base}/`, 's', '{}')).text).toBe('ok');
    await expect(postToApp(`${base}/redirect`, 's', '{}')).rejects.toMatchObject({ reason: 'too_many_redirects' });
    await expect(postToApp(`${base}/fail`, 's', '{}')).rejects.toMatchObject({ reason: 'http_error', status: 503, noRetry: false });
    await expect(postToApp(`${base}/no-retry`, 's', '{}')).rejects.toMatchObject({ reason: 'http_error', status: 500, noRetry: true });
    await expect(postToApp(`${base}/slow`, 's', '{}')).rejects.toBeInstanceOf(AppRequestFailed);
    await expect(postToApp('http://127.0.0.1:1/', 's', '{}')).rejects.toMatchObject({ reason: 'connection_failed' });
  }, 10_000);
});

const app = (over: Partial<AppItem> = {}): AppItem => ({
  teamId: 'T1', appId: 'A1', name: 'helper', botUserId: 'UBOT', botId: 'B1', scopes: [], botEvents: ['message.channels', 'app_mention'],
  socketMode: true, signingSecret: 's', createdAt: 0, ...over,
});

function fakeTable(o: { apps: AppItem[]; members: Record<string, string[]>; connections?: AppConnectionItem[]; removed?: string[] }): ChatTable {
  return {
    apps: {
      ofTeam: async () => o.apps,
      connectionsOf: async () => o.connections ?? [],
      removeConnection: async (_a: string, c: string) => void o.removed?.push(c),
      putPending: async () => undefined,
      isPending: async () => true,
    },
    memberships: {
      get: async (channelId: string, userId: string) => ((o.members[channelId] ?? []).includes(userId) ? { channelId, userId, teamId: 'T1', kind: 'public', joinedAt: 0 } : undefined),
    },
  } as unknown as ChatTable;
}

const TS = '01J0000000000000000000000A';
const messageInsert = (text: string, userId = 'UALICE', channelId = 'C1'): Change => ({
  id: 'rec-1',
  kind: 'INSERT',
  newItem: { __edb_e__: 'message', __edb_v__: '1', pk: `CH#${channelId}`, sk: `MSG#${TS}`, channelId, ts: TS, teamId: 'T1', userId, text, threadTs: TS },
});

describe('app events from the stream', () => {
  afterEach(() => usePorts(undefined));

  it('a message in a channel the bot is in: message.channels with channel_type, and app_mention when the bot is mentioned', async () => {
    usePorts({ table: fakeTable({ apps: [app(), app({ appId: 'A2', botUserId: 'UOTHER', botEvents: ['message.channels'] })], members: { C1: ['UBOT'] } }), delivery: recordingDelivery().delivery });
    const out = await appDeliveriesFor(messageInsert('<@UBOT> hello'), new AppEventsContext());
    // A2's bot is not a member of C1: nothing for it.
    expect(out.map((d) => [d.app.appId, (d.payload.event as { type: string }).type])).toEqual([['A1', 'message'], ['A1', 'app_mention']]);
    const [message, mention] = out.map((d) => d.payload);
    expect(message).toMatchObject({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event: { type: 'message', channel: 'C1', channel_type: 'channel', user: 'UALICE' } });
    expect(mention.event).toMatchObject({ type: 'app_mention', text: '<@UBOT> hello', user: 'UALICE', channel: 'C1' });
    expect(mention.event).not.toHaveProperty('event_id');
    expect(message.event_id).not.toBe(mention.event_id);
    // The same stream record gives the same event ids again.
    const again = await appDeliveriesFor(messageInsert('<@UBOT> hello'), new AppEventsContext());
    expect(again.map((d) => d.payload.event_id)).toEqual(out.map((d) => d.payload.event_id));
  });

  it("an app is not sent its own bot's messages, nor events it did not subscribe to", async () => {
    usePorts({ table: fakeTable({ apps: [app({ botEvents: ['app_mention'] })], members: { C1: ['UBOT'] } }), delivery: recordingDelivery().delivery });
    expect(await appDeliveriesFor(messageInsert('no mention here'), new AppEventsContext())).toEqual([]);
    expect(await appDeliveriesFor(messageInsert('<@UBOT> me', 'UBOT'), new AppEventsContext())).toEqual([]);
  });

  it('a connection near its maximum age gets disconnect/refresh_requested and the envelope goes to another', async () => {
    const now = Date.now();
    const conn = (id: string, secondsLeft: number): AppConnectionItem => ({ appId: 'A1', connectionId: id, teamId: 'T1', connectedAt: now - 1000, greetedAt: now - 900, expiresAt: Math.floor(now / 1000) + secondsLeft });
    const removed: string[] = [];
    const { delivery, deliveries } = recordingDelivery();
    usePorts({ table: fakeTable({ apps: [app()], members: {}, connections: [conn('old', REFRESH_BEFORE_SECONDS - 10), conn('new', 7000)], removed }), delivery });
    const envelope: Envelope = { app: app(), frame: { envelope_id: 'e1', type: 'events_api' } };
    expect(await postEnvelope(envelope, new Map(), now)).toBe(true);
    const sent = deliveries.map((d) => [d.recipients[0].connectionId, d.event.type]);
    expect(sent).toContainEqual(['old', 'disconnect']);
    expect(sent).toContainEqual(['new', 'events_api']);
    expect(deliveries.find((d) => d.event.type === 'disconnect')?.event).toMatchObject({ reason: 'refresh_requested' });
    expect(removed).toEqual(['old']);
  });

  it('a Socket Mode app with no connection at all is offline: its envelopes are dropped at once, not waited for', async () => {
    const { delivery, deliveries } = recordingDelivery();
    usePorts({ table: fakeTable({ apps: [app()], members: {}, connections: [] }), delivery });
    const ctx = new AppEventsContext();
    const started = Date.now();
    await deliverToApps([{ app: app(), payload: { event_id: 'Ev1' } }], ctx);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(deliveries).toEqual([]);
    expect(ctx.stats.redelivered).toBe(0);
  });
});
