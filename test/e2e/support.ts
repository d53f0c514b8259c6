import { randomUUID } from 'node:crypto';
import { api, signIn } from './harness/target';
import { WsClient } from './harness/ws-client';

/**
 * How long a test waits for a live event: deliveries take well under a second here, but a cold
 * start of the fan-out function on a loaded 2-core CI machine has taken several. Tests assert that
 * events arrive; latency is measured by the benchmark.
 */
export const LIVE_MS = 20_000;

/** A fresh workspace name per test, so tests never see each other's data. */
export const newTeam = () => `team-${randomUUID().slice(0, 8)}`;

export interface Person {
  name: string;
  token: string;
  userId: string;
  teamId: string;
}

export async function person(name: string, team: string): Promise<Person> {
  const signed = await signIn(name, team);
  // First use provisions the user.
  await call(signed.token, 'auth.test', {});
  return { name, ...signed };
}

/** Calls a method and expects ok:true; returns the body. */
export async function call(token: string, method: string, args: Record<string, unknown> = {}) {
  const res = await api(token, method, args);
  if (res.status !== 200 || res.body.ok !== true) {
    throw new Error(`${method} failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Calls a method and expects ok:false; returns the error code. */
export async function callFails(token: string, method: string, args: Record<string, unknown> = {}): Promise<string> {
  const res = await api(token, method, args);
  if (res.status !== 200 || res.body.ok !== false) {
    throw new Error(`${method} should have failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return String(res.body.error);
}

/** Connects a device and syncs once, as a client does after every connect; returns its cursor too. */
export async function online(who: Person, deviceId?: string): Promise<{ ws: WsClient; cursor: string }> {
  const ws = await WsClient.connect(who.token, deviceId ? { deviceId } : {});
  const reply = await ws.request({ action: 'sync' });
  return { ws, cursor: String(reply.cursor) };
}

/** Every event a device gets by syncing from a cursor until has_more is false. */
export async function syncAll(ws: WsClient, since: string): Promise<{ events: Array<Record<string, any>>; cursor: string }> {
  const events: Array<Record<string, any>> = [];
  let cursor = since;
  for (let page = 0; page < 100; page++) {
    const reply = await ws.request({ action: 'sync', since: cursor });
    if (reply.type !== 'sync') throw new Error(`sync failed: ${JSON.stringify(reply)}`);
    events.push(...(reply.events as Array<Record<string, any>>));
    cursor = String(reply.cursor);
    if (!reply.has_more) return { events, cursor };
  }
  throw new Error('sync did not finish');
}

/** Drops repeated event_ids, as clients do. */
export const dedupe = <T extends { event_id?: unknown }>(events: T[]): T[] => {
  const seen = new Set<unknown>();
  return events.filter((e) => (seen.has(e.event_id) ? false : (seen.add(e.event_id), true)));
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(everyMs);
  }
}

/** Devices a test opened, closed together in afterAll. */
export class Devices {
  private readonly open: WsClient[] = [];

  async connect(who: Person, deviceId: string): Promise<WsClient> {
    const { ws } = await online(who, deviceId);
    this.open.push(ws);
    return ws;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((ws) => ws.close()));
  }
}
