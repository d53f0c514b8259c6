import { applyEvent, type EventContext } from '../../web/src/chat/apply-event';
import type { ChatEvent, MessageEvent } from '../../web/src/chat/events';
import { threadKey } from '../../web/src/chat/messages';
import { TYPING_MS } from '../../web/src/chat/typing';
import { initialState, type Channel, type Message, type State } from '../../web/src/chat/types';

/*
 * The web client's event logic (web/src/chat/apply-event.ts): one server event applied to the
 * client's state, with the follow-ups it asks the coordinator for.
 */

const ME = 'U_ME';
const BOB = 'U_BOB';
const C = 'C1';
const quiet: EventContext = { now: 1_000_000, visible: true, listing: false, refreshing: new Set() };

const msg = (ts: string, extra: Partial<Message> = {}): Message => ({ ts, channel: C, user: BOB, text: `text ${ts}`, ...extra });
const channel = (extra: Partial<Channel> = {}): Channel => ({ id: C, name: 'general', is_channel: true, is_member: true, unread: 0, ...extra });

function stateWith(opts: { channels?: Channel[]; history?: Message[]; current?: string; threads?: Record<string, Message[]>; users?: string[] } = {}): State {
  const s = initialState({ id: ME, name: 'me' });
  return {
    ...s,
    users: { ...s.users, ...Object.fromEntries((opts.users ?? [BOB]).map((id) => [id, { id, name: id }])) },
    channels: Object.fromEntries((opts.channels ?? [channel()]).map((c) => [c.id, c])),
    history: opts.history ? { [C]: { list: opts.history, hasOlder: false, loading: false, loaded: true } } : {},
    threads: Object.fromEntries(Object.entries(opts.threads ?? {}).map(([k, list]) => [k, { list, loading: false }])),
    current: opts.current,
  };
}

const newMessage = (ts: string, extra: Partial<MessageEvent> = {}): MessageEvent => ({ type: 'message', channel: C, user: BOB, text: `text ${ts}`, ts, event_id: `Ev${ts}`, ...extra });
const apply = (state: State, event: ChatEvent, context: Partial<EventContext> = {}) => applyEvent(state, event, { ...quiet, ...context });
const texts = (s: State) => s.history[C].list.map((m) => m.text);

describe('a new message', () => {
  it('joins the loaded history in ts order and counts as unread in a channel not on screen', () => {
    const { state, followUps } = apply(stateWith({ history: [msg('0002')] }), newMessage('0003'));
    expect(state.history[C].list.map((m) => m.ts)).toEqual(['0002', '0003']);
    expect(state.channels[C]).toMatchObject({ unread: 1, unread_through: '0003' });
    expect(followUps).toEqual([]);
  });

  it('in the open conversation of a visible tab is read at once: no unread, the marker moves', () => {
    const { state, followUps } = apply(stateWith({ history: [msg('0002')], current: C }), newMessage('0003'));
    expect(state.channels[C]).toMatchObject({ unread: 0, last_read: '0003' });
    expect(followUps).toEqual([{ kind: 'mark-read', channel: C, ts: '0003' }]);
  });

  it('in the open conversation of a hidden tab counts as unread', () => {
    const { state, followUps } = apply(stateWith({ history: [], current: C }), newMessage('0003'), { visible: false });
    expect(state.channels[C].unread).toBe(1);
    expect(followUps).toEqual([]);
  });

  it('does not touch a history that was never loaded, but still counts', () => {
    const { state } = apply(stateWith(), newMessage('0003'));
    expect(state.history[C]).toBeUndefined();
    expect(state.channels[C].unread).toBe(1);
  });

  it("is not unread when it is the caller's own, or at or before the read marker", () => {
    expect(apply(stateWith(), newMessage('0003', { user: ME })).state.channels[C].unread).toBe(0);
    expect(apply(stateWith({ channels: [channel({ last_read: '0003' })] }), newMessage('0003')).state.channels[C].unread).toBe(0);
    expect(apply(stateWith({ channels: [channel({ last_read: '0003' })] }), newMessage('0002')).state.channels[C].unread).toBe(0);
  });

  it('already shown (the same ts delivered again) is not counted twice', () => {
    const once = apply(stateWith({ history: [] }), newMessage('0003')).state;
    const twice = apply(once, newMessage('0003', { event_id: 'EvOther' })).state;
    expect(twice.channels[C].unread).toBe(1);
    expect(twice.history[C].list).toHaveLength(1);
  });

  it('replaces its pending copy (matched by client_msg_id) when the sender sees it come back', () => {
    const pending = msg('~1-abc', { user: ME, client_msg_id: 'abc', pending: 'sending' });
    const { state } = apply(stateWith({ history: [msg('0001'), pending] }), newMessage('0004', { user: ME, client_msg_id: 'abc' }));
    expect(state.history[C].list.map((m) => [m.ts, m.pending])).toEqual([['0001', undefined], ['0004', undefined]]);
  });

  it('stops its author typing', () => {
    const typing = apply(stateWith(), { type: 'user_typing', channel: C, user: BOB }).state;
    expect(typing.typing[C][BOB]).toBe(quiet.now + TYPING_MS);
    expect(apply(typing, newMessage('0003')).state.typing[C][BOB]).toBe(0);
  });
});

