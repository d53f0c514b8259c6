import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import type { Chat } from '../chat/chat';
import type { Message, State } from '../chat/types';
import { MessageItem } from './MessageItem';
import { timeOf } from './time';

/** A scrolling list of messages grouped by day and author; loads older pages when scrolled up (not in threads). */
export function MessageList({ chat, state, channelId, list, hasOlder, loading, thread }: { chat: Chat; state: State; channelId: string; list: Message[]; hasOlder: boolean; loading: boolean; thread?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const memo = useRef({ height: 0, top: 0, atBottom: true, first: '' as string | undefined, channel: '' });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const m = memo.current;
    const first = list[0]?.ts;
    if (m.channel !== channelId) el.scrollTop = el.scrollHeight;
    else if (first !== m.first && m.height) el.scrollTop = m.top + (el.scrollHeight - m.height); // older page prepended
    else if (m.atBottom) el.scrollTop = el.scrollHeight;
    Object.assign(m, { height: el.scrollHeight, top: el.scrollTop, first, channel: channelId, atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < 40 });
  }, [list, channelId]);
  const onScroll = () => {
    const el = ref.current!;
    Object.assign(memo.current, { height: el.scrollHeight, top: el.scrollTop, atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < 40 });
    if (!thread && el.scrollTop < 120 && hasOlder && !loading) void chat.loadOlder(channelId);
  };
  useEffect(() => {
    // Fill the screen: a first page shorter than the viewport cannot be scrolled up.
    const el = ref.current;
    if (!thread && el && hasOlder && !loading && el.scrollHeight <= el.clientHeight) void chat.loadOlder(channelId);
  }, [chat, channelId, hasOlder, loading, thread, list.length]);

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
    const continued = !!last && last.user === m.user && !last.deleted && when.getTime() - (last.pending ? Date.now() : timeOf(last.ts).getTime()) < 5 * 60_000;
    rows.push(<MessageItem key={m.client_msg_id && m.pending ? m.client_msg_id : m.ts} chat={chat} state={state} m={m} continued={continued} inThread={!!thread} />);
    lastDay = day;
    last = m;
  }
  return (
    <div className="messages" ref={ref} onScroll={onScroll} role="log" aria-label={thread ? 'Thread messages' : 'Messages'} tabIndex={0}>
      {!thread && !hasOlder && list.length > 0 && <div className="start">This is the very beginning of the conversation.</div>}
      {loading && <div className="loading">Loading…</div>}
      {rows}
    </div>
  );
}
