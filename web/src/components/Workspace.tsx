import { useEffect, useState } from 'react';
import { Api } from '../api';
import type { Session } from '../auth';
import { Chat } from '../chat/chat';
import type { WebConfig } from '../config';
import { ChatLayout } from './ChatLayout';

/** Identifies the signed-in user (auth.test), then starts a Chat for them. */
export function Workspace({ config, session, onSignOut }: { config: WebConfig; session: Session; onSignOut: () => void }) {
  const [chat, setChat] = useState<Chat>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live: Chat | undefined;
    let cancelled = false;
    (async () => {
      const api = new Api(config.HttpApiUrl, async () => session.token);
      const me = await api.call('auth.test');
      const info = await api.call('users.info', { user: me.user_id }).catch(() => ({ user: { id: me.user_id, name: me.user } }));
      if (cancelled) return;
      live = new Chat(config, { ...session, userId: me.user_id, teamId: me.team_id }, info.user);
      (window as unknown as { teamchat: Chat }).teamchat = live;
      setChat(live);
      await live.start();
    })().catch((e: Error) => (e.message === 'not_authed' ? onSignOut() : setError(e.message)));
    return () => {
      cancelled = true;
      live?.stop();
    };
  }, [config, session, onSignOut]);
  if (error) return <div className="center"><p role="alert">Could not start: {error}</p><button onClick={onSignOut}>Sign out</button></div>;
  if (!chat) return <div className="center">Connecting…</div>;
  return <ChatLayout chat={chat} onSignOut={() => void chat.signOutDevice().finally(onSignOut)} />;
}
