import { randomBytes } from 'node:crypto';
import { LogLevel, WebClient, type WebAPICallResult } from '@slack/web-api';
import { api, isLocal, signIn, target } from './harness/target';
import { call, Devices, eventually, LIVE_MS, newTeam, online, person, syncAll, type Person } from './support';

/*
 * The Web API methods apps and SDKs reach for beyond messaging, through the official
 * @slack/web-api WebClient: blocks and attachments, `channel` by name or user id, permalinks,
 * channel settings, reactions.get, users.conversations, team/bots/lookupByEmail, files.info/delete,
 * pins. Each with its main errors and workspace tenancy.
 */

const clientFor = (who: Person) => new WebClient(who.token, { slackApiUrl: `${target().httpApiUrl}/api/`, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });

/** The Slack error code a call fails with (the SDK rejects with `data: {ok:false, error}`). */
async function errorOf(promise: Promise<WebAPICallResult>): Promise<string> {
  try {
    const out = await promise;
    throw new Error(`expected a failure, got ${JSON.stringify(out)}`);
  } catch (error) {
    const data = (error as { data?: { error?: string } }).data;
    if (!data?.error) throw error;
    return data.error;
  }
}

const devices = new Devices();
afterAll(() => devices.closeAll());

/** Two members of one workspace in a shared channel, and an outsider from another workspace with a channel of their own. */
async function setUp(channelName: string) {
  const team = newTeam();
  const [alice, bob, eve] = await Promise.all([person('alice', team), person('bob', team), person('eve', newTeam())]);
  const asAlice = clientFor(alice);
  const asBob = clientFor(bob);
  const asEve = clientFor(eve);
  const channel = (await asAlice.conversations.create({ name: channelName })).channel!.id!;
  await asBob.conversations.join({ channel });
  const evesChannel = (await asEve.conversations.create({ name: channelName })).channel!.id!;
  return { team, alice, bob, eve, asAlice, asBob, asEve, channel, evesChannel };
}