describe('unread counting and unread_through', () => {
  it('skips live messages the server count already considered (the README race: a DM counted twice)', () => {
    // conversations.info answered unread_count 1 through 0003; the live copy of 0003 arrives after it.
    const s = stateWith({ channels: [channel({ unread: 1, unread_through: '0003' })] });
    const after = apply(s, newMessage('0003')).state;
    expect(after.channels[C]).toMatchObject({ unread: 1, unread_through: '0003' });
    const newer = apply(after, newMessage('0004')).state;
    expect(newer.channels[C]).toMatchObject({ unread: 2, unread_through: '0004' });
  });

  it('reads the channel again instead of counting while a read of it is in flight', () => {
    const { state, followUps } = apply(stateWith(), newMessage('0003'), { refreshing: new Set([C]) });
    expect(state.channels[C].unread).toBe(0);
    expect(followUps).toEqual([{ kind: 'refresh-channel', channel: C }]);
  });

  it('reads the channel again once the channel list being read has landed', () => {
    const { state, followUps } = apply(stateWith(), newMessage('0003'), { listing: true });
    expect(state.channels[C].unread).toBe(0);
    expect(followUps).toEqual([{ kind: 'refresh-after-listing', channel: C }]);
  });

  it('reads a conversation it does not know yet (a new DM)', () => {
    const { state, followUps } = apply(stateWith({ channels: [] }), newMessage('0003', { channel: 'D9' }));
    expect(state.channels).toEqual({});
    expect(followUps).toEqual([{ kind: 'refresh-channel', channel: 'D9' }]);
  });
});

describe('message_changed', () => {
  const edited = (ts: string, text: string, editedTs: string): MessageEvent => ({
    type: 'message',
    subtype: 'message_changed',
    channel: C,
    event_id: `Ed${editedTs}`,
    message: { type: 'message', ts, user: BOB, text, edited: { user: BOB, ts: editedTs } },
  });

  it('replaces the text in history and in the threads of that channel', () => {
    const key = threadKey(C, '0002');
    const s = stateWith({ history: [msg('0002')], threads: { [key]: [msg('0002')] } });
    const { state } = apply(s, edited('0002', 'new words', '0009'));
    expect(texts(state)).toEqual(['new words']);
    expect(state.history[C].list[0].edited).toEqual({ user: BOB, ts: '0009' });
    expect(state.threads[key].list[0].text).toBe('new words');
  });

  it('is never overwritten by an older copy read from history afterwards', async () => {
    const { upsert, toMessage } = await import('../../web/src/chat/messages');
    const { state } = apply(stateWith({ history: [msg('0002')] }), edited('0002', 'second edit', '0009'));
    const olderEdit = toMessage({ ts: '0002', user: BOB, text: 'first edit', edited: { user: BOB, ts: '0005' } }, C);
    expect(upsert(state.history[C].list, olderEdit)[0].text).toBe('second edit');
    const sameEdit = toMessage({ ts: '0002', user: BOB, text: 'second edit', edited: { user: BOB, ts: '0009' }, reply_count: 3 }, C);
    expect(upsert(state.history[C].list, sameEdit)[0]).toMatchObject({ text: 'second edit', reply_count: 3 });
  });

  it('is not undone by a copy read before the edit (history in flight when the edit arrived)', async () => {
    const { upsert, toMessage } = await import('../../web/src/chat/messages');
    const { state } = apply(stateWith({ history: [msg('0002')] }), edited('0002', 'edited', '0009'));
    const beforeTheEdit = toMessage({ ts: '0002', user: BOB, text: 'text 0002' }, C);
    expect(upsert(state.history[C].list, beforeTheEdit)[0]).toMatchObject({ text: 'edited', edited: { ts: '0009' } });
  });

  it('delivered late (an older edit after a newer one) does not undo the newer one', () => {
    let s = apply(stateWith({ history: [msg('0002')] }), edited('0002', 'second edit', '0009')).state;
    s = apply(s, edited('0002', 'first edit', '0005')).state;
    expect(texts(s)).toEqual(['second edit']);
  });

  it('of a message the client does not show changes nothing', () => {
    const s = stateWith({ history: [msg('0002')] });
    expect(apply(s, edited('0007', 'x', '0009')).state.history).toEqual(s.history);
  });
});

