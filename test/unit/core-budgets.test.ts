import { fitEvent, fitEventJson, jsonBytes, responseBytes, signedBytes, SIGNED_URL_BYTES } from '../../lambdas/core/budgets';

const heavy = (n: number) => '\u0001'.repeat(n);
const message = (text: string) => ({
  type: 'message', user: 'U1', text, ts: '01J0000000000000000000000A', client_msg_id: 'c-1',
  files: [{ id: 'F1', name: 'a.png', key: 'files/T/F1/a.png' }], reactions: [{ name: 'tada', count: 1, users: ['U2'] }],
});

describe('byte budgets', () => {
  test('sizes are JSON bytes, not characters: a control character is six bytes', () => {
    expect(jsonBytes({ t: heavy(1000) })).toBe(6000 + '{"t":""}'.length);
    expect(jsonBytes('é')).toBe(4); // two bytes in UTF-8, plus the quotes
  });

  test('signing is counted per file key, and a response body is counted as the proxy result encodes it', () => {
    const m = message('hi');
    expect(signedBytes(m)).toBe(jsonBytes(m) + SIGNED_URL_BYTES);
    const quotes = { text: '"'.repeat(100) };
    // `"` is two bytes in the body (\") and four once the body is a JSON string itself (\\\").
    expect(responseBytes(quotes)).toBe(Buffer.byteLength(JSON.stringify(JSON.stringify(quotes))));
    expect(responseBytes(quotes)).toBeGreaterThan(400);
  });

  test('an event that fits goes whole, the same object', () => {
    const event = { ...message('small'), channel: 'C1', event_id: 'Ev1' };
    expect(fitEvent(event, 128 * 1024)).toBe(event);
  });

  test('a message too large goes as its reference: ids kept, bodies out, body_omitted', () => {
    const event = { ...message(heavy(40_000)), channel: 'C1', event_id: 'Ev1', event_ts: '01J0000000000000000000000A' };
    const fitted = fitEvent(event, 16 * 1024);
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(16 * 1024);
    expect(fitted).toEqual({ type: 'message', user: 'U1', text: '', ts: event.ts, client_msg_id: 'c-1', channel: 'C1', event_id: 'Ev1', event_ts: event.ts, body_omitted: true });
  });

  test('an edit keeps both messages as references', () => {
    const event = { type: 'message', subtype: 'message_changed', channel: 'C1', ts: 'E1', event_id: 'Ev2', message: message(heavy(40_000)), previous_message: message(heavy(40_000)) };
    const fitted = fitEvent(event, 16 * 1024) as typeof event & { body_omitted: boolean };
    expect(fitted.body_omitted).toBe(true);
    expect(fitted.message).toEqual({ type: 'message', user: 'U1', text: '', ts: event.message.ts, client_msg_id: 'c-1' });
    expect(fitted.previous_message.text).toBe('');
    expect(fitted.subtype).toBe('message_changed');
  });

  test('the same event always gives the same reference (a replayed record yields the same bytes)', () => {
    const event = { ...message(heavy(30_000)), channel: 'C1', event_id: 'Ev3' };
    expect(JSON.stringify(fitEvent(event, 1024))).toBe(JSON.stringify(fitEvent({ ...event }, 1024)));
  });

  test('when even the reference is too large, only the identity fields remain', () => {
    const event = { type: 'message', channel: 'C1', ts: 'T1', event_id: 'Ev4', user: 'U1', extra: heavy(5000) };
    expect(fitEvent(event, 1024)).toEqual({ body_omitted: true, type: 'message', channel: 'C1', ts: 'T1', event_id: 'Ev4', user: 'U1' });
  });

  test('fitEventJson is the JSON of fitEvent, whole or as the reference', () => {
    const small = { ...message('small'), channel: 'C1', event_id: 'Ev5' };
    const big = { ...message(heavy(40_000)), channel: 'C1', event_id: 'Ev6' };
    for (const event of [small, big]) expect(fitEventJson(event, 16 * 1024)).toBe(JSON.stringify(fitEvent(event, 16 * 1024)));
  });
});