const header = (text: string) => ({ type: 'header', text: { type: 'plain_text', text } });
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('blocks and attachments (chat.postMessage, chat.update)', () => {
  test('blocks without text: accepted, stored and returned as given, a fallback text derived; members get them live', async () => {
    const { bob, asAlice, asBob, channel } = await setUp('blocks');
    const live = await devices.connect(bob, 'bob-phone');
    const blocks = [header('Deploy finished'), section('*prod* is green'), { type: 'divider' }, { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Logs' }, action_id: 'logs' }] }];
    const seen = live.waitFor((f) => f.type === 'message' && f.channel === channel && Array.isArray(f.blocks), LIVE_MS);

    const posted = await asAlice.chat.postMessage({ channel, blocks });
    expect(posted.message?.blocks).toEqual(blocks);
    expect(posted.message?.text).toBe('Deploy finished\n*prod* is green');

    const event = await seen;
    expect(event.blocks).toEqual(blocks);
    expect(event.text).toBe('Deploy finished\n*prod* is green');
    const [stored] = (await asBob.conversations.history({ channel, limit: 1 })).messages!;
    expect(stored.blocks).toEqual(blocks);
    expect(stored.ts).toBe(posted.ts);
    // The fallback is the message's text, so search finds it by the words of its blocks.
    const found = await eventually(async () => {
      const matches = (await asBob.search.messages({ query: 'deploy finished' })).messages?.matches ?? [];
      return matches.length > 0 ? matches : undefined;
    }, LIVE_MS);
    expect(found.map((m) => m.ts)).toEqual([posted.ts]);
  });

  test('attachments without text: the fallback is theirs; text with blocks stays the text given', async () => {
    const { alice, asAlice, channel } = await setUp('attachments');
    const attachments = [{ fallback: 'Build 42 passed', color: '#36a64f', title: 'Build 42', text: 'all green' }];
    const posted = await asAlice.chat.postMessage({ channel, attachments });
    expect(posted.message).toMatchObject({ text: 'Build 42 passed', attachments });
    const both = await asAlice.chat.postMessage({ channel, text: 'the notification text', blocks: [section('the body')] });
    expect(both.message).toMatchObject({ text: 'the notification text', blocks: [section('the body')] });
    // A JSON body sends the arrays as arrays (the SDK's form body sends them JSON-encoded): both read alike.
    const json = await call(alice.token, 'chat.postMessage', { channel, blocks: [section('from JSON')], attachments });
    expect(json.message).toMatchObject({ text: 'from JSON\nBuild 42 passed', blocks: [section('from JSON')], attachments });
  });

  test('no_text only without text, blocks and attachments; invalid_blocks, invalid_blocks_format, invalid_attachments, msg_blocks_too_long', async () => {
    const { alice, asAlice, channel } = await setUp('bad-blocks');
    expect(await errorOf(asAlice.chat.postMessage({ channel, text: '' }))).toBe('no_text');
    expect(await errorOf(asAlice.chat.postMessage({ channel, blocks: [] }))).toBe('no_text');
    expect(await errorOf(asAlice.chat.postMessage({ channel, blocks: [{ text: 'no type' }] as never }))).toBe('invalid_blocks');
    expect(await errorOf(asAlice.chat.postMessage({ channel, blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }))).toBe('invalid_blocks');
    expect(await errorOf(asAlice.chat.postMessage({ channel, attachments: ['x'] as never }))).toBe('invalid_attachments');
    expect(await errorOf(asAlice.chat.postMessage({ channel, blocks: [section('x'.repeat(70_000))] }))).toBe('msg_blocks_too_long');
    // A raw form field that is not a JSON array.
    const res = await fetch(`${target().httpApiUrl}/api/chat.postMessage`, {
      method: 'POST', headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel, blocks: '{"type":"section"}' }).toString(),
    });
    expect(await res.json()).toMatchObject({ ok: false, error: 'invalid_blocks_format' });
    expect((await asAlice.conversations.history({ channel })).messages).toEqual([]);
  });

  test('chat.update: new blocks replace, left out they are kept, an empty array removes them; members get message_changed with them', async () => {
    const { bob, asAlice, channel } = await setUp('update-blocks');
    const first = [section('v1')];
    const posted = await asAlice.chat.postMessage({ channel, blocks: first });
    const live = await devices.connect(bob, 'bob-laptop');
    const changed = live.waitFor((f) => f.subtype === 'message_changed' && f.channel === channel, LIVE_MS);

    const second = [section('v2'), { type: 'divider' }];
    const updated = await asAlice.chat.update({ channel, ts: posted.ts!, blocks: second, text: '' });
    expect(updated.message).toMatchObject({ blocks: second, text: 'v2' });
    const event = await changed;
    expect(event.message).toMatchObject({ blocks: second });
    expect(event.previous_message).toMatchObject({ blocks: first });

    const textOnly = await asAlice.chat.update({ channel, ts: posted.ts!, text: 'now with text' });
    expect(textOnly.message).toMatchObject({ text: 'now with text', blocks: second });
    const removed = await asAlice.chat.update({ channel, ts: posted.ts!, text: 'plain again', blocks: [] });
    expect(removed.message?.blocks).toBeUndefined();
    expect(await errorOf(asAlice.chat.update({ channel, ts: posted.ts!, text: '', blocks: [] }))).toBe('no_text');
  });

  test('a message near every budget (40,000 characters of text and 64 KB of blocks) is stored whole and reaches a live device as its reference', async () => {
    const { alice, bob, asBob, channel } = await setUp('big-blocks');
    const live = await devices.connect(bob, 'bob-tablet');
    // 80 KB of text (two bytes a character) and 63.6 KB of blocks: 144 KB, over the 128 KB live budget, in a JSON body under 256 KB.
    const text = '\u00e9'.repeat(40_000);
    const blocks = Array.from({ length: 8 }, (_, i) => section(`${i}`.repeat(7_900)));
    const seen = live.waitFor((f) => f.type === 'message' && f.channel === channel, LIVE_MS);
    const posted = await call(alice.token, 'chat.postMessage', { channel, text, blocks });
    const [stored] = (await asBob.conversations.history({ channel, limit: 1 })).messages!;
    expect(stored.text).toBe(text);
    expect(stored.blocks).toEqual(blocks);
    const event = await seen;
    expect(event).toMatchObject({ ts: posted.ts, body_omitted: true, text: '' });
    expect(event.blocks).toBeUndefined();
  });
});

