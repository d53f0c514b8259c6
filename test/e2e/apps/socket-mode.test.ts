import { App, LogLevel, type Logger } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import { api, target, isLocal } from '../harness/target';
import { call, callFails, eventually, LIVE_MS, newTeam, person, type Person } from '../support';
import { adminCommand, installTestApp, manifest } from './install';
import type { InstalledApp } from '../../../lambdas/core/apps';

/** The admin tool reaches the table through the local cloud's endpoints file, and test apps listen on 127.0.0.1: local cloud only. */
const localOnly = isLocal() ? describe : describe.skip;

/*
 * An unmodified @slack/bolt app in Socket Mode: only its tokens and the Web API's URL differ from a
 * Slack deployment (the WebSocket URL comes from apps.connections.open, as on Slack).
 */

/** Bolt's logger interface, keeping its warnings and errors for the test's assertion. */
function recordingLogger(lines: string[]): Logger {
  let level = LogLevel.INFO;
  const keep = (kind: string) => (...msg: unknown[]) => void lines.push(`${kind}: ${msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ')}`);
  return {
    debug: () => undefined, info: () => undefined, warn: keep('warn'), error: keep('error'),
    setLevel: (l: LogLevel) => void (level = l), getLevel: () => level, setName: () => undefined,
  };
}

const slackApiUrl = () => `${target().httpApiUrl}/api/`;

