import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { api, target } from './harness/target';
import { call, callFails, Devices, LIVE_MS, newTeam, person, type Person } from './support';

/*
 * Attacker-controlled strings against the whole system on the local cloud: names that collide with
 * Object.prototype members, forged pagination cursors, inverted history ranges, and client_msg_id
 * reused across conversations. Each answers with a clear client error (or its own correct result),
 * never a 500, and never stops anything for another workspace.
 */

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', ':__proto__:'];
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('trust and robustness', () => {
  const team = newTeam();
  let alice: Person;
  let bob: Person;
  let channel: string;
  const devices = new Devices();

  beforeAll(async () => {
    [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => person(n, team)));
    channel = (await call(alice.token, 'conversations.create', { name: 'robust' })).channel.id;
    await call(bob.token, 'conversations.join', { channel });
  });
  afterAll(() => devices.closeAll());

  test('reaction names like __proto__ and constructor are invalid_name, and fan-out goes on for every workspace', async () => {
    const first = await call(alice.token, 'chat.postMessage', { channel, text: 'no reactions yet' });
    const later = await call(alice.token, 'chat.postMessage', { channel, text: 'has a reaction' });
    await call(bob.token, 'reactions.add', { channel, timestamp: later.ts, name: 'thumbsup' });
    // Answers are collected first and checked after the fan-out check, so a regression shows both
    // the wrong answer and whether delivery stopped.
    const answers: Array<[string, number, unknown]> = [];
    for (const name of PROTOTYPE_NAMES) {
      for (const ts of [first.ts, later.ts]) {
        const res = await api(bob.token, 'reactions.add', { channel, timestamp: ts, name });
        answers.push([`${name} on ${ts === first.ts ? 'a first' : 'a later'} reaction`, res.status, res.body.error]);
      }
      const removal = await api(bob.token, 'reactions.remove', { channel, timestamp: later.ts, name });
      answers.push([`${name} removed`, removal.status, removal.body.error]);
    }

    // Another workspace's live connection still gets its messages.
    const otherTeam = newTeam();
    const [carol, dave] = await Promise.all(['carol', 'dave'].map((n) => person(n, otherTeam)));
    const elsewhere = (await call(carol.token, 'conversations.create', { name: 'elsewhere' })).channel.id;
    await call(dave.token, 'conversations.join', { channel: elsewhere });
    const daveLive = await devices.connect(dave, 'dave-after-proto');
    const posted = await call(carol.token, 'chat.postMessage', { channel: elsewhere, text: 'still flowing' });
    await daveLive.waitFor((e) => e.type === 'message' && e.ts === posted.ts, LIVE_MS);
    // And this workspace's reactions are still announced.
    const aliceLive = await devices.connect(alice, 'alice-after-proto');
    await call(bob.token, 'reactions.add', { channel, timestamp: later.ts, name: 'tada' });
    await aliceLive.waitFor((e) => e.type === 'reaction_added' && e.reaction === 'tada' && e.item?.ts === later.ts, LIVE_MS);

    for (const [label, status, error] of answers) expect([label, status, error]).toEqual([label, 200, 'invalid_name']);
    const page = await call(alice.token, 'conversations.history', { channel, limit: 10 });
    expect(page.messages.find((m: { ts: string }) => m.ts === later.ts).reactions).toEqual([
      { name: 'tada', count: 1, users: [bob.userId] },
      { name: 'thumbsup', count: 1, users: [bob.userId] },
    ]);
    expect(page.messages.find((m: { ts: string }) => m.ts === first.ts)).not.toHaveProperty('reactions');
  });

  test('query parameters named __proto__ or constructor are ordinary parameters at both gateways', async () => {
    const query = new URLSearchParams([['__proto__', '1'], ['constructor', '2'], ['toString', '3'], ['hasOwnProperty', '4']]);
    const http = await fetch(`${target().httpApiUrl}/api/auth.test?${query}`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(http.status).toBe(200);
    expect(await http.json()).toMatchObject({ ok: true, user_id: alice.userId });

    query.set('token', alice.token);
    query.set('device_id', 'proto-query');
    const socket = new WebSocket(`${target().webSocketUrl}?${query}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`handshake answered ${res.statusCode}`)));
      socket.once('error', reject);
    });
    const pong = new Promise<Record<string, unknown>>((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString()))));
    socket.send(JSON.stringify({ action: 'ping', id: 7 }));
    expect(await pong).toEqual({ type: 'pong', reply_to: 7 });
    socket.close();
    // The gateway is still up for everyone else.
    await call(bob.token, 'auth.test');
  });

  describe('forged cursors are invalid_cursor, never a 500 or another listing', () => {
    const SCOPES = ['T#T0000000000', 'CH#C0000000000', 'U#U0000000000'];
    // Wrong types, empty, control and top-of-range characters, over 1 KB of key bytes, key syntax, lookalikes.
    const badValues: unknown[] = [
      5, null, ['U0000000000'], { u: 'x' }, '', '\u0000', '\uffff'.repeat(400), 'Z'.repeat(512), 'x'.repeat(600),
      'U1#MSG#', '../T#T1', '7ZZZZZZZZZZZZZZZZZZZZZZZZZZ', 'u0000000000',
    ];
    /** Forged cursors, several carrying the scope the listing really uses (cursors are decodable, so an attacker knows it). */
    const forged = (scope: string): string[] => [
      'not base64 !!!',
      b64('not json'),
      b64('null'),
      b64('[]'),
      b64('42'),
      b64('"a string"'),
      b64({}),
      b64({ cursor: 'x' }),
      ...Array.from({ length: 6 }, () => randomBytes(8 + Math.floor(Math.random() * 200)).toString('base64url')),
      ...badValues.flatMap((bad) => [
        b64({ u: bad, in: scope }),
        b64({ phase: 'mine', after: bad, in: scope }),
        // (From the first public channel, or after a lower-case name, is a real public-phase position.)
        ...(bad === '\u0000' || bad === 'u0000000000' ? [] : [b64({ phase: 'public', after: bad, in: scope })]),
        b64({ before: bad }),
        b64({ after: bad }),
      ]),
      b64({ phase: 'elsewhere', after: 'C0000000000', in: scope }),
      b64({ phase: 'mine', after: 'mine', in: scope }),
      b64({ phase: 'public', after: 'UPPER-case', in: scope }),
      // Positions for other partitions: another workspace, another channel, another user.
      ...SCOPES.map((other) => b64({ u: 'U0000000000', in: other })),
      ...SCOPES.map((other) => b64({ phase: 'mine', after: 'C0000000000', in: other })),
    ];

    async function expectInvalidCursors(who: Person, method: string, args: Record<string, unknown>, scope: string) {
      const wrong: unknown[] = [];
      for (const cursor of forged(scope)) {
        const res = await api(who.token, method, { ...args, cursor });
        if (res.status !== 200 || res.body.error !== 'invalid_cursor') wrong.push({ cursor: Buffer.from(cursor, 'base64url').toString('utf8').slice(0, 80), status: res.status, body: res.body });
      }
      expect(wrong).toEqual([]);
    }

    let thread: string;
    beforeAll(async () => {
      thread = (await call(alice.token, 'chat.postMessage', { channel, text: 'thread parent' })).ts;
      await call(bob.token, 'chat.postMessage', { channel, text: 'a reply', thread_ts: thread });
    });

    // A user per method: each has its own rate bucket.
    test.each([
      ['users.list', {}],
      ['conversations.list', { types: 'public_channel,private_channel,mpim,im' }],
      ['conversations.members', 'channel'],
      ['conversations.history', 'channel'],
      ['conversations.replies', 'thread'],
    ] as const)('%s', async (method, shape) => {
      const who = await person(`fuzz-${method}`, team);
      await call(who.token, 'conversations.join', { channel });
      const args = shape === 'channel' ? { channel } : shape === 'thread' ? { channel, ts: thread } : shape;
      const scope = method === 'users.list' ? `T#${who.teamId}` : method === 'conversations.list' ? `U#${who.userId}` : `CH#${channel}`;
      await expectInvalidCursors(who, method, args, scope);
    });

    test("a real cursor of another listing is refused, never read in this one's partition", async () => {
      const otherTeam = newTeam();
      const others = await Promise.all(['erin', 'frank', 'grace'].map((n) => person(n, otherTeam)));
      const theirs = await call(others[0].token, 'users.list', { limit: 1 });
      expect(theirs.response_metadata.next_cursor).not.toBe('');
      expect(await callFails(alice.token, 'users.list', { limit: 1, cursor: theirs.response_metadata.next_cursor })).toBe('invalid_cursor');

      const { channel: second } = await call(alice.token, 'conversations.create', { name: 'second' });
      await call(alice.token, 'conversations.invite', { channel: second.id, users: bob.userId });
      const members = await call(alice.token, 'conversations.members', { channel, limit: 1 });
      expect(members.response_metadata.next_cursor).not.toBe('');
      expect(await callFails(alice.token, 'conversations.members', { channel: second.id, limit: 1, cursor: members.response_metadata.next_cursor })).toBe('invalid_cursor');

      const mine = await call(alice.token, 'conversations.list', { limit: 1, types: 'public_channel' });
      expect(mine.response_metadata.next_cursor).not.toBe('');
      expect(await callFails(bob.token, 'conversations.list', { limit: 1, types: 'public_channel', cursor: mine.response_metadata.next_cursor })).toBe('invalid_cursor');
      // The owner's cursor still pages on.
      await call(alice.token, 'conversations.list', { limit: 1, types: 'public_channel', cursor: mine.response_metadata.next_cursor });
    });
  });

  test('conversations.history with oldest after latest is an empty page, as Slack answers', async () => {
    const { channel: fresh } = await call(alice.token, 'conversations.create', { name: `range-${Date.now()}` });
    const ts: string[] = [];
    for (let i = 0; i < 3; i++) ts.push((await call(alice.token, 'chat.postMessage', { channel: fresh.id, text: `r${i}` })).ts);
    for (const args of [
      { oldest: ts[2], latest: ts[0] },
      { oldest: ts[2], latest: ts[0], inclusive: true },
      { oldest: ts[1], latest: ts[1] },
      { oldest: '1900000000.000000', latest: '1600000000.000000' },
      { oldest: '1900000000', latest: ts[0] },
    ]) {
      const res = await api(alice.token, 'conversations.history', { channel: fresh.id, ...args });
      expect([args, res.status, res.body.ok, res.body.messages, res.body.has_more]).toEqual([args, 200, true, [], false]);
    }
    const inclusiveOne = await call(alice.token, 'conversations.history', { channel: fresh.id, oldest: ts[1], latest: ts[1], inclusive: true });
    expect(inclusiveOne.messages.map((m: { ts: string }) => m.ts)).toEqual([ts[1]]);
    // A page cursor below `oldest` is an empty page too.
    const paged = await call(alice.token, 'conversations.history', { channel: fresh.id, limit: 1 });
    const below = await call(alice.token, 'conversations.history', { channel: fresh.id, oldest: ts[2], cursor: paged.response_metadata.next_cursor });
    expect(below.messages).toEqual([]);
  });

  describe('client_msg_id belongs to one conversation', () => {
    test('the same id in two channels is two messages, each in its own channel; a retry keeps its ts', async () => {
      const { channel: other } = await call(alice.token, 'conversations.create', { name: 'other-room' });
      const clientMsgId = randomUUID();
      const here = await call(alice.token, 'chat.postMessage', { channel, text: 'said here', client_msg_id: clientMsgId });
      const there = await call(alice.token, 'chat.postMessage', { channel: other.id, text: 'said there', client_msg_id: clientMsgId });
      expect(there.channel).toBe(other.id);
      expect(there.ts).not.toBe(here.ts);
      expect(there.message.text).toBe('said there');

      const ws = await devices.connect(alice, 'alice-idem');
      const overWs = await ws.request({ action: 'message', channel: other.id, text: 'said there', client_msg_id: clientMsgId });
      expect(overWs).toMatchObject({ type: 'ack', channel: other.id, ts: there.ts });
      const retried = await call(alice.token, 'chat.postMessage', { channel, text: 'said here', client_msg_id: clientMsgId });
      expect([retried.channel, retried.ts]).toEqual([channel, here.ts]);

      const hereTexts = (await call(alice.token, 'conversations.history', { channel, limit: 20 })).messages.filter((m: { client_msg_id?: string }) => m.client_msg_id === clientMsgId);
      const thereTexts = (await call(alice.token, 'conversations.history', { channel: other.id, limit: 20 })).messages.filter((m: { client_msg_id?: string }) => m.client_msg_id === clientMsgId);
      expect(hereTexts.map((m: { text: string; ts: string }) => [m.ts, m.text])).toEqual([[here.ts, 'said here']]);
      expect(thereTexts.map((m: { text: string; ts: string }) => [m.ts, m.text])).toEqual([[there.ts, 'said there']]);
    });

    test("after a kick from a private channel, replaying its id elsewhere posts anew and never returns the private message", async () => {
      const { channel: secret } = await call(bob.token, 'conversations.create', { name: 'bobs-secret', is_private: true });
      await call(bob.token, 'conversations.invite', { channel: secret.id, users: alice.userId });
      const clientMsgId = randomUUID();
      const inside = await call(alice.token, 'chat.postMessage', { channel: secret.id, text: 'private words', client_msg_id: clientMsgId });
      await call(bob.token, 'conversations.kick', { channel: secret.id, user: alice.userId });

      const replayed = await call(alice.token, 'chat.postMessage', { channel, text: 'public words', client_msg_id: clientMsgId });
      expect(replayed.channel).toBe(channel);
      expect(replayed.ts).not.toBe(inside.ts);
      expect(replayed.message.text).toBe('public words');
      expect(JSON.stringify(replayed)).not.toContain('private words');

      const ws = await devices.connect(alice, 'alice-kicked');
      const overWs = await ws.request({ action: 'message', channel, text: 'public words', client_msg_id: clientMsgId });
      expect(overWs).toMatchObject({ type: 'ack', channel, ts: replayed.ts });
      expect(await callFails(alice.token, 'chat.postMessage', { channel: secret.id, text: 'private words', client_msg_id: clientMsgId })).toBe('channel_not_found');
      const history = await call(bob.token, 'conversations.history', { channel: secret.id });
      expect(history.messages.map((m: { ts: string }) => m.ts)).toEqual([inside.ts]);
    });
  });
});
