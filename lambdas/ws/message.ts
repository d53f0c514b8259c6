import * as z from 'zod/mini';
import { postMessage } from '../core/messages';
import { flag, id, optionalText, parseArgs, textOrEmpty } from '../edge/schemas';
import { wsHandler } from '../edge/ws-edge';

const MessageFrame = z.object({
  channel: id,
  text: textOrEmpty(200_000),
  client_msg_id: optionalText(256),
  thread_ts: optionalText(64),
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