describe('channel as #name or a user id', () => {
  test('chat.postMessage to #name (public, and private for members), to a user id (the DM, opened if needed)', async () => {
    const { alice, bob, asAlice, asBob, asEve, channel } = await setUp('by-name');
    const byName = await asBob.chat.postMessage({ channel: '#by-name', text: 'by name' });
    expect(byName.channel).toBe(channel);
    const bare = await asBob.chat.postMessage({ channel: 'by-name', text: 'bare name' });
    expect(bare.channel).toBe(channel);

    const secret = (await asAlice.conversations.create({ name: 'secret-room', is_private: true })).channel!.id!;
    expect((await asAlice.chat.postMessage({ channel: '#secret-room', text: 'hush' })).channel).toBe(secret);
    expect(await errorOf(asBob.chat.postMessage({ channel: '#secret-room', text: 'let me in' }))).toBe('channel_not_found');

    const dm = await asAlice.chat.postMessage({ channel: bob.userId, text: 'a DM by user id' });
    expect(dm.channel).toMatch(/^D/);
    const opened = await asBob.conversations.open({ users: alice.userId });
    expect(opened.channel?.id).toBe(dm.channel);
    expect((await asBob.conversations.history({ channel: dm.channel! })).messages?.[0].text).toBe('a DM by user id');

    expect(await errorOf(asBob.chat.postMessage({ channel: '#no-such-channel', text: 'x' }))).toBe('channel_not_found');
    // Another workspace's channel name and user: not found.
    expect(await errorOf(asEve.chat.postMessage({ channel: '#secret-room', text: 'x' }))).toBe('channel_not_found');
    expect(await errorOf(asEve.chat.postMessage({ channel: alice.userId, text: 'x' }))).toBe('channel_not_found');
  });
});

describe('chat.getPermalink', () => {
  test("the web client's /archives/ link, with thread_ts for a reply; message_not_found, channel_not_found", async () => {
    const { asAlice, asBob, asEve, channel, evesChannel } = await setUp('permalinks');
    const parent = await asAlice.chat.postMessage({ channel, text: 'parent' });
    const reply = await asBob.chat.postMessage({ channel, text: 'reply', thread_ts: parent.ts });
    const link = await asBob.chat.getPermalink({ channel, message_ts: parent.ts! });
    expect(link).toMatchObject({ channel, permalink: expect.stringMatching(new RegExp(`/archives/${channel}/p${parent.ts}$`)) });
    const replyLink = await asAlice.chat.getPermalink({ channel, message_ts: reply.ts! });
    expect(replyLink.permalink).toMatch(new RegExp(`/archives/${channel}/p${reply.ts}\\?thread_ts=${parent.ts}&cid=${channel}$`));
    expect(await errorOf(asAlice.chat.getPermalink({ channel, message_ts: '01HF00000000000000000000AA' }))).toBe('message_not_found');
    expect(await errorOf(asAlice.chat.getPermalink({ channel: evesChannel, message_ts: parent.ts! }))).toBe('channel_not_found');
    expect(await errorOf(asEve.chat.getPermalink({ channel, message_ts: parent.ts! }))).toBe('channel_not_found');
  });
});

