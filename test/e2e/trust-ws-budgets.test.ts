import { call, Devices, LIVE_MS, newTeam, person, sleep, type Person } from './support';

/*
 * Per-user budgets on the WebSocket routes that have no other limit (ping, sync, presence_sub,
 * typing): the stage's throttle is shared by every user, so without them one user could spend it
 * for everyone. Over the budget: an error frame with retry_after; typing is dropped silently.
 */
describe('WebSocket route budgets', () => {
  const devices = new Devices();
  let alice: Person;
  let bob: Person;
  let channel: string;

  beforeAll(async () => {
    const team = newTeam();
    [alice, bob] = await Promise.all([person('alice', team), person('bob', team)]);
    channel = (await call(alice.token, 'conversations.create', { name: 'budgets' })).channel.id;
    await call(bob.token, 'conversations.join', { channel });
  });
  afterAll(() => devices.closeAll());

  test('300 typing frames in a few seconds reach a listener a handful of times, and nothing else breaks', async () => {
    const listener = await devices.connect(bob, 'bob-listener');
    const typist = await devices.connect(alice, 'alice-typist');
    const started = Date.now();
    for (let i = 0; i < 300; i++) {
      typist.send({ action: 'typing', channel });
      if (i % 30 === 29) await sleep(300);
    }
    const elapsedSeconds = (Date.now() - started) / 1000;
    await listener.waitFor((e) => e.type === 'user_typing', LIVE_MS);
    await sleep(2000);
    const delivered = listener.events.filter((e) => e.type === 'user_typing' && e.user === alice.userId).length;
    // Burst 5, then 1 a second (before the budget: 191 of 300).
    expect(delivered).toBeLessThanOrEqual(5 + Math.ceil(elapsedSeconds + 2) + 2);
    // Dropped without a word: no error frames for typing.
    expect(typist.events.filter((e) => e.type === 'error')).toEqual([]);
    // The typist's messages still go through.
    const ack = await typist.request({ action: 'message', channel, text: 'done typing' });
    expect(ack.type).toBe('ack');
  });

  test.each([
    ['ping', { action: 'ping' }, 30],
    ['sync', { action: 'sync' }, 60],
    ['presence_sub', { action: 'presence_sub', users: [] }, 10],
  ])('%s past its burst answers ratelimited with retry_after; another user is not affected', async (_name, frame, burst) => {
    const ws = await devices.connect(alice, `alice-${frame.action}`);
    const replies = await Promise.all(Array.from({ length: burst + 100 }, () => ws.request(frame, 30_000)));
    const refused = replies.filter((r) => r.type === 'error');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.error).toBe('ratelimited');
      expect(r.retry_after).toBeGreaterThanOrEqual(1);
    }
    expect(replies.filter((r) => r.type !== 'error').length).toBeGreaterThanOrEqual(burst - 5);
    const other = await devices.connect(bob, `bob-${frame.action}`);
    expect((await other.request(frame)).type).not.toBe('error');
  });
});
