import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type BlockAction, type ButtonAction, type StaticSelectAction } from '@slack/bolt';
import { isLocal, target } from '../harness/target';
import { call, callFails, eventually, LIVE_MS, newTeam, person, type Person } from '../support';
import { adminCommand, installTestApp, manifest } from './install';

/** The admin tool reaches the table through the local cloud's endpoints file, and test apps listen on 127.0.0.1: local cloud only. */
const localOnly = isLocal() ? describe : describe.skip;

/*
 * Block actions: a member "clicks" a button of an app's message with blocks.action (as the web
 * client does) and an unmodified @slack/bolt app's app.action() handler runs, acks, and answers
 * through its response_url (replace_original, delete_original). Socket Mode and the HTTP receiver.
 */

const slackApiUrl = () => `${target().httpApiUrl}/api/`;

const approvalBlocks = (what: string) => [
  { type: 'section', text: { type: 'mrkdwn', text: `Deploy *${what}*?` } },
  {
    type: 'actions', block_id: 'decide',
    elements: [
      { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: what, style: 'primary' },
      { type: 'button', action_id: 'reject', text: { type: 'plain_text', text: 'Reject' }, value: what, style: 'danger' },
      {
        type: 'static_select', action_id: 'pick', placeholder: { type: 'plain_text', text: 'Region' },
        options: [{ text: { type: 'plain_text', text: 'EU' }, value: 'eu' }, { text: { type: 'plain_text', text: 'US' }, value: 'us' }],
      },
    ],
  },
];

const messageAt = async (token: string, channel: string, ts: string) =>
  ((await call(token, 'conversations.history', { channel, latest: ts, inclusive: true, limit: 1 })).messages as Array<Record<string, any>>).find((m) => m.ts === ts);

