import { createHash } from 'node:crypto';
import { permalink } from '../core/permalink';
import { table } from '../core/ports';
import type { ChannelItem } from '../model/service';
import type { SearchHit } from './search-index';

/** Slack's per-match id: a UUID-shaped digest of the message's coordinates, stable across calls. */
function iid(channelId: string, ts: string): string {
  const h = createHash('sha1').update(`${channelId}/${ts}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The channel as search results carry it (Slack's short form). */
function matchChannel(channelId: string, channel: ChannelItem | undefined, callerId: string): Record<string, unknown> {
  const kind = channel?.kind ?? 'public';
  const dmUsers = channel?.dmUsers ?? [];
  return {
    id: channelId,
    name: channel?.name ?? channelId,
    is_channel: kind === 'public',
    is_group: kind === 'private',
    is_im: kind === 'im',
    is_mpim: kind === 'mpim',
    is_private: kind !== 'public',
    is_shared: false,
    is_org_shared: false,
    is_ext_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    ...(kind === 'im' ? { user: dmUsers.find((u) => u !== callerId) ?? callerId } : {}),
  };
}

/** Slack's `messages.matches[]` for one page of hits: channel names and user handles read in two batches. */
export async function toMatches(hits: SearchHit[], teamId: string, callerId: string): Promise<Array<Record<string, unknown>>> {
  if (hits.length === 0) return [];
  const channelIds = [...new Set(hits.map((h) => h.channelId))];
  const userIds = [...new Set(hits.map((h) => h.userId))];
  const [channelById, nameById] = await Promise.all([table().channels.byIds(channelIds), table().users.namesOf(teamId, userIds)]);
  return hits.map((h) => ({
    iid: iid(h.channelId, h.ts),
    team: teamId,
    channel: matchChannel(h.channelId, channelById.get(h.channelId), callerId),
    type: 'message',
    user: h.userId,
    username: nameById.get(h.userId) ?? h.userId,
    ts: h.ts,
    ...(h.threadTs !== h.ts ? { thread_ts: h.threadTs } : {}),
    text: h.text,
    blocks: [],
    permalink: permalink(h.channelId, h.ts, h.threadTs),
    score: h.score,
    no_reactions: !h.hasReaction,
    ...(h.editedBy && h.editedTs ? { edited: { user: h.editedBy, ts: h.editedTs } } : {}),
  }));
}