localOnly('apps: bot tokens, scopes and Socket Mode', () => {
  let alice: Person;
  let installed: InstalledApp;
  let channel: string;
  const team = newTeam();

  beforeAll(async () => {
    alice = await person('alice', team);
    installed = await installTestApp(team, manifest('helper', {
      scopes: ['chat:write', 'reactions:write', 'channels:history', 'app_mentions:read', 'users:read'],
      events: ['app_mention', 'message.channels', 'reaction_added', 'member_joined_channel'],
      socketMode: true,
    }));
    channel = (await call(alice.token, 'conversations.create', { name: `bots-${Date.now()}` })).channel.id;
    await call(alice.token, 'conversations.invite', { channel, users: installed.bot_user_id });
  });

  it('issues xoxb/xapp tokens; auth.test answers for the bot as Slack does; the bot is in users.list', async () => {
    expect(installed.bot_token).toMatch(/^xoxb-/);
    expect(installed.app_token).toMatch(/^xapp-/);
    const auth = await call(installed.bot_token, 'auth.test');
    expect(auth).toMatchObject({ ok: true, user_id: installed.bot_user_id, bot_id: installed.bot_id, team_id: installed.team_id });
    const members = (await call(alice.token, 'users.list')).members as Array<Record<string, any>>;
    const bot = members.find((m) => m.id === installed.bot_user_id);
    expect(bot).toMatchObject({ is_bot: true, profile: { bot_id: installed.bot_id, api_app_id: installed.app_id } });
    // bots.info for the workspace's members (and the bot itself); another id is bot_not_found.
    expect((await call(alice.token, 'bots.info', { bot: installed.bot_id })).bot).toMatchObject({ id: installed.bot_id, deleted: false, app_id: installed.app_id, user_id: installed.bot_user_id });
    expect(await callFails(alice.token, 'bots.info', { bot: 'B0000000000' })).toBe('bot_not_found');
  });

  it('enforces scopes with missing_scope, needed and provided, and token kinds', async () => {
    const res = await api(installed.bot_token, 'conversations.create', { name: 'nope' });
    expect(res.body).toEqual({ ok: false, error: 'missing_scope', needed: 'channels:manage,groups:write', provided: 'chat:write,reactions:write,channels:history,app_mentions:read,users:read' });
    expect(await callFails(installed.app_token, 'chat.postMessage', { channel, text: 'x' })).toBe('not_allowed_token_type');
    expect(await callFails(installed.bot_token, 'apps.connections.open')).toBe('not_allowed_token_type');
    expect(await callFails(alice.token, 'apps.connections.open')).toBe('not_allowed_token_type');
    // A bot's post and reaction through the Web API.
    const posted = await call(installed.bot_token, 'chat.postMessage', { channel, text: 'hello from the bot' });
    await call(installed.bot_token, 'reactions.add', { channel, timestamp: posted.ts, name: 'wave' });
    const history = await call(alice.token, 'conversations.history', { channel, limit: 5 });
    expect(history.messages[0]).toMatchObject({ user: installed.bot_user_id, text: 'hello from the bot', reactions: [{ name: 'wave', count: 1 }] });
  });

  it('a Socket Mode URL works once', async () => {
    const opened = await call(installed.app_token, 'apps.connections.open');
    expect(opened.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\?token=xsmt-/);
    const { WebSocket } = await import('ws');
    const first = new WebSocket(opened.url);
    const hello = await new Promise<Record<string, any>>((resolve, reject) => {
      first.once('message', (data) => resolve(JSON.parse(String(data))));
      first.once('error', reject);
    });
    expect(hello).toMatchObject({ type: 'hello', connection_info: { app_id: installed.app_id } });
    const second = new WebSocket(opened.url);
    const refused = await new Promise<number>((resolve) => second.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(refused).toBe(401);
    first.close();
  });

  it('an unmodified Bolt app gets app_mention and message events, replies with say and reacts', async () => {
    const problems: string[] = [];
    const app = new App({
      token: installed.bot_token,
      appToken: installed.app_token,
      socketMode: true,
      logger: recordingLogger(problems),
      clientOptions: { slackApiUrl: slackApiUrl() },
    });
    app.event('app_mention', async ({ event, say }) => {
      await say(`hi <@${event.user}>, you said: ${event.text.replace(/<@[^>]+>\s*/, '')}`);
    });
    app.message('ping', async ({ message, say, client }) => {
      if (!('ts' in message)) return;
      await client.reactions.add({ channel: message.channel, timestamp: message.ts, name: 'eyes' });
      await say({ text: 'pong', thread_ts: message.ts });
    });
    await app.start();
    try {
      await call(alice.token, 'chat.postMessage', { channel, text: `<@${installed.bot_user_id}> status please` });
      const reply = await eventually(async () => {
        const h = await call(alice.token, 'conversations.history', { channel, limit: 10 });
        return (h.messages as Array<Record<string, any>>).find((m) => m.user === installed.bot_user_id && String(m.text).startsWith('hi '));
      }, LIVE_MS);
      expect(problems).toEqual([]);
      expect(reply.text).toBe(`hi <@${alice.userId}>, you said: status please`);

      const ping = await call(alice.token, 'chat.postMessage', { channel, text: 'ping' });
      const reacted = await eventually(async () => {
        const h = await call(alice.token, 'conversations.history', { channel, latest: ping.ts, inclusive: true, limit: 1 });
        const m = h.messages[0] as Record<string, any>;
        return m.reactions?.some((r: { name: string; users: string[] }) => r.name === 'eyes' && r.users.includes(installed.bot_user_id)) ? m : undefined;
      }, LIVE_MS);
      expect(reacted.ts).toBe(ping.ts);
      const thread = await eventually(async () => {
        const r = await call(alice.token, 'conversations.replies', { channel, ts: ping.ts });
        return (r.messages as Array<Record<string, any>>).find((m) => m.user === installed.bot_user_id && m.text === 'pong');
      }, LIVE_MS);
      expect(thread.thread_ts).toBe(ping.ts);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the app logged: ${problems.join(' | ')}`);
    } finally {
      await app.stop();
    }
  });

  it('redelivers an envelope that was not acknowledged, with retry_attempt and retry_reason', async () => {
    const client = new SocketModeClient({ appToken: installed.app_token, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slackApiUrl() } });
    const seen: Array<{ retry_num?: number; retry_reason?: string; event_id: string }> = [];
    client.on('app_mention', async ({ ack, body, retry_num, retry_reason }) => {
      seen.push({ retry_num, retry_reason, event_id: body.event_id });
      // The first delivery is left unacknowledged.
      if (seen.length > 1) await ack();
    });
    client.on('message', async ({ ack }) => ack());
    await client.start();
    try {
      await call(alice.token, 'chat.postMessage', { channel, text: `<@${installed.bot_user_id}> are you there?` });
      await eventually(async () => (seen.length >= 2 ? true : undefined), LIVE_MS);
      expect(seen[0]).toMatchObject({ retry_num: 0 });
      expect(seen[1]).toMatchObject({ retry_num: 1, retry_reason: 'timeout', event_id: seen[0].event_id });
      // Acknowledged: no third delivery.
      await new Promise((r) => setTimeout(r, 4500));
      expect(seen).toHaveLength(2);
    } finally {
      await client.disconnect();
    }
  });

  it('rotating the bot token stops the old one; revoking the app stops every token', async () => {
    const rotated = (await adminCommand(['rotate', '--team', team, '--app', installed.app_id, '--kind', 'bot'])) as { token: string };
    expect((await api(installed.bot_token, 'auth.test')).status).toBe(401);
    expect((await call(rotated.token, 'auth.test')).bot_id).toBe(installed.bot_id);
    const listed = (await adminCommand(['list', '--team', team])) as { apps: Array<Record<string, any>> };
    expect(listed.apps.map((a) => a.app_id)).toEqual([installed.app_id]);
    expect(JSON.stringify(listed)).not.toContain('xox');
    await adminCommand(['revoke', '--team', team, '--app', installed.app_id]);
    expect((await api(rotated.token, 'auth.test')).body).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await api(installed.app_token, 'apps.connections.open')).status).toBe(401);
  });
});
