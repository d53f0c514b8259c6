import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { SearchBox } from './SearchBox';
import { Api } from './api';
import { savedSession, saveSession, signInCognito, signInLocal, type Session } from './auth';
import { Chat, type Channel, type Message, type State } from './chat';
import { loadConfig, type WebConfig } from './config';

const EMOJI: Record<string, string> = {
  '+1': '👍', thumbsup: '👍', heart: '❤️', joy: '😂', tada: '🎉', eyes: '👀', white_check_mark: '✅', rocket: '🚀', smile: '😄', pray: '🙏', fire: '🔥',
};
const PICKER = ['+1', 'heart', 'joy', 'tada', 'eyes', 'white_check_mark', 'rocket'];
const emoji = (name: string) => EMOJI[name] ?? `:${name}:`;

/** A ULID's first 10 characters are its millisecond time. */
const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function timeOf(ts: string): Date {
  if (/^[0-9A-HJKMNP-TV-Z]{26}$/.test(ts)) {
    let ms = 0;
    for (const ch of ts.slice(0, 10)) ms = ms * 32 + B32.indexOf(ch);
    return new Date(ms);
  }
  const n = Number(ts);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : new Date();
}

/** Small stroke icons (no emoji font needed for the controls). */
function Icon({ d }: { d: string }) {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={d} />
    </svg>
  );
}
const ICONS = {
  attach: 'M21 11.5l-8.6 8.6a5 5 0 01-7.1-7.1l8.6-8.6a3.3 3.3 0 014.7 4.7l-8.6 8.6a1.7 1.7 0 01-2.4-2.4l7.9-7.9',
  thread: 'M21 12a8 8 0 01-11.6 7.1L4 20l1-4.6A8 8 0 1121 12z',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
  edit: 'M4 20h4L19 9l-4-4L4 16v4z',
  smile: 'M12 21a9 9 0 100-18 9 9 0 000 18zM8.5 14a4.5 4.5 0 007 0M9 9.5h.01M15 9.5h.01',
};

function useChat(chat: Chat): State {
  return useSyncExternalStore(chat.subscribe, chat.snapshot);
}

export function App() {
  const [config, setConfig] = useState<WebConfig>();
  const [error, setError] = useState<string>();
  const [session, setSession] = useState<Session | undefined>(() => savedSession());
  useEffect(() => {
    loadConfig().then(setConfig, (e: Error) => setError(e.message));
  }, []);
  if (error) return <div className="center"><p role="alert">Could not load config.json: {error}</p></div>;
  if (!config) return <div className="center">Loading…</div>;
  if (!session) return <SignIn config={config} onSignedIn={(s) => { saveSession(s); setSession(s); }} />;
  return <Workspace key={session.token} config={config} session={session} onSignOut={() => { saveSession(undefined); setSession(undefined); }} />;
}

function SignIn({ config, onSignedIn }: { config: WebConfig; onSignedIn: (s: Session) => void }) {
  const [name, setName] = useState('');
  const [team, setTeam] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(config.local ? await signInLocal(config, name.trim(), team.trim() || undefined) : await signInCognito(config, name.trim(), password));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} className="card" aria-labelledby="signin-title">
        <div className="logo" aria-hidden="true">#</div>
        <h1 id="signin-title">Sign in to Team Chat</h1>
        <label>
          Name
          <input name="name" autoFocus required autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {config.local ? (
          <label>
            Workspace <span className="hint">(optional)</span>
            <input name="workspace" value={team} onChange={(e) => setTeam(e.target.value)} />
          </label>
        ) : (
          <label>
            Password
            <input name="password" type="password" required autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
        )}
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy || !name.trim()}>{busy ? 'Signing in…' : 'Sign in'}</button>
        {config.local && <p className="hint">Local cloud: any name signs you in.</p>}
      </form>
    </main>
  );
}

function Workspace({ config, session, onSignOut }: { config: WebConfig; session: Session; onSignOut: () => void }) {
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
  return <ChatLayout chat={chat} onSignOut={onSignOut} />;
}

