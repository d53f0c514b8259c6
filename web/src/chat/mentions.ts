import type { Channel, Message, User } from './types';

/*
 * Mentions as the client sees them: whether a live message mentions the reader (the mention badge
 * moves by one, as the server's mention_count would), and turning `@name` typed in the composer into
 * Slack's `<@U…>` (and `@here`/`@channel`/`@everyone` into `<!here>`…) before sending.
 */

const BROADCAST = /<!(here|channel|everyone)(?:\|[^>]*)?>/;

/** The broadcast in a text, if any (the widest). */
export function broadcastIn(text: string): 'here' | 'channel' | 'everyone' | undefined {
  const found = new Set([...text.matchAll(new RegExp(BROADCAST, 'g'))].map((m) => m[1]));
  return found.has('everyone') ? 'everyone' : found.has('channel') ? 'channel' : found.has('here') ? 'here' : undefined;
}

/** Whether the text mentions this user. */
export const textMentions = (text: string, userId: string) => text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`);

/**
 * Whether a message counts as a mention of the reader: someone else's, and in a DM or group DM, or
 * naming them, or a broadcast. (The server's count also drops broadcasts it did not allow; the next
 * conversations.info settles that.)
 */
export function mentionsMe(channel: Channel | undefined, m: Pick<Message, 'user' | 'text'>, me: string): boolean {
  if (m.user === me) return false;
  if (channel?.is_im || channel?.is_mpim) return true;
  return textMentions(m.text, me) || broadcastIn(m.text) !== undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `@name` (a user's handle, at the start or after a space, any case) as `<@id>`; `@here`,
 * `@channel`, `@everyone` as Slack's broadcasts. Text in backticks is left as typed.
 */
export function encodeMentions(text: string, users: User[]): string {
  const byName = new Map<string, string>();
  for (const u of users) if (u.name) byName.set(u.name.toLowerCase(), u.id);
  const names = [...byName.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(`(^|[\\s(])@(here|channel|everyone${names.length ? `|${names.join('|')}` : ''})(?=$|[\\s.,:;!?)])`, 'gi');
  return text.split(/(`[^`]*`)/).map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1 ? part : part.replace(pattern, (_all, before: string, name: string) => {
    const lower = name.toLowerCase();
    if (lower === 'here' || lower === 'channel' || lower === 'everyone') return `${before}<!${lower}>`;
    const id = byName.get(lower);
    return id ? `${before}<@${id}>` : `${before}@${name}`;
  }))).join('');
}
