import type { Caller } from './caller';
import { access, checkChannelName, memberAccess } from './channels';
import { ClientError } from './errors';
import { toSlackChannel } from './format';
import { table } from './ports';

/*
 * A channel's name and archived state (topic and purpose: setChannelAbout in ./channels.ts). Members
 * change them (Slack's default permissions); each change is one write to the channel's META item,
 * and the fan-out turns that write into channel_rename / channel_archive / channel_unarchive
 * (group_* for private channels) for the members (lambdas/core/events.ts).
 */

const isDm = (kind: string) => kind === 'im' || kind === 'mpim';

/** conversations.rename: Slack's name rules and `name_taken`; DMs have no name to change. */
export async function renameChannel(caller: Caller, channelId: string, name: string) {
  const { channel } = await memberAccess(caller, channelId);
  if (isDm(channel.kind)) throw new ClientError('method_not_supported_for_channel_type');
  if (channel.archived === true) throw new ClientError('is_archived');
  checkChannelName(name);
  if (name !== channel.name && (await table().channels.rename(channel, name)) === 'name_taken') throw new ClientError('name_taken');
  const found = await access(caller, channelId);
  return { channel: toSlackChannel(found.channel, { membership: found.membership }) };
}

/** conversations.archive: the channel stays readable; posts, joins and invites are refused with `is_archived`. */
export async function archiveChannel(caller: Caller, channelId: string) {
  const { channel } = await memberAccess(caller, channelId);
  if (isDm(channel.kind)) throw new ClientError('method_not_supported_for_channel_type');
  if (!(await table().channels.setArchived(channelId, true, caller.userId))) throw new ClientError('already_archived');
  return {};
}

/** conversations.unarchive */
export async function unarchiveChannel(caller: Caller, channelId: string) {
  const { channel } = await memberAccess(caller, channelId);
  if (isDm(channel.kind)) throw new ClientError('method_not_supported_for_channel_type');
  if (!(await table().channels.setArchived(channelId, false, caller.userId))) throw new ClientError('not_archived');
  return {};
}
