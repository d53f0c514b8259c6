import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { target, isLocal } from '../harness/target';
import { WsClient } from '../harness/ws-client';
import { call, callFails, eventually, LIVE_MS, newTeam, person, type Person } from '../support';
import { adminCommand, installTestApp, manifest } from './install';

/** The admin tool reaches the table through the local cloud's endpoints file, and test apps listen on 127.0.0.1: local cloud only. */
const localOnly = isLocal() ? describe : describe.skip;

/* Slash commands, run by unmodified Bolt apps: over HTTP (with a delayed reply through response_url) and over Socket Mode. */

const slackApiUrl = () => `${target().httpApiUrl}/api/`;

localOnly('apps: slash commands', () => {
  let alice: Person;
  let channel: string;
  const team = newTeam();

  beforeAll(async () => {
    alice = await person('alice', team);
    channel = (await call(alice.token, 'conversations.create', { name: `cmd-${Date.now()}` })).channel.id;
  });

  it('HTTP: Slack\'s form payload, an in_channel answer posted by the bot, and an ephemeral reply through response_url', async () => {
    const installed = await installTestApp(team, manifest('deployer', { scopes: ['commands', 'chat:write'], events: [], commands: [{ command: '/deploy' }] }));
    await call(alice.token, 'conversations.invite', { channel, users: installed.bot_user_id });
    const app = new App({ token: installed.bot_token, signingSecret: installed.signing_secret, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slackApiUrl() } });
    const seen: Array<Record<string, string>> = [];
    app.command('/deploy', async ({ command, ack, respond }) => {
      seen.push(command as unknown as Record<string, string>);
      await ack({ response_type: 'in_channel', text: `deploying ${command.text}` });
      await respond({ response_type: 'ephemeral', text: `deploy of ${command.text} done` });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    const ws = await WsClient.connect(alice.token);
    try {
      await adminCommand(['set-url', '--team', team, '--app', installed.app_id, '--url', `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`]);
      const ran = await call(alice.token, 'chat.command', { channel, command: '/deploy', text: 'v1.2' });
      expect(ran.response).toEqual({ text: 'deploying v1.2', response_type: 'in_channel' });
      expect(seen[0]).toMatchObject({ command: '/deploy', text: 'v1.2', user_id: alice.userId, channel_id: channel, team_id: alice.teamId, api_app_id: installed.app_id });
      expect(seen[0].response_url).toMatch(new RegExp(`^${target().httpApiUrl}/commands/`));
      const posted = (await call(alice.token, 'conversations.history', { channel, limit: 1 })).messages[0];
      expect(posted).toMatchObject({ user: installed.bot_user_id, text: 'deploying v1.2' });
      const ephemeral = await ws.waitFor((f) => f.type === 'message' && f.is_ephemeral === true, LIVE_MS);
      expect(ephemeral).toMatchObject({ channel, user: installed.bot_user_id, text: 'deploy of v1.2 done' });
      // Ephemeral replies are never stored.
      const history = await call(alice.token, 'conversations.history', { channel, limit: 5 });
      expect(history.messages.map((m: { text: string }) => m.text)).not.toContain('deploy of v1.2 done');
      expect(await callFails(alice.token, 'chat.command', { channel, command: '/nope', text: '' })).toBe('invalid_command');
      expect(await callFails(installed.bot_token, 'chat.command', { channel, command: '/deploy', text: '' })).toBe('not_allowed_token_type');
    } finally {
      await ws.close();
      await app.stop();
    }
  });

  it('Socket Mode: a slash_commands envelope whose ack payload is the answer', async () => {
    const installed = await installTestApp(team, manifest('statusbot', { scopes: ['commands'], events: [], socketMode: true, commands: [{ command: '/status' }] }));
    const app = new App({ token: installed.bot_token, appToken: installed.app_token, socketMode: true, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slackApiUrl() } });
    app.command('/status', async ({ command, ack }) => {
      await ack(`all good, <@${command.user_id}>`);
    });
    await app.start();
    try {
      const ran = await eventually(async () => {
        const res = await call(alice.token, 'chat.command', { channel, command: '/status', text: '' }).catch(() => undefined);
        return res;
      }, LIVE_MS, 1000);
      expect(ran.response).toEqual({ text: `all good, <@${alice.userId}>`, response_type: 'ephemeral' });
    } finally {
      await app.stop();
    }
  });
});
