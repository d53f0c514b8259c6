import { api } from './harness/target';
import { call, callFails, newTeam, person, type Person } from './support';

describe('identity and conversations', () => {
  const team = newTeam();
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let mallory: Person; // another workspace

  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((n) => person(n, team)));
    mallory = await person('mallory', newTeam());
  });

  test('auth.test and users.info describe the caller; users.list pages through the workspace only', async () => {
    const me = await call(alice.token, 'auth.test');
    expect(me).toMatchObject({ user_id: alice.userId, team_id: alice.teamId, user: 'alice' });
    const info = await call(alice.token, 'users.info', { user: bob.userId });
    expect(info.user).toMatchObject({ id: bob.userId, name: 'bob', team_id: alice.teamId });
    expect(await callFails(alice.token, 'users.info', { user: mallory.userId })).toBe('user_not_found');

    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await call(alice.token, 'users.list', { limit: 2, cursor });
      expect(page.members.length).toBeLessThanOrEqual(2);
      seen.push(...page.members.map((m: { id: string }) => m.id));
      cursor = page.response_metadata.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual([alice.userId, bob.userId, carol.userId].sort());
  });

  test('conversations.create follows Slack name rules and names are unique per workspace', async () => {
    expect(await callFails(alice.token, 'conversations.create', { name: 'Has Spaces' })).toBe('invalid_name');
    expect(await callFails(alice.token, 'conversations.create', { name: '' })).toBe('invalid_name_required');
    expect(await callFails(alice.token, 'conversations.create', { name: 'x'.repeat(81) })).toBe('invalid_name_maxlength');
    const created = await call(alice.token, 'conversations.create', { name: 'general' });
    expect(created.channel).toMatchObject({ name: 'general', is_channel: true, is_private: false, is_member: true, num_members: 1, creator: alice.userId });
    expect(await callFails(bob.token, 'conversations.create', { name: 'general' })).toBe('name_taken');
    // Another workspace may use the same name.
    await call(mallory.token, 'conversations.create', { name: 'general' });
  });

  test('join, invite, members, kick and leave keep membership and counts right', async () => {
    const { channel } = await call(alice.token, 'conversations.create', { name: 'projects' });
    const joined = await call(bob.token, 'conversations.join', { channel: channel.id });
    expect(joined.channel).toMatchObject({ id: channel.id, is_member: true, num_members: 2 });
    await call(alice.token, 'conversations.invite', { channel: channel.id, users: carol.userId });
    const members = await call(alice.token, 'conversations.members', { channel: channel.id });
    expect(members.members.sort()).toEqual([alice.userId, bob.userId, carol.userId].sort());

    expect(await callFails(alice.token, 'conversations.kick', { channel: channel.id, user: alice.userId })).toBe('cant_kick_self');
    await call(alice.token, 'conversations.kick', { channel: channel.id, user: carol.userId });
    expect(await callFails(carol.token, 'conversations.history', { channel: channel.id })).toBe('not_in_channel');
    await call(bob.token, 'conversations.leave', { channel: channel.id });
    expect(await callFails(bob.token, 'conversations.leave', { channel: channel.id })).toBe('not_in_channel');
    const info = await call(alice.token, 'conversations.info', { channel: channel.id });
    expect(info.channel).toMatchObject({ num_members: 1, is_member: true });

    // Nothing crosses workspaces: another workspace's user cannot be invited, nor see or join the channel.
    expect(await callFails(alice.token, 'conversations.invite', { channel: channel.id, users: mallory.userId })).toBe('user_not_found');
    expect(await callFails(mallory.token, 'conversations.info', { channel: channel.id })).toBe('channel_not_found');
    expect(await callFails(mallory.token, 'conversations.join', { channel: channel.id })).toBe('channel_not_found');
  });

  test('private channels are invisible to non-members and cannot be joined', async () => {
    const { channel } = await call(alice.token, 'conversations.create', { name: 'secret', is_private: true });
    expect(channel).toMatchObject({ is_private: true, is_group: true });
    expect(await callFails(bob.token, 'conversations.info', { channel: channel.id })).toBe('channel_not_found');
    expect(await callFails(bob.token, 'conversations.join', { channel: channel.id })).toBe('channel_not_found');
    const bobsList = await call(bob.token, 'conversations.list', { types: 'public_channel,private_channel', limit: 1000 });
    expect(bobsList.channels.map((c: { id: string }) => c.id)).not.toContain(channel.id);
    const alicesList = await call(alice.token, 'conversations.list', { types: 'private_channel' });
    expect(alicesList.channels.map((c: { id: string }) => c.id)).toContain(channel.id);
  });

  test('conversations.list pages through what the caller can see, each with is_member', async () => {
    const listTeam = newTeam();
    const [dana, erin] = await Promise.all([person('dana', listTeam), person('erin', listTeam)]);
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    const ids: string[] = [];
    for (const name of names) ids.push((await call(dana.token, 'conversations.create', { name })).channel.id);
    await call(erin.token, 'conversations.join', { channel: ids[2] });
    const seen = new Map<string, boolean>();
    let cursor = '';
    let pages = 0;
    do {
      const page = await call(erin.token, 'conversations.list', { limit: 2, cursor });
      for (const c of page.channels) {
        expect(seen.has(c.id)).toBe(false);
        seen.set(c.id, c.is_member);
      }
      cursor = page.response_metadata.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    expect([...seen.keys()].sort()).toEqual([...ids].sort());
    expect(seen.get(ids[2])).toBe(true);
    expect(seen.get(ids[0])).toBe(false);
  });

  test('conversations.open gives the same DM or group DM for the same set of users', async () => {
    const dm = await call(alice.token, 'conversations.open', { users: bob.userId });
    const again = await call(bob.token, 'conversations.open', { users: alice.userId });
    expect(dm.channel.id).toBe(again.channel.id);
    expect(dm.channel).toMatchObject({ is_im: true, is_private: true });
    const group = await call(alice.token, 'conversations.open', { users: `${bob.userId},${carol.userId}` });
    const sameGroup = await call(carol.token, 'conversations.open', { users: [alice.userId, bob.userId] });
    expect(group.channel.id).toBe(sameGroup.channel.id);
    expect(group.channel).toMatchObject({ is_mpim: true, num_members: 3 });
    expect(group.channel.id).not.toBe(dm.channel.id);
    // Concurrent opens converge on one conversation.
    const opens = await Promise.all([1, 2, 3].map(() => call(carol.token, 'conversations.open', { users: bob.userId })));
    expect(new Set(opens.map((o) => o.channel.id)).size).toBe(1);
    expect(await callFails(alice.token, 'conversations.open', { users: mallory.userId })).toBe('user_not_found');
    expect(await callFails(mallory.token, 'conversations.info', { channel: dm.channel.id })).toBe('channel_not_found');
  });

  test('HTTP errors are clear: unknown method, bad types, malformed JSON, no token', async () => {
    expect((await api(alice.token, 'no.such.method', {})).body).toMatchObject({ ok: false, error: 'unknown_method' });
    const bad = await api(alice.token, 'conversations.create', { name: { $gt: '' } });
    expect(bad.body).toMatchObject({ ok: false, error: 'invalid_arguments', detail: 'name' });
    const noToken = await api('', 'auth.test', {});
    expect(noToken.status).toBe(401);
  });
});
