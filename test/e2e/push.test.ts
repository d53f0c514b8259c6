import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { api, isLocal, target } from './harness/target';
import { call, callFails, Devices, eventually, LIVE_MS, newTeam, person, sleep, type Person } from './support';
import { LocalPushService, type LocalSubscription } from '../../local/push/push-service';

/*
 * Push notifications end to end on the local cloud: real subscriptions through push.subscribe, the
 * real stream and dispatcher, the real encryption and VAPID JWT (adapters/web-push-request.ts), received by a local push
 * service on 127.0.0.1 that verifies the JWT against the subscription's application server key and
 * decrypts the payload with the subscription's own private keys, as a browser would.
 */

const localOnly = isLocal() ? describe : describe.skip;
/** After the push we wait for arrived, how long a push that should not come is given to show up anyway. */
const SETTLE_MS = 2_000;

localOnly('push notifications (local push service, real encryption)', () => {
  const service = new LocalPushService();
  const devices = new Devices();
  let doc: DynamoDBDocumentClient;
  let table: string;
  let vapidKey: string;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let bobSub: LocalSubscription;
  let carolSub: LocalSubscription;
  let team: string;

  const subscribe = async (who: Person, deviceId: string): Promise<LocalSubscription> => {
    const sub = service.subscribe(vapidKey);
    const out = await call(who.token, 'push.subscribe', { device_id: deviceId, subscription: sub.json });
    expect(out.device_id).toBe(deviceId);
    return sub;
  };
  const pushesOf = (sub: LocalSubscription, ts: string) => service.pushesFor(sub.id).filter((p) => p.payload.ts === ts);
  const onePush = (sub: LocalSubscription, ts: string) => eventually(async () => pushesOf(sub, ts)[0], LIVE_MS);
  const post = async (channel: string, text: string): Promise<string> => String((await call(alice.token, 'chat.postMessage', { channel, text })).ts);

  beforeAll(async () => {
    await service.start();
    const t = target().local!;
    doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: t.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    table = t.tableName;
    team = newTeam();
    [alice, bob, carol] = await Promise.all([person('alice', team), person('bob', team), person('carol', team)]);
    vapidKey = String((await call(bob.token, 'push.vapidPublicKey')).public_key);
    bobSub = await subscribe(bob, 'bob-laptop');
    carolSub = await subscribe(carol, 'carol-laptop');
  });

  afterAll(async () => {
    await devices.closeAll();
    await service.stop();
  });

  test('push.vapidPublicKey is an uncompressed P-256 key; push.subscribe refuses what is not a public https endpoint or not a browser key', async () => {
    const raw = Buffer.from(vapidKey, 'base64url');
    expect(raw.length).toBe(65);
    expect(raw[0]).toBe(4);
    const { json } = service.subscribe(vapidKey);
    const bad = (subscription: unknown) => callFails(bob.token, 'push.subscribe', { device_id: 'bob-x', subscription });
    expect(await bad({ ...json, endpoint: 'http://push.example.com/x' })).toBe('invalid_arguments');
    expect(await bad({ ...json, endpoint: 'https://10.1.2.3/x' })).toBe('invalid_arguments');
    expect(await bad({ ...json, endpoint: 'http://127.0.0.2:9/x' })).toBe('invalid_arguments');
    expect(await bad({ ...json, endpoint: `https://push.example.com/${'a'.repeat(1100)}` })).toBe('invalid_arguments');
    expect(await bad({ ...json, keys: { ...json.keys, p256dh: Buffer.alloc(65, 1).toString('base64url') } })).toBe('invalid_arguments');
    expect(await bad({ ...json, keys: { ...json.keys, auth: 'c2hvcnQ' } })).toBe('invalid_arguments');
    expect(await callFails(bob.token, 'push.subscribe', { device_id: 'bad device id!', subscription: json })).toBe('invalid_arguments');
    expect(await callFails(bob.token, 'push.subscribe', { device_id: 'bob-x' })).toBe('invalid_arguments');
  });

  test('push.subscribe takes the subscription as JSON text in a form body; a user has at most 20 devices', async () => {
    const gina = await person('gina', team);
    const form = await api(gina.token, 'push.subscribe', { device_id: 'gina-0', subscription: JSON.stringify(service.subscribe(vapidKey).json) }, { form: true });
    expect(form.body).toMatchObject({ ok: true, device_id: 'gina-0' });
    for (let i = 1; i < 20; i++) await call(gina.token, 'push.subscribe', { device_id: `gina-${i}`, subscription: service.subscribe(vapidKey).json });
    const res = await api(gina.token, 'push.subscribe', { device_id: 'gina-20', subscription: service.subscribe(vapidKey).json });
    expect(res.body).toMatchObject({ ok: false, error: 'invalid_arguments', detail: 'device_id' });
    // The same device subscribing again replaces its subscription and is not refused.
    await call(gina.token, 'push.subscribe', { device_id: 'gina-3', subscription: service.subscribe(vapidKey).json });
  });

  test('a DM to a user with no live connection is pushed to their device, encrypted for it, with who, where and the text', async () => {
    const dm = String(((await call(alice.token, 'conversations.open', { users: bob.userId })).channel as { id: string }).id);
    const ts = await post(dm, 'are you there? <@' + bob.userId + '>');
    const push = await onePush(bobSub, ts);
    expect(push.payload).toEqual({ title: 'alice', body: 'are you there? @' + bob.userId, channel: dm, ts });
    expect(push.urgency).toBe('high');
    expect(push.topic).toMatch(/^[\w-]{32}$/);
    expect(push.ttl).toBe(86_400);
    expect(service.refused.filter((r) => r.subscriptionId === bobSub.id)).toEqual([]);
  });

  test('a mention pushes to the offline member and not to the member with a live connection; an unmentioned member gets nothing', async () => {
    const channel = String(((await call(alice.token, 'conversations.create', { name: `push-${Date.now()}` })).channel as { id: string }).id);
    await call(alice.token, 'conversations.invite', { channel, users: [bob.userId, carol.userId].join(',') });
    await devices.connect(carol, 'carol-phone');
    const quiet = await post(channel, 'nobody is mentioned here');
    const ts = await post(channel, `<@${bob.userId}> <@${carol.userId}> standup in 5`);
    const push = await onePush(bobSub, ts);
    expect(push.payload).toMatchObject({ title: expect.stringContaining('alice in #push-'), body: expect.stringContaining('standup in 5'), channel });
    expect(push.urgency).toBe('high');
    await sleep(SETTLE_MS);
    expect(pushesOf(carolSub, ts)).toEqual([]);
    expect(pushesOf(bobSub, quiet)).toEqual([]);
    await devices.closeAll();
  });

  test('hide content: the push says who and where, and carries no text', async () => {
    await doc.send(new PutCommand({ TableName: table, Item: { pk: `U#${bob.userId}`, sk: 'PREFS', __edb_e__: 'notificationPrefs', __edb_v__: '1', userId: bob.userId, hideContent: true } }));
    try {
      const dm = String(((await call(alice.token, 'conversations.open', { users: bob.userId })).channel as { id: string }).id);
      const ts = await post(dm, 'the secret launch code is 0000');
      const push = await onePush(bobSub, ts);
      expect(push.payload).toEqual({ title: 'alice', channel: dm, ts });
      expect(JSON.stringify(push.payload)).not.toContain('launch');
    } finally {
      await doc.send(new DeleteCommand({ TableName: table, Key: { pk: `U#${bob.userId}`, sk: 'PREFS' } }));
    }
  });

  test('a replayed stream record pushes nothing twice (a marker per message and device)', async () => {
    const dm = String(((await call(alice.token, 'conversations.open', { users: bob.userId })).channel as { id: string }).id);
    const ts = await post(dm, 'replay me');
    await onePush(bobSub, ts);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${target().httpApiUrl}/dev/replay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ function: 'DispatchHandler', pk: `CH#${dm}`, sk: `MSG#${ts}` }) });
      const body = (await res.json()) as { ok: boolean; replayed: Array<{ functionId: string; records: number; error?: string }> };
      // The dispatcher (its push part) got the same record again and handled it without error.
      expect(body.replayed).toEqual([expect.objectContaining({ functionId: expect.stringContaining('DispatchHandler'), records: 1 })]);
      expect(body.replayed[0].error).toBeUndefined();
    }
    await sleep(SETTLE_MS);
    expect(pushesOf(bobSub, ts)).toHaveLength(1);
  });

  test('a 410 from the push service removes that subscription, and nothing is sent to it again', async () => {
    const erin = await person('erin', team);
    const sub = await subscribe(erin, 'erin-laptop');
    const key = { pk: `PUSH#${erin.userId}`, sk: 'DEV#erin-laptop' };
    expect((await doc.send(new GetCommand({ TableName: table, Key: key }))).Item).toMatchObject({ endpoint: sub.json.endpoint });
    service.answerWith(sub.id, 410);
    const dm = String(((await call(alice.token, 'conversations.open', { users: erin.userId })).channel as { id: string }).id);
    await post(dm, 'hello?');
    await eventually(async () => ((await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item ? undefined : true), LIVE_MS);
    const refusedBefore = service.refused.filter((r) => r.subscriptionId === sub.id).length;
    expect(refusedBefore).toBe(1);
    const next = await post(dm, 'still there?');
    // Bob's DM after Erin's: once it is pushed, Erin's record has been handled too.
    const bobDm = String(((await call(alice.token, 'conversations.open', { users: bob.userId })).channel as { id: string }).id);
    await onePush(bobSub, await post(bobDm, 'after erin'));
    await sleep(SETTLE_MS);
    expect(service.refused.filter((r) => r.subscriptionId === sub.id)).toHaveLength(1);
    expect(pushesOf(sub, next)).toEqual([]);
  });

  test('a push service that fails (503) gets the push again when the event source retries the record, and only once it answers 201', async () => {
    const hank = await person('hank', team);
    const sub = await subscribe(hank, 'hank-laptop');
    service.answerWith(sub.id, 503);
    const dm = String(((await call(alice.token, 'conversations.open', { users: hank.userId })).channel as { id: string }).id);
    const ts = await post(dm, 'try again');
    await eventually(async () => (service.refused.filter((r) => r.subscriptionId === sub.id).length >= 2 ? true : undefined), LIVE_MS);
    service.answerWith(sub.id, 201);
    await onePush(sub, ts);
    await sleep(SETTLE_MS);
    expect(pushesOf(sub, ts)).toHaveLength(1);
  });

  test('push.unsubscribe stops pushes to that device', async () => {
    const frank = await person('frank', team);
    const sub = await subscribe(frank, 'frank-laptop');
    await call(frank.token, 'push.unsubscribe', { device_id: 'frank-laptop' });
    const dm = String(((await call(alice.token, 'conversations.open', { users: frank.userId })).channel as { id: string }).id);
    const ts = await post(dm, 'unsubscribed?');
    const bobDm = String(((await call(alice.token, 'conversations.open', { users: bob.userId })).channel as { id: string }).id);
    await onePush(bobSub, await post(bobDm, 'after frank'));
    await sleep(SETTLE_MS);
    expect(pushesOf(sub, ts)).toEqual([]);
  });
});
