import type { Caller } from './caller';
import { access, checkChannelName, memberAccess } from './channels';
import { ClientError } from './errors';
import { toSlackChannel } from './format';
import { storeMessage } from './messages';
import { table } from './ports';

/*
 * A channel's settings: topic, purpose, name, archived. Members change them (Slack's default
 * permissions); each change is one write to the channel's META item, and the fan-out turns that
 * write into channel_rename / channel_archive / channel_unarchive (group_* for private channels) for
 * the members (lambdas/core/events.ts). A topic or purpose change is also a message in the channel
 * (subtype channel_topic / channel_purpose), as in Slack, so history shows it.
 */

/** Slack's limit on a topic or a purpose, in characters. */
export const MAX_TOPIC = 250;

const isDm = (kind: string) => kind === 'im' || kind === 'mpim';

async function setTopicOrPurpose(caller: Caller, channelId: string, field: 'topic' | 'purpose', value: string) {
  if ([...value].length > MAX_TOPIC) throw new ClientError('too_long');
  const { channel } = await memberAccess(caller, channelId);
  if (channel.archived === true) throw new ClientError('is_archived');
  const updated = await table().channels.setTopicOrPurpose(channelId, field, value, caller.userId, Math.floor(Date.now() / 1000));
  if (!updated) throw new ClientError('channel_not_found');
  const text = value === '' ? `cleared the channel ${field}` : `set the channel ${field}: ${value}`;
  await storeMessage(caller, { channelId, text, subtype: `channel_${field}`, tokenTaken: true });
  return { channel: toSlackChannel(updated, { membership: {} }) };
}

/** conversations.setTopic */
export const setTopic = (caller: Caller, channelId: string, topic: string) => setTopicOrPurpose(caller, channelId, 'topic', topic);
/** conversations.setPurpose */
export const setPurpose = (caller: Caller, channelId: string, purpose: string) => setTopicOrPurpose(caller, channelId, 'purpose', purpose);

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
