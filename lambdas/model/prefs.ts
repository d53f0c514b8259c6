import { DEFAULT_PREFS, type NotificationPrefs, type NotifyLevel } from '../core/notify';
import type { NotificationPrefsItem } from './service';
import { keyOf } from './entity-keys';
import { batchGet, entityItems, type TableContext } from './store';

/** The preferences a user changes in one users.prefs.set (absent fields stay as they are). */
export interface PrefsChange {
  level?: NotifyLevel;
  hideContent?: boolean;
  /** A daily DND window; null removes it. */
  dndWindow?: { startMinute: number; endMinute: number; timezoneOffsetMinutes: number } | null;
}

/** One conversation's preferences: its level (null goes back to the user's level) and whether it is muted. */
export interface ChannelPrefsChange {
  level?: NotifyLevel | null;
  muted?: boolean;
}

const LEVEL_SETS = { all: 'levelAll', mentions: 'levelMentions', nothing: 'levelNothing' } as const;
const setValues = (value: unknown): string[] => (Array.isArray(value) ? value : value instanceof Set ? [...value] : []).filter((v): v is string => typeof v === 'string');

/** A stored item as the preferences shouldNotify reads, the defaults filling what was never set. */
export function prefsOf(item: Partial<NotificationPrefsItem> | undefined): NotificationPrefs {
  const perChannel: Record<string, NotifyLevel> = {};
  for (const level of Object.keys(LEVEL_SETS) as NotifyLevel[]) {
    for (const channelId of setValues(item?.[LEVEL_SETS[level]])) perChannel[channelId] = level;
  }
  const dnd: NonNullable<NotificationPrefs['dnd']> = {};
  if (item?.snoozeUntil !== undefined) dnd.snoozeUntil = item.snoozeUntil;
  if (item?.dndStartMinute !== undefined && item.dndEndMinute !== undefined) {
    dnd.startMinute = item.dndStartMinute;
    dnd.endMinute = item.dndEndMinute;
    dnd.timezoneOffsetMinutes = item.timezoneOffsetMinutes ?? 0;
  }
  return {
    level: item?.level ?? DEFAULT_PREFS.level,
    hideContent: item?.hideContent ?? DEFAULT_PREFS.hideContent,
    muted: setValues(item?.muted).sort(),
    perChannel,
    ...(Object.keys(dnd).length > 0 ? { dnd } : {}),
  };
}

/** Notification preferences and Do Not Disturb, one item per user. */
export function prefsAccess(t: TableContext) {
  const { notificationPrefs: prefs } = t.service.entities;
  return {
    // A user's notification preferences (the defaults when they never set any)
    notificationPrefs: async (userId: string): Promise<NotificationPrefs> =>
      prefsOf((await prefs.get({ userId }).go({ consistent: true })).data ?? undefined),

    /**
     * Several users' preferences in one batch read (the defaults for those who never set any).
     * Eventually consistent, half a read unit a user: the push consumer runs after the stream's own
     * delay, so a change made a moment before a message is the only thing it may miss.
     */
    notificationPrefsOf: async (userIds: string[]): Promise<Map<string, NotificationPrefs>> => {
      const items = entityItems(await batchGet(t, userIds.map((userId) => keyOf(prefs.get({ userId }).params()))), (Item) => prefs.parse({ Item }).data);
      const stored = new Map(items.map((item) => [item.userId, item]));
      return new Map(userIds.map((userId) => [userId, prefsOf(stored.get(userId))]));
    },

    // Changes a user's own level, hide-content and DND window
    setPrefs: async (userId: string, change: PrefsChange): Promise<void> => {
      const set: Partial<NotificationPrefsItem> = {};
      if (change.level !== undefined) set.level = change.level;
      if (change.hideContent !== undefined) set.hideContent = change.hideContent;
      if (change.dndWindow) {
        set.dndStartMinute = change.dndWindow.startMinute;
        set.dndEndMinute = change.dndWindow.endMinute;
        set.timezoneOffsetMinutes = change.dndWindow.timezoneOffsetMinutes;
      }
      const update = prefs.update({ userId }).set(set);
      await (change.dndWindow === null ? update.remove(['dndStartMinute', 'dndEndMinute']) : update).go();
    },

    // Changes one conversation's level and mute for a user, each in one atomic update
    setChannelPrefs: async (userId: string, channelId: string, change: ChannelPrefsChange): Promise<void> => {
      const others = (keep?: NotifyLevel) => Object.fromEntries(
        (Object.keys(LEVEL_SETS) as NotifyLevel[]).filter((l) => l !== keep).map((l) => [LEVEL_SETS[l], [channelId]]),
      );
      let update = prefs.update({ userId }).set({});
      if (change.level !== undefined) {
        update = update.delete(others(change.level ?? undefined));
        if (change.level !== null) update = update.add({ [LEVEL_SETS[change.level]]: [channelId] });
      }
      if (change.muted === true) update = update.add({ muted: [channelId] });
      if (change.muted === false) update = update.delete({ muted: [channelId] });
      await update.go();
    },

    // Snoozes notifications until a time (epoch ms), or ends the snooze (undefined)
    setSnooze: async (userId: string, until: number | undefined): Promise<void> => {
      const update = prefs.update({ userId }).set({});
      await (until === undefined ? update.remove(['snoozeUntil']) : update.set({ snoozeUntil: until })).go();
    },
  };
}
