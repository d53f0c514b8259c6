import type { Json } from '../api';
import { deviceId, pruneCursors, TabCursor } from './device-storage';
import { ReplyCorrelator } from './replies';
import { SeenEvents } from './seen-events';
import type { Status } from './status';

/*
 * One WebSocket per tab. After every (re)connect it syncs from this tab's cursor and repeats while
 * `has_more`; live events that arrive during the sync wait until it is done, so they are applied
 * after what they follow. Every event passes a dedupe on `event_id` (SeenEvents). Reconnects back
 * off exponentially with jitter; the browser going offline closes the socket at once and coming
 * back online reconnects at once. Pings every 4 minutes keep the lease (the gateway drops idle
 * sockets after 10). Where the device id and the cursor are kept: device-storage.ts.
 */

export type { Status } from './status';

const PING_MS = 4 * 60 * 1000;
/**
 * A live push can be missed without the socket closing (a post that failed, a connection that
 * subscribed just after a message fanned out); a quiet sync now and then picks such events up from
 * the inbox, and event_id dedupe drops what already arrived.
 */
const CATCH_UP_MS = 10 * 1000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface RealtimeOptions {
  url: string;
  userId: string;
  token: () => Promise<string>;
  onEvent: (event: Json) => void;
  onStatus: (status: Status) => void;
  /** Large channels whose new messages sync does not carry: read them with history. */
  onHotChannels: (channels: { channel: string; latest: string; read_grant?: string }[]) => void;
  /** After each completed sync (the first one, and after every reconnect). */
  onSynced: () => void;
}

export class Realtime {
  readonly deviceId = deviceId();
  private socket?: WebSocket;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private pingTimer?: ReturnType<typeof setInterval>;
  private catchUpTimer?: ReturnType<typeof setInterval>;
  private readonly replies = new ReplyCorrelator<Json>();
  private readonly seen = new SeenEvents();
  private syncing = false;
  private held: Json[] = [];
  private readonly cursor: TabCursor;
  status: Status = 'connecting';
  /** For tests and the status bar: how many events were applied and how many repeats were dropped. */
  readonly stats = { applied: 0, duplicates: 0, reconnects: 0, syncs: 0 };

  constructor(private readonly options: RealtimeOptions) {
    this.cursor = new TabCursor(options.userId);
    window.addEventListener('online', this.handleOnline);
    window.addEventListener('offline', this.handleOffline);
    pruneCursors();
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.handleOnline);
    window.removeEventListener('offline', this.handleOffline);
    clearTimeout(this.reconnectTimer);
    this.socket?.close(1000);
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN && !this.syncing;
  }

  /** Sends a frame with an id and resolves with its reply (rejects on timeout or disconnect). */
  request(frame: Json, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Json> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('offline'));
    const { id, reply } = this.replies.expect(timeoutMs, () => new Error('timeout'));
    socket.send(JSON.stringify({ ...frame, id }));
    return reply;
  }

  /** Fire and forget (typing, presence_sub); dropped while offline. */
  send(frame: Json): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private readonly handleOnline = () => {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    if (!this.socket || this.socket.readyState === WebSocket.CLOSED) void this.connect();
  };

  private readonly handleOffline = () => {
    // Chromium keeps sockets "open" through a network change; drop it so we resync on return.
    this.socket?.close(4000, 'offline');
  };

  private setStatus(status: Status): void {
    this.status = status;
    this.options.onStatus(status);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    if (!navigator.onLine) return this.setStatus('offline');
    this.setStatus('connecting');
    let token: string;
    try {
      token = await this.options.token();
    } catch {
      return this.scheduleReconnect();
    }
    const query = new URLSearchParams({ token, device_id: this.deviceId });
    const socket = new WebSocket(`${this.options.url}?${query}`);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => void this.request({ action: 'ping' }).catch(() => undefined), PING_MS);
      clearInterval(this.catchUpTimer);
      this.catchUpTimer = setInterval(() => void this.catchUp(), CATCH_UP_MS);
      void this.syncAll();
    };
    socket.onmessage = (message) => {
      let frame: Json;
      try {
        frame = JSON.parse(String(message.data)) as Json;
      } catch {
        return;
      }
      if (frame.reply_to !== undefined) {
        this.replies.settle(frame);
        // A send with `echo: false` is acknowledged with its event: this connection's only copy of it.
        const carried = frame.type === 'ack' && frame.event && typeof frame.event === 'object' ? (frame.event as Json) : undefined;
        if (!carried) return;
        frame = carried;
      }
      if (this.syncing) this.held.push(frame);
      else this.deliver(frame);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      clearInterval(this.pingTimer);
      clearInterval(this.catchUpTimer);
      this.replies.failAll(new Error('disconnected'));
      this.syncing = false;
      this.setStatus('offline');
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    if (!navigator.onLine) return this.setStatus('offline'); // the 'online' event reconnects
    const delay = Math.min(30_000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt++;
    this.stats.reconnects++;
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private async syncAll(): Promise<void> {
    this.syncing = true;
    this.held = [];
    this.setStatus('syncing');
    try {
      await this.pullFromCursor();
      this.stats.syncs++;
      this.syncing = false;
      for (const frame of this.held.splice(0)) this.deliver(frame);
      this.setStatus('online');
      this.options.onSynced();
    } catch {
      this.syncing = false;
      this.socket?.close(4001, 'sync failed'); // reconnect and try again
    }
  }

  /** A sync in the background while online; a failure waits for the next one. */
  private async catchUp(): Promise<void> {
    if (this.syncing || this.socket?.readyState !== WebSocket.OPEN) return;
    await this.pullFromCursor().catch(() => undefined);
  }

  /** Reads this tab's inbox from its cursor until has_more is false, delivering each event. */
  private async pullFromCursor(): Promise<void> {
    let since = this.cursor.read();
    for (let page = 0; page < 1000; page++) {
      const reply = await this.request(since ? { action: 'sync', since } : { action: 'sync' });
      if (reply.type !== 'sync') {
        // An expired or foreign cursor: start again from now (history fills the screen).
        if (since) {
          since = undefined;
          continue;
        }
        throw new Error(String(reply.error ?? 'sync failed'));
      }
      for (const event of reply.events as Json[]) this.deliver(event);
      since = String(reply.cursor);
      this.cursor.write(since);
      if (Array.isArray(reply.hot_channels) && reply.hot_channels.length) this.options.onHotChannels(reply.hot_channels);
      if (!reply.has_more) break;
    }
  }

  private deliver(event: Json): void {
    if (!this.seen.firstTime(event)) {
      this.stats.duplicates++;
      return;
    }
    this.stats.applied++;
    this.options.onEvent(event);
  }
}
