import { ApiError } from '../api';
import type { Message } from './types';

/*
 * The outbox: messages typed but not yet acknowledged. One conversation's sends go out one after
 * another, so they commit in the order they were typed; each is retried with the same
 * client_msg_id (which makes a retry safe) until the server acknowledges or refuses it for good.
 */

/** Refusals that no retry can fix. */
export const PERMANENT = new Set(['not_in_channel', 'channel_not_found', 'msg_too_long', 'no_text', 'is_archived', 'invalid_arguments', 'thread_not_found']);

/** A message to send, shown at once as pending (its ts is local until the server assigns one). */
export function draftMessage(channel: string, user: string, text: string, clientMsgId: string, now: number, threadTs?: string): Message {
  return { ts: `~${now}-${clientMsgId}`, channel, user, text, client_msg_id: clientMsgId, pending: 'sending', ...(threadTs ? { thread_ts: threadTs } : {}) };
}

export type RetryDecision =
  | { kind: 'give-up'; code: string }
  /** Wait `ms`, then try again as attempt number `attempt`. */
  | { kind: 'wait'; ms: number; attempt: number };

/**
 * After a failed attempt: a permanent refusal ends it; `ratelimited` waits as long as the server
 * says (retry_after, at least a second) without counting as an attempt; anything else (network
 * trouble, a timeout, a dropped socket) backs off exponentially up to 15 s.
 */
export function afterFailure(error: unknown, attempt: number): RetryDecision {
  if (error instanceof ApiError && PERMANENT.has(error.code)) return { kind: 'give-up', code: error.code };
  if (error instanceof ApiError && error.code === 'ratelimited') return { kind: 'wait', ms: 1000 * Math.max(1, Number(error.detail) || 1), attempt: Math.max(0, attempt - 1) + 1 };
  return { kind: 'wait', ms: Math.min(15_000, 500 * 2 ** attempt), attempt: attempt + 1 };
}

export interface OutboxDeps {
  /** One attempt: resolves with the ts the server assigned; rejects (an ApiError for a refusal) otherwise. */
  transmit(draft: Message): Promise<string>;
  /** Shows the message in its current state (pending, sent with its ts, or failed with its error). */
  place(message: Message): void;
  /** Called once a message is acknowledged. */
  sent(message: Message): void;
  sleep?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Outbox {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly deps: OutboxDeps) {}

  /** Shows the draft as pending and queues it behind its conversation's earlier sends. */
  enqueue(draft: Message): Promise<void> {
    this.deps.place(draft);
    const previous = this.queues.get(draft.channel) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(draft));
    this.queues.set(draft.channel, next);
    void next.then(() => this.queues.get(draft.channel) === next && this.queues.delete(draft.channel));
    return next;
  }

  /** A failed message sent again (same client_msg_id). */
  retry(message: Message): Promise<void> {
    return this.enqueue({ ...message, pending: 'sending', error: undefined });
  }

  private async deliver(draft: Message): Promise<void> {
    const wait = this.deps.sleep ?? sleep;
    for (let attempt = 0; ; ) {
      try {
        const ts = await this.deps.transmit(draft);
        const sent = { ...draft, ts, pending: undefined };
        this.deps.place(sent);
        this.deps.sent(draft);
        return;
      } catch (error) {
        const decision = afterFailure(error, attempt);
        if (decision.kind === 'give-up') {
          this.deps.place({ ...draft, pending: 'failed', error: decision.code });
          return;
        }
        await wait(decision.ms);
        attempt = decision.attempt;
      }
    }
  }
}
