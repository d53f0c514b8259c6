import type { ChannelKind } from '../../lambdas/model/entities';
import { reactionsOf, toSlackChannel, toSlackMessage, toSlackUser } from '../../lambdas/core/format';

const TS = '01HF00000000000000000000AA';
const TS2 = '01HF00000000000000000000BB';
const REPLY_TS = '01HF00000000000000000000BB';
const LATER_TS = '01HF00000000000000000000CC';

/** A stored message item with the internal attributes ElectroDB and the table keep. */
const stored = (extra: Record<string, unknown> = {}) => ({
  pk: 'CH#C1',
  sk: `MSG#${TS}`,
  gsi1pk: 'U#U1',
  gsi1sk: 'x',
  __edb_e__: 'message',
  __edb_v__: '1',
  teamId: 'T1',
  channelId: 'C1',
  userId: 'U1',
  text: 'hello',
  ts: TS,
  ...extra,
});

describe('toSlackMessage', () => {
  it('maps a top-level message to exactly the public shape', () => {
    expect(toSlackMessage(stored())).toEqual({ type: 'message', user: 'U1', text: 'hello', ts: TS });
  });

  it('never leaks internal fields', () => {
    const out = toSlackMessage(
      stored({ replyCount: 2, replyUsers: ['U2'], latestReply: LATER_TS, editedBy: 'U1', editedTs: LATER_TS, reactions: { x: ['U1'] }, clientMsgId: 'c1', expiresAt: 1 }),
    ) as unknown as Record<string, unknown>;
    for (const key of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'teamId', 'channelId', '__edb_e__', '__edb_v__', 'userId', 'replyCount', 'replyUsers', 'editedBy', 'expiresAt', 'clientMsgId', 'deleted']) {
      expect(out).not.toHaveProperty(key);
    }
    expect(out.client_msg_id).toBe('c1');
  });

  it('keeps resolved mentions inside and gives topic and purpose messages their subtype and value', () => {
    expect(toSlackMessage(stored({ threadTs: TS, mentions: ['U2'], broadcast: 'here' }))).toEqual({ type: 'message', user: 'U1', text: 'hello', ts: TS });
    expect(toSlackMessage(stored({ threadTs: TS, subtype: 'channel_topic', about: 'Q3' }))).toMatchObject({ subtype: 'channel_topic', topic: 'Q3' });
    expect(toSlackMessage(stored({ threadTs: TS, subtype: 'channel_purpose', about: 'ship' }))).toMatchObject({ subtype: 'channel_purpose', purpose: 'ship' });
  });

  it('gives a reply its thread_ts', () => {
    const out = toSlackMessage(stored({ ts: REPLY_TS, threadTs: TS }));
    expect(out.ts).toBe(REPLY_TS);
    expect(out.thread_ts).toBe(TS);
    expect(out.subtype).toBeUndefined();
    expect(out.reply_broadcast).toBeUndefined();
    expect(out.reply_count).toBeUndefined();
  });

  it('marks a broadcast reply as thread_broadcast', () => {
    const out = toSlackMessage(stored({ ts: REPLY_TS, threadTs: TS, replyBroadcast: true }));
    expect(out.subtype).toBe('thread_broadcast');
    expect(out.reply_broadcast).toBe(true);
    expect(out.thread_ts).toBe(TS);
  });

  it('ignores replyBroadcast on a top-level message', () => {
    const out = toSlackMessage(stored({ replyBroadcast: true }));
    expect(out.subtype).toBeUndefined();
    expect(out.reply_broadcast).toBeUndefined();
  });

  it('gives a parent its reply summary', () => {
    const out = toSlackMessage(stored({ threadTs: TS, replyCount: 3, replyUsers: new Set(['U2', 'U3']), latestReply: LATER_TS }));
    expect(out.thread_ts).toBe(TS);
    expect(out.reply_count).toBe(3);
    expect(out.reply_users).toEqual(expect.arrayContaining(['U2', 'U3']));
    expect(out.reply_users).toHaveLength(2);
    expect(out.reply_users_count).toBe(2);
    expect(out.latest_reply).toBe(LATER_TS);
  });

  it('accepts reply users as an array (JSON image)', () => {
    const out = toSlackMessage(stored({ replyCount: 1, replyUsers: ['U9'] }));
    expect(out.reply_users).toEqual(['U9']);
    expect(out.reply_users_count).toBe(1);
    expect(out.latest_reply).toBeUndefined();
  });

  it('gives no thread fields to a message without replies', () => {
    const out = toSlackMessage(stored({ replyCount: 0, replyUsers: ['U2'] }));
    expect(out.thread_ts).toBeUndefined();
    expect(out.reply_count).toBeUndefined();
    expect(out.reply_users).toBeUndefined();
  });

  it('shows an edit only with both editor and edit time', () => {
    expect(toSlackMessage(stored({ editedBy: 'U1', editedTs: LATER_TS })).edited).toEqual({ user: 'U1', ts: LATER_TS });
    expect(toSlackMessage(stored({ editedBy: 'U1' })).edited).toBeUndefined();
    expect(toSlackMessage(stored({ editedTs: LATER_TS })).edited).toBeUndefined();
  });

  it('lists reactions from Sets and arrays, sorted, with counts, dropping empty ones', () => {
    const out = toSlackMessage(stored({ reactions: { tada: ['U3', 'U1'], 'a+1': new Set(['U2']), zzz: [], eyes: new Set<string>() } }));
    expect(out.reactions).toEqual([
      { name: 'a+1', count: 1, users: ['U2'] },
      { name: 'tada', count: 2, users: ['U1', 'U3'] },
    ]);
  });

  it('lists reactions named like Object.prototype members as ordinary reactions', () => {
    const reactions = JSON.parse('{"__proto__":["U1"],"constructor":["U2","U1"]}') as Record<string, string[]>;
    expect(reactionsOf(stored({ reactions }))).toEqual([
      { name: '__proto__', count: 1, users: ['U1'] },
      { name: 'constructor', count: 2, users: ['U1', 'U2'] },
    ]);
  });

  it('leaves reactions out when there are none', () => {
    expect(toSlackMessage(stored({ reactions: {} }))).not.toHaveProperty('reactions');
    expect(toSlackMessage(stored({ reactions: { x: [] } }))).not.toHaveProperty('reactions');
    expect(reactionsOf(stored({ reactions: 'nope' }))).toEqual([]);
  });

  it('shows a deleted message as a tombstone without its text', () => {
    const out = toSlackMessage(stored({ deleted: true, text: 'secret words' }));
    expect(out.subtype).toBe('tombstone');
    expect(out.text).toBe('This message was deleted.');
    expect(JSON.stringify(out)).not.toContain('secret words');
  });

  it('includes files only when there are some', () => {
    expect(toSlackMessage(stored({ files: [{ id: 'F1' }] })).files).toEqual([{ id: 'F1' }]);
    expect(toSlackMessage(stored({ files: [] }))).not.toHaveProperty('files');
  });

  it('fills missing strings with empty values rather than undefined', () => {
    const out = toSlackMessage({});
    expect(out).toEqual({ type: 'message', user: '', text: '', ts: '' });
  });
});

