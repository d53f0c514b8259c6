import { openConnection, closeConnection } from '../../lambdas/core/connections';
import { holdLease, presenceOf, releaseLease } from '../../lambdas/core/presence';
import { emptyState, installFakes, recordingDelivery, type FakeState } from './fakes/ports';

/*
 * Presence transitions with the table and delivery faked: the lease item's previous state, as the
 * table's atomic update returns it, decides the one transition each connect or disconnect causes.
 */

const now = () => Math.floor(Date.now() / 1000);
const caller = { userId: 'U1', teamId: 'T1', userName: 'ann' };

let state: FakeState;
let recorded: ReturnType<typeof recordingDelivery>;
let uninstall: () => void;

beforeEach(() => {
  state = emptyState();
  recorded = recordingDelivery();
  uninstall = installFakes(state, recorded.delivery);
});
afterEach(() => uninstall());

test("the first live lease makes the user active; another device's does not", async () => {
  expect(await holdLease('U1', 'a', now() + 600)).toEqual({ transition: 'active', others: 0 });
  expect(await holdLease('U1', 'b', now() + 600)).toEqual({ transition: undefined, others: 1 });
  // A renewal of a live lease is no transition either.
  expect(await holdLease('U1', 'a', now() + 600)).toEqual({ transition: undefined, others: 1 });
});

test('expired leases (missed $disconnects) never count, and are cleared by the next connect', async () => {
  state.leases.set('U1', new Map([['old', now() - 5]]));
  expect(await holdLease('U1', 'a', now() + 600)).toEqual({ transition: 'active', others: 0 });
  expect(state.droppedLeases).toEqual(['old']);
});

test('only the removal of the last live lease makes the user away; a repeated removal is nothing', async () => {
  state.leases.set('U1', new Map([['a', now() + 600], ['b', now() + 600]]));
  expect(await releaseLease('U1', 'a')).toBeUndefined();
  expect(await releaseLease('U1', 'b')).toBe('away');
  expect(await releaseLease('U1', 'b')).toBeUndefined();
});

test('presence counts live leases only', async () => {
  state.leases.set('U1', new Map([['a', now() + 600], ['gone', now() - 1]]));
  expect((await presenceOf(['U1', 'U2'])).get('U1')).toEqual({ presence: 'active', connections: 1 });
  expect((await presenceOf(['U1', 'U2'])).get('U2')).toEqual({ presence: 'away', connections: 0 });
});

test("a user's first connection and last disconnection reach their presence subscribers, and nothing in between", async () => {
  state.presenceSubscribers.set('U1', [{ connectionId: 'watcher', userId: 'U2' }]);
  await openConnection({ connectionId: 'a', caller, deviceId: 'd1' });
  await openConnection({ connectionId: 'b', caller, deviceId: 'd2' });
  await closeConnection('a', 'U1');
  await closeConnection('b', 'U1');
  expect(recorded.deliveries.map((d) => [d.event.type, d.event.presence, d.recipients.map((r) => r.connectionId)])).toEqual([
    ['presence_change', 'active', ['watcher']],
    ['presence_change', 'away', ['watcher']],
  ]);
  // A gone subscriber is closed the way $disconnect closes it.
  expect(recorded.deliveries[0].options?.whenGone).toBeDefined();
  expect(recorded.deliveries[0].event.event_id).not.toBe(recorded.deliveries[1].event.event_id);
});
