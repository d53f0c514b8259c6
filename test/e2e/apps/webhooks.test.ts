import { target, isLocal } from '../harness/target';
import { call, newTeam, person, type Person } from '../support';
import { adminCommand, installTestApp, manifest } from './install';
import type { InstalledApp } from '../../../lambdas/core/apps';

/** The admin tool reaches the table through the local cloud's endpoints file, and test apps listen on 127.0.0.1: local cloud only. */
const localOnly = isLocal() ? describe : describe.skip;

/* Incoming webhooks: a per-channel URL taking Slack's payload, posting as the app's bot. */

const post = (url: string, body: string, contentType = 'application/json') =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));

localOnly('apps: incoming webhooks', () => {
  let alice: Person;
  let installed: InstalledApp;
  let channel: string;
  let url: string;
  const team = newTeam();

  beforeAll(async () => {
    alice = await person('alice', team);
    installed = await installTestApp(team, manifest('hooks', { scopes: ['incoming-webhook', 'chat:write'], events: [] }));
    channel = (await call(alice.token, 'conversations.create', { name: `hook-${Date.now()}` })).channel.id;
    ({ url } = (await adminCommand(['webhook', '--team', team, '--app', installed.app_id, '--channel', channel])) as { url: string });
  });

  const latest = async () => (await call(alice.token, 'conversations.history', { channel, limit: 1 })).messages[0] as Record<string, any>;

  it('posts text, blocks alone and thread replies as the bot; answers ok', async () => {
    expect(url).toMatch(new RegExp(`^${target().httpApiUrl}/services/${installed.app_id}\\?s=[\\w-]{32}$`));
    expect(await post(url, JSON.stringify({ text: 'deploy finished :rocket:' }))).toEqual({ status: 200, text: 'ok' });
    const first = await latest();
    expect(first).toMatchObject({ user: installed.bot_user_id, text: 'deploy finished :rocket:' });

    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Build* passed' } }, { type: 'context', elements: [{ type: 'mrkdwn', text: 'main @ 1a2b3c' }] }];
    expect(await post(url, JSON.stringify({ blocks }))).toEqual({ status: 200, text: 'ok' });
    // Stored as given, with the text fallback chat.postMessage derives.
    expect(await latest()).toMatchObject({ text: '*Build* passed\nmain @ 1a2b3c', blocks });

    // As a form's payload field, the way older integrations send it, in the thread of the first post.
    const form = new URLSearchParams({ payload: JSON.stringify({ text: 'details in thread', thread_ts: first.ts }) }).toString();
    expect(await post(url, form, 'application/x-www-form-urlencoded')).toEqual({ status: 200, text: 'ok' });
    const thread = await call(alice.token, 'conversations.replies', { channel, ts: first.ts });
    expect(thread.messages.map((m: { text: string }) => m.text)).toEqual(['deploy finished :rocket:', 'details in thread']);
  });

  it("refuses what Slack refuses, with Slack's words", async () => {
    expect(await post(url, '{not json')).toEqual({ status: 400, text: 'invalid_payload' });
    expect(await post(url, JSON.stringify({ text: '' }))).toEqual({ status: 400, text: 'no_text' });
    expect(await post(url, JSON.stringify({ blocks: [{ text: 'no type' }] }))).toEqual({ status: 400, text: 'invalid_blocks' });
    expect(await post(`${url}x`, JSON.stringify({ text: 'hi' }))).toEqual({ status: 404, text: 'no_service' });
  });

  it('stops working when the app is revoked', async () => {
    await adminCommand(['revoke', '--team', team, '--app', installed.app_id]);
    expect(await post(url, JSON.stringify({ text: 'too late' }))).toEqual({ status: 404, text: 'no_service' });
  });
});
