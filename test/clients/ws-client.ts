import WebSocket from 'ws';
import { counter, ReplyCorrelator, type RequestId } from '../../web/src/realtime/replies';

/*
 * The Node client for the WebSocket API, shared by the e2e harness, the chaos devices, the bench and
 * the soak run: a handshake that reports the gateway's HTTP status, requests correlated with their
 * replies by `id`/`reply_to` (web/src/realtime/replies.ts, which the browser client uses too) with
 * timeouts, and the other frames kept in `events` and/or handed to `onEvent`, with `waitFor`.
 * What a user needs beyond that (reconnects, sync passes, timing receipts) stays with that user.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames are arbitrary JSON
export type Frame = Record<string, any>;

/** A failed handshake, with the HTTP status the gateway answered. */
export class HandshakeError extends Error {
  constructor(readonly status: number) {
    super(`WebSocket handshake failed with HTTP ${status}`);
    this.name = 'HandshakeError';
  }
}

export interface WsClientOptions {
  origin?: string;
  /** false turns compression off (many sockets on a small machine). */
  perMessageDeflate?: boolean;
  /** Gives up on a handshake that takes longer (the socket is terminated). */
  connectTimeoutMs?: number;
  /** Whether frames that are not replies are kept in `events` (default true). */
  keepEvents?: boolean;
  /** Each frame that is not a reply, with when it arrived (performance.now(), taken before parsing). */
  onEvent?: (frame: Frame, receivedAt: number) => void;
  /** A cheap test on a frame's text: frames that fail it are dropped unparsed. */
  parseIf?: (text: string) => boolean;
  /** Requests still waiting when the socket closes fail with this error (default: they time out). */
  closedError?: () => Error;
}

/** Request ids: one sequence for every client of the process. */
const processIds = counter();

const DEFAULT_TIMEOUT_MS = 5000;

export class WsClient {
  readonly events: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly replies = new ReplyCorrelator<Frame>(processIds);
  private readonly watchers = new Set<(frame: Frame) => void>();

  /** Wraps a socket (use `open`, which waits for the handshake). */
  constructor(readonly socket: WebSocket, private readonly options: WsClientOptions = {}) {
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    if (options.closedError) void this.closed.then(() => this.replies.failAll(options.closedError!()));
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      const receivedAt = performance.now();
      this.receive(data.toString(), receivedAt);
    });
  }

  /** Opens a connection; rejects with a HandshakeError (its HTTP status) when the handshake is refused. */
  static open<C extends WsClient>(this: new (socket: WebSocket, options?: WsClientOptions) => C, url: string, options: WsClientOptions = {}): Promise<C> {
    const socket = new WebSocket(url, {
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.perMessageDeflate === false ? { perMessageDeflate: false } : {}),
    });
    const client = new this(socket, options);
    return new Promise((resolve, reject) => {
      const timer = options.connectTimeoutMs
        ? setTimeout(() => {
            socket.terminate();
            reject(new Error('connect timeout'));
          }, options.connectTimeoutMs)
        : undefined;
      socket.once('open', () => {
        clearTimeout(timer);
        resolve(client);
      });
      socket.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(new HandshakeError(res.statusCode ?? 0));
        socket.terminate();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: Frame | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a frame with a fresh `id` (unless it has one) and resolves with the frame whose `reply_to` matches. */
  request(frame: Frame, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
    const { id, reply } = this.replies.expect(timeoutMs, () => new Error(`no reply to ${JSON.stringify(frame)} within ${timeoutMs} ms`), frame.id as RequestId | undefined);
    try {
      this.send({ ...frame, id });
    } catch (error) {
      this.replies.fail(id, error as Error);
    }
    return reply;
  }

  /** The first event (already received or arriving within the timeout) that matches. */
  waitFor(predicate: (frame: Frame) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Frame> {
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

  /** Closes (code 1000) and waits for the close; with `terminateAfterMs`, terminates a socket that takes longer. */
  async close(terminateAfterMs?: number): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(1000);
    if (terminateAfterMs === undefined) {
      await this.closed;
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, terminateAfterMs);
      timer.unref();
    });
    await Promise.race([this.closed, late]);
    clearTimeout(timer);
  }

  /** Drops the connection at once, without a close handshake. */
  terminate(): void {
    this.socket.terminate();
  }

  private receive(text: string, receivedAt: number): void {
    if (this.options.parseIf && !this.options.parseIf(text)) return;
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      frame = { type: 'unparseable', raw: text };
    }
    if (this.replies.settle(frame)) return;
    if (frame.reply_to === undefined) {
      if (this.options.keepEvents !== false) this.events.push(frame);
      this.options.onEvent?.(frame, receivedAt);
    }
    for (const watch of this.watchers) watch(frame);
  }
}
