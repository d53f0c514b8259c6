import fc from 'fast-check';
import { waitForStreamDrain } from './harness/stream-drain';
import { api, isLocal, target } from './harness/target';
import { call, newTeam, online, person, type Person } from './support';

/*
 * Property-based fuzzing of every HTTP method and WebSocket action: wrong types, huge and empty
 * values, unicode edge cases, prototype-pollution keys, malformed JSON and form bodies.
 * Properties: never a 5xx, never a dropped connection, never a partial write.
 * FUZZ_RUNS scales it (default: a short CI run).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const METHODS: Record<string, string[]> = {
  'auth.test': [],
  'users.info': ['user'],
  'users.list': ['cursor', 'limit'],
  'conversations.create': ['name', 'is_private'],
  'conversations.list': ['types', 'cursor', 'limit', 'exclude_archived'],
  'conversations.info': ['channel'],
  'conversations.join': ['channel'],
  'conversations.leave': ['channel'],
  'conversations.invite': ['channel', 'users'],
  'conversations.kick': ['channel', 'user'],
  'conversations.members': ['channel', 'cursor', 'limit'],
  'conversations.open': ['users'],
  'conversations.history': ['channel', 'cursor', 'limit', 'oldest', 'latest', 'inclusive'],
  'conversations.replies': ['channel', 'ts', 'cursor', 'limit'],
  'conversations.mark': ['channel', 'ts'],
  'chat.postMessage': ['channel', 'text', 'thread_ts', 'reply_broadcast', 'client_msg_id', 'blocks', 'attachments'],
  'chat.update': ['channel', 'ts', 'text', 'blocks', 'attachments'],
  'chat.delete': ['channel', 'ts'],
  'reactions.add': ['channel', 'timestamp', 'name'],
  'reactions.remove': ['channel', 'timestamp', 'name'],
  // Mentions, notification preferences and Do Not Disturb
  'conversations.setTopic': ['channel', 'topic'],
  'conversations.setPurpose': ['channel', 'purpose'],
  'users.prefs.get': [],
  'users.prefs.set': ['channel', 'level', 'muted', 'hide_content', 'dnd_enabled', 'dnd_start_hour', 'dnd_end_hour', 'tz_offset'],
  'dnd.info': ['user'],
  'dnd.setSnooze': ['num_minutes'],
  'dnd.endSnooze': [],
  'dnd.endDnd': [],
  // Push notifications (README: Push notifications)
  'push.vapidPublicKey': [],
  'push.subscribe': ['device_id', 'subscription', 'mobile_token'],
  'push.unsubscribe': ['device_id'],
  'client.counts': [],
  // lambdas/http/web-api-methods.ts
  'chat.postEphemeral': ['channel', 'user', 'text', 'blocks', 'attachments', 'thread_ts'],
  'chat.scheduleMessage': ['channel', 'post_at', 'text', 'blocks', 'thread_ts'],
  'chat.deleteScheduledMessage': ['channel', 'scheduled_message_id'],
  'chat.scheduledMessages.list': ['channel', 'cursor', 'limit', 'oldest', 'latest'],
  'chat.getPermalink': ['channel', 'message_ts'],
  'conversations.rename': ['channel', 'name'],
  'conversations.archive': ['channel'],
  'conversations.unarchive': ['channel'],
  'reactions.get': ['channel', 'timestamp', 'full'],
  'users.conversations': ['user', 'types', 'cursor', 'limit', 'exclude_archived'],
  'users.lookupByEmail': ['email'],
  'team.info': ['team'],
  'bots.info': ['bot'],
  'files.info': ['file'],
  'files.delete': ['file'],
  'pins.add': ['channel', 'timestamp'],
  'pins.remove': ['channel', 'timestamp'],
  'pins.list': ['channel'],
};
const NOT_ON_THE_CHANNEL = new Set(['chat.delete', 'conversations.leave', 'conversations.kick', 'chat.scheduleMessage']);
const ACTIONS = ['ping', 'sync', 'message', 'typing', 'presence_sub', 'nope', ''];
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''];

const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\uffff', 'a\u202eb', '🏳️‍🌈'.repeat(50), '%00', '../../etc/passwd', '<script>', '${jndi:x}', 'C', 'U', 'null', 'NaN', '-1', '1e309', '0x10'),
  fc.constantFrom('x'.repeat(40_001), 'y'.repeat(150_000)),
);
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nastyString, { maxLength: 5 }),
  fc.dictionary(fc.constantFrom(...NASTY_KEYS, 'a', 'b'), fc.string(), { maxKeys: 3 }),
);

describe('fuzzing', () => {
  const team = newTeam();
  let alice: Person;
  let channel: string;
  /** The ts of every message the system acknowledged (a retried client_msg_id acknowledges the same ts). */
  const acked = new Set<string>();
  /** How many topic and purpose changes were acknowledged: each posts one channel_topic / channel_purpose message. */
  let announced = 0;

  // Hundreds of acknowledged fuzz messages fan out after the last test; let them drain before the next suite.
  afterAll(async () => {
    if (isLocal()) await waitForStreamDrain(target().httpApiUrl);
  }, 320_000);

  beforeAll(async () => {
    alice = await person('alice', team);
    channel = (await call(alice.token, 'conversations.create', { name: 'fuzz' })).channel.id;
  });

  test(`HTTP: ${RUNS} inputs per method, never a 5xx, Object.prototype untouched`, async () => {
    let tried = 0;
    for (const [method, names] of Object.entries(METHODS)) {
      const argsArb = fc.record(
        Object.fromEntries([...names, ...NASTY_KEYS].map((k) => [k, fc.oneof(nastyValue, fc.constant(channel))])),
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(argsArb, fc.constantFrom<'json' | 'form' | 'get'>('json', 'form', 'get'), async (args, how) => {
          tried++;
          // Methods that remove the test's channel, or post messages it does not acknowledge (a scheduled message), fuzz another.
          if (NOT_ON_THE_CHANNEL.has(method)) args = { ...args, channel: 'C0NOTHING' };
          const res = await api(alice.token, method, args, { form: how === 'form', get: how === 'get' });
          if (res.status >= 500) throw new Error(`${method} ${how} ${JSON.stringify(args).slice(0, 300)} → ${res.status} ${JSON.stringify(res.body)}`);
          // Oversized URLs and headers are refused by the gateway itself (414/431), as API Gateway does.
          if (res.status === 200 || res.status === 429) expect(typeof res.body.ok).toBe('boolean');
          else expect([413, 414, 431]).toContain(res.status);
          if (method === 'chat.postMessage' && res.body.ok) acked.add(res.body.ts);
          if ((method === 'conversations.setTopic' || method === 'conversations.setPurpose') && res.body.ok) announced++;
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        { numRuns: RUNS },
      );
    }
    console.log(`fuzz: ${tried} HTTP inputs tried across ${Object.keys(METHODS).length} methods`);
  });

  test('HTTP: malformed bodies get invalid_arguments, never a 5xx', async () => {
    const url = `${target().httpApiUrl}/api/chat.postMessage`;
    const bodies: Array<[string, string]> = [
      ['application/json', '{'], ['application/json', '[]'], ['application/json', 'null'], ['application/json', '"text"'],
      ['application/json', '{"channel":'], ['application/json', '\u0000'], ['application/json', '{"__proto__":{"polluted":1},"channel":"x"}'],
      ['application/x-www-form-urlencoded', '%%%'], ['application/x-www-form-urlencoded', '__proto__[polluted]=1&channel=x'],
      ['text/plain', 'channel=x'], ['application/json', JSON.stringify({ text: 'z'.repeat(300_000) })],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodies), fc.string(), async ([type, body], junk) => {
        for (const payload of [body, body + junk]) {
          const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${alice.token}`, 'content-type': type }, body: payload });
          expect(res.status).toBeLessThan(500);
          const json = (await res.json()) as { ok: boolean; error?: string };
          expect(json.ok).toBe(false);
        }
      }),
      { numRuns: Math.max(20, RUNS / 3) },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test(`WebSocket: ${RUNS * 3} frames, the connection stays open and every request is answered`, async () => {
    const { ws } = await online(alice, 'alice-fuzz-ws');
    const frame = fc.oneof(
      fc.record({ action: fc.constantFrom(...ACTIONS), id: fc.oneof(fc.integer(), fc.string({ maxLength: 20 })), channel: fc.oneof(nastyValue, fc.constant(channel)), text: nastyValue, since: nastyValue, users: nastyValue, client_msg_id: nastyValue, thread_ts: nastyValue }, { requiredKeys: ['action', 'id'] }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => ({ raw: JSON.stringify(v) })),
      fc.string({ maxLength: 200 }).map((raw) => ({ raw })),
    );
    let frames = 0;
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        frames++;
        if ('raw' in f) {
          if (Buffer.byteLength(String(f.raw)) < 30_000) ws.send(String(f.raw));
        } else {
          const body = JSON.stringify(f);
          if (Buffer.byteLength(body) >= 30_000) return; // larger frames are closed by the gateway (1009), by design
          if (f.action === 'typing' || f.action === 'presence_sub') ws.send(f);
          else {
            const reply = await ws.request(f as Record<string, unknown>, 10_000);
            expect(typeof reply.type).toBe('string');
            if (f.action === 'message' && reply.type === 'ack') acked.add(String(reply.ts));
          }
        }
        expect(ws.isOpen).toBe(true);
      }),
      { numRuns: RUNS * 3 },
    );
    expect(await ws.request({ action: 'ping' })).toMatchObject({ type: 'pong' });
    expect(ws.events.filter((e) => e.type === 'error' && e.error === 'internal_error')).toEqual([]);
    console.log(`fuzz: ${frames} WebSocket frames tried`);
    await ws.close();
  });

  test('no partial writes: the channel holds exactly the messages that were acknowledged', async () => {
    const seen: Array<{ ts: string; subtype?: string }> = [];
    let cursor = '';
    do {
      const page = await call(alice.token, 'conversations.history', { channel, limit: 999, cursor });
      seen.push(...page.messages);
      cursor = page.response_metadata.next_cursor;
    } while (cursor);
    const isAnnouncement = (m: { subtype?: string }) => m.subtype === 'channel_topic' || m.subtype === 'channel_purpose';
    expect(seen.filter((m) => !isAnnouncement(m)).map((m) => m.ts).sort()).toEqual([...acked].sort());
    expect(seen.filter(isAnnouncement)).toHaveLength(announced);
  });
});
