import { useEffect, useRef, type ReactNode } from 'react';
import type { Chat } from '../chat/chat';
import type { Message, State } from '../chat/types';
import { MessageItem } from './MessageItem';
import { timeOf } from './time';
import { useScrollAnchor } from './use-scroll-anchor';

/** Scrolled this close to the top, the next older page is read. */
const LOAD_OLDER_WITHIN_PX = 120;

/**
 * A list of messages grouped by day and author that scrolls inside its pane; in a channel it loads
 * older pages when scrolled up and shows a "new messages" line after `newSince`.
 */
export function MessageList({ chat, state, channelId, list, hasOlder, loading, thread, newSince }: { chat: Chat; state: State; channelId: string; list: Message[]; hasOlder: boolean; loading: boolean; thread?: boolean; newSince?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const newest = list.at(-1);
  const { remember } = useScrollAnchor(ref, content, {
    key: channelId,
    ready: list.length > 0 && !loading,
    newest: newest ? newest.client_msg_id ?? newest.ts : undefined,
    newestIsMine: !!newest?.pending && newest.user === state.me.id,
  });
  const onScroll = () => {
    remember();
    const el = ref.current!;
    if (!thread && el.scrollTop < LOAD_OLDER_WITHIN_PX && hasOlder && !loading) void chat.loadOlder(channelId);
  };
  useEffect(() => {
    // Fill the screen: a first page shorter than the viewport cannot be scrolled up.
    const el = ref.current;
    if (!thread && el && hasOlder && !loading && el.scrollHeight <= el.clientHeight) void chat.loadOlder(channelId);
  }, [chat, channelId, hasOlder, loading, thread, list.length]);

  // The line goes before the first unread message, when the message it follows is on the page.
  const firstUnread = newSince && list.some((m) => m.ts <= newSince) ? list.find((m) => !m.pending && m.ts > newSince && m.user !== state.me.id) : undefined;
  const rows: ReactNode[] = [];
  let lastDay = '';
  let last: Message | undefined;
  for (const m of list) {
    const when = m.pending ? new Date() : timeOf(m.ts);
    const day = when.toDateString();
    if (!thread && day !== lastDay) {
      rows.push(
        <div key={`day-${day}`} className="day" role="separator">
          <span>{day === new Date().toDateString() ? 'Today' : when.toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric' })}</span>
        </div>,
      );
      last = undefined;
    }
    if (m === firstUnread) {
      rows.push(<div key="new-messages" className="new-messages" role="separator" aria-label="New messages"><span>New messages</span></div>);
      last = undefined;
    }
    const continued = !!last && last.user === m.user && !last.deleted && when.getTime() - (last.pending ? Date.now() : timeOf(last.ts).getTime()) < 5 * 60_000;
    rows.push(<MessageItem key={m.client_msg_id && m.pending ? m.client_msg_id : m.ts} chat={chat} state={state} m={m} continued={continued} inThread={!!thread} />);
    lastDay = day;
    last = m;
  }
  return (
    <div className="messages" ref={ref} onScroll={onScroll} role="log" aria-label={thread ? 'Thread messages' : 'Messages'} tabIndex={0}>
      <div className="messages-content" ref={content}>
        {!thread && !hasOlder && list.length > 0 && <div className="start">This is the very beginning of the conversation.</div>}
        {loading && <div className="loading">Loading…</div>}
        {rows}
      </div>
    </div>
  );
}