localOnly('apps: block actions (interactivity)', () => {
  let alice: Person;
  let bob: Person;
  let channel: string;
  const team = newTeam();

  beforeAll(async () => {
    alice = await person('alice', team);
    bob = await person('bob', team);
    channel = (await call(alice.token, 'conversations.create', { name: `approvals-${Date.now()}` })).channel.id;
  });

  it('Socket Mode: say({blocks}) posts a button; a click runs app.action, whose respond({replace_original}) replaces the message', async () => {
    const installed = await installTestApp(team, manifest('approver', {
      scopes: ['chat:write', 'app_mentions:read'], events: ['app_mention'], socketMode: true, interactivity: { is_enabled: true },
    }));
    await call(alice.token, 'conversations.invite', { channel, users: installed.bot_user_id });
    const app = new App({ token: installed.bot_token, appToken: installed.app_token, socketMode: true, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slackApiUrl() } });
    const bodies: BlockAction[] = [];
    app.event('app_mention', async ({ say }) => {
      await say({ text: 'Deploy v42?', blocks: approvalBlocks('v42') });
    });
    app.action<BlockAction<StaticSelectAction>>('pick', async ({ ack, body }) => {
      bodies.push(body);
      await ack();
    });
    app.action<BlockAction<ButtonAction>>('approve', async ({ ack, body, respond }) => {
      bodies.push(body);
      await ack();
      await respond({ replace_original: true, text: `Approved ${body.actions[0].value} by <@${body.user.id}>` });
    });
    await app.start();
    try {
      await call(alice.token, 'chat.postMessage', { channel, text: `<@${installed.bot_user_id}> deploy` });
      const posted = await eventually(async () => {
        const h = await call(alice.token, 'conversations.history', { channel, limit: 10 });
        return (h.messages as Array<Record<string, any>>).find((m) => m.user === installed.bot_user_id && Array.isArray(m.blocks));
      }, LIVE_MS);
      expect(posted.blocks).toEqual(approvalBlocks('v42'));

      // A static_select choice: the option is the message's own, found by its value.
      expect(await call(alice.token, 'blocks.action', { channel, ts: posted.ts, action_id: 'pick', block_id: 'decide', selected_option: { value: 'us' } })).toEqual({ ok: true });
      expect(bodies[0].actions[0]).toMatchObject({ type: 'static_select', action_id: 'pick', block_id: 'decide', selected_option: { value: 'us', text: { text: 'US' } } });
      expect(await callFails(alice.token, 'blocks.action', { channel, ts: posted.ts, action_id: 'pick', selected_option: { value: 'mars' } })).toBe('invalid_action');

      expect(await call(alice.token, 'blocks.action', { channel, ts: posted.ts, action_id: 'approve', block_id: 'decide', value: 'v42' })).toEqual({ ok: true });
      const body = bodies[1];
      expect(body).toMatchObject({
        type: 'block_actions', api_app_id: installed.app_id,
        user: { id: alice.userId, username: 'alice', team_id: installed.team_id },
        team: { id: installed.team_id },
        container: { type: 'message', message_ts: posted.ts, channel_id: channel, is_ephemeral: false },
        channel: { id: channel },
        message: { ts: posted.ts, user: installed.bot_user_id, blocks: approvalBlocks('v42') },
        actions: [{ type: 'button', action_id: 'approve', block_id: 'decide', value: 'v42', text: { type: 'plain_text', text: 'Approve' } }],
      });
      expect(body.response_url).toMatch(/\/commands\/A[0-9A-Z]+\?s=/);
      expect(body.trigger_id).toMatch(/^\d+\.[0-9a-f]{32}$/);
      expect(body.actions[0].action_ts).toMatch(/^\d+\.\d{6}$/);
      const replaced = await eventually(async () => {
        const m = await messageAt(alice.token, channel, posted.ts);
        return m?.text.startsWith('Approved') ? m : undefined;
      }, LIVE_MS);
      expect(replaced.text).toBe(`Approved v42 by <@${alice.userId}>`);
      expect(replaced.blocks).toBeUndefined();
      // The button is gone with the blocks it was in.
      expect(await callFails(alice.token, 'blocks.action', { channel, ts: posted.ts, action_id: 'approve' })).toBe('invalid_action');
    } finally {
      await app.stop();
    }
  });

  it('errors: unknown action, forged value, a person\'s message, a non-member, a bot token, an unknown message', async () => {
    const installed = await installTestApp(team, manifest('errors', { scopes: ['chat:write'], events: [], socketMode: true, interactivity: { is_enabled: true } }));
    await call(alice.token, 'conversations.invite', { channel, users: installed.bot_user_id });
    const posted = await call(installed.bot_token, 'chat.postMessage', { channel, text: 'Deploy?', blocks: approvalBlocks('v1') });
    expect(await callFails(alice.token, 'blocks.action', { channel, ts: posted.ts, action_id: 'nope' })).toBe('invalid_action');
    expect(await callFails(alice.token, 'blocks.action', { channel, ts: posted.ts, action_id: 'approve', block_id: 'other' })).toBe('invalid_action');
    expect(await callFails(alice.token, 'blocks.action', { channel, ts: posted.ts, action_id: 'approve', value: 'v2' })).toBe('invalid_action');
    const own = await call(alice.token, 'chat.postMessage', { channel, text: 'mine', blocks: approvalBlocks('v1') });
    expect(await callFails(alice.token, 'blocks.action', { channel, ts: own.ts, action_id: 'approve' })).toBe('invalid_action');
    expect(await callFails(bob.token, 'blocks.action', { channel, ts: posted.ts, action_id: 'approve' })).toBe('channel_not_found');
    expect(await callFails(installed.bot_token, 'blocks.action', { channel, ts: posted.ts, action_id: 'approve' })).toBe('not_allowed_token_type');
    expect(await callFails(alice.token, 'blocks.action', { channel, ts: '01ARZ3NDEKTSV4RRFFQ69G5FAV', action_id: 'approve' })).toBe('message_not_found');
    // No Socket Mode connection: the app cannot be reached.
    expect(await callFails(alice.token, 'blocks.action', { channel, ts: posted.ts, action_id: 'approve' })).toBe('dispatch_failed');
  });

  it('HTTP receiver: a signed payload= form POST (Bolt verifies it) runs app.action, whose respond({delete_original}) deletes the message', async () => {
    const installed = await installTestApp(team, manifest('httpapprover', { scopes: ['chat:write'], events: [], interactivity: { is_enabled: true } }));
    await call(alice.token, 'conversations.invite', { channel, users: installed.bot_user_id });
    const app = new App({ token: installed.bot_token, signingSecret: installed.signing_secret, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slackApiUrl() } });
    const seen: Array<{ user: string; value?: string }> = [];
    app.action<BlockAction<ButtonAction>>('reject', async ({ ack, body, respond }) => {
      seen.push({ user: body.user.id, value: body.actions[0].value });
      await ack();
      await respond({ delete_original: true });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
      expect(await adminCommand(['set-interactivity-url', '--team', team, '--app', installed.app_id, '--url', url])).toEqual({ interactivity: { is_enabled: true, request_url: url } });
      const posted = await call(installed.bot_token, 'chat.postMessage', { channel, text: 'Deploy v7?', blocks: approvalBlocks('v7') });
      expect(await call(alice.token, 'blocks.action', { channel, ts: posted.ts, action_id: 'reject', block_id: 'decide' })).toEqual({ ok: true });
      expect(seen).toEqual([{ user: alice.userId, value: 'v7' }]);
      await eventually(async () => ((await messageAt(alice.token, channel, posted.ts)) ? undefined : true), LIVE_MS);
      // A handler that never acks: Bolt answers nothing in 3 s, so the click fails as on Slack.
      expect(await callFails(alice.token, 'blocks.action', { channel, ts: (await call(installed.bot_token, 'chat.postMessage', { channel, text: 'x', blocks: approvalBlocks('v8') })).ts, action_id: 'approve' })).toBe('dispatch_failed');
    } finally {
      await app.stop();
    }
  });
});
