import { broadcastAllowed, BROADCAST_OPEN_MEMBERS, MAX_MENTIONS, mentionsUser, parseMentions } from '../../lambdas/core/mentions';
import { DEFAULT_PREFS, dndActive, inDndWindow, nextDndWindow, shouldNotify, type MessageForNotify, type NotificationPrefs } from '../../lambdas/core/notify';
import { prefsOf } from '../../lambdas/model/prefs';
import { messageForNotify } from '../../lambdas/core/notify-input';

const ME = 'UME0000000';
const OTHER = 'UOTHER0000';
const message = (over: Partial<MessageForNotify> = {}): MessageForNotify => ({
  channelId: 'C1', channelKind: 'public', userId: OTHER, text: 'hello', ts: '0000000000000000000000000A', mentionedUserIds: [], ...over,
});
const prefs = (over: Partial<NotificationPrefs> = {}): NotificationPrefs => ({ ...DEFAULT_PREFS, ...over });
/** 2026-12-02 at hh:mm UTC, in ms. */
const utc = (hh: number, mm = 0) => Date.UTC(2026, 11, 2, hh, mm);
const NOON = utc(12);

describe('parseMentions', () => {
  it('finds user mentions with and without a label, once each, in order', () => {
    expect(parseMentions('hi <@UAAA111> and <@UBBB222|bob>, again <@UAAA111>')).toEqual({ userIds: ['UAAA111', 'UBBB222'] });
  });

  it('finds broadcasts and keeps the widest', () => {
    expect(parseMentions('<!here>')).toEqual({ userIds: [], broadcast: 'here' });
    expect(parseMentions('<!here> then <!channel|@channel>')).toEqual({ userIds: [], broadcast: 'channel' });
    expect(parseMentions('<!everyone> <!here>')).toEqual({ userIds: [], broadcast: 'everyone' });
  });

  it('ignores what only looks like a mention', () => {
    expect(parseMentions('@UAAA111 <@lowercase> <#C123|general> <!subteam^S1> <https://x.test|link> <!channelx>')).toEqual({ userIds: [] });
  });

  it('counts at most MAX_MENTIONS users', () => {
    const text = Array.from({ length: MAX_MENTIONS + 5 }, (_, i) => `<@U${String(i).padStart(6, '0')}>`).join(' ');
    expect(parseMentions(text).userIds).toHaveLength(MAX_MENTIONS);
  });
});

describe('broadcast rule and stored mentions', () => {
  it('lets anyone broadcast up to BROADCAST_OPEN_MEMBERS members, then only the creator', () => {
    expect(broadcastAllowed({ memberCount: BROADCAST_OPEN_MEMBERS, creator: OTHER }, ME)).toBe(true);
    expect(broadcastAllowed({ memberCount: BROADCAST_OPEN_MEMBERS + 1, creator: OTHER }, ME)).toBe(false);
    expect(broadcastAllowed({ memberCount: BROADCAST_OPEN_MEMBERS + 1, creator: ME }, ME)).toBe(true);
  });

  it('a stored mention or broadcast reaches others, never the author', () => {
    expect(mentionsUser({ userId: OTHER, mentions: [ME] }, ME)).toBe(true);
    expect(mentionsUser({ userId: OTHER, broadcast: 'here' }, ME)).toBe(true);
    expect(mentionsUser({ userId: OTHER, mentions: ['UX'] }, ME)).toBe(false);
    expect(mentionsUser({ userId: ME, mentions: [ME], broadcast: 'channel' }, ME)).toBe(false);
  });
});

