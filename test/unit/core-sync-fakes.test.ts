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

beforeEach(() => {
  jest.spyOn(Date, 'now').mockImplementation(() => NOW);
  useGrantKey(Buffer.alloc(32, 1));
  heads = new Map();
  inbox = [];
  const table = {
    memberships: { channelIdsOf: async () => [...heads.keys(), 'CQUIET'] },
    channels: {
      byIds: async (ids: string[]) => new Map(ids.map((id) => [id, { channelId: id, memberCount: id === 'CQUIET' ? 5 : 5000 }])),
      headsOf: async (ids: string[]) => new Map(ids.filter((id) => heads.has(id)).map((id) => [id, heads.get(id)!])),
    },
    inbox: { after: async (_u: string, after: string, limit: number) => inbox.filter((e) => e.seq > after).slice(0, limit) },
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
