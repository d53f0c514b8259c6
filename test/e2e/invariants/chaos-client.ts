import { WsClient, type Frame } from '../../clients/ws-client';

/*
 * A chaos-tolerant client device, as a real one behaves: it reconnects with backoff whenever its
 * socket goes, syncs from its cursor after every (re)connect (repeating while has_more), and
 * records every event it receives, live or through sync. Sends retry with the SAME client_msg_id
 * (over WebSocket, or sometimes over HTTP) until they are acknowledged or the sender gives up.
 */

export type { Frame } from '../../clients/ws-client';

export interface Recorded {
  /** 'ack': the event a send's ack carried (`echo: false`), the sending connection's own copy. */
  via: 'live' | 'sync' | 'ack';
  /** Which connection of this device (live), or which sync pass (sync), it came in. */
  session: number;
  pass: number;
  event: Frame;
}

export interface SendRecord {
  user: string;
  device: string;
  channel: string;
  clientMsgId: string;
  ackTs?: string;
  attempts: number;
  /** Attempts answered with an error frame or HTTP error (not counting timeouts). */
  errors: Record<string, number>;
  gaveUp: boolean;
}

export interface Endpoints {
  httpApiUrl: string;
  webSocketUrl: string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The local cloud's seeded generator, so a client schedule is the same for a given seed. */
export { seeded } from '../../../local/dev/faults';

class Closed extends Error {}

export class ChaosDevice {
  readonly recorded: Recorded[] = [];
  cursor = '';
  sessions = 0;
  passes = 0;
  reconnects = 0;
  syncErrors = 0;
  private client?: WsClient;
  /** The session each connection was opened as (an ack's event is recorded as that session's live delivery). */
  private readonly sessionOf = new WeakMap<WsClient, number>();
  private connected?: Promise<void>;
  private stopped = false;
  /** Each user's first device sends with `echo: false` (the web client's way: the ack is its echo), the other as Slack's clients do. */
  private readonly noEcho: boolean;

  constructor(
    readonly user: string,
    readonly deviceId: string,
    private readonly token: string,
    private readonly endpoints: () => Endpoints,
  ) {
    this.noEcho = /-d0$/.test(deviceId);
  }

  /** Connects and takes the first cursor (a sync without `since`). */
  async start(): Promise<void> {
    await this.ready();
  }

  /** Resolves once a socket is open and its post-connect sync finished; reconnects as needed. */
  ready(): Promise<void> {
    if (this.stopped) return Promise.reject(new Closed('stopped'));
    this.connected ??= this.connectLoop().finally(() => (this.connected = undefined));
    return this.connected;
  }

  get isOpen(): boolean {
    return this.client?.isOpen ?? false;
  }

