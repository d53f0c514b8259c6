import type { Caller } from './caller';
import { ClientError } from './errors';
import { nextDndWindow, type NotificationPrefs } from './notify';
import { table } from './ports';
import { getUser } from './users';

/*
 * Slack's dnd.* methods over the caller's preferences: a snooze (until a time) and the daily
 * window set with users.prefs.set. Times in responses are epoch seconds; snooze_remaining is seconds.
 */

/** A week: Slack refuses longer snoozes with too_long. */
const MAX_SNOOZE_MINUTES = 7 * 24 * 60;
const seconds = (ms: number) => Math.floor(ms / 1000);

/** dnd.info's fields for these preferences at `now`. */
export function dndInfoOf(prefs: NotificationPrefs, now: number) {
  const window = nextDndWindow(prefs.dnd, now);
  const snoozeUntil = prefs.dnd?.snoozeUntil;
  const snoozed = snoozeUntil !== undefined && snoozeUntil > now;
  return {
    dnd_enabled: window !== undefined,
    // Slack answers 1 for both when no window is set.
    next_dnd_start_ts: window ? seconds(window.start) : 1,
    next_dnd_end_ts: window ? seconds(window.end) : 1,
    snooze_enabled: snoozed,
    ...(snoozed ? { snooze_endtime: seconds(snoozeUntil), snooze_remaining: seconds(snoozeUntil - now), snooze_is_indefinite: false } : {}),
  };
}

/** dnd.info: the caller's, or (schedule only, as Slack) another user's of the workspace. */
export async function dndInfo(caller: Caller, userId?: string) {
  if (userId && userId !== caller.userId) {
    await getUser(caller, userId);
    const { dnd_enabled, next_dnd_start_ts, next_dnd_end_ts } = dndInfoOf(await table().prefs.notificationPrefs(userId), Date.now());
    return { dnd_enabled, next_dnd_start_ts, next_dnd_end_ts };
  }
  return dndInfoOf(await table().prefs.notificationPrefs(caller.userId), Date.now());
}

/** dnd.setSnooze: starts a snooze, or changes its end, num_minutes from now. */
export async function setSnooze(caller: Caller, numMinutes: number | undefined) {
  if (numMinutes === undefined) throw new ClientError('missing_duration');
  if (numMinutes < 1) throw new ClientError('invalid_arguments', 'num_minutes');
  if (numMinutes > MAX_SNOOZE_MINUTES) throw new ClientError('too_long');
  const now = Date.now();
  const until = now + numMinutes * 60_000;
  await table().prefs.setSnooze(caller.userId, until);
  return { snooze_enabled: true, snooze_endtime: seconds(until), snooze_remaining: seconds(until - now), snooze_is_indefinite: false };
}

/** dnd.endSnooze: snooze_not_active unless snoozed. */
export async function endSnooze(caller: Caller) {
  const prefs = await table().prefs.notificationPrefs(caller.userId);
  const now = Date.now();
  if (!((prefs.dnd?.snoozeUntil ?? 0) > now)) throw new ClientError('snooze_not_active');
  await table().prefs.setSnooze(caller.userId, undefined);
  const { dnd_enabled, next_dnd_start_ts, next_dnd_end_ts } = dndInfoOf(prefs, now);
  return { dnd_enabled, next_dnd_start_ts, next_dnd_end_ts, snooze_enabled: false };
}

/**
 * dnd.endDnd: ends Do Not Disturb now: the snooze, and the daily window (there is no "skip today"
 * here; users.prefs.set dnd_enabled=true sets it again).
 */
export async function endDnd(caller: Caller) {
  await Promise.all([
    table().prefs.setSnooze(caller.userId, undefined),
    table().prefs.setPrefs(caller.userId, { dndWindow: null }),
  ]);
  return {};
}
