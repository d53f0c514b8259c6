import { ulid } from 'ulid';
import type { Caller } from './caller';
import { checkRichContent } from './blocks';
import { jsonBytes, LIVE_EVENT_BYTES } from './budgets';
import { memberAccess } from './channels';
import { ClientError } from './errors';
import { checkText, hasRich, storedText } from './messages';
import { table } from './ports';
import { takeMessageToken } from './rate-limit';
import { isTs } from './ts';

/** How long an ephemeral message's item stays (TTL): it exists only for the stream record that carries it. */
const EPHEMERAL_SECONDS = 60 * 60;
/** Room for the event's other fields (ids, ts, channel) beside its text, blocks and attachments. */
const EVENT_ENVELOPE_BYTES = 2 * 1024;

export interface EphemeralInput {
  channelId: string;
  user: string;
  text: string;
  blocks?: unknown;
  attachments?: unknown;
  threadTs?: string;
}

/**
 * chat.postEphemeral: a message only `user` sees, on the devices they have online now; never in
 * history or an inbox, so a device that is offline never gets it (as in Slack). Both the caller and
 * the user must be members (`not_in_channel`, `user_not_in_channel`). One item write: the fan-out
 * delivers it from the stream (lambdas/core/events.ts), so the Web API needs no @connections access.
 */
export async function postEphemeral(caller: Caller, input: EphemeralInput) {
  const rich = checkRichContent(input.blocks, input.attachments);
  checkText(input.text, hasRich(rich));
  const { channel } = await memberAccess(caller, input.channelId);
  if (channel.archived === true) throw new ClientError('is_archived');
  if (input.user !== caller.userId && !(await table().memberships.get(input.channelId, input.user))) throw new ClientError('user_not_in_channel');
  if (input.threadTs !== undefined && !isTs(input.threadTs)) throw new ClientError('thread_not_found');
  const text = storedText(input.text, rich);
  // It is never stored for reading, so it must reach the device whole: a reference (body_omitted) would point at nothing.
  if (jsonBytes({ text, blocks: rich.blocksJson, attachments: rich.attachmentsJson }) > LIVE_EVENT_BYTES - EVENT_ENVELOPE_BYTES) throw new ClientError('msg_too_long');
  await takeMessageToken(caller.userId, input.channelId);
  const ts = ulid();
  await table().ephemeral.put({
    channelId: input.channelId, ts, userId: caller.userId, toUserId: input.user, text,
    ...(input.threadTs ? { threadTs: input.threadTs } : {}),
    ...(rich.blocksJson ? { blocks: rich.blocksJson } : {}),
    ...(rich.attachmentsJson ? { attachments: rich.attachmentsJson } : {}),
    expiresAt: Math.floor(Date.now() / 1000) + EPHEMERAL_SECONDS,
  });
  return { message_ts: ts };
}