describe('toSlackChannel', () => {
  const channel = (kind: ChannelKind, extra: Record<string, unknown> = {}) => ({
    pk: 'CH#C1',
    sk: 'CH',
    __edb_e__: 'channel',
    channelId: 'C1',
    teamId: 'T1',
    name: 'general',
    kind,
    creator: 'U1',
    createdAt: 1_700_000_000_999,
    memberCount: 4,
    ...extra,
  });

  it.each([
    ['public', { is_channel: true, is_group: false, is_im: false, is_mpim: false, is_private: false }],
    ['private', { is_channel: false, is_group: true, is_im: false, is_mpim: false, is_private: true }],
    ['im', { is_channel: false, is_group: false, is_im: true, is_mpim: false, is_private: true }],
    ['mpim', { is_channel: false, is_group: false, is_im: false, is_mpim: true, is_private: true }],
  ])('sets the flags of a %s conversation', (kind, flags) => {
    expect(toSlackChannel(channel(kind as ChannelKind))).toMatchObject(flags);
  });

  it('maps the common fields and leaks no keys', () => {
    const out = toSlackChannel(channel('public', { archived: true }));
    expect(out).toMatchObject({ id: 'C1', name: 'general', created: 1_700_000_000, creator: 'U1', context_team_id: 'T1', num_members: 4, is_archived: true, is_general: false });
    for (const key of ['pk', 'sk', '__edb_e__', 'kind', 'createdAt', 'memberCount']) expect(out).not.toHaveProperty(key);
  });

  it('has no membership fields without a membership', () => {
    const out = toSlackChannel(channel('public'), { unread: { count: 3, mentions: 1, through: TS } });
    expect(out.is_member).toBe(false);
    expect(out).not.toHaveProperty('last_read');
    expect(out).not.toHaveProperty('unread_count');
    expect(out).not.toHaveProperty('unread_through');
    expect(out).not.toHaveProperty('mention_count');
  });

  it('has is_member, last_read and unread_count with a membership', () => {
    const out = toSlackChannel(channel('public'), { membership: { lastRead: TS }, unread: { count: 2, mentions: 1, through: TS2 } });
    expect(out.is_member).toBe(true);
    expect(out.last_read).toBe(TS);
    expect(out.unread_count).toBe(2);
    expect(out.mention_count).toBe(1);
    expect(out.unread_through).toBe(TS2);
  });

  it('gives a membership that never read a default last_read that sorts below every ts', () => {
    const out = toSlackChannel(channel('public'), { membership: {} });
    expect(typeof out.last_read).toBe('string');
    expect((out.last_read as string) < '00000000000000000000000001').toBe(true);
    expect(out).not.toHaveProperty('unread_count');
    expect(out).not.toHaveProperty('unread_through');
  });

  it('lists members only for DMs', () => {
    expect(toSlackChannel(channel('im', { dmUsers: new Set(['U1', 'U2']) })).members).toEqual(expect.arrayContaining(['U1', 'U2']));
    expect(toSlackChannel(channel('mpim', { dmUsers: ['U1', 'U2', 'U3'] })).members).toEqual(['U1', 'U2', 'U3']);
    expect(toSlackChannel(channel('public', { dmUsers: ['U1'] }))).not.toHaveProperty('members');
  });

  it('includes topic and purpose only when set', () => {
    const out = toSlackChannel(channel('public', { topic: 'news', purpose: 'chat' }));
    expect(out.topic).toEqual({ value: 'news', creator: '', last_set: 0 });
    expect(out.purpose).toEqual({ value: 'chat', creator: '', last_set: 0 });
    expect(toSlackChannel(channel('public'))).not.toHaveProperty('topic');
  });

  it('treats a channel without a kind as public', () => {
    expect(toSlackChannel(channel('public', { kind: undefined }))).toMatchObject({ is_channel: true, is_private: false });
  });
});

describe('toSlackUser', () => {
  it('maps a user and its profile', () => {
    const stored = { pk: 'U#U1', sk: 'U', __edb_e__: 'user', userId: 'U1', teamId: 'T1', name: 'ann', realName: 'Ann Lee' };
    const out = toSlackUser(stored);
    expect(out).toEqual({
      id: 'U1',
      team_id: 'T1',
      name: 'ann',
      real_name: 'Ann Lee',
      deleted: false,
      is_bot: false,
      profile: { real_name: 'Ann Lee', display_name: 'ann' },
    });
  });

  it('falls back to the handle for the real name', () => {
    const out = toSlackUser({ userId: 'U2', teamId: 'T1', name: 'bob' });
    expect(out.real_name).toBe('bob');
    expect(out.profile).toEqual({ real_name: 'bob', display_name: 'bob' });
  });
});
