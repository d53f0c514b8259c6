import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isLocal, target } from './harness/target';
import { WsClient } from './harness/ws-client';
import { call, LIVE_MS, eventually, newTeam, online, person, type Person } from './support';

/** Connection leases and live subscriptions, checked below the API (local cloud only). */
const local = isLocal() ? describe : describe.skip;

local('connections: leases, subscriptions, 410s', () => {
  let doc: DynamoDBDocumentClient;
  let table: string;
  const team = newTeam();
  let alice: Person;
  let bob: Person;
  let channel: string;

  beforeAll(async () => {
    const t = target().local!;
    table = t.tableName;
    doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    [alice, bob] = await Promise.all([person('alice', team), person('bob', team)]);
    channel = (await call(alice.token, 'conversations.create', { name: 'leases' })).channel.id;
    await call(bob.token, 'conversations.join', { channel });
  });
  afterAll(() => doc.destroy());

  const liveSubs = async (channelId: string) =>
    ((await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `LIVE#${channelId}` } }))).Items ?? []);
  const lease = async (connectionId: string) =>
    (await doc.send(new GetCommand({ TableName: table, Key: { pk: `CONN#${connectionId}`, sk: 'CONN' } }))).Item;
  const connectionIdOf = async (who: Person, deviceId: string) => {
    const subs = await liveSubs(channel);
    return String(subs.find((s) => s.userId === who.userId && s.deviceId === deviceId)?.connectionId ?? '');
  };

  test('$connect records a lease and subscribes the connection to its conversations; ping renews; $disconnect removes both', async () => {
    const { ws } = await online(bob, 'bob-lease');
    const connectionId = await connectionIdOf(bob, 'bob-lease');
    expect(connectionId).not.toBe('');
    const first = await lease(connectionId);
    expect(first).toMatchObject({ userId: bob.userId, deviceId: 'bob-lease' });
    expect(first!.expiresAt).toBeGreaterThan(Date.now() / 1000);

    await new Promise((r) => setTimeout(r, 1100));
    await ws.request({ action: 'ping' });
    expect((await lease(connectionId))!.expiresAt).toBeGreaterThan(first!.expiresAt);

    // Joining while connected subscribes the live connection too.
    const { channel: later } = await call(alice.token, 'conversations.create', { name: 'joined-later' });
    await call(bob.token, 'conversations.join', { channel: later.id });
    expect((await liveSubs(later.id)).some((s) => s.connectionId === connectionId)).toBe(true);
    const m = await call(alice.token, 'chat.postMessage', { channel: later.id, text: 'you just joined' });
    await ws.waitFor((e) => e.ts === m.ts, LIVE_MS);

    await ws.close();
    await eventually(async () => ((await lease(connectionId)) === undefined ? true : undefined));
    expect((await liveSubs(channel)).some((s) => s.connectionId === connectionId)).toBe(false);
    expect((await liveSubs(later.id)).some((s) => s.connectionId === connectionId)).toBe(false);
  });

  test('a 410 from @connections removes exactly that connection (not one still in its handshake); the others still get the message', async () => {
    const { ws: alive } = await online(bob, 'bob-alive');
    const ghost = 'R2hvc3RDb25uZWN0aW9u';
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const subscription = (connectionId: string, subscribedAt: number) =>
      ({ pk: `LIVE#${channel}`, sk: connectionId, channelId: channel, connectionId, userId: bob.userId, deviceId: 'ghost', subscribedAt, expiresAt, __edb_e__: 'liveSubscription', __edb_v__: '1' });
    await doc.send(new PutCommand({ TableName: table, Item: subscription(ghost, Date.now() - 60_000) }));
    // Subscribed a moment ago: API Gateway answers 410 until $connect returns, so this one is kept.
    const opening = 'T3BlbmluZ0Nvbm5lY3Rpb24';
    await doc.send(new PutCommand({ TableName: table, Item: subscription(opening, Date.now()) }));
    await doc.send(new PutCommand({ TableName: table, Item: { pk: `CONN#${ghost}`, sk: 'CONN', connectionId: ghost, userId: bob.userId, teamId: bob.teamId, deviceId: 'ghost', connectedAt: Date.now(), expiresAt, gsi1pk: `U#${bob.userId}`, gsi1sk: `CONN#${ghost}`, __edb_e__: 'connection', __edb_v__: '1' } }));

    const m = await call(alice.token, 'chat.postMessage', { channel, text: 'to the living' });
    await alive.waitFor((e) => e.ts === m.ts, LIVE_MS);
    await eventually(async () => ((await liveSubs(channel)).some((s) => s.connectionId === ghost) ? undefined : true));
    expect(await lease(ghost)).toBeUndefined();
    expect((await liveSubs(channel)).some((s) => s.deviceId === 'bob-alive')).toBe(true);
    expect((await liveSubs(channel)).some((s) => s.connectionId === opening)).toBe(true);
    await doc.send(new DeleteCommand({ TableName: table, Key: { pk: `LIVE#${channel}`, sk: opening } }));
    await alive.close();
  });

  test('an expired lease is ignored: fan-out does not post to it', async () => {
    const stale = 'U3RhbGVDb25uZWN0aW9u';
    await doc.send(new PutCommand({ TableName: table, Item: { pk: `LIVE#${channel}`, sk: stale, channelId: channel, connectionId: stale, userId: bob.userId, deviceId: 'stale', expiresAt: Math.floor(Date.now() / 1000) - 10, __edb_e__: 'liveSubscription', __edb_v__: '1' } }));
    const listener = await WsClient.connect(alice.token, { deviceId: 'alice-stale-check' });
    const m = await call(bob.token, 'chat.postMessage', { channel, text: 'after expiry' });
    await listener.waitFor((e) => e.ts === m.ts, LIVE_MS);
    // A post to it would have answered 410 and deleted the item; an ignored one stays until TTL removes it.
    expect((await liveSubs(channel)).some((s) => s.connectionId === stale)).toBe(true);
    await listener.close();
  });
});
