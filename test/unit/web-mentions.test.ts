import { DEFAULT_PREFS } from '../../lambdas/core/notify';
import { CHANNEL_KINDS } from '../../lambdas/model/entities';
import type { ChannelKind } from '../../lambdas/core/notify';
import { applyEvent, type EventContext } from '../../web/src/chat/apply-event';
import type { MessageEvent } from '../../web/src/chat/events';
import { broadcastIn, encodeMentions, mentionsMe } from '../../web/src/chat/mentions';
import { notificationFor, notificationPrefs, plainText, withChannelPrefs, type ServerPrefs } from '../../web/src/chat/notifications';
import { initialState, type Channel, type Message, type State } from '../../web/src/chat/types';
import { markedRead } from '../../web/src/chat/unread';

/* The web client's mentions: the live mention badge, @name encoding, and browser notifications. */

const ME = 'UME0000000';
const BOB = 'UBOB000000';
const C = 'C1';
const channel = (extra: Partial<Channel> = {}): Channel => ({ id: C, name: 'general', is_channel: true, is_member: true, unread: 0, mentions: 0, ...extra });
const stateWith = (c: Channel = channel(), history: Message[] = []): State => ({
  ...initialState({ id: ME, name: 'me' }),
  users: { [ME]: { id: ME, name: 'me' }, [BOB]: { id: BOB, name: 'bob' } },
  channels: { [c.id]: c },
  history: { [c.id]: { list: history, hasOlder: false, loading: false, loaded: true } },
});
const event = (text: string, extra: Partial<MessageEvent> = {}): MessageEvent => ({ type: 'message', channel: C, user: BOB, text, ts: '0000000000000000000000000B', ...extra });
const quiet: EventContext = { now: 0, visible: true, listing: false, refreshing: new Set() };
const names = (id: string) => (id === BOB ? 'bob' : id === ME ? 'me' : id);
const hidden = (prefs = DEFAULT_PREFS) => ({ visible: false, now: Date.UTC(2026, 11, 2, 12), prefs, userName: names, channelLabel: (c: Channel) => c.name ?? c.id });

it('notify.ts names the same conversation kinds as the entities', () => {
  const kinds: ChannelKind[] = [...CHANNEL_KINDS];
  expect(kinds.sort()).toEqual(['im', 'mpim', 'private', 'public']);
});

describe('the mention badge', () => {
  it('a live message naming me, or a broadcast, adds a mention; another does not', () => {
    let s = applyEvent(stateWith(), event(`hi <@${ME}>`), quiet).state;
    expect(s.channels[C]).toMatchObject({ unread: 1, mentions: 1 });
    s = applyEvent(s, event('plain', { ts: '0000000000000000000000000C' }), quiet).state;
    s = applyEvent(s, event('<!here|@here> standup', { ts: '0000000000000000000000000D' }), quiet).state;
    expect(s.channels[C]).toMatchObject({ unread: 3, mentions: 2 });
  });

  it('every message of someone else in a DM is a mention; my own never is', () => {
    const dm = channel({ id: 'D1', is_im: true, is_channel: false });
    expect(mentionsMe(dm, { user: BOB, text: 'x' }, ME)).toBe(true);
    expect(mentionsMe(dm, { user: ME, text: `<@${ME}>` }, ME)).toBe(false);
    expect(mentionsMe(channel(), { user: BOB, text: `<@${BOB}>` }, ME)).toBe(false);
  });

  it('reading the channel, or channel_marked from another device, clears it', () => {
    const s = stateWith(channel({ unread: 2, mentions: 1 }), [{ ts: '0000000000000000000000000B', channel: C, user: BOB, text: 'x' }]);
    expect(markedRead(s, C).state.channels[C]).toMatchObject({ unread: 0, mentions: 0 });
    expect(applyEvent(s, { type: 'channel_marked', channel: C, ts: '0000000000000000000000000B' }, quiet).state.channels[C].mentions).toBe(0);
  });
});

describe('encodeMentions', () => {
  const users = [{ id: BOB, name: 'bob' }, { id: 'UBOBBY0000', name: 'bobby' }, { id: 'UDOT000000', name: 'ann.lee' }];
  it('turns @handles and broadcasts into Slack mentions', () => {
    expect(encodeMentions('@bob, see @bobby and @Ann.Lee; @here', users)).toBe(`<@${BOB}>, see <@UBOBBY0000> and <@UDOT000000>; <!here>`);
    expect(encodeMentions('@channel @everyone', [])).toBe('<!channel> <!everyone>');
  });
  it('leaves unknown names, e-mail addresses and code alone', () => {
    expect(encodeMentions('mail bob@bob.test or @nobody, `@bob`', users)).toBe('mail bob@bob.test or @nobody, `@bob`');
  });
  it('finds the widest broadcast', () => {
    expect(broadcastIn('<!here> <!channel>')).toBe('channel');
    expect(broadcastIn('nothing')).toBeUndefined();
  });
});