describe('conversations.setTopic / setPurpose / rename / archive / unarchive', () => {
  test('topic and purpose: set with creator and last_set, a channel_topic message in history; too_long', async () => {
    const { alice, asAlice, asBob, channel } = await setUp('settings');
    const set = await asBob.conversations.setTopic({ channel, topic: 'Release week' });
    expect(set.channel?.topic).toMatchObject({ value: 'Release week', creator: expect.any(String) });
    await asAlice.conversations.setPurpose({ channel, purpose: 'Shipping things' });
    const info = await asAlice.conversations.info({ channel });
    expect(info.channel?.topic).toMatchObject({ value: 'Release week', last_set: expect.any(Number) });
    expect(info.channel?.purpose).toMatchObject({ value: 'Shipping things', creator: alice.userId });
    const history = (await asAlice.conversations.history({ channel })).messages!;
    expect(history.map((m) => [m.subtype, m.text])).toEqual([
      ['channel_purpose', 'set the channel purpose: Shipping things'],
      ['channel_topic', 'set the channel topic: Release week'],
    ]);
    expect(await errorOf(asAlice.conversations.setTopic({ channel, topic: 'x'.repeat(251) }))).toBe('too_long');
  });

  test('rename: members get channel_rename, the old name is free, name_taken, invalid_name', async () => {
    const { bob, asAlice, asBob, channel } = await setUp('old-name');
    const other = (await asAlice.conversations.create({ name: 'taken-name' })).channel!.id!;
    const live = await devices.connect(bob, 'bob-rename');
    const seen = live.waitFor((f) => f.type === 'channel_rename', LIVE_MS);
    const renamed = await asAlice.conversations.rename({ channel, name: 'new-name' });
    expect(renamed.channel).toMatchObject({ id: channel, name: 'new-name' });
    expect((await seen).channel).toMatchObject({ id: channel, name: 'new-name' });
    expect((await asBob.chat.postMessage({ channel: '#new-name', text: 'found by the new name' })).channel).toBe(channel);
    const reused = (await asBob.conversations.create({ name: 'old-name' })).channel!.id!;
    expect(reused).not.toBe(channel);
    const list = await asBob.conversations.list({ types: 'public_channel' });
    expect(list.channels?.filter((c) => [channel, other, reused].includes(c.id!)).map((c) => c.name).sort()).toEqual(['new-name', 'old-name', 'taken-name']);
    expect(await errorOf(asAlice.conversations.rename({ channel, name: 'taken-name' }))).toBe('name_taken');
    expect(await errorOf(asAlice.conversations.rename({ channel, name: 'Bad Name' }))).toBe('invalid_name');
  });

  test('archive: channel_archive to members, posts refused with is_archived, history still readable; unarchive', async () => {
    const { alice, bob, asAlice, asBob, asEve, channel, evesChannel } = await setUp('to-archive');
    await asAlice.chat.postMessage({ channel, text: 'before' });
    const live = await devices.connect(bob, 'bob-archive');
    const archivedEvent = live.waitFor((f) => f.type === 'channel_archive', LIVE_MS);
    await asAlice.conversations.archive({ channel });
    expect(await archivedEvent).toMatchObject({ channel, user: alice.userId });
    expect(await errorOf(asAlice.conversations.archive({ channel }))).toBe('already_archived');
    expect(await errorOf(asBob.chat.postMessage({ channel, text: 'after' }))).toBe('is_archived');
    expect(await errorOf(asBob.chat.postMessage({ channel: '#to-archive', text: 'after' }))).toBe('is_archived');
    expect((await asBob.conversations.history({ channel })).messages?.map((m) => m.text)).toEqual(['before']);
    expect((await asBob.conversations.info({ channel })).channel?.is_archived).toBe(true);

    const unarchivedEvent = live.waitFor((f) => f.type === 'channel_unarchive', LIVE_MS);
    await asBob.conversations.unarchive({ channel });
    expect(await unarchivedEvent).toMatchObject({ channel, user: bob.userId });
    expect(await errorOf(asBob.conversations.unarchive({ channel }))).toBe('not_archived');
    expect((await asBob.chat.postMessage({ channel, text: 'after' })).ok).toBe(true);

    const dm = (await asAlice.conversations.open({ users: bob.userId })).channel!.id!;
    expect(await errorOf(asAlice.conversations.archive({ channel: dm }))).toBe('method_not_supported_for_channel_type');
    expect(await errorOf(asAlice.conversations.archive({ channel: evesChannel }))).toBe('channel_not_found');
    expect(await errorOf(asEve.conversations.setTopic({ channel, topic: 'x' }))).toBe('channel_not_found');
    expect(await errorOf(asEve.conversations.rename({ channel, name: 'mine' }))).toBe('channel_not_found');
  });
});

