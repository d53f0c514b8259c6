import { withFileUrls } from '../adapters/media';
import { ClientError } from './errors';
import { toSlackMessage } from './format';
import type { Caller } from './caller';
import { memberAccess } from './channels';
import { noteChange } from './hot-pages';
import { liveMessage } from './message-edits';
import { table } from './ports';

/** Slack's emoji names: lower-case letters, digits, `_ + - '`, an optional skin tone. */
const REACTION_NAME = /^[a-z0-9_+'-]{1,64}(::skin-tone-[2-6])?$/;

/*
 * Names every plain object already answers to (`__proto__`, `constructor`, ...). A reaction is a key
 * of the stored map, and the SDKs' unmarshalling builds plain objects: under `__proto__` a reaction
 * is lost (or, in the Streams client, its value is, which broke the local poller), so no emoji may
 * be named like one. `prototype` is a function's, refused as well for the same reason.
 */
const OBJECT_PROPERTY_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

export function checkReactionName(name: string): string {
  const bare = name.replace(/^:|:$/g, '');
  if (!REACTION_NAME.test(bare) || OBJECT_PROPERTY_NAMES.has(bare)) throw new ClientError('invalid_name');
  return bare;
}

async function changeReaction(caller: Caller, channelId: string, ts: string, rawName: string, adding: boolean) {
  const name = checkReactionName(rawName);
  const { channel } = await memberAccess(caller, channelId);
  await liveMessage(channelId, ts);
  const changed = adding
    ? await table().messages.addReaction(channelId, ts, name, caller.userId)
    : await table().messages.removeReaction(channelId, ts, name, caller.userId);
  if (!changed) {
    await liveMessage(channelId, ts);
    throw new ClientError(adding ? 'already_reacted' : 'no_reaction');
  }
  await noteChange(channel);
  return {};
}

export const addReaction = (caller: Caller, channelId: string, ts: string, name: string) => changeReaction(caller, channelId, ts, name, true);
export const removeReaction = (caller: Caller, channelId: string, ts: string, name: string) => changeReaction(caller, channelId, ts, name, false);

/** reactions.get: the message with its reactions (`full` is accepted: every reacting user is always listed). */
export async function getReactions(caller: Caller, channelId: string, ts: string) {
  await memberAccess(caller, channelId);
  const message = await liveMessage(channelId, ts);
  return withFileUrls({ type: 'message', channel: channelId, message: toSlackMessage(message) });
}
