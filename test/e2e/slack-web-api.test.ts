import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import { sharedLogFile } from './harness/local-process';
import { api, isLocal, signIn, target } from './harness/target';
import { call, newTeam, person, type Person } from './support';

const clientFor = (who: Person) => new WebClient(who.token, { slackApiUrl: `${target().httpApiUrl}/api/`, retryConfig: { retries: 0 } });

/** Clients written for Slack's Web API work against this API by pointing slackApiUrl here. */
describe('the official @slack/web-api WebClient', () => {
  test('works for the messaging methods', async () => {
    const team = newTeam();
    const [alice, bob] = await Promise.all([person('alice', team), person('bob', team)]);
    const slackApiUrl = `${target().httpApiUrl}/api/`;
    const options = { slackApiUrl, retryConfig: { retries: 0 } };
    const asAlice = new WebClient(alice.token, options);
    const asBob = new WebClient(bob.token, options);

    const me = await asAlice.auth.test();
    expect(me.user_id).toBe(alice.userId);
    const created = await asAlice.conversations.create({ name: 'from-webclient' });
    const channel = created.channel!.id!;
    await asBob.conversations.join({ channel });
    const posted = await asBob.chat.postMessage({ channel, text: 'hi from the SDK' });
    expect(posted.ok).toBe(true);
    const reply = await asAlice.chat.postMessage({ channel, text: 'a reply', thread_ts: posted.ts });
    const history = await asAlice.conversations.history({ channel, limit: 10 });
    expect(history.messages?.map((m) => m.ts)).toEqual([posted.ts]);
    const replies = await asAlice.conversations.replies({ channel, ts: posted.ts! });
    expect(replies.messages?.map((m) => m.ts)).toEqual([posted.ts, reply.ts]);
    const info = await asBob.users.info({ user: alice.userId });
    expect(info.user?.name).toBe('alice');
    const members = await asAlice.conversations.members({ channel });
    expect(members.members?.sort()).toEqual([alice.userId, bob.userId].sort());
    const list = await asBob.conversations.list({ types: 'public_channel' });
    expect(list.channels?.some((c) => c.id === channel && c.is_member)).toBe(true);
    const dm = await asAlice.conversations.open({ users: bob.userId });
    expect(dm.channel?.id).toMatch(/^D/);

    // Errors arrive as the SDK's platform errors with Slack's codes.
    await expect(asBob.conversations.create({ name: 'from-webclient' })).rejects.toMatchObject({ data: { ok: false, error: 'name_taken' } });
    // Paginated iteration follows next_cursor.
    const pages: string[] = [];
    for await (const page of asAlice.paginate('users.list', { limit: 1 })) {
      pages.push(...(((page as { members?: Array<{ id: string }> }).members) ?? []).map((m) => m.id));
    }
    expect(pages.sort()).toEqual([alice.userId, bob.userId].sort());
  });
});

describe("Slack's upload URL (files.getUploadURLExternal without content_type)", () => {
  test('filesUploadV2 posts into a channel: the message carries the file, its url_private serves the bytes', async () => {
    const team = newTeam();
    const [alice, bob] = await Promise.all([person('alice', team), person('bob', team)]);
    const channel = (await call(alice.token, 'conversations.create', { name: 'uploads' })).channel.id;
    await call(bob.token, 'conversations.join', { channel });
    const bytes = randomBytes(50_000);

    const done = await clientFor(alice).filesUploadV2({ channel_id: channel, file: bytes, filename: 'data.bin', title: 'Some data', initial_comment: 'the numbers' });
    expect(done.ok).toBe(true);

    const history = await clientFor(bob).conversations.history({ channel, limit: 1 });
    const message = history.messages?.[0];
    expect(message?.text).toBe('the numbers');
    expect(message?.files).toHaveLength(1);
    const file = message!.files![0];
    expect(file).toMatchObject({ name: 'data.bin', title: 'Some data', mimetype: 'application/octet-stream', size: bytes.length });
    const served = await fetch(String(file.url_private));
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });

  test('takes the raw bytes too (python files_upload_v2, curl --data-binary), bound to the declared length, once, with a secret', async () => {
    const alice = await person('alice', newTeam());
    const text = Buffer.from('hello, raw upload\n');
    const up = await call(alice.token, 'files.getUploadURLExternal', { filename: 'hello.txt', length: text.length });
    const url = String(up.upload_url);
    expect(up.upload_fields).toBeUndefined();
    const post = (to: string, body: Buffer | FormData) => fetch(to, { method: 'POST', body });

    // Wrong secret, unknown file, one byte short, two files in one form: refused, nothing stored.
    expect((await post(url.replace(/s=[\w-]+/, 's=AAAA'), text)).status).toBe(404);
    expect((await post(url.replace(/\/F\w+\?/, '/FNOSUCHFILE?'), text)).status).toBe(404);
    expect((await post(url.split('?')[0], text)).status).toBe(404);
    expect((await post(url, text.subarray(1))).status).toBe(400);
    const two = new FormData();
    two.append('file', new Blob([text]), 'a.txt');
    two.append('other', new Blob([text]), 'b.txt');
    expect((await post(url, two)).status).toBe(400);
    expect((await api(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }] })).body).toMatchObject({ ok: false, error: 'file_not_found' });

    const ok = await post(url, text);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe(`OK - ${text.length}`);
    const completed = await call(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id, title: 'Hello' }] });
    expect(completed.files).toEqual([{ id: up.file_id, title: 'Hello' }]);
    // Once completed, the URL no longer writes.
    expect((await post(url, text)).status).toBe(404);
  });

  test('the type is the one declared (from the name), whatever the upload claims', async () => {
    const team = newTeam();
    const alice = await person('alice', team);
    const channel = (await call(alice.token, 'conversations.create', { name: 'typed' })).channel.id;
    const page = Buffer.from('<html><script>alert(1)</script></html>');
    const up = await call(alice.token, 'files.getUploadURLExternal', { filename: 'notes.txt', length: page.length });
    const form = new FormData();
    form.append('file', new Blob([page], { type: 'text/html' }), 'page.html');
    expect((await fetch(String(up.upload_url), { method: 'POST', body: form })).status).toBe(200);
    await call(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }], channel_id: channel });
    const [message] = (await call(alice.token, 'conversations.history', { channel, limit: 1 })).messages;
    expect(message.files[0].mimetype).toBe('text/plain');
    const served = await fetch(String(message.files[0].url_private));
    expect(served.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});

