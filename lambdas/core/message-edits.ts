import { ulid } from 'ulid';
import { withFileUrls } from '../adapters/media';
import type { MessageItem } from '../model/service';
import type { Caller } from './caller';
import { memberAccess } from './channels';
import { ClientError } from './errors';
import { toSlackMessage } from './format';
import { checkRichContent } from './blocks';
import { checkText, hasRich, resolveMentions, storedText } from './messages';
import { noteChange } from './hot-pages';
import { table } from './ports';
import { isTs } from './ts';

/** A message members can act on: present and not a tombstone. */
export async function liveMessage(channelId: string, ts: string): Promise<MessageItem> {
  if (!isTs(ts)) throw new ClientError('message_not_found');
  const message = await table().messages.get(channelId, ts);
  if (!message || message.deleted === true) throw new ClientError('message_not_found');
  return message;
}

/** A chat.update argument given (a form's empty field is not). */
const given = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * chat.update: the author changes the text, and the blocks or attachments if given (an empty array
 * removes them; left out, they are kept, as Slack does); members get message_changed with the
 * previous message. An archived channel's messages no longer change (`is_archived`).
 */
export async function updateMessage(caller: Caller, channelId: string, ts: string, text: string, blocks?: unknown, attachments?: unknown) {
  const { channel } = await memberAccess(caller, channelId);
  if (channel.archived === true) throw new ClientError('is_archived');
  const message = await liveMessage(channelId, ts);
  // A topic or purpose announcement is the system's record of the change, not the author's text.
  if (message.userId !== caller.userId || message.subtype !== undefined) throw new ClientError('cant_update_message');
  const rich = checkRichContent(given(blocks) ? blocks : undefined, given(attachments) ? attachments : undefined);
  const next = {
    blocksJson: given(blocks) ? rich.blocksJson : message.blocks,
    attachmentsJson: given(attachments) ? rich.attachmentsJson : message.attachments,
  };
  checkText(text, (Array.isArray(message.files) && message.files.length > 0) || hasRich(next));
  const newText = storedText(text, next);
  const updated = await table().messages.updateContent(channelId, ts, caller.userId, {
    text: newText,
    blocks: given(blocks) ? (rich.blocksJson ?? null) : undefined,
    attachments: given(attachments) ? (rich.attachmentsJson ?? null) : undefined,
  }, ulid(), await resolveMentions(channel, caller.userId, newText));
  if (!updated) throw new ClientError('message_not_found');
  await noteChange(channel);
  return withFileUrls({ channel: channelId, ts, text: newText, message: toSlackMessage(updated) });
}

/**
 * chat.delete: the author removes a message. A thread parent with replies stays as a tombstone so
 * its thread can still be read (as Slack does); a deleted reply lowers its parent's reply count.
 */
export async function deleteMessage(caller: Caller, channelId: string, ts: string) {
  const { channel } = await memberAccess(caller, channelId);
  const message = await liveMessage(channelId, ts);
  if (message.userId !== caller.userId) throw new ClientError('cant_delete_message');
  const isReply = message.threadTs !== message.ts;
  if (!isReply && (message.replyCount ?? 0) > 0) {
    if (!(await table().messages.tombstone(channelId, ts, caller.userId))) throw new ClientError('message_not_found');
    await noteChange(channel);
    return { channel: channelId, ts };
  }
  const outcome = await table().messages.remove(channelId, ts, caller.userId, isReply ? message.threadTs : undefined);
  if (outcome === 'not_found') throw new ClientError('message_not_found');
  // The parent is gone: delete the reply alone.
  if (outcome === 'parent_gone' && (await table().messages.remove(channelId, ts, caller.userId)) === 'not_found') throw new ClientError('message_not_found');
  await noteChange(channel);
  return { channel: channelId, ts };
}
