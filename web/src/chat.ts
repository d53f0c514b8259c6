import { Api, ApiError, type Json } from './api';
import { freshSession, saveSession, type Session } from './auth';
import type { WebConfig } from './config';
import { Realtime, type Status } from './realtime';

/*
 * The client's state and everything that changes it: initial loads over HTTP, live and synced
 * events, the outbox (sends retried with the same client_msg_id until acknowledged), uploads.
 * Components read a snapshot through `useChat` (useSyncExternalStore); every change replaces the
 * snapshot, so React sees it.
 */

export interface User {
  id: string;
  name: string;
  real_name?: string;
}

export interface Channel {
  id: string;
  name?: string;
  is_channel?: boolean;
  is_private?: boolean;
  is_im?: boolean;
  is_mpim?: boolean;
  is_member?: boolean;
  members?: string[];
  num_members?: number;
  last_read?: string;
  unread: number;
  /** The newest ts the server's unread count considered: live messages up to it are already in `unread`. */
  unread_through?: string;
}

export interface Reaction {
  name: string;
  count: number;
  users: string[];
}

export interface FileInfo {
  id: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  url_private?: string;
}

export interface Message {
  ts: string;
  channel: string;
  user: string;
  text: string;
  subtype?: string;
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
  reactions?: Reaction[];
  files?: FileInfo[];
  client_msg_id?: string;
  /** Local only: not acknowledged yet ('sending'), or refused for good ('failed'). */
  pending?: 'sending' | 'failed';
  error?: string;
  deleted?: boolean;
}

export interface History {
  list: Message[];
  hasOlder: boolean;
  olderCursor?: string;
  loading: boolean;
  loaded: boolean;
}

export interface Upload {
  id: string;
  channel: string;
  name: string;
  progress: number;
  error?: string;
}

export interface State {
  me: User;
  status: Status;
  users: Record<string, User>;
  presence: Record<string, 'active' | 'away'>;
  presenceSupported: boolean;
  channels: Record<string, Channel>;
  current?: string;
  history: Record<string, History>;
  thread?: { channel: string; ts: string };
  threads: Record<string, { list: Message[]; loading: boolean }>;
  typing: Record<string, Record<string, number>>;
  uploads: Upload[];
  notice?: string;
}

const threadKey = (channel: string, ts: string) => `${channel}:${ts}`;
const PERMANENT = new Set(['not_in_channel', 'channel_not_found', 'msg_too_long', 'no_text', 'is_archived', 'invalid_arguments', 'thread_not_found']);
const TYPING_MS = 6000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uuid = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);