  private async connectLoop(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      if (attempt > 0) await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2));
      try {
        const client = await this.open();
        this.sessions++;
        if (this.sessions > 1) this.reconnects++;
        await this.syncFromCursor(client);
        return;
      } catch {
        // refused, dropped during sync, or the cloud is down: back off and try again
      }
    }
    throw new Closed('stopped');
  }

  /** One connection; its live events are recorded with its session number, and its close starts a reconnect. */
  private async open(): Promise<WsClient> {
    const url = `${this.endpoints().webSocketUrl}?${new URLSearchParams({ token: this.token, device_id: this.deviceId })}`;
    const session = this.sessions + 1;
    const client = await WsClient.open(url, {
      connectTimeoutMs: 10_000,
      keepEvents: false,
      onEvent: (frame) => {
        if (typeof frame.event_id === 'string') this.recorded.push({ via: 'live', session, pass: 0, event: frame });
      },
      closedError: () => new Closed('socket closed'),
    });
    this.client = client;
    this.sessionOf.set(client, session);
    void client.closed.then(() => {
      if (this.client === client) this.client = undefined;
      // Reconnect in the background, as a client does.
      if (!this.stopped) void this.ready().catch(() => undefined);
    });
    return client;
  }

  private request(client: WsClient, frame: Frame, timeoutMs: number): Promise<Frame> {
    if (!client.isOpen) return Promise.reject(new Closed('not open'));
    return client.request(frame, timeoutMs);
  }

  /** Syncs from the cursor until has_more is false; the cursor moves only on a page's reply. */
  private async syncFromCursor(client: WsClient): Promise<void> {
    const pass = ++this.passes;
    for (let page = 0; page < 1000; page++) {
      let reply: Frame;
      try {
        reply = await this.request(client, this.cursor ? { action: 'sync', since: this.cursor } : { action: 'sync' }, 8000);
      } catch (error) {
        if (error instanceof Closed) throw error;
        // A timed-out or failed page: ask again (an internal error is retried like any other).
        this.syncErrors++;
        await sleep(200);
        continue;
      }
      if (reply.type !== 'sync') {
        this.syncErrors++;
        await sleep(200);
        continue;
      }
      for (const event of reply.events as Frame[]) this.recorded.push({ via: 'sync', session: this.sessions, pass, event });
      this.cursor = String(reply.cursor);
      if (!reply.has_more) return;
    }
  }

  /** A full sync now (the final check's), over the current connection. */
  async finalSync(): Promise<void> {
    for (;;) {
      await this.ready();
      const client = this.client;
      if (!client) continue;
      try {
        await this.syncFromCursor(client);
        return;
      } catch {
        await sleep(200);
      }
    }
  }

  /**
   * Sends one message: retries with the same client_msg_id until acknowledged or `giveUpAt`.
   * `viaHttp` decides per attempt whether it goes over HTTP (chat.postMessage) instead.
   */
  async send(record: SendRecord, text: string, giveUpAt: number, viaHttp: () => boolean): Promise<void> {
    for (let attempt = 0; Date.now() < giveUpAt && !record.ackTs; attempt++) {
      if (attempt > 0) await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2));
      record.attempts++;
      try {
        const reply = viaHttp() ? await this.postOverHttp(record, text) : await this.postOverWs(record, text);
        if (reply.type === 'ack' || reply.ok === true) {
          record.ackTs = String(reply.ts);
          return;
        }
        const code = String(reply.error ?? reply.message ?? 'unknown');
        record.errors[code] = (record.errors[code] ?? 0) + 1;
        if (code === 'ratelimited') await sleep(1000 * Number(reply.retry_after ?? 1));
      } catch {
        // timeout, dropped socket, cloud down: retry
      }
    }
    if (!record.ackTs) record.gaveUp = true;
  }

  private async postOverWs(record: SendRecord, text: string): Promise<Frame> {
    await Promise.race([this.ready(), sleep(10_000).then(() => Promise.reject(new Error('not connected')))]);
    const client = this.client;
    if (!client) throw new Closed('no socket');
    const reply = await this.request(client, { action: 'message', channel: record.channel, text, client_msg_id: record.clientMsgId, ...(this.noEcho ? { echo: false } : {}) }, 6000);
    const carried = reply.type === 'ack' ? (reply.event as Frame | undefined) : undefined;
    if (carried && typeof carried.event_id === 'string') this.recorded.push({ via: 'ack', session: this.sessionOf.get(client) ?? this.sessions, pass: 0, event: carried });
    return reply;
  }

  private async postOverHttp(record: SendRecord, text: string): Promise<Frame> {
    const response = await fetch(`${this.endpoints().httpApiUrl}/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: record.channel, text, client_msg_id: record.clientMsgId }),
      signal: AbortSignal.timeout(6000),
    });
    const body = (await response.json().catch(() => ({}))) as Frame;
    if (response.status === 429) return { ok: false, error: 'ratelimited', retry_after: Number(response.headers.get('retry-after') ?? 1) };
    if (response.status !== 200) return { ok: false, error: `http_${response.status}` };
    return body.ok ? { ok: true, ts: body.ts } : body;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.close(2000);
  }
}
