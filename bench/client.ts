import { WsClient, type Frame } from '../test/clients/ws-client';

/*
 * What the benchmarks talk to: the local cloud's HTTP API (tokens, Web API methods, /dev/stats) and
 * its WebSocket API through the shared client (test/clients/ws-client.ts), timestamping every
 * tagged message event it receives.
 */

export interface Endpoints {
  httpUrl: string;
  wsUrl: string;
}

/** JSON answers and frames. */
type Json = Frame;

export async function post(url: string, body: unknown, token?: string): Promise<Json> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Json;
}

export interface Member {
  name: string;
  userId: string;
  teamId: string;
  token: string;
}

export async function signIn(ep: Endpoints, name: string, team: string): Promise<Member> {
  const r = await post(`${ep.httpUrl}/dev/token`, { user: name, team, expires_in: 6 * 3600 });
  if (!r.ok) throw new Error(`token for ${name}: ${JSON.stringify(r)}`);
  return { name, userId: r.user_id, teamId: r.team_id, token: r.token };
}

export async function api(ep: Endpoints, token: string, method: string, args: Json = {}): Promise<Json> {
  const r = await post(`${ep.httpUrl}/api/${method}`, args, token);
  if (!r.ok) throw new Error(`${method}: ${r.error ?? JSON.stringify(r)}`);
  return r;
}

/** Runs `fn` over `items`, `concurrency` at a time; stops starting new ones after `deadline` (ms epoch). */
export async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>, deadline = Infinity): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && Date.now() < deadline) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/**
 * Receipts of message events by their text (benchmarks put a unique tag in each text): when each
 * expected delivery arrived (performance.now()).
 */
export class Deliveries {
  private readonly waiting = new Map<string, { times: number[]; expected: number; done: () => void }>();

  expect(tag: string, expected: number, timeoutMs: number): Promise<number[]> {
    return new Promise((resolve) => {
      const entry = { times: [] as number[], expected, done: () => undefined as void };
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiting.delete(tag);
        resolve(entry.times);
      };
      entry.done = finish;
      this.waiting.set(tag, entry);
    });
  }

  received(tag: string, at: number): void {
    const entry = this.waiting.get(tag);
    if (!entry) return;
    entry.times.push(at);
    if (entry.times.length >= entry.expected) entry.done();
  }
}

const TAG = /^bench:([A-Za-z0-9:_-]+)/;

function noteDelivery(deliveries: Deliveries, frame: Json, at: number): void {
  if (frame.type !== 'message' || typeof frame.text !== 'string') return;
  const tag = TAG.exec(frame.text)?.[1];
  if (tag) deliveries.received(tag, at);
}

/** A benchmark's device: the shared WebSocket client, timestamping each tagged message event on arrival. */
export class BenchSocket {
  private constructor(private readonly client: WsClient, private readonly deliveries: Deliveries) {}

  static async connect(ep: Endpoints, token: string, deviceId: string, deliveries: Deliveries): Promise<BenchSocket> {
    const client = await WsClient.open(`${ep.wsUrl}?token=${encodeURIComponent(token)}&device_id=${encodeURIComponent(deviceId)}`, {
      perMessageDeflate: false,
      keepEvents: false,
      // Cheap pre-check before parsing: only replies and tagged message events matter here.
      parseIf: (text) => text.includes('reply_to') || text.includes('bench:'),
      onEvent: (frame, at) => noteDelivery(deliveries, frame, at),
    });
    return new BenchSocket(client, deliveries);
  }

  /** Sends an action frame; resolves with its reply (or rejects after `timeoutMs`). A send's ack that carries its event (`echo: false`) is this device's delivery of it. */
  async request(action: string, args: Json, timeoutMs = 10_000): Promise<Json> {
    const reply = await this.client.request({ action, ...args }, timeoutMs);
    if (reply.type === 'ack' && reply.event && typeof reply.event === 'object') noteDelivery(this.deliveries, reply.event as Json, performance.now());
    return reply;
  }

  close(): Promise<void> {
    return this.client.close(2000);
  }
}

/* /dev/stats: per-function invocations and durations, gateway counters, consumed capacity per caller. */

export interface DevStats {
  functions: Record<string, { invocations: number; errors: number; coldStarts: number; durationMs: number }>;
  eventSources: { functionId: string; received: number; filteredOut: number; delivered: number; discarded: number }[];
  gateway: { framesIn: number; framesOut: number; connectionsApi: { post: number; get: number; delete: number; gone: number } };
  capacity?: Record<string, { requests: number; readUnits: number; writeUnits: number; operations: Record<string, { requests: number; units: number }> }>;
}

export async function devStats(ep: Endpoints): Promise<DevStats> {
  const res = await fetch(`${ep.httpUrl}/dev/stats`);
  return (await res.json()) as DevStats;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let quietCap = Infinity;
/** Caps every waitForQuiet (the smoke run shares a local cloud that is never quiet). */
export const capQuietWaits = (ms: number) => void (quietCap = ms);

/** Waits until the stream is drained: every record read was handled and nothing moved for `quietMs`. */
export async function waitForQuiet(ep: Endpoints, quietMs = 800, timeoutMs = 300_000): Promise<DevStats> {
  const deadline = Date.now() + Math.min(timeoutMs, quietCap);
  let last = '';
  let stableSince = Date.now();
  for (;;) {
    const stats = await devStats(ep);
    const key = JSON.stringify([stats.eventSources.map((s) => [s.received, s.delivered, s.filteredOut]), Object.values(stats.functions).map((f) => f.invocations), stats.capacity ? Object.values(stats.capacity).map((c) => c.requests) : 0]);
    if (key !== last) {
      last = key;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) return stats;
    if (Date.now() > deadline) return stats;
    await sleep(150);
  }
}
