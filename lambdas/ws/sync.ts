import * as z from 'zod/mini';
import { syncSince } from '../core/sync';
import { optionalText, parseArgs } from '../edge/schemas';
import { wsHandler } from '../edge/ws-edge';
import { takeRouteToken } from '../core/rate-limit';

const SyncFrame = z.object({ since: optionalText(256) });

/** sync: the events this device missed since its cursor (PROTOCOL.md). */
export const handler = wsHandler(async (frame, { caller }) => {
  const { since } = parseArgs(SyncFrame, frame);
  await takeRouteToken(caller.userId, 'sync');
  return { type: 'sync', ...(await syncSince(caller, since)) };
});
