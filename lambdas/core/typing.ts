import type { Caller } from './caller';
import { memberAccess } from './channels';
import { freshEventId } from './delivery';
import { connectionsOfChannel } from './live';
import { delivery } from './ports';

/**
 * Typing goes straight to the members' live connections: it is never written to the table or the
 * stream. The typing function may not write, so a gone connection is left to its $disconnect.
 */
export async function sendTyping(caller: Caller, channelId: string, fromConnection: string): Promise<void> {
  await memberAccess(caller, channelId);
  const recipients = (await connectionsOfChannel(channelId)).filter((c) => c.userId !== caller.userId && c.connectionId !== fromConnection);
  await delivery().deliver({ type: 'user_typing', channel: channelId, user: caller.userId, event_id: freshEventId() }, recipients);
}
