import { api, signIn } from './harness/target';
import { HandshakeError, WsClient } from './harness/ws-client';
import { call, newTeam, online, person, sleep, type Person } from './support';

/**
 * Every method × every kind of caller: the expected answer for each, and no event of a channel
 * ever reaching a connection that is not a member's.
 */
describe('authorization matrix', () => {
  const team = newTeam();
  let author: Person;
  let member: Person;
  let nonMember: Person;
  let foreigner: Person;
  let publicChannel: string;
  let privateChannel: string;
  let messageTs: string;
  const watchers: WsClient[] = [];

  // A token whose signature no longer matches, and one that claims no signature at all.
  const badSignature = (token: string) => {
    const [h, p, s] = token.split('.');
    return `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  };
  const algNone = (token: string) => {
    const payload = token.split('.')[1];
    return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
  };

  beforeAll(async () => {
    [author, member, nonMember] = await Promise.all(['author', 'member', 'stranger'].map((n) => person(n, team)));
    foreigner = await person('foreigner', newTeam());
    publicChannel = (await call(author.token, 'conversations.create', { name: 'matrix-public' })).channel.id;
    privateChannel = (await call(author.token, 'conversations.create', { name: 'matrix-private', is_private: true })).channel.id;
    await call(member.token, 'conversations.join', { channel: publicChannel });
    await call(author.token, 'conversations.invite', { channel: privateChannel, users: member.userId });
    messageTs = (await call(author.token, 'chat.postMessage', { channel: publicChannel, text: 'matrix message' })).ts;
    await call(author.token, 'chat.postMessage', { channel: privateChannel, text: 'private matrix message' });
    // Outsiders watch for leaks for the whole run.
    for (const who of [nonMember, foreigner]) watchers.push((await online(who, `${who.name}-watch`)).ws);
  });
  afterAll(async () => {
    await Promise.all(watchers.map((w) => w.close()));
  });

  const channelMethods = (channel: string): Array<[string, Record<string, unknown>]> => [
    ['conversations.info', { channel }],
    ['conversations.history', { channel }],
    ['conversations.replies', { channel, ts: messageTs }],
    ['conversations.members', { channel }],
    ['conversations.mark', { channel, ts: messageTs }],
    ['chat.postMessage', { channel, text: 'probe' }],
    ['chat.update', { channel, ts: messageTs, text: 'probe' }],
    ['chat.delete', { channel, ts: messageTs }],
    ['reactions.add', { channel, timestamp: messageTs, name: 'eyes' }],
    ['reactions.remove', { channel, timestamp: messageTs, name: 'eyes' }],
    ['conversations.invite', { channel, users: 'U0000000000' }],
    ['conversations.kick', { channel, user: 'U0000000000' }],
    ['conversations.leave', { channel }],
    ['conversations.setTopic', { channel, topic: 'probe' }],
    ['conversations.setPurpose', { channel, purpose: 'probe' }],
    ['users.prefs.set', { channel, muted: true }],
  ];
  const allMethods = [
    'auth.test', 'users.info', 'users.list', 'conversations.create', 'conversations.list', 'conversations.open',
    ...channelMethods('C0').map(([m]) => m), 'conversations.join',
    'users.prefs.get', 'dnd.info', 'dnd.setSnooze', 'dnd.endSnooze', 'dnd.endDnd', 'client.counts',
    'push.vapidPublicKey', 'push.subscribe', 'push.unsubscribe',
  ];

  test.each([
    ['no token', async () => undefined],
    ['an expired token', async () => (await signIn('author', team, { expiresIn: -120 })).token],
    ['a bad signature', async () => badSignature(author.token)],
    ['alg: none', async () => algNone(author.token)],
    ['garbage', async () => 'not.a.jwt'],
  ])('%s: every HTTP method is 401 and the WebSocket handshake is refused', async (_label, token) => {
    const t = await token();
    for (const method of allMethods) {
      const res = await api(t, method, { channel: publicChannel });
      expect([method, res.status]).toEqual([method, 401]);
      expect(JSON.stringify(res.body)).not.toContain('matrix');
    }
    const refused = await WsClient.connect(t).then(
      (ws) => ws.close().then(() => 0),
      (e: unknown) => (e instanceof HandshakeError ? e.status : -1),
    );
    expect([401, 403]).toContain(refused);
  });

  test('another workspace: every channel method is channel_not_found, users are user_not_found', async () => {
    for (const channel of [publicChannel, privateChannel]) {
      for (const [method, args] of [...channelMethods(channel), ['conversations.join', { channel }] as [string, Record<string, unknown>]]) {
        const res = await api(foreigner.token, method, args);
        expect([method, res.body.error]).toEqual([method, 'channel_not_found']);
      }
    }
    expect((await api(foreigner.token, 'users.info', { user: author.userId })).body.error).toBe('user_not_found');
    expect((await api(foreigner.token, 'conversations.open', { users: author.userId })).body.error).toBe('user_not_found');
    const listed = await call(foreigner.token, 'conversations.list', { types: 'public_channel,private_channel,mpim,im' });
    expect(listed.channels.map((c: { id: string }) => c.id)).not.toContain(publicChannel);
  });

  test('a non-member: a private channel does not exist for them; a public one is visible but not readable or writable', async () => {
    for (const [method, args] of channelMethods(privateChannel)) {
      const res = await api(nonMember.token, method, args);
      expect([method, res.body.error]).toEqual([method, 'channel_not_found']);
    }
    expect((await api(nonMember.token, 'conversations.join', { channel: privateChannel })).body.error).toBe('channel_not_found');
    const expected: Record<string, string | true> = {
      'conversations.info': true,
      'conversations.history': 'not_in_channel', 'conversations.replies': 'not_in_channel', 'conversations.members': 'not_in_channel',
      'conversations.mark': 'not_in_channel', 'chat.postMessage': 'not_in_channel', 'chat.update': 'not_in_channel',
      'chat.delete': 'not_in_channel', 'reactions.add': 'not_in_channel', 'reactions.remove': 'not_in_channel',
      'conversations.invite': 'not_in_channel', 'conversations.kick': 'not_in_channel', 'conversations.leave': 'not_in_channel',
      'conversations.setTopic': 'not_in_channel', 'conversations.setPurpose': 'not_in_channel',
      // Muting a public channel one can see is one's own preference.
      'users.prefs.set': true,
    };
    for (const [method, args] of channelMethods(publicChannel)) {
      const res = await api(nonMember.token, method, args);
      const got = res.body.ok === true ? true : res.body.error;
      expect([method, got]).toEqual([method, expected[method]]);
    }
    const info = await call(nonMember.token, 'conversations.info', { channel: publicChannel });
    expect(info.channel).toMatchObject({ is_member: false });
    expect(info.channel.last_read).toBeUndefined();
    const ws = watchers[0];
    expect(await ws.request({ action: 'message', channel: privateChannel, text: 'x' })).toMatchObject({ error: 'channel_not_found' });
    expect(await ws.request({ action: 'message', channel: publicChannel, text: 'x' })).toMatchObject({ error: 'not_in_channel' });
  });

  test('a member who is not the author: reads and writes, but cannot edit or delete the author\'s message', async () => {
    for (const channel of [publicChannel, privateChannel]) {
      await call(member.token, 'conversations.info', { channel });
      await call(member.token, 'conversations.history', { channel });
      await call(member.token, 'conversations.members', { channel });
      await call(member.token, 'chat.postMessage', { channel, text: 'member says hi' });
    }
    expect((await api(member.token, 'chat.update', { channel: publicChannel, ts: messageTs, text: 'mine now' })).body.error).toBe('cant_update_message');
    expect((await api(member.token, 'chat.delete', { channel: publicChannel, ts: messageTs })).body.error).toBe('cant_delete_message');
    await call(member.token, 'reactions.add', { channel: publicChannel, timestamp: messageTs, name: 'eyes' });
    await call(member.token, 'conversations.replies', { channel: publicChannel, ts: messageTs });
    await call(member.token, 'conversations.mark', { channel: publicChannel, ts: messageTs });
  });

  test('the author may edit and delete; after all this no outsider connection saw a single event of either channel', async () => {
    await call(author.token, 'chat.update', { channel: publicChannel, ts: messageTs, text: 'edited by author' });
    await call(author.token, 'chat.delete', { channel: publicChannel, ts: messageTs });
    await sleep(2000);
    for (const w of watchers) {
      const leaked = w.events.filter((e) => JSON.stringify(e).includes(publicChannel) || JSON.stringify(e).includes(privateChannel));
      expect(leaked).toEqual([]);
    }
    // And nothing of theirs in the outsiders' inboxes either.
    for (const w of watchers) {
      const reply = await w.request({ action: 'sync', since: `c1.${'0'.repeat(26)}` });
      expect(JSON.stringify(reply.events)).not.toContain('matrix');
    }
  });
});