describe('browser notifications', () => {
  const prefs: ServerPrefs = {
    level: 'mentions', hide_content: false, muted_channels: [], channel_levels: {},
    dnd_enabled: false, dnd_start_hour: '22:00', dnd_end_hour: '08:00', tz_offset: 0,
  };

  it('a mention in a hidden tab notifies, with names in place of ids', () => {
    expect(notificationFor(stateWith(), event(`lunch <@${ME}>?`), hidden())).toEqual({ title: '#general', body: 'bob: lunch @me?', tag: C });
  });

  it('not while the tab is visible, not for my own message, not for a plain message at the default level', () => {
    expect(notificationFor(stateWith(), event(`<@${ME}>`), { ...hidden(), visible: true })).toBeUndefined();
    expect(notificationFor(stateWith(), event(`<@${ME}>`, { user: ME }), hidden())).toBeUndefined();
    expect(notificationFor(stateWith(), event('plain'), hidden())).toBeUndefined();
    expect(notificationFor(stateWith(), event(`<@${ME}>`, { subtype: 'message_changed' }), hidden())).toBeUndefined();
  });

  it('a DM notifies; hide_content keeps the text out', () => {
    const dm = channel({ id: 'D1', is_im: true, is_channel: false, members: [ME, BOB] });
    const e = event('secret plan', { channel: 'D1' });
    expect(notificationFor(stateWith(dm), e, hidden())).toMatchObject({ title: 'bob', body: 'secret plan' });
    expect(notificationFor(stateWith(dm), e, hidden(notificationPrefs({ ...prefs, hide_content: true })))).toMatchObject({ title: 'bob', body: 'New message' });
  });

  it('mute, the channel level, a snooze and the DND window are honoured', () => {
    const mention = event(`<@${ME}>`);
    expect(notificationFor(stateWith(), mention, hidden(notificationPrefs({ ...prefs, muted_channels: [C] })))).toBeUndefined();
    expect(notificationFor(stateWith(), event('plain'), hidden(notificationPrefs({ ...prefs, channel_levels: { [C]: 'all' } })))).toBeDefined();
    const snoozeEnd = Date.UTC(2026, 11, 2, 13) / 1000;
    expect(notificationFor(stateWith(), mention, hidden(notificationPrefs(prefs, snoozeEnd)))).toBeUndefined();
    // 11:00–13:00 at UTC+0 holds noon.
    expect(notificationFor(stateWith(), mention, hidden(notificationPrefs({ ...prefs, dnd_enabled: true, dnd_start_hour: '11:00', dnd_end_hour: '13:00' })))).toBeUndefined();
    expect(notificationFor(stateWith(), mention, hidden(notificationPrefs({ ...prefs, dnd_enabled: true, dnd_start_hour: '13:00', dnd_end_hour: '14:00' })))).toBeDefined();
  });

  it('replies in a thread I took part in notify me', () => {
    const parent: Message = { ts: '0000000000000000000000000A', channel: C, user: BOB, text: 'q', reply_users: [ME] };
    const reply = event('answer', { thread_ts: parent.ts });
    expect(notificationFor(stateWith(channel(), [parent]), reply, hidden())).toMatchObject({ body: 'bob: answer' });
    expect(notificationFor(stateWith(channel(), [{ ...parent, reply_users: [BOB] }]), reply, hidden())).toBeUndefined();
  });

  it('plain text of links and channels', () => {
    expect(plainText('see <https://x.test|the doc> in <#C2|random> <!channel>', names)).toBe('see the doc in #random @channel');
  });
});

describe('withChannelPrefs (shown before the server answers)', () => {
  const prefs: ServerPrefs = {
    level: 'mentions', hide_content: false, muted_channels: ['C9'], channel_levels: { C9: 'nothing' },
    dnd_enabled: false, dnd_start_hour: '22:00', dnd_end_hour: '08:00', tz_offset: 0,
  };
  it('sets, clears and mutes one conversation only', () => {
    const changed = withChannelPrefs(prefs, C, { level: 'all', muted: true });
    expect(changed).toMatchObject({ channel_levels: { C9: 'nothing', [C]: 'all' }, muted_channels: [C, 'C9'] });
    expect(withChannelPrefs(changed, C, { level: 'default', muted: false })).toMatchObject({ channel_levels: { C9: 'nothing' }, muted_channels: ['C9'] });
    expect(prefs.channel_levels).toEqual({ C9: 'nothing' });
  });
});
