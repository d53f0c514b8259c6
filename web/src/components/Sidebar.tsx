import type { Chat } from '../chat/chat';
import type { Channel, State } from '../chat/types';
import type { Dialog } from './ChatLayout';
import { PresenceDot } from './PresenceDot';
import { SearchBox } from './SearchBox';
import { DndControl } from './DndControl';

export function Sidebar({ chat, state, onDialog, onSignOut }: { chat: Chat; state: State; onDialog: (d: Dialog) => void; onSignOut: () => void }) {
  const mine = chat.sortedChannels().filter((c) => c.is_member);
  const channels = mine.filter((c) => !c.is_im && !c.is_mpim);
  const dms = mine.filter((c) => c.is_im || c.is_mpim);
  const muted = new Set(state.prefs?.muted_channels ?? []);
  const item = (c: Channel) => {
    const selected = c.id === state.current;
    const others = (c.members ?? []).filter((u) => u !== state.me.id);
    return (
      <li key={c.id}>
        <button className={`item${selected ? ' selected' : ''}${c.unread ? ' unread' : ''}${muted.has(c.id) ? ' muted' : ''}`} aria-current={selected ? 'page' : undefined} onClick={() => void chat.open(c.id)}>
          <span className="prefix" aria-hidden="true">{c.is_im ? <PresenceDot state={state} user={others[0] ?? state.me.id} /> : c.is_mpim ? others.length + 1 : c.is_private ? '🔒' : '#'}</span>
          <span className="label">{chat.channelLabel(c)}</span>
          {(c.mentions ?? 0) > 0 && <span className="badge mention-badge" aria-label={`${c.mentions} ${c.mentions === 1 ? 'mention' : 'mentions'}`}>@{c.mentions}</span>}
          {c.unread > 0 && <span className="badge" aria-label={`${c.unread} unread`}>{c.unread}</span>}
        </button>
      </li>
    );
  };
  return (
    <nav className="sidebar" aria-label="Conversations">
      <header className="workspace">
        <div className="team">Team Chat</div>
        <div className="me">
          <PresenceDot state={state} user={state.me.id} /> {state.me.real_name || state.me.name}
          <span className={`status ${state.status}`} role="status">{state.status === 'online' ? '' : state.status === 'syncing' ? 'syncing…' : state.status === 'connecting' ? 'connecting…' : 'offline'}</span>
        </div>
        <DndControl chat={chat} state={state} />
        <SearchBox chat={chat} />
      </header>
      <section aria-labelledby="channels-heading">
        <h2 id="channels-heading">Channels</h2>
        <ul>{channels.map(item)}</ul>
        <div className="actions">
          <button className="side-action" onClick={() => onDialog('browse')}>Browse channels</button>
          <button className="side-action" onClick={() => onDialog('create')}>Create channel</button>
        </div>
      </section>
      <section aria-labelledby="dms-heading">
        <h2 id="dms-heading">Direct messages</h2>
        <ul>{dms.map(item)}</ul>
        <div className="actions">
          <button className="side-action" onClick={() => onDialog('dm')}>New message</button>
        </div>
      </section>
      <footer>
        <button className="side-action" onClick={() => onDialog('prefs')}>Notification preferences</button>
        <button className="side-action" onClick={onSignOut}>Sign out</button>
      </footer>
    </nav>
  );
}