describe('shouldNotify', () => {
  it('by default (mentions): DMs, mentions and broadcasts notify; plain channel messages do not', () => {
    expect(shouldNotify(ME, message({ channelKind: 'im' }), DEFAULT_PREFS, NOON)).toEqual({ notify: true, reason: 'dm' });
    expect(shouldNotify(ME, message({ channelKind: 'mpim' }), DEFAULT_PREFS, NOON)).toEqual({ notify: true, reason: 'dm' });
    expect(shouldNotify(ME, message({ mentionedUserIds: [ME] }), DEFAULT_PREFS, NOON)).toEqual({ notify: true, reason: 'mention' });
    expect(shouldNotify(ME, message({ broadcast: 'channel' }), DEFAULT_PREFS, NOON)).toEqual({ notify: true, reason: 'broadcast' });
    expect(shouldNotify(ME, message(), DEFAULT_PREFS, NOON)).toEqual({ notify: false });
    expect(shouldNotify(ME, message({ mentionedUserIds: ['USOMEONE'] }), DEFAULT_PREFS, NOON).notify).toBe(false);
  });

  it('never notifies of one\'s own message', () => {
    expect(shouldNotify(ME, message({ userId: ME, channelKind: 'im', mentionedUserIds: [ME] }), prefs({ level: 'all' }), NOON).notify).toBe(false);
  });

  it('levels: all notifies of every message; nothing of none, DMs included', () => {
    expect(shouldNotify(ME, message(), prefs({ level: 'all' }), NOON)).toEqual({ notify: true, reason: 'all' });
    expect(shouldNotify(ME, message({ mentionedUserIds: [ME] }), prefs({ level: 'nothing' }), NOON).notify).toBe(false);
    expect(shouldNotify(ME, message({ channelKind: 'im' }), prefs({ level: 'nothing' }), NOON).notify).toBe(false);
  });

  it('a channel\'s own level wins over the user\'s, in either direction', () => {
    const quietHere = prefs({ level: 'all', perChannel: { C1: 'mentions' } });
    expect(shouldNotify(ME, message(), quietHere, NOON).notify).toBe(false);
    expect(shouldNotify(ME, message({ channelId: 'C2' }), quietHere, NOON).notify).toBe(true);
    const loudHere = prefs({ level: 'nothing', perChannel: { C1: 'all' } });
    expect(shouldNotify(ME, message(), loudHere, NOON)).toEqual({ notify: true, reason: 'all' });
  });

  it('a muted channel never notifies, mentions included', () => {
    const muted = prefs({ level: 'all', muted: ['C1'] });
    expect(shouldNotify(ME, message({ mentionedUserIds: [ME], broadcast: 'channel' }), muted, NOON).notify).toBe(false);
    expect(shouldNotify(ME, message({ channelId: 'C2', mentionedUserIds: [ME] }), muted, NOON).notify).toBe(true);
  });

  it('replies in a thread the recipient took part in notify them; the thread parent itself does not', () => {
    const reply = message({ threadTs: '00000000000000000000000001', threadParticipant: true });
    expect(shouldNotify(ME, reply, DEFAULT_PREFS, NOON)).toEqual({ notify: true, reason: 'thread' });
    expect(shouldNotify(ME, { ...reply, threadParticipant: false }, DEFAULT_PREFS, NOON).notify).toBe(false);
    expect(shouldNotify(ME, message({ threadTs: message().ts, threadParticipant: true }), DEFAULT_PREFS, NOON).notify).toBe(false);
    expect(shouldNotify(ME, reply, prefs({ perChannel: { C1: 'nothing' } }), NOON).notify).toBe(false);
  });

  it('a snooze holds everything until it ends, DMs and mentions included', () => {
    const snoozed = prefs({ dnd: { snoozeUntil: NOON + 60_000 } });
    expect(shouldNotify(ME, message({ channelKind: 'im' }), snoozed, NOON).notify).toBe(false);
    expect(shouldNotify(ME, message({ mentionedUserIds: [ME] }), snoozed, NOON).notify).toBe(false);
    expect(shouldNotify(ME, message({ channelKind: 'im' }), snoozed, NOON + 60_000)).toEqual({ notify: true, reason: 'dm' });
  });

  it('the daily DND window holds notifications inside it, in the user\'s time zone, across midnight', () => {
    // 22:00–08:00 local, at UTC+2: 20:00–06:00 UTC.
    const night = prefs({ dnd: { startMinute: 22 * 60, endMinute: 8 * 60, timezoneOffsetMinutes: 120 } });
    const dm = message({ channelKind: 'im' });
    expect(shouldNotify(ME, dm, night, utc(19, 59)).notify).toBe(true);
    expect(shouldNotify(ME, dm, night, utc(20, 0)).notify).toBe(false);
    expect(shouldNotify(ME, dm, night, utc(23, 30)).notify).toBe(false);
    expect(shouldNotify(ME, dm, night, utc(3)).notify).toBe(false);
    expect(shouldNotify(ME, dm, night, utc(5, 59)).notify).toBe(false);
    expect(shouldNotify(ME, dm, night, utc(6, 0)).notify).toBe(true);
  });

  it('a window within one day, and a negative offset', () => {
    // 12:00–13:00 local at UTC-5: 17:00–18:00 UTC.
    const lunch = { startMinute: 12 * 60, endMinute: 13 * 60, timezoneOffsetMinutes: -300 };
    expect(inDndWindow(lunch, utc(12))).toBe(false);
    expect(inDndWindow(lunch, utc(17, 30))).toBe(true);
    expect(inDndWindow(lunch, utc(18))).toBe(false);
    expect(inDndWindow({ startMinute: 600, endMinute: 600 }, utc(10))).toBe(false);
    expect(dndActive(undefined, NOON)).toBe(false);
  });

  it('hide_content passes through the preferences untouched (the push payload honours it)', () => {
    const hidden = prefs({ hideContent: true });
    expect(shouldNotify(ME, message({ mentionedUserIds: [ME] }), hidden, NOON)).toEqual({ notify: true, reason: 'mention' });
    expect(hidden.hideContent).toBe(true);
  });
});