describe('reactions.get, users.conversations, team.info, bots.info, users.lookupByEmail', () => {
  test('reactions.get: the message with its reactions; message_not_found; channel_not_found across workspaces', async () => {
    const { alice, bob, asAlice, asBob, asEve, channel } = await setUp('reacted');
    const posted = await asAlice.chat.postMessage({ channel, text: 'react to me' });
    await asAlice.reactions.add({ channel, timestamp: posted.ts!, name: 'tada' });
    await asBob.reactions.add({ channel, timestamp: posted.ts!, name: 'tada' });
    const got = await asBob.reactions.get({ channel, timestamp: posted.ts!, full: true });
    expect(got).toMatchObject({ type: 'message', channel, message: { ts: posted.ts, text: 'react to me' } });
    expect(got.message?.reactions).toEqual([{ name: 'tada', count: 2, users: [alice.userId, bob.userId].sort() }]);
    expect(await errorOf(asBob.reactions.get({ channel, timestamp: '01HF00000000000000000000AA' }))).toBe('message_not_found');
    expect(await errorOf(asEve.reactions.get({ channel, timestamp: posted.ts! }))).toBe('channel_not_found');
  });

  test("users.conversations: the caller's by type; another user's only as far as the caller sees them; paginated", async () => {
    const { alice, bob, eve, asAlice, asBob, channel } = await setUp('shared');
    const secret = (await asAlice.conversations.create({ name: 'alice-only', is_private: true })).channel!.id!;
    const dm = (await asAlice.conversations.open({ users: bob.userId })).channel!.id!;
    const mine = await asAlice.users.conversations({ types: 'public_channel,private_channel,im' });
    expect(mine.channels?.map((c) => c.id).sort()).toEqual([channel, secret, dm].sort());
    expect(mine.channels?.every((c) => (c as { is_member?: boolean }).is_member)).toBe(true);
    const publicOnly = await asAlice.users.conversations({});
    expect(publicOnly.channels?.map((c) => c.id)).toEqual([channel]);
    // Bob looking at Alice: the shared public channel and their DM, not her private channel.
    const seenByBob = await asBob.users.conversations({ user: alice.userId, types: 'public_channel,private_channel,im' });
    expect(seenByBob.channels?.map((c) => c.id).sort()).toEqual([channel, dm].sort());
    const pages: string[] = [];
    for await (const page of asAlice.paginate('users.conversations', { types: 'public_channel,private_channel,im', limit: 1 })) {
      pages.push(...((page as { channels?: Array<{ id: string }> }).channels ?? []).map((c) => c.id));
    }
    expect(pages.sort()).toEqual([channel, secret, dm].sort());
    expect(await errorOf(asBob.users.conversations({ user: eve.userId }))).toBe('user_not_found');
  });

  test("team.info is the caller's workspace (another's is team_not_found); bots.info of a bot no app has is bot_not_found; an unknown address is users_not_found", async () => {
    const { alice, eve, asAlice } = await setUp('team');
    const team = await asAlice.team.info();
    expect(team.team).toMatchObject({ id: alice.teamId, name: alice.teamId, icon: { image_default: true } });
    expect(await errorOf(asAlice.team.info({ team: eve.teamId }))).toBe('team_not_found');
    expect(await errorOf(asAlice.bots.info({ bot: 'B0123456789' }))).toBe('bot_not_found');
    expect(await errorOf(asAlice.users.lookupByEmail({ email: 'alice@example.com' }))).toBe('users_not_found');
  });

  // Tokens with chosen claims come from the local issuer only.
  (isLocal() ? test : test.skip)('users.lookupByEmail finds the user whose ID token verified the address; an unverified claim and another workspace find no one', async () => {
    const { team, asBob, eve } = await setUp('emails');
    const address = `Ann.${Date.now()}@Example.com`;
    const signedIn = async (name: string, claims: Record<string, string | boolean>, inTeam = team) => {
      const signed = await signIn(name, inTeam, { claims });
      await call(signed.token, 'auth.test'); // first use provisions the user
      return signed;
    };
    const ann = await signedIn('ann', { email: address, email_verified: true });
    const found = await asBob.users.lookupByEmail({ email: address.toLowerCase() });
    expect(found.user).toMatchObject({ id: ann.userId, profile: { email: address.toLowerCase() } });
    expect((await asBob.users.lookupByEmail({ email: address })).user?.id).toBe(ann.userId);

    const mallory = `mallory.${Date.now()}@example.com`;
    await signedIn('mal', { email: mallory, email_verified: false });
    expect(await errorOf(asBob.users.lookupByEmail({ email: mallory }))).toBe('users_not_found');
    // Another workspace's member with the same verified address is not this workspace's user.
    await signedIn('ann-elsewhere', { email: `other.${address}`, email_verified: 'true' }, newTeam());
    expect(await errorOf(asBob.users.lookupByEmail({ email: `other.${address}` }))).toBe('users_not_found');
    expect(await errorOf(clientFor(eve).users.lookupByEmail({ email: address }))).toBe('users_not_found');
    expect(await errorOf(asBob.users.lookupByEmail({ email: 'not-an-address' }))).toBe('invalid_arguments');
  });
});