describe('message_deleted', () => {
  it('turns the message into a tombstone, without reactions or files, in history and threads', () => {
    const key = threadKey(C, '0002');
    const s = stateWith({ history: [msg('0002', { reactions: [{ name: 'eyes', count: 1, users: [ME] }], files: [{ id: 'F1' }] })], threads: { [key]: [msg('0002')] } });
    const { state } = apply(s, { type: 'message', subtype: 'message_deleted', channel: C, deleted_ts: '0002' });
    expect(state.history[C].list[0]).toMatchObject({ deleted: true, text: 'This message was deleted.', reactions: undefined, files: undefined });
    expect(state.threads[key].list[0].deleted).toBe(true);
  });

  it('is final: a copy read afterwards does not bring the message back', async () => {
    const { upsert } = await import('../../web/src/chat/messages');
    const { state } = apply(stateWith({ history: [msg('0002')] }), { type: 'message', subtype: 'message_deleted', channel: C, deleted_ts: '0002' });
    expect(upsert(state.history[C].list, msg('0002'))[0].deleted).toBe(true);
  });

  it('applies even when the event came as a reference (nothing to read)', () => {
    const { state, followUps } = apply(stateWith({ history: [msg('0002')] }), { type: 'message', subtype: 'message_deleted', channel: C, deleted_ts: '0002', body_omitted: true });
    expect(state.history[C].list[0].deleted).toBe(true);
    expect(followUps).toEqual([]);
  });
});

describe('thread replies', () => {
  const key = threadKey(C, '0002');
  const reply = (ts: string, extra: Partial<MessageEvent> = {}) => newMessage(ts, { thread_ts: '0002', ...extra });

  it('go to their open thread, not to the channel history, and are not unread', () => {
    const s = stateWith({ history: [msg('0002')], threads: { [key]: [msg('0002')] } });
    const { state, followUps } = apply(s, reply('0003'));
    expect(state.threads[key].list.map((m) => m.ts)).toEqual(['0002', '0003']);
    expect(state.history[C].list.map((m) => m.ts)).toEqual(['0002']);
    expect(state.channels[C].unread).toBe(0);
    expect(followUps).toEqual([]);
  });

  it('of a thread not held are dropped', () => {
    const s = stateWith({ history: [msg('0002')] });
    expect(apply(s, reply('0003')).state.threads).toEqual({});
  });

  it('broadcast to the channel (thread_broadcast) show in both and count as unread', () => {
    const s = stateWith({ history: [msg('0002')], threads: { [key]: [msg('0002')] } });
    const { state } = apply(s, reply('0003', { subtype: 'thread_broadcast' }));
    expect(state.threads[key].list.map((m) => m.ts)).toEqual(['0002', '0003']);
    expect(state.history[C].list.map((m) => m.ts)).toEqual(['0002', '0003']);
    expect(state.channels[C].unread).toBe(1);
  });

  it('message_replied updates the parent (reply count) where it is shown', () => {
    const s = stateWith({ history: [msg('0002')] });
    const { state } = apply(s, { type: 'message', subtype: 'message_replied', channel: C, message: { ts: '0002', user: BOB, text: 'text 0002', reply_count: 2, reply_users: [BOB, ME], latest_reply: '0004' } });
    expect(state.history[C].list[0]).toMatchObject({ reply_count: 2, reply_users: [BOB, ME], latest_reply: '0004' });
  });
});

