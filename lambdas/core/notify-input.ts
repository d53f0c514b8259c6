import type { ChannelKind } from '../model/entities';
import type { MessageItem } from '../model/service';
import type { MessageForNotify } from './notify';

const users = (v: unknown): string[] => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []).filter((u): u is string => typeof u === 'string');

/**
 * A stored message (a stream image) as shouldNotify reads it for one recipient: its mentions as
 * resolved at send, and, for a reply, whether the recipient started or replied in its thread
 * (`parent`: the thread's parent message, read by the caller).
 */
export function messageForNotify(
  message: Pick<MessageItem, 'channelId' | 'userId' | 'text' | 'ts' | 'threadTs' | 'mentions' | 'broadcast'>,
  channelKind: ChannelKind,
  recipientId: string,
  parent?: Pick<MessageItem, 'userId' | 'replyUsers'>,
): MessageForNotify {
  const isReply = message.threadTs !== message.ts;
  return {
    channelId: message.channelId,
    channelKind,
    userId: message.userId,
    text: message.text,
    ts: message.ts,
    ...(isReply ? { threadTs: message.threadTs } : {}),
    mentionedUserIds: message.mentions ?? [],
    ...(message.broadcast ? { broadcast: message.broadcast } : {}),
    ...(isReply && parent ? { threadParticipant: parent.userId === recipientId || users(parent.replyUsers).includes(recipientId) } : {}),
  };
}
