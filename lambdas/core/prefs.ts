import type { Caller } from './caller';
import { access } from './channels';
import { ClientError } from './errors';
import { dndInfoOf } from './dnd';
import type { NotificationPrefs, NotifyLevel } from './notify';
import { table } from './ports';
import type { ChannelPrefsChange, PrefsChange } from '../model/prefs';

/*
 * users.prefs.get / users.prefs.set: the caller's notification preferences. Slack keeps these
 * undocumented; the names here are ours (README): a level for all conversations, one per
 * conversation (`channel` + `level`, or `level=default` to follow the user's), mute, hide_content,
 * and the daily DND window as Slack's "HH:MM" dnd_start_hour / dnd_end_hour.
 */

export interface PrefsInput {
  channel?: string;
  level?: NotifyLevel | 'default';
  muted?: boolean;
  hideContent?: boolean;
  dndEnabled?: boolean;
  dndStartHour?: string;
  dndEndHour?: string;
  /** Seconds east of UTC, as Slack's users.info tz_offset. */
  tzOffset?: number;
}

const HOUR_MINUTE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const minuteOfDay = (hhmm: string, field: string): number => {
  const m = HOUR_MINUTE.exec(hhmm);
  if (!m) throw new ClientError('invalid_arguments', field);
  return Number(m[1]) * 60 + Number(m[2]);
};
const hourOf = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The preferences as users.prefs.get answers them. */
export function toSlackPrefs(prefs: NotificationPrefs, now: number) {
  const window = prefs.dnd?.startMinute !== undefined && prefs.dnd.endMinute !== undefined;
  return {
    level: prefs.level,
    hide_content: prefs.hideContent,
    muted_channels: prefs.muted,
    channel_levels: prefs.perChannel,
    dnd_enabled: window,
    dnd_start_hour: window ? hourOf(prefs.dnd?.startMinute ?? 0) : '22:00',
    dnd_end_hour: window ? hourOf(prefs.dnd?.endMinute ?? 0) : '08:00',
    tz_offset: (prefs.dnd?.timezoneOffsetMinutes ?? 0) * 60,
    snooze_enabled: dndInfoOf(prefs, now).snooze_enabled,
  };
}

export async function getPrefs(caller: Caller) {
  return { prefs: toSlackPrefs(await table().prefs.notificationPrefs(caller.userId), Date.now()) };
}

export async function setPrefs(caller: Caller, input: PrefsInput) {
  if (input.channel !== undefined) {
    if (input.hideContent !== undefined || input.dndEnabled !== undefined || input.dndStartHour || input.dndEndHour) {
      throw new ClientError('invalid_arguments', 'channel');
    }
    await access(caller, input.channel); // another workspace's channel, or a private one the caller is not in: not found
    const change: ChannelPrefsChange = {};
    if (input.level !== undefined) change.level = input.level === 'default' ? null : input.level;
    if (input.muted !== undefined) change.muted = input.muted;
    await table().prefs.setChannelPrefs(caller.userId, input.channel, change);
  } else {
    if (input.level === 'default' || input.muted !== undefined) throw new ClientError('invalid_arguments', input.muted !== undefined ? 'muted' : 'level');
    const change: PrefsChange = {};
    if (input.level !== undefined) change.level = input.level;
    if (input.hideContent !== undefined) change.hideContent = input.hideContent;
    if (input.dndEnabled === false) change.dndWindow = null;
    else if (input.dndEnabled === true || input.dndStartHour || input.dndEndHour) {
      const current = (await table().prefs.notificationPrefs(caller.userId)).dnd;
      change.dndWindow = {
        startMinute: input.dndStartHour ? minuteOfDay(input.dndStartHour, 'dnd_start_hour') : current?.startMinute ?? 22 * 60,
        endMinute: input.dndEndHour ? minuteOfDay(input.dndEndHour, 'dnd_end_hour') : current?.endMinute ?? 8 * 60,
        timezoneOffsetMinutes: input.tzOffset !== undefined ? Math.round(input.tzOffset / 60) : current?.timezoneOffsetMinutes ?? 0,
      };
      if (change.dndWindow.startMinute === change.dndWindow.endMinute) throw new ClientError('invalid_arguments', 'dnd_end_hour');
    }
    await table().prefs.setPrefs(caller.userId, change);
  }
  return getPrefs(caller);
}
