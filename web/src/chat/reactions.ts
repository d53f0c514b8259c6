import type { Message } from './types';

/** The message with `user`'s reaction `name` added or removed; adding twice or removing twice changes nothing. */
export function withReaction(m: Message, name: string, user: string, add: boolean): Message {
  const reactions = (m.reactions ?? []).map((r) => ({ ...r, users: [...r.users] }));
  let r = reactions.find((x) => x.name === name);
  if (!r && add) reactions.push((r = { name, count: 0, users: [] }));
  if (!r) return m;
  if (add && !r.users.includes(user)) r.users.push(user);
  if (!add) r.users = r.users.filter((u) => u !== user);
  r.count = r.users.length;
  return { ...m, reactions: reactions.filter((x) => x.count > 0) };
}
