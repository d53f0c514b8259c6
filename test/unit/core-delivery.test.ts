import { createDelivery, freshEventId, HANDSHAKE_GRACE_MS, recordEventId, type PostToConnection, type Recipient } from '../../lambdas/core/delivery';
import { LIVE_EVENT_BYTES } from '../../lambdas/core/budgets';

const NOW = 1_700_000_000_000;
const recipient = (connectionId: string, since?: number): Recipient => ({ connectionId, userId: `U-${connectionId}`, since });

/** A post that answers per connection and remembers what it was sent. */
function fakePost(answers: Record<string, 'sent' | 'gone' | Error> = {}) {
  const sent: Array<{ connectionId: string; body: Record<string, unknown> }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const post: PostToConnection = async (connectionId, data) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    const answer = answers[connectionId] ?? 'sent';
    if (answer instanceof Error) throw answer;
    sent.push({ connectionId, body: JSON.parse(Buffer.from(data).toString()) as Record<string, unknown> });
    return answer;
  };
  return { post, sent, maxInFlight: () => maxInFlight };
}

describe('delivery: the 410 rule and other failures', () => {
  test('a 410 closes exactly that connection; one subscribed moments ago is mid-handshake and kept', async () => {
    const { post } = fakePost({ gone: 'gone', joining: 'gone' });
    const closed: string[] = [];
    const delivery = createDelivery({ post, concurrency: 4, batchSize: 10, now: () => NOW });
    const stats = await delivery.deliver({ type: 'message', event_id: 'Ev1' }, [recipient('ok'), recipient('gone', NOW - HANDSHAKE_GRACE_MS), recipient('joining', NOW - 1000)], {
      whenGone: async (r) => {
        closed.push(r.connectionId);
      },
    });
    expect(closed).toEqual(['gone']);
    expect(stats).toEqual({ posts: 3, gone: 1, goneDuringHandshake: 1, postFailures: 0 });
  });

  test('any other failure is counted and never thrown: the others still get the event', async () => {
    const { post, sent } = fakePost({ broken: new Error('throttled') });
    const delivery = createDelivery({ post, concurrency: 2, batchSize: 10, now: () => NOW });
    const stats = await delivery.deliver({ type: 'message', event_id: 'Ev1' }, [recipient('a'), recipient('broken'), recipient('b')]);
    expect(sent.map((s) => s.connectionId).sort()).toEqual(['a', 'b']);
    expect(stats.postFailures).toBe(1);
  });

  test('without whenGone (a function that may not write) a gone connection is only counted', async () => {
    const { post } = fakePost({ gone: 'gone' });
    const stats = await createDelivery({ post, concurrency: 1, batchSize: 1, now: () => NOW }).deliver({ type: 'user_typing', event_id: 'Ev2' }, [recipient('gone')]);
    expect(stats.gone).toBe(1);
  });
});

describe('delivery: batching, concurrency, size', () => {
  test('every recipient gets one post, never more than `concurrency` in flight across batches', async () => {
    const fake = fakePost();
    const recipients = Array.from({ length: 23 }, (_, i) => recipient(`c${i}`));
    const stats = await createDelivery({ post: fake.post, concurrency: 3, batchSize: 5 }).deliver({ type: 'message', event_id: 'Ev3' }, recipients);
    expect(fake.sent.map((s) => s.connectionId).sort()).toEqual(recipients.map((r) => r.connectionId).sort());
    expect(stats.posts).toBe(23);
    expect(fake.maxInFlight()).toBeLessThanOrEqual(3);
  });

  test('sums into the stats it is given (a fan-out invocation counts all its events)', async () => {
    const { post } = fakePost();
    const delivery = createDelivery({ post, concurrency: 2, batchSize: 2 });
    const stats = { posts: 5, gone: 0, goneDuringHandshake: 0, postFailures: 0 };
    await delivery.deliver({ type: 'message', event_id: 'Ev4' }, [recipient('a'), recipient('b')], { stats });
    expect(stats.posts).toBe(7);
  });

  test("an event over API Gateway's message limit goes as its reference", async () => {
    const fake = fakePost();
    const text = 'x'.repeat(LIVE_EVENT_BYTES);
    await createDelivery({ post: fake.post, concurrency: 1, batchSize: 1 }).deliver({ type: 'message', channel: 'C1', ts: 'T1', text, event_id: 'Ev5' }, [recipient('a')]);
    expect(fake.sent[0].body).toMatchObject({ type: 'message', channel: 'C1', ts: 'T1', event_id: 'Ev5', body_omitted: true, text: '' });
  });
});

describe('event ids: one rule per kind of event', () => {
  test('a stream record always gives the same ids, one per event it yields', () => {
    expect(recordEventId('rec-1', 0)).toBe(recordEventId('rec-1', 0));
    expect(recordEventId('rec-1', 0)).not.toBe(recordEventId('rec-1', 1));
    expect(recordEventId('rec-1', 0)).not.toBe(recordEventId('rec-2', 0));
    expect(recordEventId('rec-1', 0)).toMatch(/^Ev[0-9A-Z]{10}$/);
  });

  test('an event never stored gets a fresh, increasing id', () => {
    const ids = Array.from({ length: 50 }, freshEventId);
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^Ev[0-9A-Z]{26}$/);
  });
});
