import { counter, ReplyCorrelator } from '../../web/src/realtime/replies';
import { SeenEvents } from '../../web/src/realtime/seen-events';

/* The web client's connection helpers that need no socket: event_id dedupe, request/reply correlation. */

describe('SeenEvents (dedupe by event_id)', () => {
  it('passes an event the first time only; events without an id always pass', () => {
    const seen = new SeenEvents();
    expect([{ event_id: 'E1' }, { event_id: 'E2' }, { event_id: 'E1' }, {}, {}].map((e) => seen.firstTime(e))).toEqual([true, true, false, true, true]);
  });

  it('forgets the oldest ids beyond its limit', () => {
    const seen = new SeenEvents(2);
    for (const id of ['E1', 'E2', 'E3']) seen.firstTime({ event_id: id });
    expect(seen.firstTime({ event_id: 'E3' })).toBe(false);
    expect(seen.firstTime({ event_id: 'E1' })).toBe(true);
  });
});

describe('ReplyCorrelator', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('hands each reply to the request whose id it names', async () => {
    const replies = new ReplyCorrelator<{ reply_to?: unknown; n?: number }>();
    const a = replies.expect(1000, () => new Error('timeout'));
    const b = replies.expect(1000, () => new Error('timeout'));
    expect([a.id, b.id]).toEqual([1, 2]);
    expect(replies.settle({ reply_to: 2, n: 2 })).toBe(true);
    expect(replies.settle({ reply_to: 1, n: 1 })).toBe(true);
    await expect(a.reply).resolves.toEqual({ reply_to: 1, n: 1 });
    await expect(b.reply).resolves.toEqual({ reply_to: 2, n: 2 });
    expect(replies.settle({ reply_to: 1 })).toBe(false);
    expect(replies.settle({})).toBe(false);
  });

  it('rejects after the timeout, and a late reply then settles nothing', async () => {
    const replies = new ReplyCorrelator<{ reply_to?: unknown }>();
    const a = replies.expect(1000, () => new Error('no reply'));
    jest.advanceTimersByTime(1000);
    await expect(a.reply).rejects.toThrow('no reply');
    expect(replies.settle({ reply_to: a.id })).toBe(false);
  });

  it('fails every waiting request when the connection closes', async () => {
    const replies = new ReplyCorrelator<{ reply_to?: unknown }>();
    const waiting = [replies.expect(1000, () => new Error('timeout')), replies.expect(1000, () => new Error('timeout'))];
    replies.failAll(new Error('disconnected'));
    for (const w of waiting) await expect(w.reply).rejects.toThrow('disconnected');
  });

  it('takes ids from a shared source, or the one a request brings', () => {
    const ids = counter();
    const one = new ReplyCorrelator(ids);
    const two = new ReplyCorrelator(ids);
    const requests = [one.expect(10, Error), two.expect(10, Error), one.expect(10, Error, 'mine')];
    for (const r of requests) r.reply.catch(() => undefined);
    expect(requests.map((r) => r.id)).toEqual([1, 2, 'mine']);
    one.failAll(new Error('closed'));
    two.failAll(new Error('closed'));
  });
});