/** Merges one message into a list ordered by ts: by ts, or a pending copy by client_msg_id. */
export function upsert(list: Message[], message: Message): Message[] {
  const index = list.findIndex((m) => m.ts === message.ts || (!!message.client_msg_id && m.pending && m.client_msg_id === message.client_msg_id));
  let next: Message[];
  if (index >= 0) {
    const old = list[index];
    // A deletion is final; an older copy (history read before an edit arrived) never wins.
    if (old.deleted && !message.pending) return list;
    if (old.edited && message.edited && old.edited.ts > message.edited.ts) return list;
    next = list.slice();
    next[index] = { ...old, ...message, pending: message.pending, error: message.error };
  } else {
    next = [...list, message];
  }
  return next.sort((a, b) => (a.pending && !b.pending ? 1 : !a.pending && b.pending ? -1 : a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

function toMessage(raw: Json, channel: string): Message {
  return {
    ts: String(raw.ts),
    channel,
    user: String(raw.user ?? ''),
    text: String(raw.text ?? ''),
    subtype: raw.subtype,
    thread_ts: raw.thread_ts,
    reply_count: raw.reply_count,
    reply_users: raw.reply_users,
    latest_reply: raw.latest_reply,
    edited: raw.edited,
    reactions: raw.reactions,
    files: raw.files,
    client_msg_id: raw.client_msg_id,
    deleted: raw.subtype === 'tombstone' ? true : undefined,
  };
}

const isReply = (m: { ts: string; thread_ts?: string }) => !!m.thread_ts && m.thread_ts !== m.ts;

export class Chat {
  readonly api: Api;
  readonly realtime: Realtime;
  private state: State;
  private readonly listeners = new Set<() => void>();
  private session: Session;
  private lastTyping = 0;
  private typingSweep?: ReturnType<typeof setInterval>;

  constructor(readonly config: WebConfig, session: Session, me: User) {
    this.session = session;
    this.api = new Api(config.HttpApiUrl, () => this.token());
    this.state = {
      me,
      status: 'connecting',
      users: { [me.id]: me },
      presence: {},
      presenceSupported: true,
      channels: {},
      history: {},
      threads: {},
      typing: {},
      uploads: [],
    };
    this.realtime = new Realtime({
      url: config.WebSocketUrl,
      userId: me.id,
      token: () => this.token(),
      onEvent: (e) => this.onEvent(e),
      onStatus: (status) => this.set({ status }),
      onHotChannels: (hot) => hot.forEach((h) => void this.catchUp(h.channel)),
      onSynced: () => void this.afterSync(),
    });
  }

  /* --- store plumbing --- */

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = () => this.state;

  private set(patch: Partial<State> | ((s: State) => Partial<State>)): void {
    this.state = { ...this.state, ...(typeof patch === 'function' ? patch(this.state) : patch) };
    for (const l of this.listeners) l();
  }

  private async token(): Promise<string> {
    const next = await freshSession(this.config, this.session);
    if (next !== this.session) {
      this.session = next;
      saveSession(next);
    }
    return next.token;
  }

  notice(text: string | undefined): void {
    this.set({ notice: text });
  }

  /* --- lifecycle --- */

  async start(): Promise<void> {
    this.realtime.start();
    this.typingSweep = setInterval(() => this.sweepTyping(), 1000);
    await Promise.all([this.loadUsers(), this.loadChannels()]);
    const first = this.sortedChannels().find((c) => c.is_member);
    if (first && !this.state.current) await this.open(first.id);
  }

  stop(): void {
    clearInterval(this.typingSweep);
    this.realtime.stop();
  }

  private async afterSync(): Promise<void> {
    // Authoritative unread counts and the current channel's newest messages after any gap.
    await this.loadChannels().catch(() => undefined);
    if (this.state.current) await this.catchUp(this.state.current).catch(() => undefined);
    this.subscribePresence();
  }

  /* --- users and presence --- */

  async loadUsers(): Promise<void> {
    const users: Record<string, User> = { ...this.state.users };
    let cursor: string | undefined;
    do {
      const page = await this.api.call('users.list', { limit: 200, ...(cursor ? { cursor } : {}) });
      for (const u of page.members as User[]) users[u.id] = u;
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    this.set({ users });
    this.subscribePresence();
    void this.loadPresence();
  }

  userName(id: string): string {
    const u = this.state.users[id];
    if (!u && id) void this.fetchUser(id);
    return u?.real_name || u?.name || id;
  }

  private fetching = new Set<string>();
  private async fetchUser(id: string): Promise<void> {
    if (this.fetching.has(id)) return;
    this.fetching.add(id);
    try {
      const { user } = await this.api.call('users.info', { user: id });
      this.set((s) => ({ users: { ...s.users, [id]: user as User } }));
      // Someone new (joined after users.list): watch their presence too, starting from now.
      this.subscribePresence();
      await this.loadPresenceOf(id);
    } catch {
      // unknown users stay as their id
    }
  }

  private async loadPresence(): Promise<void> {
    for (const id of Object.keys(this.state.users).slice(0, 50)) {
      if (!(await this.loadPresenceOf(id))) return;
    }
  }

  /** One user's presence now; false when the server has no presence at all. */
  private async loadPresenceOf(id: string): Promise<boolean> {
    try {
      const { presence } = await this.api.call('users.getPresence', { user: id });
      this.set((s) => ({ presence: { ...s.presence, [id]: presence } }));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'unknown_method') {
        this.set({ presenceSupported: false });
        return false;
      }
    }
    return true;
  }

  private subscribePresence(): void {
    const users = Object.keys(this.state.users).filter((id) => id !== this.state.me.id).slice(0, 100);
    if (users.length) this.realtime.send({ action: 'presence_sub', users });
  }

  /* --- conversations --- */

  sortedChannels(): Channel[] {
    return Object.values(this.state.channels).sort((a, b) => this.channelLabel(a).localeCompare(this.channelLabel(b)));
  }

  channelLabel(c: Channel): string {
    if (c.is_im || c.is_mpim) {
      const others = (c.members ?? []).filter((u) => u !== this.state.me.id);
      return (others.length ? others : [this.state.me.id]).map((u) => this.userName(u)).join(', ');
    }
    return c.name ?? c.id;
  }

  /*
   * Unread counts: the server's count is authoritative; live messages add one each. While a server
   * read of a channel is in flight a message may or may not be in its count, so instead of adding
   * one the channel is read again once the current read lands (the message is committed by then).
   */
  private listing = false;
  private recheck = new Set<string>();
  private refreshSeq = new Map<string, number>();

  async loadChannels(): Promise<void> {
    this.listing = true;
    const channels: Record<string, Channel> = {};
    let cursor: string | undefined;
    do {
      const page = await this.api.call('conversations.list', { types: 'public_channel,private_channel,mpim,im', limit: 200, ...(cursor ? { cursor } : {}) });
      for (const c of page.channels as Json[]) channels[c.id] = { ...(c as Channel), unread: Number(c.unread_count ?? 0) };
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    if (this.state.current && channels[this.state.current]) channels[this.state.current].unread = 0;
    this.set({ channels });
    this.listing = false;
    for (const id of this.recheck) void this.refreshChannel(id).catch(() => undefined);
    this.recheck.clear();
  }

  private async refreshChannel(id: string): Promise<void> {
    const seq = (this.refreshSeq.get(id) ?? 0) + 1;
    this.refreshSeq.set(id, seq);
    const { channel } = await this.api.call('conversations.info', { channel: id });
    if (this.refreshSeq.get(id) !== seq) return; // a later read of this channel is on its way
    this.refreshSeq.delete(id);
    const unread = id === this.state.current ? 0 : Number(channel.unread_count ?? 0);
    this.set((s) => ({ channels: { ...s.channels, [id]: { ...(channel as Channel), unread } } }));
  }

  async open(id: string): Promise<void> {
    this.set((s) => ({ current: id, thread: s.thread?.channel === id ? s.thread : undefined }));
    if (!this.state.history[id]?.loaded) await this.loadOlder(id);
    this.markRead(id);
  }

  async createChannel(name: string, isPrivate: boolean): Promise<void> {
    const { channel } = await this.api.call('conversations.create', { name, is_private: isPrivate });
    this.set((s) => ({ channels: { ...s.channels, [channel.id]: { ...(channel as Channel), is_member: true, unread: 0 } } }));
    await this.open(channel.id);
  }

  async join(id: string): Promise<void> {
    const { channel } = await this.api.call('conversations.join', { channel: id });
    this.set((s) => ({ channels: { ...s.channels, [id]: { ...(channel as Channel), is_member: true, unread: 0 } } }));
    await this.open(id);
  }

  async leave(id: string): Promise<void> {
    await this.api.call('conversations.leave', { channel: id });
    this.set((s) => ({ channels: { ...s.channels, [id]: { ...s.channels[id], is_member: false, unread: 0 } }, current: s.current === id ? undefined : s.current }));
  }

  async openDm(users: string[]): Promise<void> {
    const { channel } = await this.api.call('conversations.open', { users: users.join(',') });
    this.set((s) => ({ channels: { ...s.channels, [channel.id]: { ...(s.channels[channel.id] ?? { unread: 0 }), ...(channel as Channel), is_member: true } } }));
    await this.open(channel.id);
  }

  /** Moves the read marker to the newest message (when the channel is on screen and the tab visible). */
  markRead(id: string): void {
    const history = this.state.history[id];
    const latest = history?.list.filter((m) => !m.pending).at(-1)?.ts;
    const channel = this.state.channels[id];
    if (channel) this.set((s) => ({ channels: { ...s.channels, [id]: { ...s.channels[id], unread: 0 } } }));
    if (!latest || !channel?.is_member || (channel.last_read && channel.last_read >= latest)) return;
    this.set((s) => ({ channels: { ...s.channels, [id]: { ...s.channels[id], last_read: latest } } }));
    this.api.call('conversations.mark', { channel: id, ts: latest, device_id: this.realtime.deviceId }).catch(() => undefined);
  }

  /* --- history --- */

  async loadOlder(id: string): Promise<void> {
    const h = this.state.history[id] ?? { list: [], hasOlder: true, loading: false, loaded: false };
    if (h.loading || (h.loaded && !h.hasOlder)) return;
    this.setHistory(id, { ...h, loading: true });
    try {
      const page = await this.api.call('conversations.history', { channel: id, limit: 50, ...(h.olderCursor ? { cursor: h.olderCursor } : {}) });
      let list = this.state.history[id]?.list ?? [];
      for (const raw of page.messages as Json[]) list = upsert(list, toMessage(raw, id));
      this.setHistory(id, { list, loading: false, loaded: true, hasOlder: !!page.has_more, olderCursor: page.response_metadata?.next_cursor || undefined });
    } catch (error) {
      this.setHistory(id, { ...(this.state.history[id] ?? h), loading: false });
      this.reportError(error);
    }
  }

  /** Reads messages newer than the newest one held (hot channels, and after a reconnect). */
  async catchUp(id: string): Promise<void> {
    const h = this.state.history[id];
    if (!h?.loaded) return;
    const newest = h.list.filter((m) => !m.pending).at(-1)?.ts;
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const res = await this.api.call('conversations.history', { channel: id, limit: 200, ...(newest ? { oldest: newest } : {}), ...(cursor ? { cursor } : {}) });
      let list = this.state.history[id]?.list ?? [];
      for (const raw of res.messages as Json[]) list = upsert(list, toMessage(raw, id));
      this.setHistory(id, { ...this.state.history[id], list });
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) break;
    }
    if (id === this.state.current && document.visibilityState === 'visible') this.markRead(id);
  }

  private setHistory(id: string, h: History): void {
    this.set((s) => ({ history: { ...s.history, [id]: h } }));
  }

  private patchMessage(channel: string, ts: string, patch: (m: Message) => Message): void {
    const h = this.state.history[channel];
    if (h) {
      const i = h.list.findIndex((m) => m.ts === ts);
      if (i >= 0) {
        const list = h.list.slice();
        list[i] = patch(list[i]);
        this.setHistory(channel, { ...h, list });
      }
    }
    for (const [key, t] of Object.entries(this.state.threads)) {
      if (!key.startsWith(`${channel}:`)) continue;
      const i = t.list.findIndex((m) => m.ts === ts);
      if (i < 0) continue;
      const list = t.list.slice();
      list[i] = patch(list[i]);
      this.set((s) => ({ threads: { ...s.threads, [key]: { ...t, list } } }));
    }
  }

  /* --- threads --- */

  async openThread(channel: string, ts: string): Promise<void> {
    this.set({ thread: { channel, ts } });
    const key = threadKey(channel, ts);
    this.set((s) => ({ threads: { ...s.threads, [key]: { list: s.threads[key]?.list ?? [], loading: true } } }));
    try {
      let list = this.state.threads[key]?.list ?? [];
      let cursor: string | undefined;
      do {
        const page = await this.api.call('conversations.replies', { channel, ts, limit: 200, ...(cursor ? { cursor } : {}) });
        for (const raw of page.messages as Json[]) list = upsert(list, toMessage(raw, channel));
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      this.set((s) => ({ threads: { ...s.threads, [key]: { list: mergeAll(s.threads[key]?.list ?? [], list), loading: false } } }));
    } catch (error) {
      this.set((s) => ({ threads: { ...s.threads, [key]: { list: s.threads[key]?.list ?? [], loading: false } } }));
      this.reportError(error);
    }
  }

  closeThread(): void {
    this.set({ thread: undefined });
  }

  /* --- sending --- */

  /** Queues a message and retries it (same client_msg_id) until the server acknowledges it. */
  send(channel: string, text: string, threadTs?: string): void {
    const clientMsgId = uuid();
    const draft: Message = { ts: `~${Date.now()}-${clientMsgId}`, channel, user: this.state.me.id, text, client_msg_id: clientMsgId, pending: 'sending', ...(threadTs ? { thread_ts: threadTs } : {}) };
    this.enqueue(draft);
  }

  /** One conversation's sends go out one after another, so they commit in the order they were typed. */
  private outbox = new Map<string, Promise<void>>();
  private enqueue(draft: Message): void {
    this.placeLocal(draft);
    const previous = this.outbox.get(draft.channel) ?? Promise.resolve();
    const next = previous.then(() => this.deliverDraft(draft));
    this.outbox.set(draft.channel, next);
    void next.then(() => this.outbox.get(draft.channel) === next && this.outbox.delete(draft.channel));
  }

  retry(message: Message): void {
    this.enqueue({ ...message, pending: 'sending', error: undefined });
  }

  private placeLocal(message: Message): void {
    if (isReply(message) || (message.thread_ts && message.pending)) {
      const key = threadKey(message.channel, message.thread_ts!);
      this.set((s) => ({ threads: { ...s.threads, [key]: { list: upsert(s.threads[key]?.list ?? [], message), loading: s.threads[key]?.loading ?? false } } }));
    } else {
      const h = this.state.history[message.channel] ?? { list: [], hasOlder: true, loading: false, loaded: false };
      this.setHistory(message.channel, { ...h, list: upsert(h.list, message) });
    }
  }

  private async deliverDraft(draft: Message): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        let ts: string;
        if (this.realtime.isOpen) {
          const reply = await this.realtime.request({ action: 'message', channel: draft.channel, text: draft.text, client_msg_id: draft.client_msg_id, ...(draft.thread_ts ? { thread_ts: draft.thread_ts } : {}) });
          if (reply.type === 'error') throw new ApiError(String(reply.error), reply.retry_after);
          ts = String(reply.ts);
        } else {
          const res = await this.api.call('chat.postMessage', { channel: draft.channel, text: draft.text, client_msg_id: draft.client_msg_id, ...(draft.thread_ts ? { thread_ts: draft.thread_ts } : {}) });
          ts = String(res.ts);
        }
        this.placeLocal({ ...draft, ts, pending: undefined });
        if (draft.channel === this.state.current && !draft.thread_ts) this.markRead(draft.channel);
        return;
      } catch (error) {
        if (error instanceof ApiError && PERMANENT.has(error.code)) {
          this.placeLocal({ ...draft, pending: 'failed', error: error.code });
          return;
        }
        if (error instanceof ApiError && error.code === 'ratelimited') {
          // Sending faster than the channel allows: wait as long as the server says, then go on.
          attempt = Math.max(0, attempt - 1);
          await sleep(1000 * Math.max(1, Number(error.detail) || 1));
          continue;
        }
        // Network trouble, a timeout, a dropped socket: the same client_msg_id makes a retry safe.
        await sleep(Math.min(15_000, 500 * 2 ** attempt));
      }
    }
  }

  typing(channel: string): void {
    if (Date.now() - this.lastTyping < 3000) return;
    this.lastTyping = Date.now();
    this.realtime.send({ action: 'typing', channel });
  }

  async editMessage(m: Message, text: string): Promise<void> {
    await this.api.call('chat.update', { channel: m.channel, ts: m.ts, text }).catch((e) => this.reportError(e));
  }

  async deleteMessage(m: Message): Promise<void> {
    await this.api.call('chat.delete', { channel: m.channel, ts: m.ts }).catch((e) => this.reportError(e));
  }

  async toggleReaction(m: Message, name: string): Promise<void> {
    const mine = m.reactions?.find((r) => r.name === name)?.users.includes(this.state.me.id);
    // Optimistic; the reaction event (or its absence after an error) settles it.
    this.applyReaction(m.channel, m.ts, name, this.state.me.id, !mine);
    try {
      await this.api.call(mine ? 'reactions.remove' : 'reactions.add', { channel: m.channel, timestamp: m.ts, name });
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'already_reacted' || error.code === 'no_reaction')) return;
      this.applyReaction(m.channel, m.ts, name, this.state.me.id, !!mine);
      this.reportError(error);
    }
  }

  private applyReaction(channel: string, ts: string, name: string, user: string, add: boolean): void {
    this.patchMessage(channel, ts, (m) => {
      const reactions = (m.reactions ?? []).map((r) => ({ ...r, users: [...r.users] }));
      let r = reactions.find((x) => x.name === name);
      if (!r && add) reactions.push((r = { name, count: 0, users: [] }));
      if (!r) return m;
      if (add && !r.users.includes(user)) r.users.push(user);
      if (!add) r.users = r.users.filter((u) => u !== user);
      r.count = r.users.length;
      return { ...m, reactions: reactions.filter((x) => x.count > 0) };
    });
  }

  /* --- files --- */

  async upload(channel: string, file: File, threadTs?: string): Promise<void> {
    const id = uuid();
    const update = (patch: Partial<Upload>) => this.set((s) => ({ uploads: s.uploads.map((u) => (u.id === id ? { ...u, ...patch } : u)) }));
    this.set((s) => ({ uploads: [...s.uploads, { id, channel, name: file.name, progress: 0 }] }));
    try {
      const target = await this.api.call('files.getUploadURLExternal', { filename: file.name, length: file.size, content_type: file.type || 'application/octet-stream' });
      await postWithProgress(target.upload_url, target.upload_fields, file, (p) => update({ progress: p }));
      await this.api.call('files.completeUploadExternal', { files: [{ id: target.file_id, title: file.name }], channel_id: channel, ...(threadTs ? { thread_ts: threadTs } : {}) });
      this.set((s) => ({ uploads: s.uploads.filter((u) => u.id !== id) }));
    } catch (error) {
      const code = error instanceof ApiError ? error.code : (error as Error).message;
      update({ error: code === 'unknown_method' ? 'File uploads are not available on this server yet' : `Upload failed: ${code}` });
      setTimeout(() => this.set((s) => ({ uploads: s.uploads.filter((u) => u.id !== id) })), 8000);
    }
  }

  /* --- events --- */

  private onEvent(e: Json): void {
    switch (e.type) {
      case 'message':
        return this.onMessageEvent(e);
      case 'reaction_added':
      case 'reaction_removed':
        if (e.item?.type === 'message') this.applyReaction(e.item.channel, e.item.ts, e.reaction, e.user, e.type === 'reaction_added');
        return;
      case 'member_joined_channel':
        if (this.state.channels[e.channel] || e.user === this.state.me.id) void this.refreshChannel(e.channel).catch(() => undefined);
        if (!this.state.users[e.user]) void this.fetchUser(e.user);
        return;
      case 'member_left_channel':
        if (e.user === this.state.me.id) this.patchChannel(e.channel, (c) => ({ ...c, is_member: false, unread: 0 }));
        else if (this.state.channels[e.channel]) void this.refreshChannel(e.channel).catch(() => undefined);
        return;
      case 'channel_created':
        if (e.channel?.id && !this.state.channels[e.channel.id]) void this.refreshChannel(e.channel.id).catch(() => undefined);
        return;
      case 'channel_marked':
        this.patchChannel(e.channel, (c) => ({ ...c, last_read: e.ts, unread: 0 }));
        return;
      case 'user_typing':
        if (e.user !== this.state.me.id) this.set((s) => ({ typing: { ...s.typing, [e.channel]: { ...s.typing[e.channel], [e.user]: Date.now() + TYPING_MS } } }));
        return;
      case 'presence_change': {
        const users: string[] = e.users ?? (e.user ? [e.user] : []);
        this.set((s) => ({ presence: { ...s.presence, ...Object.fromEntries(users.map((u) => [u, e.presence])) } }));
        return;
      }
      default:
        return;
    }
  }

  private patchChannel(id: string, patch: (c: Channel) => Channel): void {
    const c = this.state.channels[id];
    if (c) this.set((s) => ({ channels: { ...s.channels, [id]: patch(c) } }));
  }

  private onMessageEvent(e: Json): void {
    const channel = String(e.channel);
    // Too large to send whole (PROTOCOL additions): the event names the message; read it, then apply.
    if (e.body_omitted && e.subtype !== 'message_deleted') return void this.fetchOmitted(channel, e).catch(() => undefined);
    if (e.subtype === 'message_changed' || e.subtype === 'message_replied') {
      const m = toMessage(e.message, channel);
      this.patchMessage(channel, m.ts, (old) => ({ ...old, ...m, pending: undefined }));
      return;
    }
    if (e.subtype === 'message_deleted') {
      this.patchMessage(channel, String(e.deleted_ts), (old) => ({ ...old, deleted: true, text: 'This message was deleted.', reactions: undefined, files: undefined }));
      return;
    }
    const m = toMessage(e, channel);
    // Typing stops when that person's message lands.
    if (this.state.typing[channel]?.[m.user]) this.set((s) => ({ typing: { ...s.typing, [channel]: { ...s.typing[channel], [m.user]: 0 } } }));
    if (isReply(m)) {
      const key = threadKey(channel, m.thread_ts!);
      if (this.state.threads[key]) this.set((s) => ({ threads: { ...s.threads, [key]: { ...s.threads[key], list: upsert(s.threads[key].list, m) } } }));
      if (e.subtype !== 'thread_broadcast') return;
    }
    const h = this.state.history[channel];
    const known = h?.list.some((x) => x.ts === m.ts);
    if (h?.loaded) this.setHistory(channel, { ...h, list: upsert(h.list, m) });
    const c = this.state.channels[channel];
    const viewing = channel === this.state.current && document.visibilityState === 'visible';
    if (viewing) return this.markRead(channel);
    if (known || m.user === this.state.me.id || (c?.last_read && m.ts <= c.last_read) || (c?.unread_through && m.ts <= c.unread_through)) return;
    // A conversation this tab has not seen yet (a new DM), or one being read right now: read it (again).
    if (!c || this.refreshSeq.has(channel)) return void this.refreshChannel(channel).catch(() => undefined);
    if (this.listing) return void this.recheck.add(channel);
    this.patchChannel(channel, (x) => ({ ...x, unread: x.unread + 1, unread_through: m.ts }));
  }

  /** The whole message behind an event that came as its reference, applied as if it had come whole. */
  private async fetchOmitted(channel: string, e: Json): Promise<void> {
    const ref: Json = e.message ?? e;
    const ts = String(ref.ts);
    if (isReply({ ts, thread_ts: ref.thread_ts })) {
      // A thread reply: the open thread reads itself again; history has no replies unless broadcast.
      if (this.state.thread?.channel === channel && this.state.thread.ts === ref.thread_ts) await this.openThread(channel, String(ref.thread_ts));
      if (e.subtype !== 'thread_broadcast') return;
    }
    const page = await this.api.call('conversations.history', { channel, latest: ts, inclusive: true, limit: 1 });
    const whole = (page.messages as Json[])[0];
    if (!whole || whole.ts !== ts) return;
    this.onMessageEvent(e.message ? { ...e, body_omitted: false, message: whole } : { ...whole, type: 'message', channel, event_id: e.event_id });
  }

  private sweepTyping(): void {
    const now = Date.now();
    let changed = false;
    const typing: State['typing'] = {};
    for (const [channel, users] of Object.entries(this.state.typing)) {
      const live = Object.fromEntries(Object.entries(users).filter(([, until]) => until > now));
      if (Object.keys(live).length !== Object.keys(users).length) changed = true;
      if (Object.keys(live).length) typing[channel] = live;
    }
    if (changed) this.set({ typing });
  }

  reportError(error: unknown): void {
    const code = error instanceof ApiError ? error.code : error instanceof Error ? error.message : String(error);
    this.set({ notice: `Something went wrong: ${code}` });
  }
}

function mergeAll(a: Message[], b: Message[]): Message[] {
  let list = a;
  for (const m of b) list = upsert(list, m);
  return list;
}

/** POSTs a presigned form (fields first, the file last) and reports upload progress 0..1. */
function postWithProgress(url: string, fields: Record<string, string> | undefined, file: File, progress: (p: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const form = new FormData();
    for (const [k, v] of Object.entries(fields ?? {})) form.append(k, v);
    form.append('file', file);
    xhr.upload.onprogress = (e) => e.lengthComputable && progress(e.loaded / e.total);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? (progress(1), resolve()) : reject(new Error(`storage answered HTTP ${xhr.status}`)));
    xhr.onerror = () => reject(new Error('network error'));
    if (fields) {
      xhr.open('POST', url);
      xhr.send(form);
    } else {
      xhr.open('PUT', url);
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.send(file);
    }
  });
}
