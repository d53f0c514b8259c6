import { randomUUID } from 'node:crypto';
import { api } from './harness/target';
import { call, LIVE_MS, callFails, dedupe, Devices, newTeam, person, sleep, syncAll, type Person } from './support';

describe('messages: real time, order, idempotency, history, threads', () => {
  const team = newTeam();
  let alice: Person;
  let bob: Person;
  let eve: Person; // same workspace, not a member
  let channel: string;
  const devices = new Devices();

  beforeAll(async () => {
    [alice, bob, eve] = await Promise.all(['alice', 'bob', 'eve'].map((n) => person(n, team)));
    channel = (await call(alice.token, 'conversations.create', { name: 'chat' })).channel.id;
    await call(bob.token, 'conversations.join', { channel });
  });
  afterAll(() => devices.closeAll());
  const connect = (who: Person, device: string) => devices.connect(who, device);

  test('two people on three devices: a send is acknowledged with its ts and reaches every member device, not outsiders', async () => {
    const [aliceLaptop, bobLaptop, bobPhone, eveLaptop] = await Promise.all([
      connect(alice, 'alice-laptop'), connect(bob, 'bob-laptop'), connect(bob, 'bob-phone'), connect(eve, 'eve-laptop'),
    ]);
    const ack = await aliceLaptop.request({ action: 'message', channel, text: 'hello bob', client_msg_id: randomUUID() });
    expect(ack).toMatchObject({ type: 'ack', channel });
    expect(typeof ack.ts).toBe('string');
    const isIt = (e: any) => e.type === 'message' && e.ts === ack.ts;
    for (const device of [bobLaptop, bobPhone, aliceLaptop]) {
      const event = await device.waitFor(isIt, LIVE_MS);
      expect(event).toMatchObject({ channel, user: alice.userId, text: 'hello bob' });
      expect(typeof event.event_id).toBe('string');
    }
    // Bob answers over HTTP: same path, Alice gets it live.
    const reply = await call(bob.token, 'chat.postMessage', { channel, text: 'hi alice' });
    expect(reply).toMatchObject({ channel, message: { text: 'hi alice', user: bob.userId } });
    await aliceLaptop.waitFor((e) => e.type === 'message' && e.ts === reply.ts, LIVE_MS);
    await sleep(500);
    expect(eveLaptop.events.filter((e) => e.channel === channel)).toEqual([]);
  });

  test("echo: false: the ack carries the message's event and is that connection's only copy; the sender's other devices, the members and a later sync get the same event_id", async () => {
    const [sender, alicePhone, bobLaptop] = await Promise.all([connect(alice, 'alice-noecho'), connect(alice, 'alice-noecho-phone'), connect(bob, 'bob-noecho')]);
    const cursor = String((await sender.request({ action: 'sync' })).cursor);
    const ack = await sender.request({ action: 'message', channel, text: 'acked, not echoed', client_msg_id: randomUUID(), echo: false });
    expect(ack).toMatchObject({ type: 'ack', channel, event: { type: 'message', channel, ts: ack.ts, user: alice.userId, text: 'acked, not echoed', event_ts: ack.ts } });
    const eventId = ack.event.event_id;
    expect(typeof eventId).toBe('string');
    const isIt = (e: any) => e.type === 'message' && e.ts === ack.ts;
    for (const device of [alicePhone, bobLaptop]) expect((await device.waitFor(isIt, LIVE_MS)).event_id).toBe(eventId);
    // Bob's copy has been posted, so the fan-out has handled this record: the sending connection got nothing more.
    await sleep(500);
    expect(sender.events.filter(isIt)).toEqual([]);
    // Its own later sync finds the message under the same event_id, so a client drops it as the ack's copy.
    const synced = await syncAll(sender, cursor);
    expect(synced.events.filter(isIt).map((e) => e.event_id)).toEqual([eventId]);
    // Without the flag the same connection gets its echo, as before.
    const plain = await sender.request({ action: 'message', channel, text: 'echoed' });
    expect(plain.event).toBeUndefined();
    await sender.waitFor((e) => e.type === 'message' && e.ts === plain.ts, LIVE_MS);
  });

  test('concurrent senders: ts increase in commit order, history agrees, live events arrive in that order', async () => {
    const listener = await connect(alice, 'alice-order-listener');
    const sends = Array.from({ length: 24 }, (_, i) =>
      call(i % 2 ? alice.token : bob.token, 'chat.postMessage', { channel, text: `burst ${i}` }),
    );
    const acked = (await Promise.all(sends)).map((r) => r.ts as string);
    expect(new Set(acked).size).toBe(24);
    const page = await call(alice.token, 'conversations.history', { channel, limit: 24 });
    const newestFirst = page.messages.map((m: { ts: string }) => m.ts);
    expect(new Set(newestFirst)).toEqual(new Set(acked));
    expect([...newestFirst].sort().reverse()).toEqual(newestFirst);
    await listener.waitFor(() => listener.events.filter((e) => e.type === 'message' && acked.includes(e.ts)).length >= 24, 15_000);
    const liveOrder = dedupe(listener.events.filter((e) => e.type === 'message' && acked.includes(e.ts))).map((e) => e.ts);
    expect(liveOrder).toEqual([...liveOrder].sort());
  });

  test('the same client_msg_id gives one message and the same ts over HTTP and WebSocket', async () => {
    const clientMsgId = randomUUID();
    const ws = await connect(alice, 'alice-retry');
    const first = await call(alice.token, 'chat.postMessage', { channel, text: 'once', client_msg_id: clientMsgId });
    const again = await call(alice.token, 'chat.postMessage', { channel, text: 'once', client_msg_id: clientMsgId });
    const overWs = await ws.request({ action: 'message', channel, text: 'once', client_msg_id: clientMsgId });
    const concurrent = await Promise.all([1, 2, 3].map(() => ws.request({ action: 'message', channel, text: 'once', client_msg_id: clientMsgId })));
    expect(again.ts).toBe(first.ts);
    expect(overWs.ts).toBe(first.ts);
    for (const r of concurrent) expect(r.ts).toBe(first.ts);
    const page = await call(alice.token, 'conversations.history', { channel, limit: 50 });
    expect(page.messages.filter((m: { text: string }) => m.text === 'once')).toHaveLength(1);
    // Another user's identical id is their own message.
    const bobs = await call(bob.token, 'chat.postMessage', { channel, text: 'once', client_msg_id: clientMsgId });
    expect(bobs.ts).not.toBe(first.ts);
  });

  test('history pages newest first with cursors, oldest/latest/inclusive, limit capped at 999', async () => {
    const { channel: fresh } = await call(alice.token, 'conversations.create', { name: `hist-${Date.now()}` });
    const ts: string[] = [];
    for (let i = 0; i < 7; i++) ts.push((await call(alice.token, 'chat.postMessage', { channel: fresh.id, text: `m${i}` })).ts);
    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await call(alice.token, 'conversations.history', { channel: fresh.id, limit: 3, cursor });
      seen.push(...page.messages.map((m: { ts: string }) => m.ts));
      expect(page.has_more).toBe(Boolean(page.response_metadata.next_cursor));
      cursor = page.response_metadata.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ts].reverse());

    const between = await call(alice.token, 'conversations.history', { channel: fresh.id, oldest: ts[1], latest: ts[4] });
    expect(between.messages.map((m: { ts: string }) => m.ts)).toEqual([ts[3], ts[2]]);
    const inclusive = await call(alice.token, 'conversations.history', { channel: fresh.id, oldest: ts[1], latest: ts[4], inclusive: true });
    expect(inclusive.messages.map((m: { ts: string }) => m.ts)).toEqual([ts[4], ts[3], ts[2], ts[1]]);
    const fromTs = await call(alice.token, 'conversations.history', { channel: fresh.id, oldest: ts[4] });
    expect(fromTs.messages.map((m: { ts: string }) => m.ts)).toEqual([ts[6], ts[5]]);
    const big = await call(alice.token, 'conversations.history', { channel: fresh.id, limit: 5000 });
    expect(big.messages).toHaveLength(7);
    expect(await callFails(alice.token, 'conversations.history', { channel: fresh.id, cursor: 'not-a-cursor' })).toBe('invalid_cursor');
  });

  test('threads: replies carry thread_ts, update the parent, stay out of history unless broadcast', async () => {
    const bobLive = await connect(bob, 'bob-thread');
    const parent = await call(alice.token, 'chat.postMessage', { channel, text: 'thread parent' });
    const r1 = await call(bob.token, 'chat.postMessage', { channel, text: 'reply one', thread_ts: parent.ts });
    const r2 = await call(alice.token, 'chat.postMessage', { channel, text: 'reply two', thread_ts: r1.ts }); // reply to a reply joins the thread
    const b = await call(bob.token, 'chat.postMessage', { channel, text: 'broadcast', thread_ts: parent.ts, reply_broadcast: true });
    expect(r1.message.thread_ts).toBe(parent.ts);
    expect(r2.message.thread_ts).toBe(parent.ts);

    const event = await bobLive.waitFor((e) => e.type === 'message' && e.ts === r2.ts, LIVE_MS);
    expect(event.thread_ts).toBe(parent.ts);

    const page = await call(alice.token, 'conversations.history', { channel, limit: 10 });
    const listed = page.messages.map((m: { ts: string }) => m.ts);
    expect(listed).toContain(parent.ts);
    expect(listed).toContain(b.ts);
    expect(listed).not.toContain(r1.ts);
    expect(listed).not.toContain(r2.ts);
    const parentInHistory = page.messages.find((m: { ts: string }) => m.ts === parent.ts);
    expect(parentInHistory).toMatchObject({ reply_count: 3, latest_reply: b.ts, thread_ts: parent.ts });
    expect(parentInHistory.reply_users.sort()).toEqual([alice.userId, bob.userId].sort());

    const thread = await call(bob.token, 'conversations.replies', { channel, ts: parent.ts });
    expect(thread.messages.map((m: { ts: string }) => m.ts)).toEqual([parent.ts, r1.ts, r2.ts, b.ts]);
    const firstPage = await call(bob.token, 'conversations.replies', { channel, ts: parent.ts, limit: 2 });
    expect(firstPage.messages.map((m: { ts: string }) => m.ts)).toEqual([parent.ts, r1.ts]);
    const rest = await call(bob.token, 'conversations.replies', { channel, ts: parent.ts, cursor: firstPage.response_metadata.next_cursor });
    expect(rest.messages.map((m: { ts: string }) => m.ts)).toEqual([r2.ts, b.ts]);
    await bobLive.waitFor((e) => e.subtype === 'message_replied' && e.message?.ts === parent.ts, LIVE_MS);
  });

  test('non-members and other workspaces can neither read nor write, over HTTP or WebSocket', async () => {
    const outsider = await person('olivia', newTeam());
    expect(await callFails(eve.token, 'chat.postMessage', { channel, text: 'let me in' })).toBe('not_in_channel');
    expect(await callFails(eve.token, 'conversations.history', { channel })).toBe('not_in_channel');
    expect(await callFails(eve.token, 'conversations.replies', { channel, ts: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).toBe('not_in_channel');
    expect(await callFails(outsider.token, 'chat.postMessage', { channel, text: 'hi' })).toBe('channel_not_found');
    expect(await callFails(outsider.token, 'conversations.history', { channel })).toBe('channel_not_found');
    const eveWs = await connect(eve, 'eve-ws');
    expect(await eveWs.request({ action: 'message', channel, text: 'x' })).toMatchObject({ type: 'error', error: 'not_in_channel' });
    const outsiderWs = await connect(outsider, 'olivia-ws');
    expect(await outsiderWs.request({ action: 'message', channel, text: 'x' })).toMatchObject({ type: 'error', error: 'channel_not_found' });
    const page = await call(alice.token, 'conversations.history', { channel, limit: 100 });
    expect(page.messages.some((m: { text: string }) => m.text === 'let me in' || m.text === 'x')).toBe(false);
  });

  test('malformed input gets a clear error code, the connection stays open and nothing is stored', async () => {
    const ws = await connect(alice, 'alice-fuzz');
    const before = await call(alice.token, 'conversations.history', { channel, limit: 1 });
    ws.send('not json at all');
    expect(await ws.waitFor((e) => e.type === 'error', 5000)).toMatchObject({ error: 'invalid_arguments' });
    expect(await ws.request({ action: 'message', channel, text: 42 })).toMatchObject({ type: 'error', error: 'invalid_arguments' });
    expect(await ws.request({ action: 'message', channel, text: '' })).toMatchObject({ type: 'error', error: 'no_text' });
    expect(await ws.request({ action: 'message', text: 'no channel' })).toMatchObject({ type: 'error', error: 'invalid_arguments' });
    expect(await ws.request({ action: 'sync', since: 'garbage' })).toMatchObject({ type: 'error', error: 'invalid_cursor' });
    expect(await ws.request({ action: 'nope' })).toMatchObject({ type: 'error', error: 'invalid_arguments' });
    expect(await ws.request({ action: 'ping' })).toMatchObject({ type: 'pong' });

    const tooLong = await api(alice.token, 'chat.postMessage', { channel, text: 'z'.repeat(40_001) });
    expect(tooLong.body).toMatchObject({ ok: false, error: 'msg_too_long' });
    const exactly = await api(alice.token, 'chat.postMessage', { channel, text: 'z'.repeat(40_000) });
    expect(exactly.body.ok).toBe(true);
    const noText = await api(alice.token, 'chat.postMessage', { channel });
    expect(noText.body).toMatchObject({ ok: false, error: 'no_text' });
    const after = await call(alice.token, 'conversations.history', { channel, limit: 2 });
    expect(after.messages[0].ts).toBe(exactly.body.ts);
    expect(after.messages[1].ts).toBe(before.messages[0].ts);
  });
});
