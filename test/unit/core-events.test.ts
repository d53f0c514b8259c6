import { eventsFor, messageEvent, type Change } from '../../lambdas/core/events';
import { toSlackMessage } from '../../lambdas/core/format';

const TS = '01HF00000000000000000000AA';
const REPLY_TS = '01HF00000000000000000000BB';
const EDIT_TS = '01HF00000000000000000000CC';

const message = (extra: Record<string, unknown> = {}) => ({
  __edb_e__: 'message',
  __edb_v__: '1',
  pk: 'CH#C1',
  sk: `MSG#${TS}`,
  teamId: 'T1',
  channelId: 'C1',
  userId: 'U1',
  text: 'hello',
  ts: TS,
  threadTs: TS,
  ...extra,
});

const membership = (extra: Record<string, unknown> = {}) => ({
  __edb_e__: 'membership',
  __edb_v__: '1',
  pk: 'CH#C1',
  sk: 'MEM#U2',
  teamId: 'T1',
  channelId: 'C1',
  userId: 'U2',
  kind: 'public',
  ...extra,
});

const channel = (extra: Record<string, unknown> = {}) => ({
  __edb_e__: 'channel',
  __edb_v__: '1',
  pk: 'CH#C9',
  sk: 'CH',
  teamId: 'T1',
  channelId: 'C9',
  name: 'news',
  kind: 'public',
  creator: 'U1',
  createdAt: 1_700_000_000_500,
  memberCount: 1,
  ...extra,
});

const modify = (oldItem: Record<string, unknown>, newItem: Record<string, unknown>, id = 'rec-1'): Change => ({ id, kind: 'MODIFY', oldItem, newItem });

