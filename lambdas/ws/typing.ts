import * as z from 'zod/mini';
import { sendTyping } from '../core/typing';
import { id, parseArgs } from '../shared/schemas';
import { wsHandler } from '../shared/ws-edge';

const TypingFrame = z.object({ channel: id });

/** typing: `user_typing` to the other members connected now. Never stored; no reply. */
export const handler = wsHandler(async (frame, connection) => {
  const { channel } = parseArgs(TypingFrame, frame);
  await sendTyping(connection.caller, channel, connection.connectionId);
  return undefined;
});
