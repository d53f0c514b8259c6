import * as z from 'zod/mini';
import { sendTyping } from '../core/typing';
import { id, parseArgs } from '../edge/schemas';
import { wsHandler } from '../edge/ws-edge';
import { RateLimited } from '../core/errors';
import { takeRouteToken } from '../core/rate-limit';

const TypingFrame = z.object({ channel: id });

/**
 * typing: `user_typing` to the other members connected now. Never stored; no reply. Over the user's
 * budget the frame is dropped without a word: typing repeats every few seconds, so nothing is lost.
 */
export const handler = wsHandler(async (frame, connection) => {
  const { channel } = parseArgs(TypingFrame, frame);
  try {
    await takeRouteToken(connection.caller.userId, 'typing');
  } catch (error) {
    if (error instanceof RateLimited) return undefined;
    throw error;
  }
  await sendTyping(connection.caller, channel, connection.connectionId);
  return undefined;
});
