/*
 * Slack's mention syntax in message text: `<@U123>` or `<@U123|name>` for a user, and `<!here>`,
 * `<!channel>`, `<!everyone>` (each optionally `<!here|@here>`) for a broadcast. Parsing is pure;
 * which mentions count is decided at send against the conversation (resolveMentions in messages).
 */

export type Broadcast = 'here' | 'channel' | 'everyone';

export interface ParsedMentions {
  /** Mentioned user ids, each once, in order of first appearance. */
  userIds: string[];
  /** The widest broadcast in the text (everyone > channel > here), if any. */
  broadcast?: Broadcast;
}

/** Slack user ids: U or W then upper-case letters and digits. */
const USER_MENTION = /<@([UW][A-Z0-9]{1,40})(?:\|[^>]*)?>/g;
const BROADCAST_MENTION = /<!(here|channel|everyone)(?:\|[^>]*)?>/g;
const WIDTH: Record<Broadcast, number> = { here: 1, channel: 2, everyone: 3 };

/** At most this many user mentions count per message; more are kept in the text only. */
export const MAX_MENTIONS = 100;

export function parseMentions(text: string): ParsedMentions {
  const userIds: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(USER_MENTION)) {
    const id = match[1];
    if (seen.has(id)) continue;
    seen.add(id);
    if (userIds.length < MAX_MENTIONS) userIds.push(id);
  }
  let broadcast: Broadcast | undefined;
  for (const match of text.matchAll(BROADCAST_MENTION)) {
    const b = match[1] as Broadcast;
    if (!broadcast || WIDTH[b] > WIDTH[broadcast]) broadcast = b;
  }
  return broadcast ? { userIds, broadcast } : { userIds };
}

/**
 * Who may broadcast: anyone in a conversation of up to this many members; past it, only the
 * conversation's creator (a `<!channel>` there stays in the text but notifies and counts for no one).
 */
export const BROADCAST_OPEN_MEMBERS = 100;

export function broadcastAllowed(channel: { memberCount?: number; creator?: string }, authorId: string): boolean {
  return (channel.memberCount ?? 0) <= BROADCAST_OPEN_MEMBERS || channel.creator === authorId;
}

/** Whether a message's stored mentions reach this user (their own messages never do). */
export function mentionsUser(message: { userId: string; mentions?: string[]; broadcast?: Broadcast }, userId: string): boolean {
  if (message.userId === userId) return false;
  return message.broadcast !== undefined || (message.mentions ?? []).includes(userId);
}
