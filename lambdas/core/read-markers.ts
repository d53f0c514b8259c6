import type { Caller } from './caller';
import { memberAccess } from './channels';
import { ClientError } from './errors';
import { table } from './ports';
import { isTs } from './ts';

/**
 * conversations.mark: moves the caller's read marker. The membership change reaches the caller's
 * other devices as channel_marked through the stream; `device` (when known) is skipped.
 */
export async function markRead(caller: Caller, channelId: string, ts: string, device?: string) {
  if (!isTs(ts)) throw new ClientError('invalid_arguments', 'ts');
  await memberAccess(caller, channelId);
  if (!(await table().memberships.markRead(channelId, caller.userId, ts, device))) throw new ClientError('not_in_channel');
  return {};
}
