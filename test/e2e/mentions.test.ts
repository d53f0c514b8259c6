import { WebClient } from '@slack/web-api';
import { target } from './harness/target';
import { call, callFails, newTeam, online, person, type Person } from './support';

const clientFor = (who: Person) => new WebClient(who.token, { slackApiUrl: `${target().httpApiUrl}/api/`, retryConfig: { retries: 0 } });
const countsOf = (channel: Record<string, any>) => ({ unread_count: channel.unread_count, mention_count: channel.mention_count });

describe('mentions, notification preferences and Do Not Disturb', () => {
  const team = newTeam();
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let outsider: Person;

  beforeAll(async () => {
    [alice, bob, carol, outsider] = await Promise.all(['alice', 'bob', 'carol', 'outsider'].map((n) => person(n, team)));
  });

  test('mention_count: member mentions and broadcasts count, a non-member\'s mention does not; conversations.mark moves it with unread_count', async () => {
    const { channel } = await call(alice.token, 'conversations.create', { name: 'mentions-count' });
    await call(bob.token, 'conversations.join', { channel: channel.id });
    // carol is not a member: her mention stays in the text and counts for no one.
    const first = await call(alice.token, 'chat.postMessage', { channel: channel.id, text: `hi <@${bob.userId}> and <@${carol.userId}|carol>` });
    expect(first.message.text).toBe(`hi <@${bob.userId}> and <@${carol.userId}|carol>`);
    await call(alice.token, 'chat.postMessage', { channel: channel.id, text: 'no mention here' });
    const third = await call(alice.token, 'chat.postMessage', { channel: channel.id, text: '<!here> standup' });
    // bob's own mention of himself and his own broadcast never count for him.
    await call(bob.token, 'chat.postMessage', { channel: channel.id, text: `<@${bob.userId}> <!channel>` });

    const info = await call(bob.token, 'conversations.info', { channel: channel.id });
    expect(countsOf(info.channel)).toEqual({ unread_count: 4, mention_count: 2 });
    expect(info.channel).toMatchObject({ unread_count_display: 4, mention_count_display: 2 });
    // alice sees bob's <!channel> as a mention of her.
    expect(countsOf((await call(alice.token, 'conversations.info', { channel: channel.id })).channel)).toEqual({ unread_count: 4, mention_count: 1 });

    // carol joins later: the mention made before she was a member still does not count for her.
    await call(carol.token, 'conversations.join', { channel: channel.id });
    expect((await call(carol.token, 'conversations.info', { channel: channel.id })).channel.mention_count).toBe(2); // <!here>, <!channel>

    // Marking read through the first mention clears it; the broadcast after the marked ts still counts.
    await call(bob.token, 'conversations.mark', { channel: channel.id, ts: first.ts });
    const listed = await call(bob.token, 'conversations.list', { types: 'public_channel', limit: 1000 });
    expect(countsOf(listed.channels.find((c: any) => c.id === channel.id))).toEqual({ unread_count: 3, mention_count: 1 });
    await call(bob.token, 'conversations.mark', { channel: channel.id, ts: third.ts });
    expect(countsOf((await call(bob.token, 'conversations.info', { channel: channel.id })).channel)).toEqual({ unread_count: 1, mention_count: 0 });
    // A mention after the marker counts again.
    await call(alice.token, 'chat.postMessage', { channel: channel.id, text: `again <@${bob.userId}>` });
    expect(countsOf((await call(bob.token, 'conversations.info', { channel: channel.id })).channel)).toEqual({ unread_count: 2, mention_count: 1 });
    // client.counts gives the same, with every other conversation of bob's, in one call.
    const counts = await call(bob.token, 'client.counts');
    expect(counts.channels.find((c: any) => c.id === channel.id)).toEqual({
      id: channel.id, last_read: third.ts, latest: expect.any(String), has_unreads: true, unread_count: 2, mention_count: 1,
    });
    expect(counts).toMatchObject({ mpims: [], ims: expect.any(Array) });
  });

  test('chat.update re-resolves mentions: an edit that removes one uncounts it, one that adds a member counts it', async () => {
    const { channel } = await call(alice.token, 'conversations.create', { name: 'mentions-edit' });
    await call(bob.token, 'conversations.join', { channel: channel.id });
    const posted = await call(alice.token, 'chat.postMessage', { channel: channel.id, text: `ping <@${bob.userId}>` });
    expect((await call(bob.token, 'conversations.info', { channel: channel.id })).channel.mention_count).toBe(1);
    await call(alice.token, 'chat.update', { channel: channel.id, ts: posted.ts, text: 'never mind' });
    expect((await call(bob.token, 'conversations.info', { channel: channel.id })).channel.mention_count).toBe(0);
    await call(alice.token, 'chat.update', { channel: channel.id, ts: posted.ts, text: `<@${bob.userId}> after all` });
    expect((await call(bob.token, 'conversations.info', { channel: channel.id })).channel.mention_count).toBe(1);
    // There is no general channel: <!everyone> counts as <!channel> does.
    await call(alice.token, 'chat.postMessage', { channel: channel.id, text: '<!everyone> heads up' });
    expect((await call(bob.token, 'conversations.info', { channel: channel.id })).channel.mention_count).toBe(2);
  });

  test('a WebSocket send resolves mentions as chat.postMessage does', async () => {
    const { channel } = await call(alice.token, 'conversations.create', { name: 'mentions-ws' });
    await call(bob.token, 'conversations.join', { channel: channel.id });
    const { ws } = await online(alice, 'alice-mentions-ws');
    try {
      const ack = await ws.request({ action: 'message', channel: channel.id, text: `<@${bob.userId}> and <@${carol.userId}>` });
      expect(ack).toMatchObject({ type: 'ack', channel: channel.id });
    } finally {
      await ws.close();
    }
    expect(countsOf((await call(bob.token, 'conversations.info', { channel: channel.id })).channel)).toEqual({ unread_count: 1, mention_count: 1 });
    await call(carol.token, 'conversations.join', { channel: channel.id });
    expect((await call(carol.token, 'conversations.info', { channel: channel.id })).channel.mention_count).toBe(0);
  });

  test('in a DM every unread message of the other person counts as a mention', async () => {
    const dm = (await call(alice.token, 'conversations.open', { users: bob.userId })).channel.id;
    await call(alice.token, 'chat.postMessage', { channel: dm, text: 'one' });
    await call(alice.token, 'chat.postMessage', { channel: dm, text: 'two' });
    await call(bob.token, 'chat.postMessage', { channel: dm, text: 'mine' });
    expect(countsOf((await call(bob.token, 'conversations.info', { channel: dm })).channel)).toEqual({ unread_count: 3, mention_count: 2 });
  });

  test('users.prefs.get / set: the level, hide_content, a conversation\'s level and mute, the DND window', async () => {
    const web = clientFor(carol);
    const fresh = (await web.apiCall('users.prefs.get')) as Record<string, any>;
    expect(fresh.prefs).toEqual({
      level: 'mentions', hide_content: false, muted_channels: [], channel_levels: {},
      dnd_enabled: false, dnd_start_hour: '22:00', dnd_end_hour: '08:00', tz_offset: 0, snooze_enabled: false,
    });
    const { channel } = await call(alice.token, 'conversations.create', { name: 'prefs-target' });
    const set = (await web.apiCall('users.prefs.set', { level: 'all', hide_content: true })) as Record<string, any>;
    expect(set.prefs).toMatchObject({ level: 'all', hide_content: true });
    await web.apiCall('users.prefs.set', { channel: channel.id, level: 'nothing' });
    await web.apiCall('users.prefs.set', { channel: channel.id, muted: true });
    let prefs = (await call(carol.token, 'users.prefs.get')).prefs;
    expect(prefs).toMatchObject({ level: 'all', hide_content: true, muted_channels: [channel.id], channel_levels: { [channel.id]: 'nothing' } });
    // Changing the level moves the channel from one level to the other; default removes it.
    await call(carol.token, 'users.prefs.set', { channel: channel.id, level: 'mentions' });
    expect((await call(carol.token, 'users.prefs.get')).prefs.channel_levels).toEqual({ [channel.id]: 'mentions' });
    await call(carol.token, 'users.prefs.set', { channel: channel.id, level: 'default', muted: false });
    prefs = (await call(carol.token, 'users.prefs.get')).prefs;
    expect(prefs).toMatchObject({ muted_channels: [], channel_levels: {} });
    // Both in one call, one update.
    await call(carol.token, 'users.prefs.set', { channel: channel.id, level: 'all', muted: 'true' });
    expect((await call(carol.token, 'users.prefs.get')).prefs).toMatchObject({ muted_channels: [channel.id], channel_levels: { [channel.id]: 'all' } });
    await call(carol.token, 'users.prefs.set', { channel: channel.id, level: 'default', muted: false });

    await call(carol.token, 'users.prefs.set', { dnd_enabled: true, dnd_start_hour: '21:30', dnd_end_hour: '07:15', tz_offset: 3600 });
    expect((await call(carol.token, 'users.prefs.get')).prefs).toMatchObject({ dnd_enabled: true, dnd_start_hour: '21:30', dnd_end_hour: '07:15', tz_offset: 3600 });

    // A private channel the caller is not in is not found; a bad level or hour is invalid_arguments.
    const { channel: foreign } = await call(outsider.token, 'conversations.create', { name: 'prefs-foreign', is_private: true });
    expect(await callFails(carol.token, 'users.prefs.set', { channel: foreign.id, muted: true })).toBe('channel_not_found');
    expect(await callFails(carol.token, 'users.prefs.set', { level: 'loud' })).toBe('invalid_arguments');
    expect(await callFails(carol.token, 'users.prefs.set', { dnd_start_hour: '25:00' })).toBe('invalid_arguments');
    expect(await callFails(carol.token, 'users.prefs.set', { level: 'default' })).toBe('invalid_arguments');
    // One user's preferences are theirs alone.
    expect((await call(bob.token, 'users.prefs.get')).prefs.level).toBe('mentions');
  });

  test('dnd.info, dnd.setSnooze, dnd.endSnooze, dnd.endDnd through the @slack/web-api SDK', async () => {
    const web = clientFor(bob);
    const idle = await web.dnd.info();
    expect(idle).toMatchObject({ ok: true, dnd_enabled: false, next_dnd_start_ts: 1, next_dnd_end_ts: 1, snooze_enabled: false });
    await expect(web.dnd.endSnooze()).rejects.toMatchObject({ data: { ok: false, error: 'snooze_not_active' } });

    const before = Math.floor(Date.now() / 1000);
    const snoozed = await web.dnd.setSnooze({ num_minutes: 30 });
    expect(snoozed).toMatchObject({ ok: true, snooze_enabled: true, snooze_is_indefinite: false });
    expect(snoozed.snooze_endtime).toBeGreaterThanOrEqual(before + 30 * 60);
    expect(snoozed.snooze_endtime).toBeLessThanOrEqual(before + 30 * 60 + 5);
    expect(snoozed.snooze_remaining).toBeGreaterThan(29 * 60);
    const info = await web.dnd.info();
    expect(info).toMatchObject({ snooze_enabled: true, snooze_endtime: snoozed.snooze_endtime });
    // Another user sees the schedule only.
    const seen = await clientFor(alice).dnd.info({ user: bob.userId });
    expect(seen).toMatchObject({ dnd_enabled: false });
    expect(seen).not.toHaveProperty('snooze_enabled');

    const ended = await web.dnd.endSnooze();
    expect(ended).toMatchObject({ ok: true, snooze_enabled: false, dnd_enabled: false });
    expect(await web.dnd.info()).toMatchObject({ snooze_enabled: false });

    expect(await callFails(bob.token, 'dnd.setSnooze', {})).toBe('missing_duration');
    expect(await callFails(bob.token, 'dnd.setSnooze', { num_minutes: 7 * 24 * 60 + 1 })).toBe('too_long');
    expect(await callFails(bob.token, 'dnd.setSnooze', { num_minutes: 0 })).toBe('invalid_arguments');

    // A window: dnd.info gives the window holding now or the next one; endDnd ends it and any snooze.
    await call(bob.token, 'users.prefs.set', { dnd_enabled: true, dnd_start_hour: '00:00', dnd_end_hour: '23:59' });
    await web.dnd.setSnooze({ num_minutes: 5 });
    const scheduled = await web.dnd.info();
    expect(scheduled.dnd_enabled).toBe(true);
    expect(scheduled.next_dnd_end_ts! - scheduled.next_dnd_start_ts!).toBe(23 * 3600 + 59 * 60);
    await web.dnd.endDnd();
    expect(await web.dnd.info()).toMatchObject({ dnd_enabled: false, snooze_enabled: false });
  });

  test('conversations.setTopic / setPurpose: members set them, everyone reading the channel sees who and when', async () => {
    const { channel } = await call(alice.token, 'conversations.create', { name: 'topics' });
    await call(carol.token, 'conversations.join', { channel: channel.id });
    const { ws: carolLive } = await online(carol, 'carol-topics');
    const web = clientFor(alice);
    const set = await web.conversations.setTopic({ channel: channel.id, topic: 'Launch on Friday' });
    expect(set.channel).toMatchObject({ id: channel.id, topic: { value: 'Launch on Friday', creator: alice.userId } });
    expect((set.channel as any).topic.last_set).toBeGreaterThan(0);
    // As in Slack, a channel_topic message announces it: live, and in history.
    try {
      const announced = await carolLive.waitFor((e) => e.type === 'message' && e.subtype === 'channel_topic', 20_000);
      expect(announced).toMatchObject({ channel: channel.id, user: alice.userId, topic: 'Launch on Friday', text: 'set the channel topic: Launch on Friday' });
    } finally {
      await carolLive.close();
    }
    await web.conversations.setPurpose({ channel: channel.id, purpose: 'Ship it' });
    const { messages } = await call(carol.token, 'conversations.history', { channel: channel.id });
    expect(messages.map((m: any) => [m.subtype, m.topic ?? m.purpose])).toEqual([['channel_purpose', 'Ship it'], ['channel_topic', 'Launch on Friday']]);
    expect(await callFails(alice.token, 'chat.update', { channel: channel.id, ts: messages[0].ts, text: 'rewritten' })).toBe('cant_update_message');
    const info = await call(bob.token, 'conversations.info', { channel: channel.id });
    expect(info.channel).toMatchObject({ topic: { value: 'Launch on Friday', creator: alice.userId }, purpose: { value: 'Ship it', creator: alice.userId } });
    expect(await callFails(bob.token, 'conversations.setTopic', { channel: channel.id, topic: 'hijack' })).toBe('not_in_channel');
    expect(await callFails(alice.token, 'conversations.setTopic', { channel: channel.id, topic: 'x'.repeat(251) })).toBe('too_long');
    // A topic naming someone is no mention of them.
    await call(alice.token, 'conversations.setTopic', { channel: channel.id, topic: `ask <@${carol.userId}>` });
    expect((await call(carol.token, 'conversations.info', { channel: channel.id })).channel.mention_count).toBe(0);
    const foreigner = await person('foreigner', newTeam());
    expect(await callFails(foreigner.token, 'conversations.setTopic', { channel: channel.id, topic: 'x' })).toBe('channel_not_found');
  });
});