describe('eventsFor: messages', () => {
  it('announces a new message to the channel', () => {
    const out = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: message() });
    expect(out).toHaveLength(1);
    expect(out[0].channelId).toBe('C1');
    expect(out[0].audience).toEqual({ kind: 'channel' });
    expect(out[0].event).toMatchObject({ type: 'message', user: 'U1', text: 'hello', ts: TS, channel: 'C1', event_ts: TS });
    expect(out[0].event.subtype).toBeUndefined();
    for (const key of ['pk', 'sk', 'teamId', '__edb_e__']) expect(out[0].event).not.toHaveProperty(key);
  });

  it('announces a reply with its thread_ts', () => {
    const out = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: message({ ts: REPLY_TS, threadTs: TS }) });
    expect(out[0].event).toMatchObject({ type: 'message', ts: REPLY_TS, thread_ts: TS, event_ts: REPLY_TS });
  });

  it('announces an edit as message_changed with the new and previous message', () => {
    const out = eventsFor(modify(message(), message({ text: 'hello!', editedBy: 'U1', editedTs: EDIT_TS })));
    expect(out).toHaveLength(1);
    expect(out[0].audience).toEqual({ kind: 'channel' });
    expect(out[0].event).toMatchObject({
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: 'C1',
      ts: EDIT_TS,
      event_ts: EDIT_TS,
      message: { text: 'hello!', ts: TS, edited: { user: 'U1', ts: EDIT_TS } },
      previous_message: { text: 'hello', ts: TS },
    });
  });

  it('announces a reply count going up as message_replied', () => {
    const out = eventsFor(modify(message({ replyCount: 1, replyUsers: ['U2'], latestReply: TS }), message({ replyCount: 2, replyUsers: ['U2', 'U3'], latestReply: REPLY_TS })));
    expect(out).toHaveLength(1);
    expect(out[0].event).toMatchObject({ type: 'message', subtype: 'message_replied', hidden: true, channel: 'C1', ts: REPLY_TS, event_ts: REPLY_TS });
    expect(out[0].event.message).toMatchObject({ reply_count: 2, thread_ts: TS, latest_reply: REPLY_TS });
  });

  it('announces nothing when the reply count does not go up and nothing else changed', () => {
    expect(eventsFor(modify(message({ replyCount: 2 }), message({ replyCount: 2 })))).toEqual([]);
    expect(eventsFor(modify(message({ replyCount: 2 }), message({ replyCount: 1 })))).toEqual([]);
  });

  it('announces reactions added and removed, from string sets', () => {
    const before = message({ reactions: { thumbsup: new Set(['U1']), eyes: new Set(['U2']) } });
    const after = message({ reactions: { thumbsup: new Set(['U1', 'U3']), tada: new Set(['U4']) } });
    const out = eventsFor(modify(before, after));
    const summary = out.map((o) => [o.event.type, o.event.reaction, o.event.user]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['reaction_added', 'thumbsup', 'U3'],
        ['reaction_added', 'tada', 'U4'],
        ['reaction_removed', 'eyes', 'U2'],
      ]),
    );
    expect(out).toHaveLength(3);
    for (const o of out) {
      expect(o.audience).toEqual({ kind: 'channel' });
      expect(o.event).toMatchObject({ item: { type: 'message', channel: 'C1', ts: TS }, item_user: 'U1', event_ts: TS });
    }
  });

  it('announces reactions from JSON arrays too', () => {
    const out = eventsFor(modify(message({ reactions: { x: ['U1', 'U2'] } }), message({ reactions: { x: ['U2'] } })));
    expect(out.map((o) => [o.event.type, o.event.user])).toEqual([['reaction_removed', 'U1']]);
  });

  it('diffs reactions named like Object.prototype members by their own keys only', () => {
    // JSON images carry `__proto__` as an own key; a literal's `__proto__:` would set the prototype.
    const withProto = JSON.parse('{"__proto__":["U1"],"constructor":["U2"]}') as Record<string, string[]>;
    const added = eventsFor(modify(message({}), message({ reactions: withProto })));
    expect(added.map((o) => [o.event.type, o.event.reaction, o.event.user]).sort()).toEqual([
      ['reaction_added', '__proto__', 'U1'],
      ['reaction_added', 'constructor', 'U2'],
    ]);
    const removed = eventsFor(modify(message({ reactions: { constructor: ['U2'] } }), message({ reactions: {} })));
    expect(removed.map((o) => [o.event.type, o.event.reaction, o.event.user])).toEqual([['reaction_removed', 'constructor', 'U2']]);
    expect(eventsFor(modify(message({ reactions: { x: ['U1'] } }), message({ reactions: { x: ['U1'] } })))).toEqual([]);
  });

  it('announces a message becoming deleted as message_deleted and nothing else', () => {
    const out = eventsFor(modify(message({ reactions: { x: ['U1'] } }), message({ deleted: true, text: 'gone', reactions: {} })));
    expect(out).toHaveLength(1);
    expect(out[0].event).toMatchObject({ type: 'message', subtype: 'message_deleted', hidden: true, channel: 'C1', ts: TS, deleted_ts: TS, event_ts: TS, previous_message: { text: 'hello', ts: TS } });
  });

  it('does not announce a deletion again when an already deleted message changes', () => {
    const out = eventsFor(modify(message({ deleted: true, replyCount: 1 }), message({ deleted: true, replyCount: 1, latestReply: REPLY_TS })));
    expect(out.some((o) => o.event.subtype === 'message_deleted')).toBe(false);
  });

  it('announces a removed message as message_deleted', () => {
    const out = eventsFor({ id: 'rec-1', kind: 'REMOVE', oldItem: message() });
    expect(out).toHaveLength(1);
    expect(out[0].channelId).toBe('C1');
    expect(out[0].event).toMatchObject({ type: 'message', subtype: 'message_deleted', ts: TS, deleted_ts: TS, previous_message: { text: 'hello' } });
  });
});

describe('eventsFor: memberships', () => {
  it('announces a join to the channel', () => {
    const out = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: membership() });
    expect(out).toHaveLength(1);
    expect(out[0].audience).toEqual({ kind: 'channel' });
    expect(out[0].event).toMatchObject({ type: 'member_joined_channel', user: 'U2', channel: 'C1', channel_type: 'C', team: 'T1' });
  });

  it('gives private conversations channel_type G', () => {
    const out = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: membership({ kind: 'private' }) });
    expect(out[0].event.channel_type).toBe('G');
  });

  it('announces a leave to the channel and to the leaver', () => {
    const out = eventsFor({ id: 'rec-1', kind: 'REMOVE', oldItem: membership() });
    expect(out).toHaveLength(1);
    expect(out[0].audience).toEqual({ kind: 'channel', leaver: 'U2' });
    expect(out[0].event).toMatchObject({ type: 'member_left_channel', user: 'U2', channel: 'C1' });
  });

  it('tells the user (except the marking device) when lastRead moves', () => {
    const out = eventsFor(modify(membership({ lastRead: TS }), membership({ lastRead: REPLY_TS, markedBy: 'dev-1' })));
    expect(out).toHaveLength(1);
    expect(out[0].channelId).toBe('C1');
    expect(out[0].audience).toEqual({ kind: 'user', userId: 'U2', exceptDevice: 'dev-1' });
    expect(out[0].event).toMatchObject({ type: 'channel_marked', channel: 'C1', ts: REPLY_TS });
  });

  it('tells every device when no device marked', () => {
    const out = eventsFor(modify(membership(), membership({ lastRead: REPLY_TS })));
    expect(out[0].audience).toMatchObject({ kind: 'user', userId: 'U2' });
    expect((out[0].audience as { exceptDevice?: string }).exceptDevice).toBeUndefined();
  });

  it('says nothing when a membership changes without lastRead moving', () => {
    expect(eventsFor(modify(membership({ lastRead: TS }), membership({ lastRead: TS, markedBy: 'dev-2' })))).toEqual([]);
    expect(eventsFor(modify(membership({ lastRead: TS }), membership({ lastRead: undefined })))).toEqual([]);
  });
});

