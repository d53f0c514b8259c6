import type { MessageEvent, WireMessage } from './events';
import { isReply } from './messages';

/*
 * Events that come as references (`body_omitted: true`: the message was too large to send whole).
 * The client reads the message itself: with conversations.history (latest=ts, inclusive, limit=1),
 * or, for a thread reply, by reading the open thread again (history has no replies unless broadcast).
 */

export interface OmittedSources {
  /** One Web API call (conversations.history). */
  call(method: string, args: Record<string, unknown>): Promise<{ messages?: WireMessage[] }>;
  /** Reads the thread again if it is the one open in the side panel. */
  rereadThreadIfOpen(channel: string, threadTs: string): Promise<void>;
}

/** The event as if it had come whole; undefined when there is nothing more to apply (or the message is gone). */
export async function resolveOmitted(e: MessageEvent, sources: OmittedSources): Promise<MessageEvent | undefined> {
  const channel = String(e.channel);
  const ref: { ts?: string; thread_ts?: string } = e.message ?? e;
  const ts = String(ref.ts);
  if (isReply({ ts, thread_ts: ref.thread_ts })) {
    await sources.rereadThreadIfOpen(channel, String(ref.thread_ts));
    if (e.subtype !== 'thread_broadcast') return undefined;
  }
  const page = await sources.call('conversations.history', { channel, latest: ts, inclusive: true, limit: 1 });
  const whole = (page.messages ?? [])[0];
  if (!whole || whole.ts !== ts) return undefined;
  return e.message ? { ...e, body_omitted: false, message: whole } : { ...whole, type: 'message', channel, event_id: e.event_id };
}
