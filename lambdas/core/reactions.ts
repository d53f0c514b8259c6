import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '../adapters/clients';
import { ClientError } from './errors';
import type { Caller } from './caller';
import { memberAccess } from './channels';
import { liveMessage } from './message-edits';
import { isConditionFailure } from './store';

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

/*
 * Reactions are string sets under `reactions.<name>`: ADD and DELETE of set members are atomic,
 * so concurrent reactions never lose one, and the condition makes a repeat a clear error.
 */

async function changeReaction(caller: Caller, channelId: string, ts: string, rawName: string, adding: boolean) {
  const name = checkReactionName(rawName);
  await memberAccess(caller, channelId);
  await liveMessage(channelId, ts);
  const update = (expression: string, condition: string, extra: Record<string, unknown> = {}) =>
    dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: `CH#${channelId}`, sk: `MSG#${ts}` },
        UpdateExpression: expression,
        ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(deleted) OR deleted = :no) AND ${condition}`,
        ExpressionAttributeNames: { '#name': name },
        ExpressionAttributeValues: { ':user': new Set([caller.userId]), ':userId': caller.userId, ':no': false, ...extra },
      }),
    );
  try {
    if (adding) {
      try {
        await update('ADD reactions.#name :user', '(attribute_not_exists(reactions.#name) OR NOT contains(reactions.#name, :userId))');
      } catch (error) {
        // The message has no reactions map yet: create it with this reaction, unless another writer just did.
        if ((error as Error).name !== 'ValidationException') throw error;
        await dynamo().send(
          new UpdateCommand({
            TableName: tableName(), Key: { pk: `CH#${channelId}`, sk: `MSG#${ts}` },
            UpdateExpression: 'SET reactions = :map',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(reactions)',
            // A Map rather than an object keyed by the user's string (the name check above is what keeps the SDK's own marshalling safe).
            ExpressionAttributeValues: { ':map': new Map([[name, new Set([caller.userId])]]) },
          }),
        ).catch(async (raced) => {
          if (!isConditionFailure(raced)) throw raced;
          await update('ADD reactions.#name :user', '(attribute_not_exists(reactions.#name) OR NOT contains(reactions.#name, :userId))');
        });
      }
    } else {
      await update('DELETE reactions.#name :user', 'contains(reactions.#name, :userId)');
    }
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    await liveMessage(channelId, ts);
    throw new ClientError(adding ? 'already_reacted' : 'no_reaction');
  }
  return {};
}

export const addReaction = (caller: Caller, channelId: string, ts: string, name: string) => changeReaction(caller, channelId, ts, name, true);
export const removeReaction = (caller: Caller, channelId: string, ts: string, name: string) => changeReaction(caller, channelId, ts, name, false);
