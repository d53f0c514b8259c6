import type { Caller } from './caller';
import { memberAccess } from './channels';
import { ClientError } from './errors';
import { table } from './ports';
import { permalink } from './permalink';
import { isTs } from './ts';

/** chat.getPermalink: members only; a missing (or deleted) message is `message_not_found`. */
export async function getPermalink(caller: Caller, channelId: string, messageTs: string) {
  await memberAccess(caller, channelId);
  const message = isTs(messageTs) ? await table().messages.get(channelId, messageTs) : undefined;
  if (!message) throw new ClientError('message_not_found');
  return { channel: channelId, permalink: permalink(channelId, message.ts, message.threadTs ?? message.ts) };
}
