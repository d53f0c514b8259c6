import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { target, isLocal } from '../harness/target';
import { call, eventually, LIVE_MS, newTeam, person, type Person } from '../support';
import { adminCommand, installTestApp, manifest } from './install';
import type { InstalledApp } from '../../../lambdas/core/apps';

/** The admin tool reaches the table through the local cloud's endpoints file, and test apps listen on 127.0.0.1: local cloud only. */
const localOnly = isLocal() ? describe : describe.skip;

/*
 * The Events API over HTTP: an unmodified @slack/bolt app with its HTTP receiver on 127.0.0.1 (Bolt
 * verifies every request's signature itself), and a bare server that checks the signature by
 * Slack's recipe and fails once, to see the retry headers.
 */

const slackApiUrl = () => `${target().httpApiUrl}/api/`;
const portOf = (server: Server) => (server.address() as AddressInfo).port;

localOnly('apps: the Events API over HTTP', () => {
  let alice: Person;
  let channel: string;
  const team = newTeam();

  beforeAll(async () => {
    alice = await person('alice', team);
    channel = (await call(alice.token, 'conversations.create', { name: `hooks-${Date.now()}` })).channel.id;
  });

  async function install(name: string): Promise<InstalledApp> {
    const installed = await installTestApp(team, manifest(name, { scopes: ['chat:write', 'reactions:write', 'app_mentions:read', 'channels:history'], events: ['app_mention', 'message.channels'] }));
    await call(alice.token, 'conversations.invite', { channel, users: installed.bot_user_id });
    return installed;
  }

  it('an unmodified Bolt app with the HTTP receiver passes url_verification, gets signed events, replies and reacts', async () => {
    const installed = await install('httpbot');
    const app = new App({ token: installed.bot_token, signingSecret: installed.signing_secret, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slackApiUrl() } });
    app.event('app_mention', async ({ event, say }) => {
      await say(`hello <@${event.user}>`);
    });
    app.message('ping', async ({ message, say, client }) => {
      if (!('ts' in message)) return;
      await client.reactions.add({ channel: message.channel, timestamp: message.ts, name: 'white_check_mark' });
      await say('pong');
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    try {
      const url = `http://127.0.0.1:${portOf(server)}/slack/events`;
      expect(await adminCommand(['set-url', '--team', team, '--app', installed.app_id, '--url', url])).toEqual({ request_url: url });

      await call(alice.token, 'chat.postMessage', { channel, text: `<@${installed.bot_user_id}> hi` });
      const greeting = await eventually(async () => {
        const h = await call(alice.token, 'conversations.history', { channel, limit: 10 });
        return (h.messages as Array<Record<string, any>>).find((m) => m.user === installed.bot_user_id && m.text === `hello <@${alice.userId}>`);
      }, LIVE_MS);
      expect(greeting).toBeDefined();

      const ping = await call(alice.token, 'chat.postMessage', { channel, text: 'ping' });
      await eventually(async () => {
        const h = await call(alice.token, 'conversations.history', { channel, limit: 10 });
        const msgs = h.messages as Array<Record<string, any>>;
        const pinged = msgs.find((m) => m.ts === ping.ts);
        const reacted = pinged?.reactions?.some((r: { name: string }) => r.name === 'white_check_mark');
        return reacted && msgs.some((m) => m.user === installed.bot_user_id && m.text === 'pong') ? true : undefined;
      }, LIVE_MS);
    } finally {
      await app.stop();
    }
  });

  it('signs with v0=HMAC-SHA256 of v0:{ts}:{body}; a failed delivery is retried with X-Slack-Retry-Num and X-Slack-Retry-Reason', async () => {
    const installed = await install('rawhook');
    const received: Array<{ headers: IncomingHttpHeaders; body: Record<string, any>; signed: boolean }> = [];
    let failNext = false;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const ts = String(req.headers['x-slack-request-timestamp']);
        const expected = `v0=${createHmac('sha256', installed.signing_secret).update(`v0:${ts}:${raw}`).digest('hex')}`;
        const body = JSON.parse(raw) as Record<string, any>;
        received.push({ headers: req.headers, body, signed: req.headers['x-slack-signature'] === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 60 });
        if (body.type === 'url_verification') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: body.challenge }));
        if (failNext && body.event?.type === 'app_mention') {
          failNext = false;
          return void res.writeHead(500).end();
        }
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await adminCommand(['set-url', '--team', team, '--app', installed.app_id, '--url', `http://127.0.0.1:${portOf(server)}/events`]);
      expect(received[0]).toMatchObject({ signed: true, body: { type: 'url_verification' } });
      failNext = true;
      await call(alice.token, 'chat.postMessage', { channel, text: `<@${installed.bot_user_id}> once more` });
      const mentions = () => received.filter((r) => r.body.event?.type === 'app_mention');
      await eventually(async () => (mentions().length >= 2 ? true : undefined), LIVE_MS);
      const [first, retry] = mentions();
      expect(first.signed && retry.signed).toBe(true);
      expect(first.headers['x-slack-retry-num']).toBeUndefined();
      expect(retry.headers).toMatchObject({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' });
      expect(retry.body.event_id).toBe(first.body.event_id);
      expect(first.body).toMatchObject({
        type: 'event_callback', team_id: alice.teamId, api_app_id: installed.app_id,
        event: { type: 'app_mention', user: alice.userId, channel, text: `<@${installed.bot_user_id}> once more` },
        authorizations: [{ user_id: installed.bot_user_id, is_bot: true }],
      });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses a request URL inside the network (no request is sent)', async () => {
    const installed = await install('private');
    await expect(adminCommand(['set-url', '--team', team, '--app', installed.app_id, '--url', 'http://169.254.169.254/latest'])).rejects.toThrow('internal address');
    await expect(adminCommand(['set-url', '--team', team, '--app', installed.app_id, '--url', 'http://10.1.2.3/'])).rejects.toThrow('internal address');
  });
});
