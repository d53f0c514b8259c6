import type { DynamoDBRecord } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import { deliverChange, FanoutContext } from '../../lambdas/core/fanout';
import type { Change } from '../../lambdas/core/events';
import { handler } from '../../lambdas/stream/fanout';
import { emptyState, installFakes, recordingDelivery, type FakeState } from './fakes/ports';

/*
 * The fan-out's rules with the table and delivery faked: where an event is kept for offline
 * devices (once in the channel's log, a leaver's inbox) and who gets it live, hot channels,
 * leavers, replays, and per-channel order through the stream handler.
 */

const TS = (n: number) => `01HF0000000000000000000${String(n).padStart(3, '0')}`;
const message = (channelId: string, n: number, extra: Record<string, unknown> = {}) => ({
  __edb_e__: 'message', __edb_v__: '1', pk: `CH#${channelId}`, sk: `MSG#${TS(n)}`,
  channelId, ts: TS(n), threadTs: TS(n), teamId: 'T1', userId: 'U1', text: `m${n}`, ...extra,
});
const membership = (channelId: string, userId: string) => ({
  __edb_e__: 'membership', __edb_v__: '1', pk: `CH#${channelId}`, sk: `MEM#${userId}`, channelId, userId, teamId: 'T1', kind: 'public',
});
const sub = (channelId: string, connectionId: string, userId: string) => ({ channelId, connectionId, userId, deviceId: `d-${connectionId}`, subscribedAt: 1 });

let state: FakeState;
let recorded: ReturnType<typeof recordingDelivery>;
let uninstall: () => void;

beforeEach(() => {
  state = emptyState();
  recorded = recordingDelivery();
  uninstall = installFakes(state, recorded.delivery);
  state.channels.set('C1', { channelId: 'C1', memberCount: 2 });
  state.members.set('C1', ['U1', 'U2']);
  state.subscriptions.set('C1', [sub('C1', 'c1', 'U1'), sub('C1', 'c2', 'U2'), sub('C1', 'stale', 'U9')]);
});
afterEach(() => uninstall());

const insert = (item: Record<string, unknown>, id = 'rec-1'): Change => ({ id, kind: 'INSERT', newItem: item });

test("a message is kept once in the channel's log, whatever its members, and reaches every subscribed member live; a subscription without a membership gets nothing", async () => {
  await deliverChange(insert(message('C1', 1)), new FanoutContext());
  expect(state.channelLog).toEqual([expect.objectContaining({ channelId: 'C1', eventId: expect.any(String) })]);
  expect(JSON.parse(state.channelLog[0].event)).toMatchObject({ type: 'message', channel: 'C1', ts: TS(1) });
  expect(state.inbox).toEqual([]);
  expect(recorded.deliveries).toHaveLength(1);
  expect(recorded.deliveries[0].recipients.map((r) => r.connectionId).sort()).toEqual(['c1', 'c2']);
  // A 410 closes that connection through the $disconnect path.
  expect(recorded.deliveries[0].options?.whenGone).toBeDefined();
});

test('a hot channel keeps nothing (no log, no inbox entries) and does not read its member list; live delivery goes to its subscriptions', async () => {
  state.channels.set('C1', { channelId: 'C1', memberCount: 1001 });
  state.members.set('C1', []);
  await deliverChange(insert(message('C1', 1)), new FanoutContext());
  expect(state.inbox).toEqual([]);
  expect(state.channelLog).toEqual([]);
  expect(recorded.deliveries[0].recipients.map((r) => r.connectionId).sort()).toEqual(['c1', 'c2', 'stale']);
});

test("a message sent with echo:false is kept in the channel's log (for the sender's other devices too) and reaches every subscribed connection but the one its ack served", async () => {
  await deliverChange(insert(message('C1', 1, { ackedTo: 'c1' })), new FanoutContext());
  expect(state.channelLog).toHaveLength(1);
  expect(recorded.deliveries[0].recipients.map((r) => r.connectionId)).toEqual(['c2']);
});

test('a replayed record yields the same event_id in the log and live, so clients drop the copy', async () => {
  await deliverChange(insert(message('C1', 1), 'rec-7'), new FanoutContext());
  await deliverChange(insert(message('C1', 1), 'rec-7'), new FanoutContext());
  expect(state.channelLog).toHaveLength(2);
  const ids = new Set([...state.channelLog.map((e) => e.eventId), ...recorded.deliveries.map((d) => d.event.event_id)]);
  expect(ids.size).toBe(1);
});

test("a leaver gets the member_left_channel event on their own devices and in their inbox (they no longer read the channel's log), then their subscriptions end", async () => {
  state.members.set('C1', ['U1']);
  state.connections.set('U2', [{ connectionId: 'c2', userId: 'U2', teamId: 'T1', deviceId: 'd-c2', connectedAt: 1 }]);
  await deliverChange({ id: 'rec-2', kind: 'REMOVE', oldItem: membership('C1', 'U2') }, new FanoutContext());
  expect(recorded.deliveries[0].event).toMatchObject({ type: 'member_left_channel', user: 'U2' });
  expect(recorded.deliveries[0].recipients.map((r) => r.connectionId).sort()).toEqual(['c1', 'c2']);
  expect(state.inbox.map((e) => e.userId)).toEqual(['U2']);
  expect(state.channelLog.map((e) => JSON.parse(e.event).type)).toEqual(['member_left_channel']);
  expect(state.unsubscribed).toEqual([{ channelId: 'C1', connectionId: 'c2' }]);
});

test('items of other entities (connections, counters) fan out nothing', async () => {
  await deliverChange(insert({ __edb_e__: 'connection', __edb_v__: '1', connectionId: 'c1', userId: 'U1' }), new FanoutContext());
  await deliverChange(insert({ pk: 'PRES#U1', sk: 'PRES', 'L#c1': 5 }), new FanoutContext());
  expect(recorded.deliveries).toEqual([]);
  expect(state.inbox).toEqual([]);
  expect(state.channelLog).toEqual([]);
});

describe('stream handler', () => {
  const record = (item: Record<string, unknown>, seq: number): DynamoDBRecord => ({
    eventID: `ev-${seq}`,
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: String(seq), Keys: marshall({ pk: item.pk, sk: item.sk }) as never, NewImage: marshall(item) as never },
  });

  test("each channel's records are delivered in stream order, whatever the other channels do", async () => {
    state.channels.set('C2', { channelId: 'C2', memberCount: 1 });
    state.members.set('C2', ['U1']);
    state.subscriptions.set('C2', [sub('C2', 'c1', 'U1')]);
    const records = [message('C1', 1), message('C2', 1), message('C1', 2), message('C2', 2), message('C1', 3)].map(record);
    const out = await handler({ Records: records });
    expect(out.batchItemFailures).toEqual([]);
    const order = (channel: string) => recorded.deliveries.filter((d) => d.event.channel === channel).map((d) => d.event.ts);
    expect(order('C1')).toEqual([TS(1), TS(2), TS(3)]);
    expect(order('C2')).toEqual([TS(1), TS(2)]);
  });
});
