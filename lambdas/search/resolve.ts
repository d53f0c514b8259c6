import type { Caller } from '../core/caller';
import { dmChannelId } from '../core/channels';
import { table } from '../core/ports';
import type { ChannelRef, ParsedQuery, UserRef } from './query-language';
import type { ResolvedQuery } from './search-index';

/** The workspace's users by handle, read once per query and only when a from:/in: names someone. */
async function usersByName(teamId: string): Promise<Map<string, string>> {
  const users = await table().users.page(teamId, undefined, 100_000);
  return new Map(users.map((u) => [u.name.toLowerCase(), u.userId]));
}

/**
 * Turns the names of a parsed query into ids, within the caller's workspace, and narrows the
 * conversations to those the caller may read. A name that names nothing matches nothing.
 */
export async function resolveQuery(caller: Caller, q: ParsedQuery, readable: string[]): Promise<ResolvedQuery> {
  let names: Promise<Map<string, string>> | undefined;
  const userId = async (ref: UserRef): Promise<string | undefined> => {
    if (ref.kind === 'me') return caller.userId;
    if (ref.kind === 'id') return ref.id;
    names ??= usersByName(caller.teamId);
    return (await names).get(ref.name);
  };
  const channelId = async (ref: ChannelRef): Promise<string | undefined> => {
    if (ref.kind === 'id') return ref.id;
    if (ref.kind === 'dm') {
      const other = await userId(ref.user);
      return other && dmChannelId('im', [...new Set([caller.userId, other])].sort());
    }
    return table().channels.idByName(caller.teamId, ref.name);
  };

  const defined = (ids: Array<string | undefined>) => ids.filter((id): id is string => id !== undefined);
  let channelIds = readable;
  if (q.channels.length > 0) {
    const wanted = new Set(defined(await Promise.all(q.channels.map(channelId))));
    channelIds = readable.filter((id) => wanted.has(id));
  }
  const userIds = q.authors.length > 0 ? defined(await Promise.all(q.authors.map(userId))) : undefined;
  return {
    words: q.words, phrases: q.phrases, excluded: q.excluded, prefixLast: q.prefixLast,
    teamId: caller.teamId, channelIds, userIds,
    since: q.since, until: q.until, hasLink: q.hasLink, hasReaction: q.hasReaction, isThread: q.isThread,
  };
}
