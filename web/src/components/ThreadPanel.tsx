import type { Chat } from '../chat/chat';
import { threadKey } from '../chat/messages';
import type { Message, State } from '../chat/types';
import { Composer } from './Composer';
import { MessageList } from './MessageList';

export function ThreadPanel({ chat, state }: { chat: Chat; state: State }) {
  const { channel, ts } = state.thread!;
  const t = state.threads[threadKey(channel, ts)];
  const parentFromHistory = state.history[channel]?.list.find((m) => m.ts === ts);
  const list = t?.list ?? (parentFromHistory ? [parentFromHistory] : []);
  // The parent as the channel shows it (reply count, reactions) heads the thread.
  const merged = parentFromHistory ? [{ ...list.find((m) => m.ts === ts), ...parentFromHistory }, ...list.filter((m) => m.ts !== ts)] : list;
  const c = state.channels[channel];
  return (
    <aside className="thread" aria-label="Thread" onKeyDown={(e) => e.key === 'Escape' && chat.closeThread()}>
      <header className="conv-header">
        <h2>Thread <span className="sub">{c ? (c.is_im || c.is_mpim ? chat.channelLabel(c) : `#${chat.channelLabel(c)}`) : ''}</span></h2>
        <button className="icon" aria-label="Close thread" onClick={() => chat.closeThread()}>✕</button>
      </header>
      <MessageList chat={chat} state={state} channelId={threadKey(channel, ts)} list={merged as Message[]} hasOlder={false} loading={!!t?.loading} thread />
      <Composer chat={chat} channelId={channel} threadTs={ts} placeholder="Reply…" label="Reply" />
    </aside>
  );
}
