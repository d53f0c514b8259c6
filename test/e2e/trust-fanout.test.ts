import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isLocal, target } from './harness/target';
import { call, Devices, eventually, LIVE_MS, newTeam, person, sleep, type Person } from './support';

/*
 * The fan-out under hostile conditions, checked below the API (local cloud only: the tests write
 * to the table as a bug, a stale index or a racing handshake would): a record that can never be
 * delivered is set aside at once, and a subscription is never a licence to a channel's events.
 */
const local = isLocal() ? describe : describe.skip;

local('fan-out trust: poison records and stale subscriptions', () => {
  const devices = new Devices();
  let doc: DynamoDBDocumentClient;
  let table: string;
  let alice: Person;
  let eve: Person;
  let carol: Person; // another workspace
  let dave: Person;
  let secret: string;
  let otherChannel: string;

  beforeAll(async () => {
    const t = target().local!;
    table = t.tableName;
    doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    const team = newTeam();
    const otherTeam = newTeam();
    [alice, eve, carol, dave] = await Promise.all([person('alice', team), person('eve', team), person('carol', otherTeam), person('dave', otherTeam)]);
    secret = (await call(alice.token, 'conversations.create', { name: 'secret', is_private: true })).channel.id;
    otherChannel = (await call(carol.token, 'conversations.create', { name: 'elsewhere' })).channel.id;
    await call(dave.token, 'conversations.join', { channel: otherChannel });
  });
  afterAll(async () => {
    await devices.closeAll();
    doc.destroy();
  });

  const deadLetters = (): Array<Record<string, any>> => {
    const file = join(dirname(process.env.E2E_OUTPUTS_FILE ?? ''), 'fanout-failures.jsonl');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  };
  const connectionsOf = async (who: Person): Promise<string[]> => {
    const res = await doc.send(new QueryCommand({
      TableName: table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :u AND begins_with(gsi1sk, :c)',
      ExpressionAttributeValues: { ':u': `U#${who.userId}`, ':c': 'CONN#' },
    }));
    return (res.Items ?? []).map((i) => String(i.connectionId));
  };
  const subscribers = async (channel: string): Promise<string[]> => {
    const res = await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `LIVE#${channel}` }, ConsistentRead: true }));
    return (res.Items ?? []).map((i) => String(i.sk));
  };

  test('a record that can never be delivered is set aside at once: another workspace is not held up', async () => {
    const daveLaptop = await devices.connect(dave, 'dave-poison');
    const before = deadLetters().length;
    // A message item no fan-out can handle: its channelId is longer than any DynamoDB key may be.
    const poison = { pk: `CH#${secret}`, sk: 'MSG#01J00000000000000000POISON', __edb_e__: 'message', __edb_v__: '1', channelId: 'C'.repeat(3000), ts: '01J00000000000000000POISON', userId: alice.userId, text: 'poison', threadTs: '01J00000000000000000POISON' };
    await doc.send(new PutCommand({ TableName: table, Item: poison }));
    const sentAt = Date.now();
    const other = await call(carol.token, 'chat.postMessage', { channel: otherChannel, text: 'after the poison' });
    await daveLaptop.waitFor((e) => e.type === 'message' && e.ts === other.ts, LIVE_MS);
    // Retried against the shard (ten attempts with backoff) this took over 30 s.
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    const setAside = await eventually(async () => deadLetters().slice(before).find((d) => d.condition === 'SetAsideByFunction' && d.keys?.sk?.S === poison.sk), 10_000);
    expect(setAside).toMatchObject({ error: { name: 'ValidationException' }, keys: { pk: { S: poison.pk } } });
    // Only coordinates and the reason: never the record's images.
    expect(JSON.stringify(setAside)).not.toContain('poison"');
  });

  test('a leftover subscription gets nothing once its user is no longer a member', async () => {
    await call(alice.token, 'conversations.invite', { channel: secret, users: eve.userId });
    const eveLaptop = await devices.connect(eve, 'eve-laptop');
    const [eveConnection] = await connectionsOf(eve);
    expect(await subscribers(secret)).toContain(eveConnection);
    await call(alice.token, 'conversations.kick', { channel: secret, user: eve.userId });
    await eveLaptop.waitFor((e) => e.type === 'member_left_channel' && e.channel === secret, LIVE_MS);
    await eventually(async () => ((await subscribers(secret)).includes(eveConnection) ? undefined : true));

    // As a handshake that read a stale index would leave it: the subscription written again.
    await doc.send(new PutCommand({ TableName: table, Item: { pk: `LIVE#${secret}`, sk: eveConnection, __edb_e__: 'liveSubscription', __edb_v__: '1', channelId: secret, connectionId: eveConnection, userId: eve.userId, deviceId: 'eve-laptop', subscribedAt: Date.now(), expiresAt: Math.floor(Date.now() / 1000) + 3600 } }));
    const aliceLaptop = await devices.connect(alice, 'alice-laptop');
    const sent = await call(alice.token, 'chat.postMessage', { channel: secret, text: 'not for eve' });
    await aliceLaptop.waitFor((e) => e.type === 'message' && e.ts === sent.ts, LIVE_MS);
    await sleep(1000);
    expect(eveLaptop.events.filter((e) => e.channel === secret && e.type === 'message')).toEqual([]);
  });

  test('a handshake that reads a stale membership from the index does not stay subscribed', async () => {
    // What the index can still show for a moment after a kick: eve in the channel, with no membership behind it.
    await doc.send(new PutCommand({ TableName: table, Item: { pk: `STALE#${eve.userId}`, sk: secret, gsi1pk: `U#${eve.userId}`, gsi1sk: `CH#${secret}`, channelId: secret, userId: eve.userId } }));
    const before = new Set(await connectionsOf(eve));
    const phone = await devices.connect(eve, 'eve-phone');
    const [phoneConnection] = (await connectionsOf(eve)).filter((c) => !before.has(c));
    expect(phoneConnection).toBeDefined();
    expect(await subscribers(secret)).not.toContain(phoneConnection);
    expect(phone.isOpen).toBe(true);
  });
});
