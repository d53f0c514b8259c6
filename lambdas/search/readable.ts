import { channelIdsOfUser } from '../core/connections';
import { table } from '../core/ports';

/** Enough for "a team of a few thousand people": past it the search covers the first ones only. */
const MAX_PUBLIC_CHANNELS = 20_000;

/**
 * The conversations a caller may search, read from the table at query time (never from the index):
 * the workspace's public channels, and every conversation they are a member of (private channels,
 * DMs, group DMs). A leave or a kick removes the membership, so the next search no longer covers it.
 */
export async function readableChannelIds(userId: string, teamId: string): Promise<string[]> {
  const [member, publicChannels] = await Promise.all([
    channelIdsOfUser(userId),
    table().channels.publicPage(teamId, undefined, MAX_PUBLIC_CHANNELS),
  ]);
  return [...new Set([...member, ...publicChannels.map((c) => c.channelId)])];
}
