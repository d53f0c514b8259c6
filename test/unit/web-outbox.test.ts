import { ApiError } from '../../web/src/api';
import { afterFailure, draftMessage, Outbox } from '../../web/src/chat/outbox';
import type { Message } from '../../web/src/chat/types';

/* The web client's outbox (web/src/chat/outbox.ts): ordered sends, retried with the same client_msg_id. */

describe('afterFailure', () => {
  it('gives up on refusals no retry can fix', () => {
    for (const code of ['not_in_channel', 'channel_not_found', 'msg_too_long', 'no_text', 'is_archived', 'invalid_arguments', 'thread_not_found']) {
      expect(afterFailure(new ApiError(code), 3)).toEqual({ kind: 'give-up', code });
    }
  });

  it('waits as long as a rate limit says (at least a second) without counting an attempt', () => {
    expect(afterFailure(new ApiError('ratelimited', 3), 4)).toEqual({ kind: 'wait', ms: 3000, attempt: 4 });
    expect(afterFailure(new ApiError('ratelimited'), 4)).toEqual({ kind: 'wait', ms: 1000, attempt: 4 });
    expect(afterFailure(new ApiError('ratelimited', 0.2), 0)).toEqual({ kind: 'wait', ms: 1000, attempt: 1 });
  });

  it('backs off exponentially on anything else, up to 15 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => afterFailure(new Error('timeout'), a))).toEqual(
      [500, 1000, 2000, 4000, 8000, 15_000, 15_000].map((ms, i) => ({ kind: 'wait', ms, attempt: [0, 1, 2, 3, 4, 5, 9][i] + 1 })),
    );
    expect(afterFailure(new ApiError('internal_error'), 0)).toMatchObject({ kind: 'wait', ms: 500 });
  });
});

describe('draftMessage', () => {
  it('is pending, with a local ts that sorts after every real one and its client_msg_id', () => {
    expect(draftMessage('C1', 'U1', 'hi', 'abc', 42, '0002')).toEqual({ ts: '~42-abc', channel: 'C1', user: 'U1', text: 'hi', client_msg_id: 'abc', pending: 'sending', thread_ts: '0002' });
    expect(draftMessage('C1', 'U1', 'hi', 'abc', 42)).not.toHaveProperty('thread_ts');
  });
});

describe('Outbox', () => {
  function harness(transmit: (draft: Message) => Promise<string>) {
    const placed: Message[] = [];
    const sent: string[] = [];
    const waits: number[] = [];
    const outbox = new Outbox({
      transmit,
      place: (m) => placed.push(m),
      sent: (m) => sent.push(m.text),
      sleep: async (ms) => void waits.push(ms),
    });
    return { outbox, placed, sent, waits };
  }

  it('shows a draft at once, then its acknowledged copy with the server ts', async () => {
    const h = harness(async () => '0007');
    await h.outbox.enqueue(draftMessage('C1', 'U1', 'hi', 'abc', 1));
    expect(h.placed.map((m) => [m.ts, m.pending])).toEqual([['~1-abc', 'sending'], ['0007', undefined]]);
    expect(h.sent).toEqual(['hi']);
  });

  it('retries with the same client_msg_id until acknowledged', async () => {
    const ids: (string | undefined)[] = [];
    let calls = 0;
    const h = harness(async (d) => {
      ids.push(d.client_msg_id);
      if (++calls < 3) throw new Error('timeout');
      return '0007';
    });
    await h.outbox.enqueue(draftMessage('C1', 'U1', 'hi', 'abc', 1));
    expect(ids).toEqual(['abc', 'abc', 'abc']);
    expect(h.waits).toEqual([500, 1000]);
    expect(h.placed.at(-1)).toMatchObject({ ts: '0007', pending: undefined });
  });

  it('honours retry_after on ratelimited', async () => {
    let calls = 0;
    const h = harness(async () => {
      if (++calls === 1) throw new ApiError('ratelimited', 2);
      return '0007';
    });
    await h.outbox.enqueue(draftMessage('C1', 'U1', 'hi', 'abc', 1));
    expect(h.waits).toEqual([2000]);
  });

  it('marks a refused message failed, and retry sends it again as pending', async () => {
    let refuse = true;
    const h = harness(async () => {
      if (refuse) throw new ApiError('not_in_channel');
      return '0008';
    });
    await h.outbox.enqueue(draftMessage('C1', 'U1', 'hi', 'abc', 1));
    const failed = h.placed.at(-1)!;
    expect(failed).toMatchObject({ pending: 'failed', error: 'not_in_channel' });
    refuse = false;
    await h.outbox.retry(failed);
    expect(h.placed.slice(-2).map((m) => [m.ts, m.pending, m.error])).toEqual([['~1-abc', 'sending', undefined], ['0008', undefined, undefined]]);
  });

  it("sends one conversation's messages one after another, in the order typed", async () => {
    const order: string[] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const h = harness(async (d) => {
      order.push(`start ${d.text}`);
      if (d.text === 'one') await first;
      order.push(`end ${d.text}`);
      return d.text === 'one' ? '0001' : '0002';
    });
    const one = h.outbox.enqueue(draftMessage('C1', 'U1', 'one', 'a', 1));
    const two = h.outbox.enqueue(draftMessage('C1', 'U1', 'two', 'b', 2));
    const other = h.outbox.enqueue(draftMessage('C2', 'U1', 'elsewhere', 'c', 3));
    await other;
    expect(order).toEqual(['start one', 'start elsewhere', 'end elsewhere']);
    release();
    await Promise.all([one, two]);
    expect(order).toEqual(['start one', 'start elsewhere', 'end elsewhere', 'end one', 'start two', 'end two']);
  });
});