describe('eventsFor: channels', () => {
  it('announces a public channel to its creator', () => {
    const out = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: channel() });
    expect(out).toHaveLength(1);
    expect(out[0].channelId).toBe('C9');
    expect(out[0].audience).toEqual({ kind: 'user', userId: 'U1' });
    expect(out[0].event).toMatchObject({ type: 'channel_created', channel: { id: 'C9', name: 'news', created: 1_700_000_000, creator: 'U1', is_private: false } });
  });

  it('announces a private channel as private', () => {
    const out = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: channel({ kind: 'private' }) });
    expect(out[0].event.channel).toMatchObject({ is_private: true });
  });

  it.each(['im', 'mpim'])('does not announce a %s as channel_created', (kind) => {
    expect(eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: channel({ kind }) })).toEqual([]);
  });

  it('says nothing for other channel modifications (member count, topic) or removals', () => {
    expect(eventsFor(modify(channel(), channel({ memberCount: 2 })))).toEqual([]);
    expect(eventsFor(modify(channel(), channel({ topic: 'new', topicCreator: 'U1', topicLastSet: 1 })))).toEqual([]);
    expect(eventsFor({ id: 'rec-1', kind: 'REMOVE', oldItem: channel() })).toEqual([]);
  });

  it('tells the members of a rename, an archive and an unarchive: channel_* for public, group_* for private', () => {
    const renamed = eventsFor(modify(channel(), channel({ name: 'renamed' })));
    expect(renamed.map((o) => [o.audience, o.event.type, o.event.channel])).toEqual([
      [{ kind: 'channel' }, 'channel_rename', { id: 'C9', name: 'renamed', created: 1_700_000_000 }],
    ]);
    const archived = eventsFor(modify(channel({ kind: 'private' }), channel({ kind: 'private', archived: true, archivedBy: 'U2' })));
    expect(archived.map((o) => o.event)).toEqual([expect.objectContaining({ type: 'group_archive', channel: 'C9', user: 'U2' })]);
    const back = eventsFor(modify(channel({ archived: true }), channel({ archived: false, archivedBy: 'U3' })));
    expect(back.map((o) => o.event)).toEqual([expect.objectContaining({ type: 'channel_unarchive', channel: 'C9', user: 'U3' })]);
    expect(eventsFor(modify(channel({ kind: 'im' }), channel({ kind: 'im', archived: true })))).toEqual([]);
  });
});

describe('eventsFor: ephemeral messages', () => {
  const ephemeral = (extra: Record<string, unknown> = {}) => ({
    __edb_e__: 'ephemeral', __edb_v__: '1', pk: 'CH#C1', sk: `EPH#${TS}#U2`,
    channelId: 'C1', ts: TS, userId: 'U1', toUserId: 'U2', text: 'psst', expiresAt: 1, ...extra,
  });

  it('goes to its one recipient, live only, as a message marked is_ephemeral', () => {
    const out = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: ephemeral({ blocks: '[{"type":"divider"}]', threadTs: REPLY_TS }) });
    expect(out.map((o) => o.audience)).toEqual([{ kind: 'user', userId: 'U2', liveOnly: true }]);
    expect(out[0].event).toEqual({
      type: 'message', user: 'U1', text: 'psst', ts: TS, thread_ts: REPLY_TS, blocks: [{ type: 'divider' }], channel: 'C1',
      is_ephemeral: true, event_ts: TS, event_id: expect.any(String),
    });
  });

  it('says nothing when its item expires', () => {
    expect(eventsFor({ id: 'rec-1', kind: 'REMOVE', oldItem: ephemeral() })).toEqual([]);
  });
});