describe('reactions', () => {
  const reaction = (type: 'reaction_added' | 'reaction_removed', user: string, name = 'eyes'): ChatEvent => ({ type, user, reaction: name, item: { type: 'message', channel: C, ts: '0002' } });
  const reactionsOf = (s: State) => s.history[C].list[0].reactions;

  it('added count each user once, however often the event comes', () => {
    let s = stateWith({ history: [msg('0002')] });
    s = apply(s, reaction('reaction_added', BOB)).state;
    s = apply(s, reaction('reaction_added', BOB)).state;
    s = apply(s, reaction('reaction_added', ME)).state;
    expect(reactionsOf(s)).toEqual([{ name: 'eyes', count: 2, users: [BOB, ME] }]);
  });

  it('removed drop the user, repeatedly without harm, and the reaction when no one is left', () => {
    let s = stateWith({ history: [msg('0002', { reactions: [{ name: 'eyes', count: 2, users: [BOB, ME] }] })] });
    s = apply(s, reaction('reaction_removed', BOB)).state;
    s = apply(s, reaction('reaction_removed', BOB)).state;
    expect(reactionsOf(s)).toEqual([{ name: 'eyes', count: 1, users: [ME] }]);
    s = apply(s, reaction('reaction_removed', ME)).state;
    expect(reactionsOf(s)).toEqual([]);
    expect(apply(s, reaction('reaction_removed', ME)).state.history).toEqual(s.history);
  });

  it('on items other than messages are ignored', () => {
    const s = stateWith({ history: [msg('0002')] });
    expect(apply(s, { type: 'reaction_added', user: BOB, reaction: 'eyes', item: { type: 'file', channel: C, ts: '0002' } }).state).toBe(s);
  });
});

