import type { MessageEvent, WireMessage } from '../../web/src/chat/events';
import { resolveOmitted } from '../../web/src/chat/omitted';

/*
 * Events that came as references (web/src/chat/omitted.ts): the client reads the message with
 * conversations.history latest=ts inclusive limit=1, or re-reads an open thread.
 */

function sources(messages: WireMessage[]) {
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const threads: string[] = [];
  return {
    calls,
    threads,
    sources: {
      call: async (method: string, args: Record<string, unknown>) => {
        calls.push({ method, args });
        return { messages };
      },
      rereadThreadIfOpen: async (channel: string, threadTs: string) => void threads.push(`${channel}:${threadTs}`),
    },
  };
}

const whole: WireMessage = { type: 'message', ts: '0005', user: 'U1', text: 'a very long text' };

it('reads a new message with conversations.history latest=ts inclusive limit=1 and gives it back whole', async () => {
  const s = sources([whole]);
  const ref: MessageEvent = { type: 'message', channel: 'C1', ts: '0005', user: 'U1', body_omitted: true, event_id: 'Ev1' };
  expect(await resolveOmitted(ref, s.sources)).toEqual({ ...whole, type: 'message', channel: 'C1', event_id: 'Ev1' });
  expect(s.calls).toEqual([{ method: 'conversations.history', args: { channel: 'C1', latest: '0005', inclusive: true, limit: 1 } }]);
  expect(s.threads).toEqual([]);
});

it('puts the message read into an edit (message_changed) and clears body_omitted', async () => {
  const s = sources([{ ...whole, edited: { user: 'U1', ts: '0009' } }]);
  const ref: MessageEvent = { type: 'message', subtype: 'message_changed', channel: 'C1', body_omitted: true, message: { ts: '0005' }, event_id: 'Ev2' };
  expect(await resolveOmitted(ref, s.sources)).toEqual({ ...ref, body_omitted: false, message: { ...whole, edited: { user: 'U1', ts: '0009' } } });
});

it('gives nothing when the message is gone (history answers another one, or none)', async () => {
  const ref: MessageEvent = { type: 'message', channel: 'C1', ts: '0005', body_omitted: true };
  expect(await resolveOmitted(ref, sources([{ ...whole, ts: '0004' }]).sources)).toBeUndefined();
  expect(await resolveOmitted(ref, sources([]).sources)).toBeUndefined();
});

it('re-reads the open thread for a reply, and reads no history (replies are not in it)', async () => {
  const s = sources([whole]);
  const ref: MessageEvent = { type: 'message', channel: 'C1', ts: '0006', thread_ts: '0005', body_omitted: true };
  expect(await resolveOmitted(ref, s.sources)).toBeUndefined();
  expect(s.threads).toEqual(['C1:0005']);
  expect(s.calls).toEqual([]);
});

it('re-reads the thread and reads history for a reply broadcast to the channel', async () => {
  const reply = { ...whole, ts: '0006', thread_ts: '0005', subtype: 'thread_broadcast' };
  const s = sources([reply]);
  const ref: MessageEvent = { type: 'message', subtype: 'thread_broadcast', channel: 'C1', ts: '0006', thread_ts: '0005', body_omitted: true };
  expect(await resolveOmitted(ref, s.sources)).toMatchObject({ ts: '0006', text: 'a very long text', channel: 'C1' });
  expect(s.threads).toEqual(['C1:0005']);
  expect(s.calls).toHaveLength(1);
});