describe('eventsFor: pins', () => {
  const pin = { __edb_e__: 'pin', __edb_v__: '1', pk: 'CH#C1', sk: `PIN#${TS}`, channelId: 'C1', ts: TS, pinnedBy: 'U2', createdAt: 1_700_000_000_000 };
  it('pin_added and pin_removed to the members, naming the message by ts', () => {
    const added = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: pin });
    expect(added.map((o) => [o.audience, o.event.type])).toEqual([[{ kind: 'channel' }, 'pin_added']]);
    expect(added[0].event).toMatchObject({
      user: 'U2', channel_id: 'C1', event_ts: TS,
      item: { type: 'message', channel: 'C1', created: 1_700_000_000, created_by: 'U2', message: { type: 'message', ts: TS } },
    });
    expect(eventsFor({ id: 'rec-2', kind: 'REMOVE', oldItem: pin }).map((o) => o.event.type)).toEqual(['pin_removed']);
    expect(eventsFor({ id: 'rec-3', kind: 'MODIFY', oldItem: pin, newItem: pin })).toEqual([]);
  });
});

describe('eventsFor: other entities and event ids', () => {
  it.each(['user', 'connection', 'inboxEntry', 'channelLogEntry', 'sentMessage', ''])('gives nothing for entity %p', (entity) => {
    expect(eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: { ...message(), __edb_e__: entity } })).toEqual([]);
  });

  it('gives nothing for an item without an entity marker, or no item at all', () => {
    const { __edb_e__: _marker, ...bare } = message();
    expect(eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: bare })).toEqual([]);
    expect(eventsFor({ id: 'rec-1', kind: 'MODIFY' })).toEqual([]);
  });

  it('derives a stable event_id from the change id', () => {
    const edit = (id: string) => modify(message(), message({ text: 'edited', editedBy: 'U1', editedTs: EDIT_TS }), id);
    const a = eventsFor(edit('rec-1'));
    const b = eventsFor(edit('rec-1'));
    expect(a[0].event.event_id).toMatch(/^Ev[0-9A-Z]{10}$/);
    expect(b[0].event.event_id).toBe(a[0].event.event_id);
    expect(eventsFor(edit('rec-2'))[0].event.event_id).not.toBe(a[0].event.event_id);
  });

  it("gives a new message's event the id of its (channel, ts), whatever record carries it: the ack with echo:false carries the same event", () => {
    const a = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: message() });
    const b = eventsFor({ id: 'rec-2', kind: 'INSERT', newItem: message() });
    expect(a[0].event.event_id).toMatch(/^Ev[0-9A-Z]{10}$/);
    expect(b[0].event.event_id).toBe(a[0].event.event_id);
    expect(a[0].event).toEqual(messageEvent(a[0].channelId, toSlackMessage(message() as never)));
    const other = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: message({ ts: REPLY_TS }) });
    expect(other[0].event.event_id).not.toBe(a[0].event.event_id);
    expect(a[0].audience).toEqual({ kind: 'channel' });
  });

  it('a message sent with echo:false names the connection its ack served, which the fan-out leaves out', () => {
    const [out] = eventsFor({ id: 'rec-1', kind: 'INSERT', newItem: message({ ackedTo: 'conn-1' }) });
    expect(out.audience).toEqual({ kind: 'channel', exceptConnection: 'conn-1' });
    expect(JSON.stringify(out.event)).not.toContain('conn-1');
  });

  it('gives the events of one change distinct ids, stable on replay', () => {
    const change = modify(
      message({ replyCount: 0, reactions: { x: ['U1'] } }),
      message({ text: 'edited', editedBy: 'U1', editedTs: EDIT_TS, replyCount: 1, latestReply: REPLY_TS, reactions: { x: ['U2'] } }),
      'rec-7',
    );
    const first = eventsFor(change).map((o) => o.event.event_id);
    expect(first.length).toBe(4);
    expect(new Set(first).size).toBe(first.length);
    expect(eventsFor(change).map((o) => o.event.event_id)).toEqual(first);
  });
});
