import { call, dedupe, newTeam, online, person, sleep, syncAll, type Person } from './support';

describe('offline: nothing lost, per-device cursors', () => {
  const team = newTeam();
  let alice: Person;
  let bob: Person;
  let channel: string;

  beforeAll(async () => {
    [alice, bob] = await Promise.all(['alice', 'bob'].map((n) => person(n, team)));
    channel = (await call(alice.token, 'conversations.create', { name: 'offline' })).channel.id;
    await call(bob.token, 'conversations.join', { channel });
  });

  test('sync without a cursor returns no events and a cursor', async () => {
    const { ws } = await online(bob, 'bob-fresh');
    const reply = await ws.request({ action: 'sync' });
    expect(reply).toMatchObject({ type: 'sync', events: [], has_more: false, hot_channels: [] });
    expect(typeof reply.cursor).toBe('string');
    await ws.close();
  });

  test('a device offline while another device of the same user was online still gets everything, exactly once after dedupe', async () => {
    // Bob's phone syncs, then goes offline; his laptop stays online.
    const phone = await online(bob, 'bob-phone');
    await phone.ws.close();
    const laptop = await online(bob, 'bob-laptop');

    const sent: string[] = [];
    for (let i = 0; i < 12; i++) sent.push((await call(alice.token, 'chat.postMessage', { channel, text: `while away ${i}` })).ts);
    const thread = await call(alice.token, 'chat.postMessage', { channel, text: 'reply while away', thread_ts: sent[0] });
    sent.push(thread.ts);
    // The laptop got them live.
    await laptop.ws.waitFor(() => sent.every((ts) => laptop.ws.events.some((e) => e.type === 'message' && e.ts === ts)), 15_000);

    // The phone comes back and syncs from its own cursor: every missed message, in order, once.
    await sleep(1000);
    const back = await online(bob, 'bob-phone');
    const { events, cursor } = await syncAll(back.ws, phone.cursor);
    const messages = dedupe(events).filter((e) => e.type === 'message' && !e.subtype && e.channel === channel);
    expect(messages.map((e) => e.ts)).toEqual(sent);
    expect(messages.find((e) => e.ts === thread.ts)?.thread_ts).toBe(sent[0]);

    // The laptop's own sync from its cursor is not emptied by the phone's.
    const laptopSync = await syncAll(laptop.ws, laptop.cursor);
    const laptopMessages = dedupe(laptopSync.events).filter((e) => e.type === 'message' && !e.subtype && e.channel === channel);
    expect(laptopMessages.map((e) => e.ts)).toEqual(sent);

    // Live and synced copies of one event share its event_id, so a client drops the repeat.
    const liveIds = new Set(laptop.ws.events.filter((e) => sent.includes(e.ts) && e.type === 'message' && !e.subtype).map((e) => e.event_id));
    for (const e of laptopMessages) expect(liveIds.has(e.event_id)).toBe(true);

    // Syncing again from the new cursor brings nothing new beyond the settle window's repeats.
    const again = await syncAll(back.ws, cursor);
    const fresh = again.events.filter((e) => !events.some((seen) => seen.event_id === e.event_id));
    expect(fresh).toEqual([]);
    await Promise.all([laptop.ws.close(), back.ws.close()]);
  });

  test('a user offline on every device catches up on messages, joins and leaves after reconnecting', async () => {
    const { ws, cursor } = await online(bob, 'bob-tablet');
    await ws.close();
    const carol = await person('carol', team);
    await call(carol.token, 'conversations.join', { channel });
    const m = await call(carol.token, 'chat.postMessage', { channel, text: 'hello from carol' });
    await call(carol.token, 'conversations.leave', { channel });
    await sleep(1500);
    const back = await online(bob, 'bob-tablet');
    const { events } = await syncAll(back.ws, cursor);
    const kinds = dedupe(events).filter((e) => e.channel === channel && (e.user === carol.userId)).map((e) => e.type);
    expect(kinds).toEqual(['member_joined_channel', 'message', 'member_left_channel']);
    expect(events.find((e) => e.ts === m.ts)).toMatchObject({ text: 'hello from carol' });
    await back.ws.close();
  });

  test('sync pages stay under the 32 KB frame limit and has_more leads through all of them', async () => {
    const { ws, cursor } = await online(bob, 'bob-pager');
    await ws.close();
    const big = 'b'.repeat(6000);
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) sent.push((await call(alice.token, 'chat.postMessage', { channel, text: `${i} ${big}` })).ts);
    await sleep(1500);
    const back = await online(bob, 'bob-pager');
    let pages = 0;
    let since = cursor;
    const got: string[] = [];
    for (;;) {
      const reply = await back.ws.request({ action: 'sync', since });
      expect(Buffer.byteLength(JSON.stringify(reply))).toBeLessThan(32 * 1024);
      got.push(...reply.events.filter((e: any) => e.type === 'message' && !e.subtype).map((e: any) => e.ts));
      pages++;
      since = reply.cursor;
      if (!reply.has_more) break;
    }
    expect(pages).toBeGreaterThan(1);
    expect([...new Set(got)].filter((ts) => sent.includes(ts))).toEqual(sent);
    await back.ws.close();
  });
});
