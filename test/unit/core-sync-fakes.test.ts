import { syncSince } from '../../lambdas/core/sync';
import { AWS_LIMITS, jsonBytes, SYNC_EVENT_BYTES } from '../../lambdas/core/budgets';
import { usePorts } from '../../lambdas/core/ports';
import { floorTsAt } from '../../lambdas/core/ts';
import type { ChatTable } from '../../lambdas/model/table';
import type { Caller } from '../../lambdas/core/caller';
import { readGrantHolds, useGrantKey } from '../../lambdas/core/read-grants';

/*
 * sync's hot_channels with the table faked: only channels with news since the cursor (all on a first
 * sync), the most recently active first, and never so many that the reply passes one WebSocket message,
 * even beside the largest event a page can carry.
 */

const caller: Caller = { userId: 'UBOB', teamId: 'T1', userName: 'bob' };
const NOW = Date.UTC(2026, 11, 7, 12);
const tsAt = (millis: number, n: number) => floorTsAt(millis).slice(0, 10) + String(n).padStart(16, '0');

let heads: Map<string, string>;
let inbox: Array<{ seq: string; event: string }>;
/** Channel logs of channels below the hot threshold (each such channel is one the caller is in). */
let logs: Map<string, Array<{ seq: string; event: string }>>;
let logReads: string[];

beforeEach(() => {
  jest.spyOn(Date, 'now').mockImplementation(() => NOW);
  useGrantKey(Buffer.alloc(32, 1));
  heads = new Map();
  inbox = [];
  logs = new Map([['CQUIET', []]]);
  logReads = [];
  const after = (entries: Array<{ seq: string; event: string }>, seq: string, limit: number) =>
    [...entries].sort((a, b) => (a.seq < b.seq ? -1 : 1)).filter((e) => e.seq > seq).slice(0, limit);
  const table = {
    memberships: { channelIdsOf: async () => [...heads.keys(), ...logs.keys()] },
    channels: {
      byIds: async (ids: string[]) => new Map(ids.map((id) => [id, { channelId: id, memberCount: logs.has(id) ? 5 : 5000 }])),
      headsOf: async (ids: string[]) => new Map(ids.filter((id) => heads.has(id)).map((id) => [id, heads.get(id)!])),
    },
    inbox: { after: async (_u: string, seq: string, limit: number) => after(inbox, seq, limit) },
    channelLog: {
      after: async (channelId: string, seq: string, limit: number) => {
        logReads.push(channelId);
        return after(logs.get(channelId) ?? [], seq, limit);
      },
    },
  };
  usePorts({ table: table as unknown as ChatTable, delivery: undefined as never });
});

afterEach(() => {
  usePorts(undefined);
  useGrantKey(undefined);
  jest.restoreAllMocks();
});

test('a first sync lists every hot channel, newest head first; with a cursor, only those with news since it (less a minute)', async () => {
  heads.set('COLD', tsAt(NOW - 3_600_000, 1));
  heads.set('CRECENT', tsAt(NOW - 30_000, 1));
  heads.set('CNEW', tsAt(NOW - 1_000, 1));
  const first = await syncSince(caller, undefined);
  expect(first.hot_channels.map((h) => h.channel)).toEqual(['CNEW', 'CRECENT', 'COLD']);
  expect(first).not.toHaveProperty('hot_channels_truncated');
  // A cursor from 10 s ago: the channel active 30 s ago is within the margin, the one an hour ago is not.
  const since = `c1.${floorTsAt(NOW - 10_000)}`;
  const listed = (await syncSince(caller, since)).hot_channels;
  expect(listed.map(({ channel, latest }) => ({ channel, latest }))).toEqual([
    { channel: 'CNEW', latest: heads.get('CNEW') },
    { channel: 'CRECENT', latest: heads.get('CRECENT') },
  ]);
  // Each with the caller's read grant for that channel (read-grants.ts), and no other's.
  for (const h of listed) {
    expect(await readGrantHolds(h.read_grant, caller, h.channel, 0)).toBe(true);
    expect(await readGrantHolds(h.read_grant, caller, 'CQUIET', 0)).toBe(false);
  }
});

