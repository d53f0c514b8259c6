import * as z from 'zod/mini';
import { syncSince } from '../core/sync';
import { optionalText, parseArgs } from '../shared/schemas';
import { wsHandler } from '../shared/ws-edge';

const SyncFrame = z.object({ since: optionalText(256) });

/** sync: the events this device missed since its cursor (PROTOCOL.md). */
export const handler = wsHandler(async (frame, { caller }) => {
  const { since } = parseArgs(SyncFrame, frame);
  return { type: 'sync', ...(await syncSince(caller, since)) };
});
