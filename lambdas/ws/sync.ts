import { z } from 'zod';
import { syncSince } from '../core/sync';
import { parseArgs } from '../shared/schemas';
import { wsHandler } from '../shared/ws-edge';

const SyncFrame = z.object({ since: z.string().max(256).optional() });

/** sync: the events this device missed since its cursor (PROTOCOL.md). */
export const handler = wsHandler(async (frame, { caller }) => {
  const { since } = parseArgs(SyncFrame, frame);
  return { type: 'sync', ...(await syncSince(caller, since)) };
});
