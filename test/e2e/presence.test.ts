import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isLocal, target } from './harness/target';
import { WsClient } from './harness/ws-client';
import { call, LIVE_MS, callFails, eventually, newTeam, person, sleep, type Person } from './support';

/** Presence (users.getPresence) and presence_sub → presence_change, only to subscribers. */
describe('presence', () => {
  const team = newTeam();
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let outsider: Person;
  const sockets: WsClient[] = [];
  const connect = async (who: Person, deviceId: string) => {
    const ws = await WsClient.connect(who.token, { deviceId });
    sockets.push(ws);
    return ws;
  };
  const presenceOf = async (asker: Person, user: Person) => (await call(asker.token, 'users.getPresence', { user: user.userId })) as Record<string, unknown>;
  const becomes = (asker: Person, user: Person, presence: string, connections?: number) =>
    eventually(async () => {
      const p = await presenceOf(asker, user);
      return p.presence === presence && (connections === undefined || p.connection_count === connections) ? p : undefined;
    });

  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((n) => person(n, team)));
    outsider = await person('outsider', newTeam());
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
  });

  test('away → active on connect → still active with two devices after one closes → away after both close', async () => {
    expect(await presenceOf(alice, bob)).toMatchObject({ presence: 'away', online: false, connection_count: 0 });
    const laptop = await connect(bob, 'bob-laptop');
    // $connect completes before the handshake does.
    expect(await presenceOf(alice, bob)).toMatchObject({ presence: 'active', online: true, connection_count: 1 });
    // Without `user`, the caller's own presence.
    expect(await call(bob.token, 'users.getPresence')).toMatchObject({ presence: 'active' });
    // GET works too (a read method).
    const phone = await connect(bob, 'bob-phone');
    await becomes(alice, bob, 'active', 2);
    await laptop.close();
    await becomes(alice, bob, 'active', 1);
    await sleep(300);
    expect(await presenceOf(alice, bob)).toMatchObject({ presence: 'active', connection_count: 1 });
    await phone.close();
    await becomes(alice, bob, 'away', 0);
  });

  test('a subscriber gets presence_change active/away for a subscribed user, nothing for others; the list replaces the last one', async () => {
    const watcher = await connect(alice, 'alice-watch');
    const reply = await watcher.request({ action: 'presence_sub', users: [bob.userId] });
    expect(reply).toEqual({ type: 'presence_sub', reply_to: expect.anything(), presence: [{ user: bob.userId, presence: 'away' }] });

    const carolWs = await connect(carol, 'carol-1');
    const bobWs = await connect(bob, 'bob-1');
    const active = await watcher.waitFor((e) => e.type === 'presence_change' && e.user === bob.userId && e.presence === 'active', LIVE_MS);
    expect(active).toEqual({ type: 'presence_change', user: bob.userId, presence: 'active', event_id: expect.any(String) });

    // A second device is not a transition.
    const bobWs2 = await connect(bob, 'bob-2');
    await bobWs2.close();
    await bobWs.close();
    await watcher.waitFor((e) => e.type === 'presence_change' && e.user === bob.userId && e.presence === 'away', LIVE_MS);
    await sleep(500);
    const aboutBob = watcher.events.filter((e) => e.type === 'presence_change' && e.user === bob.userId);
    expect(aboutBob.map((e) => e.presence)).toEqual(['active', 'away']);
    expect(new Set(aboutBob.map((e) => e.event_id)).size).toBe(2);
    // Carol was never subscribed.
    await carolWs.close();
    await sleep(500);
    expect(watcher.events.filter((e) => e.type === 'presence_change' && e.user === carol.userId)).toEqual([]);

    // Replace the set: now Carol only. Bob's changes no longer arrive, Carol's do.
    const replaced = await watcher.request({ action: 'presence_sub', users: [carol.userId] });
    expect(replaced.presence).toEqual([{ user: carol.userId, presence: 'away' }]);
    const bobAgain = await connect(bob, 'bob-3');
    const carolAgain = await connect(carol, 'carol-2');
    await watcher.waitFor((e) => e.type === 'presence_change' && e.user === carol.userId && e.presence === 'active', LIVE_MS);
    await sleep(500);
    expect(watcher.events.filter((e) => e.type === 'presence_change' && e.user === bob.userId)).toHaveLength(2);
    // A subscriber sees the current state in the reply.
    const again = await watcher.request({ action: 'presence_sub', users: [carol.userId, bob.userId] });
    expect(again.presence).toEqual([{ user: carol.userId, presence: 'active' }, { user: bob.userId, presence: 'active' }]);
    // An empty list unsubscribes from everyone.
    expect((await watcher.request({ action: 'presence_sub', users: [] })).presence).toEqual([]);
    await Promise.all([bobAgain.close(), carolAgain.close()]);
    await becomes(alice, carol, 'away');
    await sleep(500);
    expect(watcher.events.filter((e) => e.type === 'presence_change' && e.presence === 'away' && e.user === carol.userId)).toEqual([]);
    await watcher.close();
  });

  test("another workspace's user is user_not_found, and ignored by presence_sub", async () => {
    expect(await callFails(alice.token, 'users.getPresence', { user: outsider.userId })).toBe('user_not_found');
    expect(await callFails(alice.token, 'users.getPresence', { user: 'UNOSUCHUSER' })).toBe('user_not_found');
    const watcher = await connect(alice, 'alice-foreign-watch');
    const reply = await watcher.request({ action: 'presence_sub', users: [outsider.userId, bob.userId] });
    expect(reply.presence).toEqual([{ user: bob.userId, presence: 'away' }]);
    const foreign = await connect(outsider, 'outsider-1');
    const bobWs = await connect(bob, 'bob-marker');
    await watcher.waitFor((e) => e.type === 'presence_change' && e.user === bob.userId && e.presence === 'active', LIVE_MS);
    await foreign.close();
    await sleep(500);
    expect(watcher.events.filter((e) => e.type === 'presence_change' && e.user === outsider.userId)).toEqual([]);
    await Promise.all([bobWs.close(), watcher.close()]);
  });

  const local = isLocal() ? test : test.skip;
  local('an expired lease (a missed $disconnect) does not keep anyone active', async () => {
    const dave = await person('dave', team);
    const t = target().local!;
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    const now = Math.floor(Date.now() / 1000);
    try {
      await doc.send(new PutCommand({ TableName: t.tableName, Item: { pk: `PRES#${dave.userId}`, sk: 'PRES', userId: dave.userId, 'L#ghost': now - 5, expiresAt: now + 3600 } }));
      expect(await presenceOf(alice, dave)).toMatchObject({ presence: 'away', connection_count: 0 });
      // A real connection is a transition to active even though the stale entry is still there.
      const watcher = await connect(alice, 'alice-dave-watch');
      await watcher.request({ action: 'presence_sub', users: [dave.userId] });
      const daveWs = await connect(dave, 'dave-1');
      await watcher.waitFor((e) => e.type === 'presence_change' && e.user === dave.userId && e.presence === 'active', LIVE_MS);
      expect(await presenceOf(alice, dave)).toMatchObject({ presence: 'active', connection_count: 1 });
      await daveWs.close();
      await watcher.waitFor((e) => e.type === 'presence_change' && e.user === dave.userId && e.presence === 'away', LIVE_MS);
      await watcher.close();
    } finally {
      doc.destroy();
    }
  });
});