type Dialog = 'create' | 'browse' | 'dm' | undefined;

function ChatLayout({ chat, onSignOut }: { chat: Chat; onSignOut: () => void }) {
  const state = useChat(chat);
  const [dialog, setDialog] = useState<Dialog>();
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
    <div className={`layout${state.thread ? ' with-thread' : ''}`}>
      <Sidebar chat={chat} state={state} onDialog={setDialog} onSignOut={onSignOut} />
      <main className="main" aria-label="Conversation">
        {current ? <Conversation chat={chat} state={state} channel={current} /> : <div className="empty">Pick a conversation, or create a channel.</div>}
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
    </div>
  );
}

function PresenceDot({ state, user }: { state: State; user: string }) {
  if (!state.presenceSupported) return null;
  // Our own dot follows this tab's connection: the server's answer may predate it.
  const p = user === state.me.id ? (state.status === 'online' ? 'active' : 'away') : state.presence[user];
  return <span className={`dot ${p === 'active' ? 'active' : 'away'}`} role="img" aria-label={p === 'active' ? 'active' : 'away'} />;
}

function Sidebar({ chat, state, onDialog, onSignOut }: { chat: Chat; state: State; onDialog: (d: Dialog) => void; onSignOut: () => void }) {
  const mine = chat.sortedChannels().filter((c) => c.is_member);
  const channels = mine.filter((c) => !c.is_im && !c.is_mpim);
  const dms = mine.filter((c) => c.is_im || c.is_mpim);
  const item = (c: Channel) => {
    const selected = c.id === state.current;
    const others = (c.members ?? []).filter((u) => u !== state.me.id);
    return (
      <li key={c.id}>
        <button className={`item${selected ? ' selected' : ''}${c.unread ? ' unread' : ''}`} aria-current={selected ? 'page' : undefined} onClick={() => void chat.open(c.id)}>
          <span className="prefix" aria-hidden="true">{c.is_im ? <PresenceDot state={state} user={others[0] ?? state.me.id} /> : c.is_mpim ? others.length + 1 : c.is_private ? '🔒' : '#'}</span>
          <span className="label">{chat.channelLabel(c)}</span>
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
        <button className="side-action" onClick={onSignOut}>Sign out</button>
      </footer>
    </nav>
  );
}

function Conversation({ chat, state, channel }: { chat: Chat; state: State; channel: Channel }) {
  const history = state.history[channel.id];
  const [dragging, setDragging] = useState(false);
  const typingUsers = Object.entries(state.typing[channel.id] ?? {}).filter(([, until]) => until > Date.now()).map(([u]) => chat.userName(u));
  const label = chat.channelLabel(channel);
  const uploads = state.uploads.filter((u) => u.channel === channel.id);
  return (
    <div
      className={`conversation${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        for (const f of Array.from(e.dataTransfer.files)) void chat.upload(channel.id, f);
      }}
    >
      <header className="conv-header">
        <h1>{channel.is_im || channel.is_mpim ? label : `${channel.is_private ? '🔒' : '#'} ${label}`}</h1>
        {channel.num_members !== undefined && !channel.is_im && <span className="members">{channel.num_members} members</span>}
        {channel.is_member && !channel.is_im && !channel.is_mpim && (
          <button className="link" onClick={() => void chat.leave(channel.id)}>Leave</button>
        )}
      </header>
      <MessageList chat={chat} state={state} channelId={channel.id} list={history?.list ?? []} hasOlder={!!history?.hasOlder} loading={!!history?.loading} />
      <div className="typing" aria-live="polite">{typingUsers.length ? `${typingUsers.join(', ')} ${typingUsers.length > 1 ? 'are' : 'is'} typing…` : ''}</div>
      {uploads.map((u) => (
        <div key={u.id} className="upload" role="status">
          <span>{u.error ?? `Uploading ${u.name}`}</span>
          {!u.error && <progress max={1} value={u.progress} aria-label={`Upload progress for ${u.name}`} />}
        </div>
      ))}
      {channel.is_member ? (
        <Composer chat={chat} channelId={channel.id} placeholder={`Message ${channel.is_im || channel.is_mpim ? label : `#${label}`}`} />
      ) : (
        <div className="join-bar">
          You are viewing #{label}. <button className="primary" onClick={() => void chat.join(channel.id)}>Join channel</button>
        </div>
      )}
    </div>
  );
}

function MessageList({ chat, state, channelId, list, hasOlder, loading, thread }: { chat: Chat; state: State; channelId: string; list: Message[]; hasOlder: boolean; loading: boolean; thread?: boolean }) {
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

function Avatar({ name }: { name: string }) {
  const hue = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  return <div className="avatar" aria-hidden="true" style={{ background: `hsl(${hue} 45% 38%)` }}>{name.slice(0, 1).toUpperCase()}</div>;
}

function MessageItem({ chat, state, m, continued, inThread }: { chat: Chat; state: State; m: Message; continued: boolean; inThread: boolean }) {
  const [picking, setPicking] = useState(false);
  const [editing, setEditing] = useState(false);
  const name = chat.userName(m.user);
  const when = m.pending ? undefined : timeOf(m.ts);
  const mine = m.user === state.me.id;
  const time = when?.toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
  return (
    <article className={`message${continued ? ' continued' : ''}${m.pending ? ` ${m.pending}` : ''}${m.deleted ? ' deleted' : ''}`} data-ts={m.ts} aria-label={`${name}${time ? ` at ${time}` : ''}`}>
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
            {m.deleted ? <em>This message was deleted.</em> : m.text}
            {m.edited && !m.deleted && <span className="edited"> (edited)</span>}
          </div>
        )}
        {m.files?.map((f) => (
          <div key={f.id} className="file">
            {f.mimetype?.startsWith('image/') && f.url_private ? (
              <a href={f.url_private} target="_blank" rel="noreferrer"><img src={f.url_private} alt={f.title ?? f.name ?? 'image'} loading="lazy" /></a>
            ) : (
              <a href={f.url_private} target="_blank" rel="noreferrer" download={f.name}><Icon d={ICONS.attach} /> {f.title ?? f.name ?? 'file'}{f.size ? ` (${Math.ceil(f.size / 1024)} KB)` : ''}</a>
            )}
          </div>
        ))}
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

function EditBox({ initial, onDone }: { initial: string; onDone: (text?: string) => void }) {
  const [text, setText] = useState(initial);
  return (
    <div className="edit">
      <textarea aria-label="Edit message" autoFocus value={text} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => {
        if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); onDone(text.trim() || undefined); }
        if (e.key === 'Escape') onDone();
      }} />
      <div><button className="link" onClick={() => onDone()}>Cancel</button> <button className="primary small" onClick={() => onDone(text.trim() || undefined)}>Save</button></div>
    </div>
  );
}

function Composer({ chat, channelId, threadTs, placeholder, label = 'Message' }: { chat: Chat; channelId: string; threadTs?: string; placeholder: string; label?: string }) {
  const [text, setText] = useState('');
  const file = useRef<HTMLInputElement>(null);
  const send = () => {
    const value = text.trim();
    if (!value) return;
    chat.send(channelId, value, threadTs);
    setText('');
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };
  return (
    <form className="composer" onSubmit={(e) => { e.preventDefault(); send(); }}>
      <textarea
        aria-label={label}
        placeholder={placeholder}
        rows={Math.min(8, text.split('\n').length)}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value) chat.typing(channelId);
        }}
        onKeyDown={onKey}
      />
      <div className="composer-actions">
        <input ref={file} type="file" hidden multiple aria-label={threadTs ? 'Attach file to reply' : 'Attach file'} onChange={(e) => {
          for (const f of Array.from(e.target.files ?? [])) void chat.upload(channelId, f, threadTs);
          e.target.value = '';
        }} />
        <button type="button" className="icon" aria-label={threadTs ? 'Attach file to reply' : 'Attach file'} title="Attach file" onClick={() => file.current?.click()}><Icon d={ICONS.attach} /></button>
        <span className="hint">Enter to send, Shift+Enter for a new line</span>
        <button type="submit" className="primary small" disabled={!text.trim()}>Send</button>
      </div>
    </form>
  );
}

function ThreadPanel({ chat, state }: { chat: Chat; state: State }) {
  const { channel, ts } = state.thread!;
  const t = state.threads[`${channel}:${ts}`];
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
      <MessageList chat={chat} state={state} channelId={`${channel}:${ts}`} list={merged as Message[]} hasOlder={false} loading={!!t?.loading} thread />
      <Composer chat={chat} channelId={channel} threadTs={ts} placeholder="Reply…" label="Reply" />
    </aside>
  );
}

function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const id = useMemo(() => `dlg-${Math.random().toString(36).slice(2)}`, []);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby={id} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <header>
          <h2 id={id}>{title}</h2>
          <button className="icon" aria-label="Close" onClick={onClose}>✕</button>
        </header>
        {children}
      </div>
    </div>
  );
}

function CreateChannelDialog({ chat, onClose }: { chat: Chat; onClose: () => void }) {
  const [name, setName] = useState('');
  const [priv, setPriv] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await chat.createChannel(name.trim().toLowerCase().replace(/\s+/g, '-'), priv);
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Modal title="Create a channel" onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label>
          Channel name
          <input autoFocus required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. plan-budget" />
        </label>
        <label className="check">
          <input type="checkbox" checked={priv} onChange={(e) => setPriv(e.target.checked)} /> Make private
        </label>
        {error && <p className="error" role="alert">{error === 'name_taken' ? 'That name is already taken.' : error.startsWith('invalid_name') ? 'Names use lower-case letters, numbers, - and _.' : error}</p>}
        <div className="buttons"><button type="submit" className="primary" disabled={!name.trim()}>Create</button></div>
      </form>
    </Modal>
  );
}

function BrowseDialog({ chat, state, onClose }: { chat: Chat; state: State; onClose: () => void }) {
  const [filter, setFilter] = useState('');
  useEffect(() => void chat.loadChannels().catch(() => undefined), [chat]);
  const publics = Object.values(state.channels).filter((c) => c.is_channel && (c.name ?? '').includes(filter.toLowerCase())).sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  return (
    <Modal title="Browse channels" onClose={onClose}>
      <label className="form">
        Search channels
        <input autoFocus value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      <ul className="pick-list">
        {publics.length === 0 && <li className="hint">No channels yet.</li>}
        {publics.map((c) => (
          <li key={c.id}>
            <span># {c.name} <span className="hint">{c.num_members ?? 0} members</span></span>
            {c.is_member ? (
              <button onClick={() => { void chat.open(c.id); onClose(); }}>Open</button>
            ) : (
              <button className="primary small" aria-label={`Join ${c.name}`} onClick={() => void chat.join(c.id).then(onClose, (e) => chat.reportError(e))}>Join</button>
            )}
          </li>
        ))}
      </ul>
    </Modal>
  );
}

function DmDialog({ chat, state, onClose }: { chat: Chat; state: State; onClose: () => void }) {
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => void chat.loadUsers().catch(() => undefined), [chat]);
  const users = Object.values(state.users).filter((u) => u.id !== state.me.id).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Modal title="New message" onClose={onClose}>
      <fieldset className="pick-list">
        <legend>People (one for a direct message, up to 8 for a group)</legend>
        {users.length === 0 && <p className="hint">No one else is in this workspace yet.</p>}
        {users.map((u) => (
          <label key={u.id} className="check">
            <input type="checkbox" checked={picked.includes(u.id)} disabled={!picked.includes(u.id) && picked.length >= 8} onChange={(e) => setPicked(e.target.checked ? [...picked, u.id] : picked.filter((x) => x !== u.id))} />
            <PresenceDot state={state} user={u.id} /> {u.real_name || u.name}
          </label>
        ))}
      </fieldset>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="buttons">
        <button className="primary" disabled={!picked.length} onClick={() => chat.openDm(picked).then(onClose, (e: Error) => setError(e.message))}>Open conversation</button>
      </div>
    </Modal>
  );
}
