import { createDelivery, emptyStats, freshEventId, HANDSHAKE_GRACE_MS, recordEventId, type DeliveryStats, type PostToConnection, type Recipient } from '../../lambdas/core/delivery';
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

describe('a large delivery in shares (each further share in its own invocation)', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => recipient(`c${i}`));
  /** Shares posted "elsewhere": what each was given, and the counts it answers. */
  function fakeShares(size: number, fail: (index: number) => boolean = () => false) {
    const given: Array<{ event: Record<string, unknown>; connections: string[] }> = [];
    let running = 0;
    let maxRunning = 0;
    const shares = {
      size,
      deliver: async (eventJson: string, recipients: Recipient[]): Promise<DeliveryStats> => {
        const index = given.length;
        given.push({ event: JSON.parse(eventJson), connections: recipients.map((r) => r.connectionId) });
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (fail(index)) throw new Error('TooManyRequestsException');
        return { ...emptyStats(), posts: recipients.length, gone: 1 };
      },
    };
    return { shares, given, maxRunning: () => maxRunning };
  }

  test('up to the share size everything is posted here', async () => {
    const { post, sent } = fakePost();
    const { shares, given } = fakeShares(5);
    await createDelivery({ post, concurrency: 4, batchSize: 2, shares }).deliver({ type: 'message', event_id: 'Ev1' }, many(5));
    expect(sent).toHaveLength(5);
    expect(given).toEqual([]);
  });

  test('past it: the first share here, every further share elsewhere at once, each recipient exactly once, counts summed', async () => {
    const { post, sent } = fakePost();
    const { shares, given, maxRunning } = fakeShares(4);
    const stats = await createDelivery({ post, concurrency: 4, batchSize: 2, shares }).deliver({ type: 'message', event_id: 'Ev2', text: 'hi' }, many(11));
    expect(sent.map((s) => s.connectionId)).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(given.map((g) => g.connections)).toEqual([['c4', 'c5', 'c6', 'c7'], ['c8', 'c9', 'c10']]);
    expect(given[0].event).toEqual({ type: 'message', event_id: 'Ev2', text: 'hi' });
    expect(maxRunning()).toBe(2);
    expect(stats).toEqual({ posts: 11, gone: 2, goneDuringHandshake: 0, postFailures: 0 });
  });

  test('the delivery resolves only once every share is done (a channel\'s next event waits for it)', async () => {
    const { post } = fakePost();
    const { shares } = fakeShares(2);
    let done = false;
    const slow = { ...shares, deliver: async (json: string, r: Recipient[]) => { await new Promise((t) => setTimeout(t, 30)); done = true; return shares.deliver(json, r); } };
    await createDelivery({ post, concurrency: 4, batchSize: 2, shares: slow }).deliver({ type: 'message', event_id: 'Ev3' }, many(4));
    expect(done).toBe(true);
  });

  test('a share whose invocation fails is posted here instead: nothing is lost', async () => {
    const { post, sent } = fakePost();
    const { shares } = fakeShares(3, (i) => i === 0);
    const stats = await createDelivery({ post, concurrency: 4, batchSize: 3, shares }).deliver({ type: 'message', event_id: 'Ev4' }, many(9));
    expect(sent.map((s) => s.connectionId).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5'].sort());
    expect(stats.posts).toBe(9);
  });

  test('deliverShare posts the JSON it is given and never splits again', async () => {
    const { post, sent } = fakePost();
    const { shares, given } = fakeShares(2);
    await createDelivery({ post, concurrency: 4, batchSize: 2, shares }).deliverShare(JSON.stringify({ type: 'message', event_id: 'Ev5' }), many(6));
    expect(sent).toHaveLength(6);
    expect(sent[0].body).toEqual({ type: 'message', event_id: 'Ev5' });
    expect(given).toEqual([]);
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
