import type { State } from './types';

/* Typing indicators: never stored by the server, so each one expires on its own. */

type Typing = State['typing'];

/** How long a `user_typing` keeps someone shown as typing. */
export const TYPING_MS = 6000;

export function startTyping(typing: Typing, channel: string, user: string, now: number): Typing {
  return { ...typing, [channel]: { ...typing[channel], [user]: now + TYPING_MS } };
}

/** Typing stops when that person's message lands. */
export function stopTyping(typing: Typing, channel: string, user: string): Typing {
  return typing[channel]?.[user] ? { ...typing, [channel]: { ...typing[channel], [user]: 0 } } : typing;
}

/** The indicators still live at `now`; the same object when none expired. */
export function expireTyping(typing: Typing, now: number): Typing {
  let changed = false;
  const live: Typing = {};
  for (const [channel, users] of Object.entries(typing)) {
    const still = Object.fromEntries(Object.entries(users).filter(([, until]) => until > now));
    if (Object.keys(still).length !== Object.keys(users).length) changed = true;
    if (Object.keys(still).length) live[channel] = still;
  }
  return changed ? live : typing;
}

/** Who is typing in a channel at `now`. */
export const typingIn = (typing: Typing, channel: string, now: number) => Object.entries(typing[channel] ?? {}).filter(([, until]) => until > now).map(([user]) => user);
