import { useState } from 'react';
import type { Chat } from '../chat/chat';
import type { Message, State } from '../chat/types';
import { Avatar } from './Avatar';
import { EditBox } from './EditBox';
import { emoji, PICKER } from './emoji';
import { FileItem } from './FileItem';
import { Icon, ICONS } from './Icon';
import { MessageActions } from './MessageActions';
import { Mrkdwn, type MrkdwnContext } from './Mrkdwn';
import { PresenceDot } from './PresenceDot';
import { timeOf } from './time';

export function MessageItem({ chat, state, m, continued, inThread }: { chat: Chat; state: State; m: Message; continued: boolean; inThread: boolean }) {
  const [picking, setPicking] = useState(false);
  const [editing, setEditing] = useState(false);
  const name = chat.userName(m.user);
  const when = m.pending ? undefined : timeOf(m.ts);
  const mine = m.user === state.me.id;
  const context: MrkdwnContext = {
    me: state.me.id,
    userName: (id) => chat.userName(id),
    channelName: (id) => state.channels[id]?.name,
    openChannel: (id) => void chat.open(id),
  };
  const time = when?.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  return (
    <article className={`message${continued ? ' continued' : ''}${m.pending ? ` ${m.pending}` : ''}${m.deleted ? ' deleted' : ''}${m.subtype === 'channel_topic' || m.subtype === 'channel_purpose' ? ' system' : ''}`} data-ts={m.ts} aria-label={`${name}${time ? ` at ${time}` : ''}`}>
      <div className="gutter">{continued ? <span className="hover-time">{time}</span> : <Avatar name={name} />}</div>
      <div className="body">
        {!continued && (
          <div className="meta">
            <span className="author">{name}</span> <PresenceDot state={state} user={m.user} />
            {when && <time dateTime={when.toISOString()}>{time}</time>}
          </div>
        )}
        {editing ? (
          <EditBox initial={m.text} onDone={(text) => { setEditing(false); if (text !== undefined && text !== m.text) void chat.editMessage(m, text); }} />
        ) : (
          <div className="text">
            {m.deleted ? <em>This message was deleted.</em> : <Mrkdwn text={m.text} context={context} />}
            {m.edited && !m.deleted && <span className="edited"> (edited)</span>}
          </div>
        )}
        {m.files?.map((f) => <FileItem key={f.id} file={f} />)}
        {!m.pending && !m.deleted && <MessageActions chat={chat} m={m} />}
        {m.pending === 'sending' && <div className="sending">Sending…</div>}
        {m.pending === 'failed' && (
          <div className="failed" role="alert">Not sent ({m.error}). <button className="link" onClick={() => chat.retry(m)}>Retry</button></div>
        )}
        {!!m.reactions?.length && (
          <div className="reactions">
            {m.reactions.map((r) => {
              const reacted = r.users.includes(state.me.id);
              return (
                <button key={r.name} className={`reaction${reacted ? ' mine' : ''}`} aria-pressed={reacted} aria-label={`${r.name} reaction, ${r.count}`} title={r.users.map((u) => chat.userName(u)).join(', ')} onClick={() => void chat.toggleReaction(m, r.name)}>
                  {emoji(r.name)} <span className="count">{r.count}</span>
                </button>
              );
            })}
          </div>
        )}
        {!inThread && !!m.reply_count && (
          <button className="replies" onClick={() => void chat.openThread(m.channel, m.ts)}>
            {m.reply_count} {m.reply_count === 1 ? 'reply' : 'replies'}
          </button>
        )}
      </div>
      {!m.pending && !m.deleted && (
        <div className="tools">
          <button aria-label="Add reaction" title="Add reaction" aria-expanded={picking} onClick={() => setPicking(!picking)}><Icon d={ICONS.smile} /></button>
          {!inThread && <button aria-label="Reply in thread" title="Reply in thread" onClick={() => void chat.openThread(m.channel, m.ts)}><Icon d={ICONS.thread} /></button>}
          {mine && <button aria-label="Edit message" title="Edit" onClick={() => setEditing(true)}><Icon d={ICONS.edit} /></button>}
          {mine && <button aria-label="Delete message" title="Delete" onClick={() => window.confirm('Delete this message?') && void chat.deleteMessage(m)}><Icon d={ICONS.trash} /></button>}
          {picking && (
            <div className="picker" role="menu" onKeyDown={(e) => e.key === 'Escape' && setPicking(false)}>
              {PICKER.map((n) => (
                <button key={n} role="menuitem" aria-label={`React with ${n}`} onClick={() => { setPicking(false); void chat.toggleReaction(m, n); }}>{emoji(n)}</button>
              ))}
            </div>
          )}
        </div>
      )}
    </article>
  );
}
