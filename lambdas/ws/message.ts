import { z } from 'zod';
import { postMessage } from '../core/messages';
import { flag, id, parseArgs } from '../shared/schemas';
import { wsHandler } from '../shared/ws-edge';

const MessageFrame = z.object({
  channel: id,
  text: z.string().max(200_000).optional().default(''),
  client_msg_id: z.string().max(256).optional(),
  thread_ts: z.string().max(64).optional(),
  reply_broadcast: flag,
});

/** message: the same send path as chat.postMessage; acknowledged once stored. */
export const handler = wsHandler(async (frame, { caller }) => {
  const args = parseArgs(MessageFrame, frame);
  const posted = await postMessage(caller, {
    channelId: args.channel, text: args.text, clientMsgId: args.client_msg_id, threadTs: args.thread_ts, replyBroadcast: args.reply_broadcast,
  });
  return { type: 'ack', channel: posted.channel, ts: posted.ts };
});
