import type { Json } from './api';

/*
 * One WebSocket per tab. After every (re)connect it syncs from this tab's cursor and repeats while
 * `has_more`; live events that arrive during the sync wait until it is done, so they are applied
 * after what they follow. Every event passes a dedupe on `event_id` (the server delivers at least
 * once, and re-reads the last seconds of the inbox on every sync). Reconnects back off
 * exponentially with jitter; the browser going offline closes the socket at once and coming back
 * online reconnects at once. Pings every 4 minutes keep the lease (the gateway drops idle sockets
 * after 10).
 *
 * Identity of the device: `device_id` lives in localStorage, so all tabs of a browser profile are
 * one device (the connection cap and presence count the browser, not its tabs). The sync cursor,
 * however, is kept per tab (localStorage, keyed by a tab id held in sessionStorage so it survives
 * a reload): a cursor shared by tabs would let one tab advance past events another tab has not
 * seen while it was disconnected.
 */

export type Status = 'connecting' | 'syncing' | 'online' | 'offline';

const PING_MS = 4 * 60 * 1000;
/**
 * A live push can be missed without the socket closing (a post that failed, a connection that
 * subscribed just after a message fanned out); a quiet sync now and then picks such events up from
 * the inbox, and event_id dedupe drops what already arrived.
 */
const CATCH_UP_MS = 10 * 1000;
const REQUEST_TIMEOUT_MS = 10_000;
const SEEN_LIMIT = 5000;
const CURSOR_PREFIX = 'teamchat.cursor.';
const CURSOR_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

const randomId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

export function deviceId(): string {
  let id = localStorage.getItem('teamchat.device_id');
  if (!id) {
    id = `web-${randomId().replace(/-/g, '').slice(0, 24)}`;
    localStorage.setItem('teamchat.device_id', id);
  }
  return id;
}

function tabId(): string {
  let id = sessionStorage.getItem('teamchat.tab_id');
  if (!id) {
    id = randomId().slice(0, 8);
    sessionStorage.setItem('teamchat.tab_id', id);
  }
  return id;
}

export interface RealtimeOptions {
  url: string;
  userId: string;
  token: () => Promise<string>;
  onEvent: (event: Json) => void;
  onStatus: (status: Status) => void;
  /** Large channels whose new messages sync does not carry: read them with history. */
  onHotChannels: (channels: { channel: string; latest: string }[]) => void;
  /** After each completed sync (the first one, and after every reconnect). */
  onSynced: () => void;
}

export class Realtime {
  readonly deviceId = deviceId();
  private socket?: WebSocket;
  private stopped = false;
  private attempt = 0;
  private nextId = 1;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private pingTimer?: ReturnType<typeof setInterval>;
  private catchUpTimer?: ReturnType<typeof setInterval>;
  private readonly pending = new Map<number, { resolve: (f: Json) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private syncing = false;
  private held: Json[] = [];
  private readonly cursorKey: string;
  status: Status = 'connecting';
  /** For tests and the status bar: how many events were applied and how many repeats were dropped. */
  readonly stats = { applied: 0, duplicates: 0, reconnects: 0, syncs: 0 };

  constructor(private readonly options: RealtimeOptions) {
    this.cursorKey = `${CURSOR_PREFIX}${options.userId}.${tabId()}`;
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
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('timeout'));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...frame, id }));
    });
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
        const waiting = this.pending.get(Number(frame.reply_to));
        if (waiting) {
          this.pending.delete(Number(frame.reply_to));
          clearTimeout(waiting.timer);
          waiting.resolve(frame);
        }
        return;
      }
      if (this.syncing) this.held.push(frame);
      else this.deliver(frame);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      clearInterval(this.pingTimer);
      clearInterval(this.catchUpTimer);
      for (const [id, waiting] of this.pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new Error('disconnected'));
        this.pending.delete(id);
      }
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
    let since = readCursor(this.cursorKey);
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
      writeCursor(this.cursorKey, since);
      if (Array.isArray(reply.hot_channels) && reply.hot_channels.length) this.options.onHotChannels(reply.hot_channels);
      if (!reply.has_more) break;
    }
  }

  private deliver(event: Json): void {
    const id = typeof event.event_id === 'string' ? event.event_id : undefined;
    if (id) {
      if (this.seen.has(id)) {
        this.stats.duplicates++;
        return;
      }
      this.seen.add(id);
      this.seenOrder.push(id);
      if (this.seenOrder.length > SEEN_LIMIT) this.seen.delete(this.seenOrder.shift()!);
    }
    this.stats.applied++;
    this.options.onEvent(event);
  }
}

function readCursor(key: string): string | undefined {
  try {
    const raw = localStorage.getItem(key);
    return raw ? String((JSON.parse(raw) as { cursor: string }).cursor) : undefined;
  } catch {
    return undefined;
  }
}

function writeCursor(key: string, cursor: string): void {
  localStorage.setItem(key, JSON.stringify({ cursor, at: Date.now() }));
}

/** Cursors of tabs closed long ago are useless (the inbox keeps 30 days). */
function pruneCursors(): void {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i);
    if (!key?.startsWith(CURSOR_PREFIX)) continue;
    try {
      const { at } = JSON.parse(localStorage.getItem(key) ?? '{}') as { at?: number };
      if (!at || Date.now() - at > CURSOR_MAX_AGE_MS) localStorage.removeItem(key);
    } catch {
      localStorage.removeItem(key);
    }
  }
}
