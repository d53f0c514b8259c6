import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { api, isLocal } from './harness/target';
import { call, Devices, LIVE_MS, newTeam, person, syncAll, type Person } from './support';

/*
 * Byte budgets (PROTOCOL.md guarantee 8): 40,000 characters can be 240 KB of JSON. Every frame,
 * reply, item and response stays under its AWS limit whatever the content, and one workspace's
 * heavy message never holds up another workspace's delivery.
 */

/** 40,000 control characters: within the text limit, six bytes each once JSON-encoded. */
const heavyText = (char: string) => char.repeat(40_000);
const FRAME_LIMIT = 128 * 1024;

/** Records the fan-out gave up on or set aside (local cloud: the dead-letter queue's file). */
function deadLetters(): string[] {
  const outputs = process.env.E2E_OUTPUTS_FILE ?? '';
  const file = join(dirname(outputs), 'fanout-failures.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('byte budgets: heavy messages are delivered, paged and synced under every AWS limit', () => {
  const devices = new Devices();
  let alice: Person;
  let bob: Person;
  let carol: Person; // another workspace
  let dave: Person;
  let channel: string;
  let otherChannel: string;

  beforeAll(async () => {
    const team = newTeam();
    const otherTeam = newTeam();
    [alice, bob, carol, dave] = await Promise.all([person('alice', team), person('bob', team), person('carol', otherTeam), person('dave', otherTeam)]);
    channel = (await call(alice.token, 'conversations.create', { name: 'heavy' })).channel.id;
    await call(bob.token, 'conversations.join', { channel });
    otherChannel = (await call(carol.token, 'conversations.create', { name: 'light' })).channel.id;
    await call(dave.token, 'conversations.join', { channel: otherChannel });
  });
  afterAll(() => devices.closeAll());

  test('a 240 KB message and its 480 KB edit reach live devices as references, and stall no other workspace', async () => {
    const bobLaptop = await devices.connect(bob, 'bob-laptop');
    const daveLaptop = await devices.connect(dave, 'dave-laptop');
    const { cursor } = await syncAll(bobLaptop, (await bobLaptop.request({ action: 'sync' })).cursor);
    const before = deadLetters().length;

    const posted = await call(alice.token, 'chat.postMessage', { channel, text: heavyText('\u0001') });
    const live = await bobLaptop.waitFor((e) => e.type === 'message' && e.ts === posted.ts && !e.subtype, LIVE_MS);
    expect(live.body_omitted).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(live))).toBeLessThanOrEqual(FRAME_LIMIT);

    // The edit's event carries the message and the previous one: 480 KB of JSON whole.
    await call(alice.token, 'chat.update', { channel, ts: posted.ts, text: heavyText('\u0002') });
    const otherSentAt = Date.now();
    const other = await call(carol.token, 'chat.postMessage', { channel: otherChannel, text: 'meanwhile, elsewhere' });
    const changed = await bobLaptop.waitFor((e) => e.subtype === 'message_changed' && e.message?.ts === posted.ts, LIVE_MS);
    expect(changed).toMatchObject({ body_omitted: true, channel, message: { ts: posted.ts, text: '' } });
    await daveLaptop.waitFor((e) => e.type === 'message' && e.ts === other.ts, LIVE_MS);
    // Before the budgets the edit's inbox item (over 400 KB) failed the shard for 11 attempts: 31 s.
    expect(Date.now() - otherSentAt).toBeLessThan(10_000);

    // The client reads the whole message, as the reference says.
    const whole = await call(bob.token, 'conversations.history', { channel, latest: posted.ts, inclusive: true, limit: 1 });
    expect(whole.messages[0]).toMatchObject({ ts: posted.ts, text: heavyText('\u0002') });

    // Sync carries both events (as references) and its cursor moves past them.
    const synced = await syncAll(bobLaptop, cursor);
    const kinds = synced.events.filter((e) => e.ts === posted.ts || e.message?.ts === posted.ts).map((e) => e.subtype ?? 'message');
    expect(kinds).toEqual(expect.arrayContaining(['message', 'message_changed']));
    for (const e of synced.events) expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThanOrEqual(FRAME_LIMIT);
    if (isLocal()) expect(deadLetters().length).toBe(before);
  });

  test('a history page of heavy messages stays under 6 MB and pages by bytes, missing nothing', async () => {
    const heavy = await call(alice.token, 'conversations.create', { name: `pages-${randomUUID().slice(0, 6)}` });
    const id = heavy.channel.id as string;
    const sent: string[] = [];
    for (let i = 0; i < 24; i++) sent.push((await call(alice.token, 'chat.postMessage', { channel: id, text: heavyText('\u0003') })).ts);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await api(alice.token, 'conversations.history', { channel: id, limit: 100, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.ok).toBe(true);
      expect(Buffer.byteLength(JSON.stringify(res.body))).toBeLessThan(6 * 1024 * 1024);
      seen.push(...res.body.messages.map((m: { ts: string }) => m.ts));
      cursor = res.body.response_metadata.next_cursor || undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual([...sent].reverse());
  });
});
