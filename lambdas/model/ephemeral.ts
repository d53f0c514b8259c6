import type { EphemeralItem } from './service';
import type { TableContext } from './store';

/** chat.postEphemeral's messages: written for the stream to carry to one user, never read. */
export function ephemeralAccess(t: TableContext) {
  const { ephemeral } = t.service.entities;
  return {
    // An ephemeral message for one member (expires on its own)
    put: async (item: EphemeralItem): Promise<void> => {
      await ephemeral.put(item).go();
    },
  };
}