describe('files.info / files.delete', () => {
  test('the owner and the members of the channel see it; others and another workspace do not; only the owner deletes', async () => {
    const { alice, asAlice, asBob, asEve, channel } = await setUp('file-info');
    const bytes = randomBytes(2_000);
    await asAlice.filesUploadV2({ channel_id: channel, file: bytes, filename: 'notes.bin', title: 'Notes' });
    const [message] = (await asBob.conversations.history({ channel, limit: 1 })).messages!;
    const fileId = message.files![0].id!;

    const info = await asBob.files.info({ file: fileId });
    expect(info.file).toMatchObject({ id: fileId, name: 'notes.bin', title: 'Notes', size: bytes.length, user: alice.userId, channels: [channel] });
    expect(info.file).not.toHaveProperty('key');
    const served = await fetch(String(info.file?.url_private));
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    expect(await errorOf(asEve.files.info({ file: fileId }))).toBe('file_not_found');
    expect(await errorOf(asBob.files.info({ file: 'FNOSUCHFILE' }))).toBe('file_not_found');

    expect(await errorOf(asBob.files.delete({ file: fileId }))).toBe('cant_delete_file');
    expect(await errorOf(asEve.files.delete({ file: fileId }))).toBe('file_not_found');
    await asAlice.files.delete({ file: fileId });
    expect(await errorOf(asAlice.files.info({ file: fileId }))).toBe('file_not_found');
    expect(await errorOf(asAlice.files.delete({ file: fileId }))).toBe('file_not_found');
  });
});

describe('pins.add / pins.remove / pins.list', () => {
  test('members pin and unpin; pins.list gives Slack items newest first; already_pinned, no_pin, message_not_found, channel_not_found', async () => {
    const { alice, bob, asAlice, asBob, asEve, channel, evesChannel } = await setUp('pins');
    const first = await asAlice.chat.postMessage({ channel, text: 'first' });
    const second = await asAlice.chat.postMessage({ channel, text: 'second' });
    const live = await devices.connect(bob, 'bob-pins');
    const added = live.waitFor((f) => f.type === 'pin_added', LIVE_MS);
    await asAlice.pins.add({ channel, timestamp: first.ts! });
    expect(await added).toMatchObject({ user: alice.userId, channel_id: channel, item: { type: 'message', channel, created_by: alice.userId, message: { ts: first.ts } } });
    await asBob.pins.add({ channel, timestamp: second.ts! });
    expect(await errorOf(asBob.pins.add({ channel, timestamp: first.ts! }))).toBe('already_pinned');
    const list = await asBob.pins.list({ channel });
    expect(list.items?.map((i) => [i.type, i.channel, i.message?.text, i.created_by])).toEqual([
      ['message', channel, 'second', expect.any(String)],
      ['message', channel, 'first', alice.userId],
    ]);
    const removed = live.waitFor((f) => f.type === 'pin_removed', LIVE_MS);
    await asBob.pins.remove({ channel, timestamp: first.ts! });
    expect(await removed).toMatchObject({ channel_id: channel, item: { message: { ts: first.ts } } });
    expect(await errorOf(asBob.pins.remove({ channel, timestamp: first.ts! }))).toBe('no_pin');
    expect((await asAlice.pins.list({ channel })).items?.map((i) => i.message?.text)).toEqual(['second']);
    // A deleted message leaves the list.
    await asAlice.chat.delete({ channel, ts: second.ts! });
    expect((await asAlice.pins.list({ channel })).items).toEqual([]);
    expect(await errorOf(asAlice.pins.add({ channel, timestamp: '01HF00000000000000000000AA' }))).toBe('message_not_found');
    expect(await errorOf(asEve.pins.list({ channel }))).toBe('channel_not_found');
    expect(await errorOf(asAlice.pins.add({ channel: evesChannel, timestamp: first.ts! }))).toBe('channel_not_found');
  });
});

