import * as z from 'zod/mini';
import { fitEvent, jsonBytes, LIVE_EVENT_BYTES, type Json } from '../core/budgets';
import { messageEvent } from '../core/events';
import { postMessage } from '../core/messages';
import { flag, id, optionalFlag, optionalText, parseArgs, textOrEmpty } from '../edge/schemas';
import { wsHandler } from '../edge/ws-edge';

const MessageFrame = z.object({
  channel: id,
  text: textOrEmpty(200_000),
  client_msg_id: optionalText(256),
  thread_ts: optionalText(64),
  reply_broadcast: flag,
  /** false: the ack carries the message's event and this connection gets no echo of it (one frame less). */
  echo: optionalFlag,
});

/** Room in the ack for its own fields beside the event (type, reply_to, channel, ts). */
const ACK_ENVELOPE_BYTES = 512;

/**
 * message: the same send path as chat.postMessage; acknowledged once stored. With `echo: false` the
 * ack carries the message's event (the event_id every delivery of it has), and the fan-out posts
 * this connection no copy: the ack is the echo.
 */
export const handler = wsHandler(async (frame, { caller, connectionId }) => {
  const args = parseArgs(MessageFrame, frame);
  const noEcho = args.echo === false;
  const posted = await postMessage(caller, {
    channelId: args.channel, text: args.text, clientMsgId: args.client_msg_id, threadTs: args.thread_ts, replyBroadcast: args.reply_broadcast,
    ...(noEcho ? { ackedTo: connectionId } : {}),
  });
  if (!noEcho) return { type: 'ack', channel: posted.channel, ts: posted.ts };
  // As the fan-out would post it: whole, or as its reference (body_omitted) when the ack would pass 128 KB.
  const event = fitEvent(messageEvent(posted.channel, posted.message) as Json, LIVE_EVENT_BYTES - ACK_ENVELOPE_BYTES - jsonBytes(frame.id ?? ''));
  return { type: 'ack', channel: posted.channel, ts: posted.ts, event };
});
