import { useEffect, useState } from 'react';
import type { Chat } from '../chat/chat';
import { BrowseDialog } from './BrowseDialog';
import { Conversation } from './Conversation';
import { CreateChannelDialog } from './CreateChannelDialog';
import { DmDialog } from './DmDialog';
import { PrefsDialog } from './PrefsDialog';
import { Sidebar } from './Sidebar';
import { SidebarButton } from './SidebarButton';
import { ThreadPanel } from './ThreadPanel';
import { useChat } from './use-chat';

export type Dialog = 'create' | 'browse' | 'dm' | 'prefs' | undefined;

export function ChatLayout({ chat, onSignOut }: { chat: Chat; onSignOut: () => void }) {
  const state = useChat(chat);
  const [dialog, setDialog] = useState<Dialog>();
  // Narrow screens: the sidebar is a drawer, closed again once a conversation is picked.
  const [drawer, setDrawer] = useState(false);
  useEffect(() => setDrawer(false), [state.current]);
  const openDrawer = () => setDrawer(true);
  const current = state.current ? state.channels[state.current] : undefined;

  useEffect(() => {
    const visible = () => document.visibilityState === 'visible' && state.current && chat.markRead(state.current);
    document.addEventListener('visibilitychange', visible);
    return () => document.removeEventListener('visibilitychange', visible);
  }, [chat, state.current]);

  useEffect(() => {
    const total = Object.values(state.channels).reduce((n, c) => n + (c.is_member ? c.unread : 0), 0);
    document.title = `${total ? `(${total}) ` : ''}${current ? chat.channelLabel(current) : 'Team Chat'}`;
  }, [state.channels, current, chat]);

  // Alt+↑ / Alt+↓ move between conversations.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
      const list = chat.sortedChannels().filter((c) => c.is_member);
      const i = list.findIndex((c) => c.id === state.current);
      const next = list[(i + (e.key === 'ArrowDown' ? 1 : -1) + list.length) % list.length];
      if (next) {
        e.preventDefault();
        void chat.open(next.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [chat, state.current]);

  return (
    <div className={`layout${state.thread ? ' with-thread' : ''}${drawer ? ' drawer-open' : ''}`}>
      <Sidebar chat={chat} state={state} onDialog={(d) => { setDrawer(false); setDialog(d); }} onSignOut={onSignOut} />
      {drawer && <div className="drawer-backdrop" aria-hidden="true" onClick={() => setDrawer(false)} />}
      <main className="main" aria-label="Conversation">
        {current ? (
          <Conversation chat={chat} state={state} channel={current} onOpenSidebar={openDrawer} />
        ) : (
          <div className="empty">
            <SidebarButton onClick={openDrawer} />
            Pick a conversation, or create a channel.
          </div>
        )}
      </main>
      {state.thread && <ThreadPanel chat={chat} state={state} />}
      {state.notice && (
        <div className="toast" role="alert">
          {state.notice} <button className="link" onClick={() => chat.notice(undefined)}>Dismiss</button>
        </div>
      )}
      {dialog === 'create' && <CreateChannelDialog chat={chat} onClose={() => setDialog(undefined)} />}
      {dialog === 'browse' && <BrowseDialog chat={chat} state={state} onClose={() => setDialog(undefined)} />}
      {dialog === 'dm' && <DmDialog chat={chat} state={state} onClose={() => setDialog(undefined)} />}
      {dialog === 'prefs' && <PrefsDialog chat={chat} state={state} onClose={() => setDialog(undefined)} />}
    </div>
  );
}