describe('chat.postEphemeral', () => {
  test("only that user's online devices get it (is_ephemeral), never history, an inbox or other members; user_not_in_channel", async () => {
    const { team, alice, bob, eve, asAlice, asBob, asEve, channel } = await setUp('ephemeral');
    const carol = await person('carol', team);
    await clientFor(carol).conversations.join({ channel });
    const dave = await person('dave', team);
    const bobPhone = await devices.connect(bob, 'bob-eph-phone');
    const bobOther = await online(bob, 'bob-eph-laptop');
    const carolsDevice = await devices.connect(carol, 'carol-eph');

    const blocks = [section('only *you* can see this')];
    const sent = await asAlice.chat.postEphemeral({ channel: '#ephemeral', user: bob.userId, text: 'psst', blocks });
    expect(sent.message_ts).toEqual(expect.any(String));
    const onPhone = await bobPhone.waitFor((f) => f.is_ephemeral === true, LIVE_MS);
    expect(onPhone).toMatchObject({ type: 'message', channel, user: alice.userId, text: 'psst', ts: sent.message_ts, blocks, is_ephemeral: true });
    await bobOther.ws.waitFor((f) => f.is_ephemeral === true, LIVE_MS);

    // A message posted after it reaches Carol first: the fan-out handles the channel's records in order, so she never got the ephemeral one.
    const after = await asAlice.chat.postMessage({ channel, text: 'for everyone' });
    await carolsDevice.waitFor((f) => f.type === 'message' && f.ts === after.ts, LIVE_MS);
    expect(carolsDevice.events.some((f) => f.is_ephemeral === true)).toBe(false);
    await bobPhone.waitFor((f) => f.type === 'message' && f.ts === after.ts, LIVE_MS);
    const synced = await syncAll(bobOther.ws, bobOther.cursor);
    expect(synced.events.some((e) => e.is_ephemeral === true || e.ts === sent.message_ts)).toBe(false);
    await bobOther.ws.close();
    expect((await asBob.conversations.history({ channel })).messages?.map((m) => m.text)).toEqual(['for everyone']);

    expect(await errorOf(asAlice.chat.postEphemeral({ channel, user: dave.userId, text: 'x' }))).toBe('user_not_in_channel');
    expect(await errorOf(asAlice.chat.postEphemeral({ channel, user: bob.userId, text: '' }))).toBe('no_text');
    // Never readable later, so it must fit one live message whole (128 KB): 40,000 control characters are 240 KB of JSON.
    expect((await api(alice.token, 'chat.postEphemeral', { channel, user: bob.userId, text: '\u0001'.repeat(40_000) })).body).toMatchObject({ ok: false, error: 'msg_too_long' });
    expect(await errorOf(asEve.chat.postEphemeral({ channel, user: bob.userId, text: 'x' }))).toBe('channel_not_found');
    expect(await errorOf(asAlice.chat.postEphemeral({ channel, user: eve.userId, text: 'x' }))).toBe('user_not_in_channel');
  });
});

