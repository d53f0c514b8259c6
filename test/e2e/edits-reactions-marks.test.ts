import { call, LIVE_MS, callFails, Devices, newTeam, online, person, sleep, type Person } from './support';

describe('edits, deletes, reactions, read markers, typing', () => {
  const team = newTeam();
  let alice: Person;
  let bob: Person;
  let channel: string;
  const devices = new Devices();

  beforeAll(async () => {
    [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => person(n, team)));
    channel = (await call(alice.token, 'conversations.create', { name: 'rich' })).channel.id;
    await call(bob.token, 'conversations.join', { channel });
  });
  afterAll(() => devices.closeAll());
  const connect = (who: Person, device: string) => devices.connect(who, device);

  test('chat.update: author only; members get message_changed with previous_message; history shows edited', async () => {
    const bobLive = await connect(bob, 'bob-edits');
    const { ts } = await call(alice.token, 'chat.postMessage', { channel, text: 'first draft' });
    expect(await callFails(bob.token, 'chat.update', { channel, ts, text: 'hijack' })).toBe('cant_update_message');
    const updated = await call(alice.token, 'chat.update', { channel, ts, text: 'final text' });
    expect(updated).toMatchObject({ channel, ts, text: 'final text' });
    const changed = await bobLive.waitFor((e) => e.subtype === 'message_changed' && e.message?.ts === ts, LIVE_MS);
    expect(changed.message.text).toBe('final text');
    expect(changed.previous_message.text).toBe('first draft');
    expect(changed.message.edited.user).toBe(alice.userId);
    const page = await call(bob.token, 'conversations.history', { channel, limit: 5 });
    expect(page.messages.find((m: any) => m.ts === ts)).toMatchObject({ text: 'final text', edited: { user: alice.userId } });
    expect(await callFails(alice.token, 'chat.update', { channel, ts: '01ARZ3NDEKTSV4RRFFQ69G5FAV', text: 'x' })).toBe('message_not_found');
    expect(await callFails(alice.token, 'chat.update', { channel, ts, text: '' })).toBe('no_text');
  });

  test('chat.delete: author only; message_deleted; a deleted thread parent keeps its thread readable', async () => {
    const bobLive = await connect(bob, 'bob-deletes');
    const plain = await call(alice.token, 'chat.postMessage', { channel, text: 'delete me' });
    expect(await callFails(bob.token, 'chat.delete', { channel, ts: plain.ts })).toBe('cant_delete_message');
    await call(alice.token, 'chat.delete', { channel, ts: plain.ts });
    const deleted = await bobLive.waitFor((e) => e.subtype === 'message_deleted' && e.deleted_ts === plain.ts, LIVE_MS);
    expect(deleted.previous_message.text).toBe('delete me');
    let page = await call(bob.token, 'conversations.history', { channel, limit: 20 });
    expect(page.messages.some((m: any) => m.ts === plain.ts)).toBe(false);
    expect(await callFails(alice.token, 'chat.delete', { channel, ts: plain.ts })).toBe('message_not_found');

    const parent = await call(alice.token, 'chat.postMessage', { channel, text: 'parent to delete' });
    const reply = await call(bob.token, 'chat.postMessage', { channel, text: 'a reply survives', thread_ts: parent.ts });
    await call(alice.token, 'chat.delete', { channel, ts: parent.ts });
    await bobLive.waitFor((e) => e.subtype === 'message_deleted' && e.deleted_ts === parent.ts, LIVE_MS);
    const thread = await call(bob.token, 'conversations.replies', { channel, ts: parent.ts });
    expect(thread.messages.map((m: any) => m.ts)).toEqual([parent.ts, reply.ts]);
    expect(thread.messages[0]).toMatchObject({ subtype: 'tombstone', reply_count: 1 });
    page = await call(bob.token, 'conversations.history', { channel, limit: 20 });
    expect(page.messages.find((m: any) => m.ts === parent.ts)).toMatchObject({ subtype: 'tombstone' });

    // Deleting a reply lowers the parent's count.
    const p2 = await call(alice.token, 'chat.postMessage', { channel, text: 'p2' });
    const r2 = await call(bob.token, 'chat.postMessage', { channel, text: 'r2', thread_ts: p2.ts });
    await call(bob.token, 'chat.delete', { channel, ts: r2.ts });
    const thread2 = await call(alice.token, 'conversations.replies', { channel, ts: p2.ts });
    expect(thread2.messages.map((m: any) => m.ts)).toEqual([p2.ts]);
  });

  test('reactions: aggregated, concurrent adds never lose a count, clear errors, live events', async () => {
    const aliceLive = await connect(alice, 'alice-reactions');
    const { ts } = await call(alice.token, 'chat.postMessage', { channel, text: 'react to me' });
    const others = await Promise.all(['r1', 'r2', 'r3', 'r4', 'r5'].map((n) => person(n, team)));
    await Promise.all(others.map((o) => call(o.token, 'conversations.join', { channel })));
    await Promise.all([bob, ...others].map((p) => call(p.token, 'reactions.add', { channel, timestamp: ts, name: 'thumbsup' })));
    await call(bob.token, 'reactions.add', { channel, timestamp: ts, name: ':tada:' });
    expect(await callFails(bob.token, 'reactions.add', { channel, timestamp: ts, name: 'thumbsup' })).toBe('already_reacted');
    expect(await callFails(bob.token, 'reactions.add', { channel, timestamp: ts, name: 'Not An Emoji!' })).toBe('invalid_name');
    expect(await callFails(alice.token, 'reactions.remove', { channel, timestamp: ts, name: 'tada' })).toBe('no_reaction');
    expect(await callFails(bob.token, 'reactions.add', { channel, timestamp: '01ARZ3NDEKTSV4RRFFQ69G5FAV', name: 'tada' })).toBe('message_not_found');

    let page = await call(alice.token, 'conversations.history', { channel, limit: 1 });
    const reactions = page.messages[0].reactions;
    expect(reactions).toEqual([
      { name: 'tada', count: 1, users: [bob.userId] },
      { name: 'thumbsup', count: 6, users: [bob, ...others].map((p) => p.userId).sort() },
    ]);
    const added = await aliceLive.waitFor((e) => e.type === 'reaction_added' && e.reaction === 'tada', LIVE_MS);
    expect(added).toMatchObject({ user: bob.userId, item: { type: 'message', channel, ts } });

    await call(bob.token, 'reactions.remove', { channel, timestamp: ts, name: 'tada' });
    await aliceLive.waitFor((e) => e.type === 'reaction_removed' && e.reaction === 'tada', LIVE_MS);
    page = await call(alice.token, 'conversations.history', { channel, limit: 1 });
    expect(page.messages[0].reactions.map((r: any) => r.name)).toEqual(['thumbsup']);
    const outsider = await person('outsider', newTeam());
    expect(await callFails(outsider.token, 'reactions.add', { channel, timestamp: ts, name: 'tada' })).toBe('channel_not_found');
  });

  test('read markers: conversations.mark moves last_read; info and list give unread_count; other devices get channel_marked', async () => {
    const { channel: fresh } = await call(alice.token, 'conversations.create', { name: 'marks' });
    await call(bob.token, 'conversations.join', { channel: fresh.id });
    const bobPhone = await connect(bob, 'bob-phone-marks');
    const ts: string[] = [];
    for (let i = 0; i < 4; i++) ts.push((await call(alice.token, 'chat.postMessage', { channel: fresh.id, text: `n${i}` })).ts);
    let info = await call(bob.token, 'conversations.info', { channel: fresh.id });
    // unread_through: the newest message the count considered, so a client adding live messages skips it.
    expect(info.channel).toMatchObject({ unread_count: 4, unread_through: ts[3] });
    await call(bob.token, 'conversations.mark', { channel: fresh.id, ts: ts[1], device_id: 'bob-laptop-marks' });
    info = await call(bob.token, 'conversations.info', { channel: fresh.id });
    expect(info.channel).toMatchObject({ last_read: ts[1], unread_count: 2, unread_through: ts[3] });
    const listed = await call(bob.token, 'conversations.list', { types: 'public_channel', limit: 1000 });
    expect(listed.channels.find((c: any) => c.id === fresh.id)).toMatchObject({ last_read: ts[1], unread_count: 2, unread_through: ts[3], is_member: true });
    const marked = await bobPhone.waitFor((e) => e.type === 'channel_marked' && e.channel === fresh.id, LIVE_MS);
    expect(marked.ts).toBe(ts[1]);
    expect(await callFails(bob.token, 'conversations.mark', { channel: fresh.id, ts: 'bogus' })).toBe('invalid_arguments');
  });

  test('typing reaches the other members connected now, not the typist, and is never stored', async () => {
    const [aliceWs, bobWs] = await Promise.all([connect(alice, 'alice-typing'), connect(bob, 'bob-typing')]);
    aliceWs.send({ action: 'typing', channel });
    const typing = await bobWs.waitFor((e) => e.type === 'user_typing', LIVE_MS);
    expect(typing).toMatchObject({ channel, user: alice.userId });
    await sleep(500);
    expect(aliceWs.events.some((e) => e.type === 'user_typing' && e.user === alice.userId)).toBe(false);
    // Never stored: a device that syncs afterwards sees no typing event.
    const later = await online(bob, 'bob-typing-later');
    const reply = await later.ws.request({ action: 'sync', since: later.cursor });
    await later.ws.close();
    expect(reply.events.some((e: any) => e.type === 'user_typing')).toBe(false);
  });
});
