/*
 * Request/reply correlation for the WebSocket protocol: a request carries an `id`, its reply carries
 * `reply_to` with that id. Isomorphic (no DOM, no `ws`): the browser's Realtime and the Node client
 * (test/clients/ws-client.ts) share it.
 */

export type RequestId = number | string;

interface Waiting<R> {
  resolve(reply: R): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Ids 1, 2, 3, … */
export function counter(): () => number {
  let next = 1;
  return () => next++;
}

export class ReplyCorrelator<R extends { reply_to?: unknown }> {
  private readonly waiting = new Map<unknown, Waiting<R>>();

  constructor(private readonly nextId: () => RequestId = counter()) {}

  /**
   * Registers a request before it is sent: its id (a fresh one unless given) and the promise of its
   * reply, rejected with `timeoutError()` when no reply comes within `timeoutMs`.
   */
  expect(timeoutMs: number, timeoutError: () => Error, id: RequestId = this.nextId()): { id: RequestId; reply: Promise<R> } {
    const reply = new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(timeoutError());
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
    });
    return { id, reply };
  }

  /** Hands a reply to the request it answers; false when none waits for it (no reply_to, unknown, or timed out). */
  settle(frame: R): boolean {
    if (frame.reply_to === undefined) return false;
    const waiting = this.waiting.get(frame.reply_to);
    if (!waiting) return false;
    this.waiting.delete(frame.reply_to);
    clearTimeout(waiting.timer);
    waiting.resolve(frame);
    return true;
  }

  /** Fails one request (its frame could not be sent). */
  fail(id: RequestId, error: Error): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    clearTimeout(waiting.timer);
    waiting.reject(error);
  }

  /** Fails every request still waiting (the connection closed). */
  failAll(error: Error): void {
    for (const id of [...this.waiting.keys()]) this.fail(id as RequestId, error);
  }
}