describe('chat.scheduleMessage / chat.scheduledMessages.list / chat.deleteScheduledMessage', () => {
  test('posted as its author once due (the deliverer runs every minute), listed until then, a deleted one never; time_in_past, time_too_far, invalid_scheduled_message_id', async () => {
    const { team, alice, asAlice, asBob, asEve, channel, evesChannel } = await setUp('scheduled');
    const watcher = await person('watcher', team);
    await clientFor(watcher).conversations.join({ channel });
    const live = await devices.connect(watcher, 'watcher-scheduled');
    const now = Math.floor(Date.now() / 1000);
    const blocks = [section('on *time*')];
    const kept = await asAlice.chat.scheduleMessage({ channel: '#scheduled', text: 'later', blocks, post_at: now + 2 });
    expect(kept).toMatchObject({ channel, post_at: now + 2, scheduled_message_id: expect.stringMatching(/^Q/), message: { text: 'later', blocks, user: alice.userId } });
    const dropped = await asAlice.chat.scheduleMessage({ channel, text: 'never', post_at: now + 3 });
    const far = await asAlice.chat.scheduleMessage({ channel, text: 'next month', post_at: now + 30 * 24 * 3600 });
    // Bob schedules one, then leaves: when it is due the channel refuses it, and it is dropped.
    const orphan = await asBob.chat.scheduleMessage({ channel, text: 'from someone who left', post_at: now + 2 });
    expect((await asBob.chat.scheduledMessages.list({})).scheduled_messages?.map((m) => m.id)).toEqual([orphan.scheduled_message_id]);
    await asBob.conversations.leave({ channel });

    const listed = await asAlice.chat.scheduledMessages.list({ channel: '#scheduled' });
    expect(listed.scheduled_messages?.map((m) => [m.id, m.channel_id, m.post_at, m.text])).toEqual([
      [kept.scheduled_message_id, channel, now + 2, 'later'],
      [dropped.scheduled_message_id, channel, now + 3, 'never'],
      [far.scheduled_message_id, channel, now + 30 * 24 * 3600, 'next month'],
    ]);
    const carol = await person('carol', team);
    expect((await clientFor(carol).chat.scheduledMessages.list({})).scheduled_messages).toEqual([]);
    await clientFor(carol).conversations.join({ channel });
    expect(await errorOf(clientFor(carol).chat.deleteScheduledMessage({ channel, scheduled_message_id: dropped.scheduled_message_id! }))).toBe('invalid_scheduled_message_id');
    await asAlice.chat.deleteScheduledMessage({ channel: '#scheduled', scheduled_message_id: dropped.scheduled_message_id! });
    expect(await errorOf(asAlice.chat.deleteScheduledMessage({ channel, scheduled_message_id: dropped.scheduled_message_id! }))).toBe('invalid_scheduled_message_id');
    expect(await errorOf(asAlice.chat.deleteScheduledMessage({ channel, scheduled_message_id: 'Q123' }))).toBe('invalid_scheduled_message_id');

    expect(await errorOf(asAlice.chat.scheduleMessage({ channel, text: 'x', post_at: now - 10 }))).toBe('time_in_past');
    expect(await errorOf(asAlice.chat.scheduleMessage({ channel, text: 'x', post_at: now + 121 * 24 * 3600 }))).toBe('time_too_far');
    expect(await errorOf(asAlice.chat.scheduleMessage({ channel, text: '', post_at: now + 60 }))).toBe('no_text');
    expect(await errorOf(asAlice.chat.scheduleMessage({ channel: evesChannel, text: 'x', post_at: now + 60 }))).toBe('channel_not_found');
    expect(await errorOf(asEve.chat.scheduleMessage({ channel, text: 'x', post_at: now + 60 }))).toBe('channel_not_found');

    // Delivered by the next run of the minute rule: within about a minute of post_at.
    const event = await live.waitFor((f) => f.type === 'message' && f.channel === channel && f.text === 'later', 100_000);
    expect(event).toMatchObject({ user: alice.userId, blocks, client_msg_id: kept.scheduled_message_id });
    expect(Number(new Date()) / 1000 - now).toBeLessThan(95);
    // Bob's was due in the same run (or an earlier one): dropped, and gone from his list.
    const history = await clientFor(watcher).conversations.history({ channel });
    expect(history.messages?.map((m) => m.text)).toEqual(['later']);
    const after = await asAlice.chat.scheduledMessages.list({});
    expect(after.scheduled_messages?.map((m) => m.id)).toEqual([far.scheduled_message_id]);
    expect((await eventually(async () => {
      const left = (await asBob.chat.scheduledMessages.list({})).scheduled_messages ?? [];
      return left.length === 0 ? left : undefined;
    }, LIVE_MS))).toEqual([]);
  }, 150_000);
});