describe('channel events', () => {
  it('channel_marked (another device read it) moves the marker and clears the count', () => {
    const s = stateWith({ channels: [channel({ unread: 4, last_read: '0001' })] });
    expect(apply(s, { type: 'channel_marked', channel: C, ts: '0005' }).state.channels[C]).toMatchObject({ unread: 0, last_read: '0005' });
  });

  it('channel_marked that arrives after newer live messages keeps them and reads the count again', () => {
    const s = stateWith({ channels: [channel({ unread: 2, unread_through: '0007', last_read: '0001' })] });
    const { state, followUps } = apply(s, { type: 'channel_marked', channel: C, ts: '0005' });
    expect(state.channels[C]).toMatchObject({ unread: 2, last_read: '0005' });
    expect(followUps).toEqual([{ kind: 'refresh-channel', channel: C }]);
  });

  it('channel_marked older than the marker already known changes nothing', () => {
    const s = stateWith({ channels: [channel({ unread: 1, last_read: '0006' })] });
    expect(apply(s, { type: 'channel_marked', channel: C, ts: '0005' })).toEqual({ state: s, followUps: [] });
  });

  it('member_left_channel for me leaves the channel (no unread), without asking the server', () => {
    const s = stateWith({ channels: [channel({ unread: 3 })] });
    const { state, followUps } = apply(s, { type: 'member_left_channel', channel: C, user: ME });
    expect(state.channels[C]).toMatchObject({ is_member: false, unread: 0 });
    expect(followUps).toEqual([]);
  });

  it('member_left_channel for someone else reads the channel again (member count)', () => {
    expect(apply(stateWith(), { type: 'member_left_channel', channel: C, user: BOB }).followUps).toEqual([{ kind: 'refresh-channel', channel: C }]);
    expect(apply(stateWith({ channels: [] }), { type: 'member_left_channel', channel: C, user: BOB }).followUps).toEqual([]);
  });

  it('member_joined_channel reads the channel (a known one, or one I joined) and a new member', () => {
    expect(apply(stateWith({ channels: [] }), { type: 'member_joined_channel', channel: C, user: ME }).followUps).toEqual([{ kind: 'refresh-channel', channel: C }]);
    expect(apply(stateWith(), { type: 'member_joined_channel', channel: C, user: 'U_NEW' }).followUps).toEqual([
      { kind: 'refresh-channel', channel: C },
      { kind: 'read-user', user: 'U_NEW' },
    ]);
    expect(apply(stateWith({ channels: [] }), { type: 'member_joined_channel', channel: C, user: BOB }).followUps).toEqual([]);
  });

  it('an ephemeral message is shown but neither counted unread nor marked read', () => {
    const { state, followUps } = apply(stateWith({ history: [msg('0002')] }), newMessage('0003', { is_ephemeral: true }), { visible: false });
    expect(texts(state)).toEqual(['text 0002', 'text 0003']);
    expect(state.channels[C].unread).toBe(0);
    expect(followUps).toEqual([]);
    expect(apply(stateWith({ history: [msg('0002')] }), newMessage('0003', { is_ephemeral: true })).followUps).toEqual([]);
  });

  it('a rename, archive or unarchive reads a channel it knows again', () => {
    expect(apply(stateWith(), { type: 'channel_rename', channel: { id: C, name: 'renamed' } } as ChatEvent).followUps).toEqual([{ kind: 'refresh-channel', channel: C }]);
    expect(apply(stateWith(), { type: 'group_archive', channel: C, user: BOB } as ChatEvent).followUps).toEqual([{ kind: 'refresh-channel', channel: C }]);
    expect(apply(stateWith(), { type: 'channel_unarchive', channel: 'C_UNKNOWN' } as ChatEvent).followUps).toEqual([]);
  });

  it('channel_created reads a channel it does not know', () => {
    expect(apply(stateWith(), { type: 'channel_created', channel: { id: 'C2' } }).followUps).toEqual([{ kind: 'refresh-channel', channel: 'C2' }]);
    expect(apply(stateWith(), { type: 'channel_created', channel: { id: C } }).followUps).toEqual([]);
  });
});

describe('typing and presence', () => {
  it('user_typing shows others typing until it expires, never me', () => {
    const s = apply(stateWith(), { type: 'user_typing', channel: C, user: BOB }, { now: 5000 }).state;
    expect(s.typing).toEqual({ [C]: { [BOB]: 5000 + TYPING_MS } });
    expect(apply(stateWith(), { type: 'user_typing', channel: C, user: ME }).state.typing).toEqual({});
  });

  it('presence_change sets one user or many', () => {
    let s = apply(stateWith(), { type: 'presence_change', user: BOB, presence: 'active' }).state;
    s = apply(s, { type: 'presence_change', users: ['U2', 'U3'], presence: 'away' }).state;
    expect(s.presence).toEqual({ [BOB]: 'active', U2: 'away', U3: 'away' });
  });

  it('unknown event types change nothing', () => {
    const s = stateWith();
    expect(apply(s, { type: 'pong' } as unknown as ChatEvent)).toEqual({ state: s, followUps: [] });
  });
});

describe('events that came as references (body_omitted)', () => {
  it('are not applied but read first', () => {
    const s = stateWith({ history: [msg('0002')] });
    const ref = newMessage('0003', { body_omitted: true, text: undefined });
    const { state, followUps } = apply(s, ref);
    expect(state).toBe(s);
    expect(followUps).toEqual([{ kind: 'read-omitted', event: ref }]);
  });

  it('of an edit are read too', () => {
    const ref: MessageEvent = { type: 'message', subtype: 'message_changed', channel: C, body_omitted: true, message: { ts: '0002' } };
    expect(apply(stateWith({ history: [msg('0002')] }), ref).followUps).toEqual([{ kind: 'read-omitted', event: ref }]);
  });
});