describe('a token in the form body or ?token= (older clients, slack-go, curl), as Slack accepts it', () => {
  const post = (method: string, body: string, query = '', headers: Record<string, string> = {}) =>
    fetch(`${target().httpApiUrl}/api/${method}${query}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

  test('form body, ?token= on GET and POST, JSON body, and the SDK with a per-call token all work; the header wins over the body', async () => {
    const team = newTeam();
    const [alice, bob] = await Promise.all([person('alice', team), person('bob', team)]);
    const form = await post('auth.test', new URLSearchParams({ token: alice.token }).toString());
    expect([form.status, await form.json()]).toEqual([200, expect.objectContaining({ ok: true, user_id: alice.userId })]);

    const channel = (await call(alice.token, 'conversations.create', { name: 'curl-habits' })).channel.id;
    const sent = await post('chat.postMessage', new URLSearchParams({ token: alice.token, channel, text: 'from a form' }).toString());
    expect(await sent.json()).toMatchObject({ ok: true, channel });

    const viaQuery = await fetch(`${target().httpApiUrl}/api/conversations.history?${new URLSearchParams({ token: alice.token, channel, limit: '1' })}`);
    expect(((await viaQuery.json()) as { messages: Array<{ text: string }> }).messages[0].text).toBe('from a form');
    const postQuery = await post('auth.test', '', `?token=${alice.token}`);
    expect(await postQuery.json()).toMatchObject({ ok: true, user_id: alice.userId });

    const json = await fetch(`${target().httpApiUrl}/api/auth.test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: bob.token }) });
    expect(await json.json()).toMatchObject({ ok: true, user_id: bob.userId });

    const both = await post('auth.test', new URLSearchParams({ token: bob.token }).toString(), '', { authorization: `Bearer ${alice.token}` });
    expect(await both.json()).toMatchObject({ ok: true, user_id: alice.userId });

    // The SDK puts a per-call token in the form body.
    const anonymous = new WebClient(undefined, { slackApiUrl: `${target().httpApiUrl}/api/`, retryConfig: { retries: 0 } });
    expect((await anonymous.auth.test({ token: bob.token })).user_id).toBe(bob.userId);
  });

  test('a bad, expired or missing token is 401, wherever it is sent; the token never reaches the log', async () => {
    const alice = await person('alice', newTeam());
    const expired = (await signIn('alice', undefined, { expiresIn: -60 })).token;
    const forged = `${alice.token.slice(0, -8)}AAAAAAAA`;
    for (const token of [expired, forged, 'not-a-jwt']) {
      const form = await post('auth.test', new URLSearchParams({ token }).toString());
      expect([form.status, await form.json()]).toEqual([401, { ok: false, error: 'invalid_auth' }]);
      const query = await fetch(`${target().httpApiUrl}/api/auth.test?token=${encodeURIComponent(token)}`);
      expect(query.status).toBe(401);
    }
    const none = await post('auth.test', 'channel=C1');
    expect([none.status, await none.json()]).toEqual([401, { ok: false, error: 'not_authed' }]);
    // An unreadable body with no token is 401 too, not a parse error.
    const garbled = await fetch(`${target().httpApiUrl}/api/auth.test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":' });
    expect(garbled.status).toBe(401);
    // A token with a failing call: the method's error, the token nowhere in the output.
    expect(await (await post('chat.postMessage', new URLSearchParams({ token: alice.token, channel: 'CNOPE', text: 'x' }).toString())).json())
      .toMatchObject({ ok: false, error: 'channel_not_found' });

    const log = isLocal() ? sharedLogFile() : undefined;
    if (log) {
      const text = readFileSync(log, 'utf8');
      expect(text.length).toBeGreaterThan(0);
      for (const token of [alice.token, expired, forged]) {
        expect(text.includes(token)).toBe(false);
        expect(text.includes(token.split('.')[2])).toBe(false);
      }
    }
  });
});
