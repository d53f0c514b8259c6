import type { MessageItem } from '../model/service';
import type { TsRange } from '../model/messages';
import { HTTP_PAGE_BYTES } from './budgets';
import { table } from './ports';

/** A channel's pages hold its channel-level messages: thread replies only when broadcast. */
export const isChannelLevel = (m: MessageItem) => m.threadTs === m.ts || m.replyBroadcast === true;

/**
 * conversations.history's read of the table: a channel's channel-level messages in `range`, newest
 * first, at most `count` and what HTTP_PAGE_BYTES holds; `below` leaves out that ts and above.
 */
export function newestChannelPage(channelId: string, range: TsRange, count: number, below?: string): Promise<MessageItem[]> {
  return table().messages.newestFirst(channelId, range, {
    limit: count,
    maxBytes: HTTP_PAGE_BYTES,
    keep: (m) => isChannelLevel(m) && (below === undefined || m.ts < below),
  });
}