test('thousands of hot channels: the newest that fit, marked truncated, and the reply fits 128 KB beside the largest event', async () => {
  for (let i = 0; i < 3000; i++) heads.set(`C${String(i).padStart(10, '0')}`, tsAt(NOW - 1_000 - i, i));
  // One inbox event of the most a sync page carries.
  const big = { type: 'message', channel: 'CQUIET', ts: tsAt(NOW - 20_000, 1), event_id: 'Ev1', text: '' };
  big.text = 'x'.repeat(SYNC_EVENT_BYTES - jsonBytes(big));
  inbox.push({ seq: tsAt(NOW - 20_000, 2), event: JSON.stringify(big) });
  const reply = await syncSince(caller, `c1.${floorTsAt(NOW - 60_000)}`);
  expect(reply.hot_channels_truncated).toBe(true);
  expect(reply.hot_channels.length).toBeGreaterThan(200);
  expect(reply.hot_channels[0].channel).toBe('C0000000000');
  const latest = reply.hot_channels.map((h) => h.latest);
  expect([...latest].sort().reverse()).toEqual(latest);
  expect(reply.events).toHaveLength(1);
  expect(jsonBytes(reply.events[0])).toBe(SYNC_EVENT_BYTES);
  // As the sync route sends it, with its type and the client's reply_to.
  expect(jsonBytes({ type: 'sync', reply_to: 'r-123456789', ...reply })).toBeLessThanOrEqual(AWS_LIMITS.webSocketMessage);
});

test('the inbox and the logs of the small channels come merged in seq order, page by page, none skipped or repeated; hot channels have no log read', async () => {
  const all: Array<{ seq: string; event: string }> = [];
  for (let c = 0; c < 30; c++) logs.set(`CSMALL${c}`, []);
  heads.set('CHOT', tsAt(NOW - 1_000, 1));
  let n = 0;
  for (let i = 0; i < 1500; i++) {
    // Busy and quiet sources alike: a third of the entries in one channel, the rest spread.
    const source = i % 3 === 0 ? 'CSMALL0' : Math.random() < 0.1 ? 'inbox' : `CSMALL${Math.floor(Math.random() * 30)}`;
    const seq = tsAt(NOW - 3_600_000 + Math.floor(Math.random() * 3_000_000), ++n);
    const entry = { seq, event: JSON.stringify({ type: 'message', event_id: `Ev${n}`, source }) };
    all.push(entry);
    if (source === 'inbox') inbox.push(entry);
    else logs.get(source)!.push(entry);
  }
  all.sort((a, b) => (a.seq < b.seq ? -1 : 1));
  let cursor = `c1.${floorTsAt(NOW - 7_200_000)}`;
  const got: string[] = [];
  for (let page = 0; page < 200; page++) {
    const reply = await syncSince(caller, cursor);
    got.push(...reply.events.map((e) => String(e.event_id)));
    expect(reply.cursor >= cursor).toBe(true);
    cursor = reply.cursor;
    if (!reply.has_more) break;
  }
  expect(got).toEqual(all.map((e) => String(JSON.parse(e.event).event_id)));
  expect(logReads).not.toContain('CHOT');
});

test('a quiet source costs one query; a reply that reached every source says so', async () => {
  for (let c = 0; c < 5; c++) logs.set(`CSMALL${c}`, []);
  logs.get('CSMALL3')!.push({ seq: tsAt(NOW - 30_000, 1), event: JSON.stringify({ type: 'message', event_id: 'Ev1' }) });
  const reply = await syncSince(caller, `c1.${floorTsAt(NOW - 60_000)}`);
  expect(reply.events.map((e) => e.event_id)).toEqual(['Ev1']);
  expect(reply.has_more).toBe(false);
  expect(logReads.sort()).toEqual(['CQUIET', 'CSMALL0', 'CSMALL1', 'CSMALL2', 'CSMALL3', 'CSMALL4']);
});

test('a burst in the last seconds past a thin slice is read on: all of it now, and the cursor stays at the settle floor', async () => {
  for (let c = 0; c < 40; c++) logs.set(`CSMALL${c}`, []);
  for (let i = 0; i < 25; i++) logs.get('CSMALL7')!.push({ seq: tsAt(NOW - 3_000 + i * 100, i), event: JSON.stringify({ type: 'message', event_id: `Ev${i}` }) });
  const reply = await syncSince(caller, `c1.${floorTsAt(NOW - 60_000)}`);
  expect(reply.events).toHaveLength(25);
  expect(reply.has_more).toBe(false);
  expect(reply.cursor <= `c1.${floorTsAt(NOW - 5_000)}`).toBe(true);
});
