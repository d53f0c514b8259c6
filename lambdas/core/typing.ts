import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { randomUUID } from 'node:crypto';
import { connections } from '../adapters/clients';
import type { Caller } from './caller';
import { memberAccess } from './channels';
import { inParallel } from './parallel';
import { connectionsOfChannel } from './live';

/** Typing goes straight to the members' live connections: it is never written to the table or the stream. */
export async function sendTyping(caller: Caller, channelId: string, fromConnection: string): Promise<void> {
  await memberAccess(caller, channelId);
  const recipients = (await connectionsOfChannel(channelId)).filter((c) => c.userId !== caller.userId && c.connectionId !== fromConnection);
  const data = Buffer.from(JSON.stringify({ type: 'user_typing', channel: channelId, user: caller.userId, event_id: `Ev${randomUUID()}` }));
  await inParallel(recipients, 16, async (c) => {
    await connections().send(new PostToConnectionCommand({ ConnectionId: c.connectionId, Data: data })).catch(() => undefined);
  });
}
