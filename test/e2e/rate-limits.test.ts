import { randomUUID } from 'node:crypto';
import { api } from './harness/target';
import { HandshakeError, WsClient } from './harness/ws-client';
import { call, eventually, newTeam, person, sleep, type Person } from './support';

/** Per-user token buckets (held in the table, so they hold across function instances) and the connection cap. */
describe('rate limits', () => {
  const team = newTeam();
  let alice: Person;
  let bob: Person;
  let channel: string;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([person('alice', team), person('bob', team)]);
    channel = (await call(alice.token, 'conversations.create', { name: 'burst' })).channel.id;
    await call(bob.token, 'conversations.join', { channel });
  });

  /** Sends to a channel, a few at a time, until one send is refused; returns that response. */
  const drain = async (who: Person, channelId: string) => {
    for (let round = 0; round < 100; round++) {
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => api(who.token, 'chat.postMessage', { channel: channelId, text: `burst ${round}.${i}` })));
      for (const r of results) if (r.status !== 429) expect(r.body).toMatchObject({ ok: true });
      const refused = results.find((r) => r.status === 429);
      if (refused) return refused;
    }
    throw new Error('never refused');
  };

  test('a burst to one channel is refused with 429 + Retry-After (HTTP) and retry_after (WebSocket); others are not; it passes after waiting', async () => {
    const ws = await WsClient.connect(alice.token, { deviceId: 'alice-burst' });
    const clientMsgId = randomUUID();
    const first = await call(alice.token, 'chat.postMessage', { channel, text: 'first', client_msg_id: clientMsgId });
    // Send until refused: the burst size is configuration (5 in production), the refusal is not.
    const refused = await drain(alice, channel);
    const refusedAt = Date.now();
    expect(refused!.body).toEqual({ ok: false, error: 'ratelimited' });
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);

    // The same bucket over the WebSocket: an error frame with retry_after; the connection stays open.
    // (A token may have refilled since the 429, so at most a refill's worth is acknowledged first.)
    let wsReply: Record<string, any> = {};
    let acked = 0;
    for (let i = 0; i < 10 && wsReply.type !== 'error'; i++) {
      wsReply = await ws.request({ action: 'message', channel, text: `over ws ${i}` });
      if (wsReply.type === 'ack') acked++;
    }
    // At 1 message/s: no more than what refilled since the refusal.
    expect(acked).toBeLessThanOrEqual(Math.ceil((Date.now() - refusedAt) / 1000) + 1);
    expect(wsReply).toMatchObject({ type: 'error', error: 'ratelimited' });
    expect(Number.isInteger(wsReply.retry_after) && wsReply.retry_after >= 1).toBe(true);
    expect(ws.isOpen).toBe(true);

    // Retrying a send that already went through is not refused (idempotency is checked first).
    const retried = await call(alice.token, 'chat.postMessage', { channel, text: 'first', client_msg_id: clientMsgId });
    expect(retried.ts).toBe(first.ts);
    // Another user, same channel, same moment: not limited.
    await call(bob.token, 'chat.postMessage', { channel, text: 'bob is fine' });
    // Another channel is another bucket.
    const { channel: other } = await call(alice.token, 'conversations.create', { name: 'elsewhere' });
    await call(alice.token, 'chat.postMessage', { channel: other.id, text: 'other channel' });
    // Reads are in the general bucket, which is far from empty.
    await call(alice.token, 'conversations.history', { channel, limit: 1 });

    // After Retry-After, Alice can send again (over both transports).
    await sleep(retryAfter * 1000 + 100);
    await call(alice.token, 'chat.postMessage', { channel, text: 'after waiting' });
    await sleep(1100);
    expect(await ws.request({ action: 'message', channel, text: 'ws after waiting' })).toMatchObject({ type: 'ack' });
    await ws.close();
  });

  test('concurrent sends never take more than the bucket holds', async () => {
    const { channel: fresh } = await call(bob.token, 'conversations.create', { name: 'concurrent-burst' });
    // Drain the bucket first, so the concurrent sends start from an empty one.
    await drain(bob, fresh.id);
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => api(bob.token, 'chat.postMessage', { channel: fresh.id, text: `race ${i}` })));
    // At 1 message/s, only the tokens refilled while they ran can be taken.
    const refilled = Math.ceil((Date.now() - started) / 1000) + 1;
    expect(results.filter((r) => r.status === 200 && r.body.ok).length).toBeLessThanOrEqual(Math.min(refilled, 9));
    for (const r of results.filter((r) => r.status !== 200)) expect(r.status).toBe(429);
  });

  test('the connection cap refuses the handshake past the limit (429), and admits again after a close', async () => {
    const cap = Number(process.env.E2E_MAX_CONNECTIONS_PER_USER ?? 20);
    const carol = await person('carol', team);
    const open: WsClient[] = [];
    try {
      // Opened at once: the cap is one atomic update per handshake, so concurrent handshakes cannot pass it together.
      const attempts = await Promise.allSettled(Array.from({ length: cap + 3 }, (_, i) => WsClient.connect(carol.token, { deviceId: `carol-${i}` })));
      for (const a of attempts) if (a.status === 'fulfilled') open.push(a.value);
      const refused = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      expect(open).toHaveLength(cap);
      expect(refused).toHaveLength(3);
      for (const r of refused) {
        expect(r.reason).toBeInstanceOf(HandshakeError);
        expect((r.reason as HandshakeError).status).toBe(429);
      }
      expect(await call(carol.token, 'users.getPresence')).toMatchObject({ presence: 'active', connection_count: cap });
      // The N+1th, one at a time, is refused too; other users are not affected.
      await expect(WsClient.connect(carol.token, { deviceId: 'carol-one-more' })).rejects.toMatchObject({ status: 429 });
      const aliceWs = await WsClient.connect(alice.token, { deviceId: 'alice-not-capped' });
      await aliceWs.close();
      // Closing one makes room.
      await open.pop()!.close();
      const again = await eventually(async () => WsClient.connect(carol.token, { deviceId: 'carol-again' }).catch(() => undefined));
      open.push(again);
      expect(await again.request({ action: 'ping' })).toMatchObject({ type: 'pong' });
    } finally {
      await Promise.all(open.map((ws) => ws.close()));
    }
  });
});