describe('nextDndWindow', () => {
  const night = { startMinute: 22 * 60, endMinute: 8 * 60, timezoneOffsetMinutes: 0 };
  it('gives the window holding now', () => {
    expect(nextDndWindow(night, utc(23))).toEqual({ start: utc(22), end: utc(22) + 10 * 3_600_000 });
    expect(nextDndWindow(night, utc(3))).toEqual({ start: utc(22) - 86_400_000, end: utc(8) });
  });
  it('or else the next one', () => {
    expect(nextDndWindow(night, NOON)).toEqual({ start: utc(22), end: utc(22) + 10 * 3_600_000 });
    expect(nextDndWindow({ ...night, timezoneOffsetMinutes: 60 }, NOON)).toEqual({ start: utc(21), end: utc(21) + 10 * 3_600_000 });
  });
  it('is undefined without a window', () => {
    expect(nextDndWindow(undefined, NOON)).toBeUndefined();
    expect(nextDndWindow({ snoozeUntil: NOON }, NOON)).toBeUndefined();
  });
});

describe('prefsOf (the stored item as shouldNotify reads it)', () => {
  it('gives the defaults for a user who never set any', () => {
    expect(prefsOf(undefined)).toEqual(DEFAULT_PREFS);
  });
  it('maps levels, mutes and DND', () => {
    expect(prefsOf({
      userId: ME, level: 'all', hideContent: true, muted: ['C9', 'C3'], levelNothing: ['C5'], levelAll: ['C6'],
      snoozeUntil: 5, dndStartMinute: 60, dndEndMinute: 120, timezoneOffsetMinutes: -60,
    })).toEqual({
      level: 'all', hideContent: true, muted: ['C3', 'C9'], perChannel: { C5: 'nothing', C6: 'all' },
      dnd: { snoozeUntil: 5, startMinute: 60, endMinute: 120, timezoneOffsetMinutes: -60 },
    });
  });
});

describe('messageForNotify (a stored message for one recipient)', () => {
  const stored = { channelId: 'C1', userId: OTHER, text: `<@${ME}>`, ts: 'T2', threadTs: 'T1', mentions: [ME], broadcast: 'here' as const };
  it('carries the stored mentions and the recipient\'s part in the thread', () => {
    expect(messageForNotify(stored, 'private', ME, { userId: 'UX', replyUsers: [ME, OTHER] })).toEqual({
      channelId: 'C1', channelKind: 'private', userId: OTHER, text: `<@${ME}>`, ts: 'T2', threadTs: 'T1',
      mentionedUserIds: [ME], broadcast: 'here', threadParticipant: true,
    });
    expect(messageForNotify(stored, 'public', 'UZ', { userId: 'UZ' }).threadParticipant).toBe(true);
    expect(messageForNotify(stored, 'public', 'UY', { userId: 'UZ', replyUsers: [OTHER] }).threadParticipant).toBe(false);
  });
  it('a top-level message has no thread', () => {
    const top = messageForNotify({ ...stored, threadTs: 'T2', mentions: undefined, broadcast: undefined }, 'public', ME);
    expect(top).toEqual({ channelId: 'C1', channelKind: 'public', userId: OTHER, text: `<@${ME}>`, ts: 'T2', mentionedUserIds: [] });
    expect(shouldNotify(ME, top, DEFAULT_PREFS, NOON).notify).toBe(false);
  });
});
