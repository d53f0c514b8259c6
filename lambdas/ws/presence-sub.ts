import * as z from 'zod/mini';
import { id, parseArgs } from '../shared/schemas';
import { wsHandler } from '../shared/ws-edge';

const PresenceSubFrame = z.object({ users: z.array(id).check(z.maxLength(500)) });

/** presence_sub: validated; presence_change delivery lands with the presence work (issue 5). */
export const handler = wsHandler(async (frame) => {
  parseArgs(PresenceSubFrame, frame);
  return undefined;
});
