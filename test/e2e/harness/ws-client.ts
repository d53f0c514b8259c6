import WebSocket from 'ws';
import { target } from './target';

/*
 * A test client for the WebSocket API: connects with a token, correlates requests and replies by
 * `id`/`reply_to`, and keeps every other frame in `events`.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames are arbitrary JSON
type Frame = Record<string, any>;

/** A failed handshake, with the HTTP status the gateway answered. */
export class HandshakeError extends Error {
  constructor(readonly status: number) {
    super(`WebSocket handshake failed with HTTP ${status}`);
    this.name = 'HandshakeError';
  }
}

let nextId = 1;

export class WsClient {
  readonly events: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly pending = new Map<unknown, (frame: Frame) => void>();
  private readonly watchers = new Set<(frame: Frame) => void>();

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString()) as Frame;
      } catch {
        frame = { type: 'unparseable', raw: data.toString() };
      }
      const waiting = frame.reply_to !== undefined ? this.pending.get(frame.reply_to) : undefined;
      if (waiting) {
        this.pending.delete(frame.reply_to);
        waiting(frame);
        return;
      }
      if (frame.reply_to === undefined) this.events.push(frame);
      for (const watch of this.watchers) watch(frame);
    });
  }

  /** Opens a connection; rejects with a HandshakeError (its HTTP status) when the handshake fails. */
  static connect(token: string | undefined, opts: { deviceId?: string; origin?: string } = {}): Promise<WsClient> {
    const query = new URLSearchParams();
    if (token !== undefined) query.set('token', token);
    if (opts.deviceId) query.set('device_id', opts.deviceId);
    const socket = new WebSocket(`${target().webSocketUrl}?${query}`, opts.origin ? { origin: opts.origin } : {});
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new WsClient(socket)));
      socket.once('unexpected-response', (_req, res) => {
        reject(new HandshakeError(res.statusCode ?? 0));
        socket.terminate();
      });
      socket.once('error', (error) => reject(error));
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: Frame | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a frame with a fresh `id` (unless it has one) and resolves with the frame whose `reply_to` matches. */
  request(frame: Frame, timeoutMs = 5000): Promise<Frame> {
    const id = frame.id ?? nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no reply to ${JSON.stringify(frame)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.send({ ...frame, id });
    });
  }

  /** The first event (already received or arriving within the timeout) that matches. */
  waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.events.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const watch = (frame: Frame) => {
        if (!predicate(frame)) return;
        clearTimeout(timer);
        this.watchers.delete(watch);
        resolve(frame);
      };
      const timer = setTimeout(() => {
        this.watchers.delete(watch);
        reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      this.watchers.add(watch);
    });
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(1000);
    await this.closed;
  }
}
