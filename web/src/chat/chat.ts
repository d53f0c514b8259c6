import { Api, ApiError, type Json } from '../api';
import { freshSession, saveSession, type Session } from '../auth';
import type { WebConfig } from '../config';
import { Realtime } from '../realtime/realtime';
import { applyEvent, type FollowUp } from './apply-event';
import type { ChatEvent, MessageEvent, WireMessage } from './events';
import { newId } from './ids';
import { emptyHistory, mergeAll, newestSent, patchMessage, placeMessage, threadKey, toMessage, upsert } from './messages';
import { resolveOmitted } from './omitted';
import { draftMessage, Outbox } from './outbox';
import { withReaction } from './reactions';
import { Store } from './store';
import { expireTyping } from './typing';
import { initialState, type Channel, type History, type Message, type Presence, type State, type User } from './types';
import { firstUnreadAfter, markedRead } from './unread';
import { encodeMentions } from './mentions';
import { notificationFor, notificationPrefs, withChannelPrefs, type ServerPrefs } from './notifications';
import { Uploads } from './uploads';
import { channelFromLocation, startPush, stopPush, subscribeDevice, type PushSetup } from '../push';

/*
 * The coordinator: initial loads over HTTP, the realtime connection, and the modules that hold the
 * logic — events through the pure `applyEvent`, sends through the `Outbox`, files through `Uploads`.
 * Components read a snapshot through `useChat` (useSyncExternalStore) and call the methods below.
 */

const TYPING_SENT_EVERY_MS = 3000;
/** The server watches at most this many users per connection. */
const MAX_WATCHED = 100;

export class Chat {
  readonly api: Api;
  readonly realtime: Realtime;
  private readonly store: Store<State>;
  private readonly outbox: Outbox;
  private readonly uploads: Uploads;
  private session: Session;
  private lastTyping = 0;
  private typingSweep?: ReturnType<typeof setInterval>;
  /** conversations.list is in flight; channels that a live message touched meanwhile are read again after it. */
  private listing = false;
  private readonly recheck = new Set<string>();
  /** conversations.info reads in flight, by channel: only the latest one's answer is kept. */
  private readonly refreshSeq = new Map<string, number>();
  private readonly fetching = new Set<string>();
  /** People whose presence is watched ahead of everyone else (members of channels joined here). */
  private watchFirst: string[] = [];
  /** Hot channels' read grants (from sync and from their history pages): the server then skips the membership read. */
  private readonly readGrants = new Map<string, string>();

  constructor(readonly config: WebConfig, session: Session, me: User) {
    this.session = session;
    this.api = new Api(config.HttpApiUrl, () => this.token());
    this.store = new Store(initialState(me));
    this.realtime = new Realtime({
      url: config.WebSocketUrl,
      userId: me.id,
      token: () => this.token(),
      onEvent: (e) => this.onEvent(e as ChatEvent),
      onStatus: (status) => this.set({ status }),
      onHotChannels: (hot) => hot.forEach((h) => {
        if (h.read_grant) this.readGrants.set(h.channel, h.read_grant);
        void this.catchUp(h.channel);
      }),
      onSynced: () => void this.afterSync(),
    });
    this.outbox = new Outbox({
      transmit: (draft) => this.transmit(draft),
      place: (m) => this.store.replace(placeMessage(this.state, m)),
      sent: (draft) => {
        if (draft.channel === this.state.current && !draft.thread_ts) this.markRead(draft.channel);
      },
    });
    this.uploads = new Uploads({ api: this.api, newId, update: (change) => this.set((s) => ({ uploads: change(s.uploads) })) });
  }

  /* --- store plumbing --- */

  subscribe = (listener: () => void) => this.store.subscribe(listener);

  snapshot = () => this.store.snapshot();

  private get state(): State {
    return this.store.snapshot();
  }

  private set(patch: Partial<State> | ((s: State) => Partial<State>)): void {
    this.store.set(patch);
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

  reportError(error: unknown): void {
    const code = error instanceof ApiError ? error.code : error instanceof Error ? error.message : String(error);
    this.set({ notice: `Something went wrong: ${code}` });
  }

  /* --- lifecycle --- */

  async start(): Promise<void> {
    this.realtime.start();
    this.typingSweep = setInterval(() => this.sweepTyping(), 1000);
    void this.loadPrefs().catch(() => undefined);
    await Promise.all([this.loadUsers(), this.loadChannels()]);
    // A notification that opened this window names its conversation.
    const named = channelFromLocation();
    const first = named && this.state.channels[named]?.is_member ? this.state.channels[named] : this.sortedChannels().find((c) => c.is_member);
    if (first && !this.state.current) await this.open(first.id);
    void this.startPush();
  }

  /* --- push notifications (web/src/push.ts) --- */

  private get pushSetup(): PushSetup {
    return { api: this.api, deviceId: this.realtime.deviceId, open: (id) => void this.open(id) };
  }

  private async startPush(): Promise<void> {
    const state = await startPush(this.pushSetup).catch(() => 'failed' as const);
    if (state !== 'registered') return;
    // Not granted yet: subscribe as soon as the user grants notifications (wherever they are asked).
    const status = await navigator.permissions?.query({ name: 'notifications' }).catch(() => undefined);
    if (status) status.onchange = () => void (status.state === 'granted' && subscribeDevice(this.pushSetup));
  }

  /** Sign-out: this device stops getting this user's pushes. */
  async signOutDevice(): Promise<void> {
    await stopPush(this.pushSetup).catch(() => undefined);
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

  /**
   * Watches the presence of the people the reader sees, `first` (a channel just joined) ahead of
   * everyone known, and applies the current presence the server answers with: someone watched from
   * now on is shown as they are, not as away until they next change.
   */
  private subscribePresence(first: string[] = []): void {
    const me = this.state.me.id;
    this.watchFirst = [...new Set([...first, ...this.watchFirst])];
    const users = [...new Set([...this.watchFirst, ...Object.keys(this.state.users)])].filter((id) => id !== me).slice(0, MAX_WATCHED);
    if (!users.length) return;
    this.realtime
      .request({ action: 'presence_sub', users })
      .then((reply) => {
        const now = (reply.presence ?? []) as Array<{ user: string; presence: Presence }>;
        if (now.length) this.set((s) => ({ presence: { ...s.presence, ...Object.fromEntries(now.map((p) => [p.user, p.presence])) } }));
      })
      .catch(() => undefined);
  }

  /** A channel's members, watched first. */
  private async watchMembersOf(channel: string): Promise<void> {
    const { members } = await this.api.call('conversations.members', { channel, limit: MAX_WATCHED });
    this.subscribePresence(members as string[]);
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

  async loadChannels(): Promise<void> {
    this.listing = true;
    const channels: Record<string, Channel> = {};
    let cursor: string | undefined;
    do {
      const page = await this.api.call('conversations.list', { types: 'public_channel,private_channel,mpim,im', limit: 200, ...(cursor ? { cursor } : {}) });
      for (const c of page.channels as Json[]) channels[c.id] = { ...(c as Channel), unread: Number(c.unread_count ?? 0), mentions: Number(c.mention_count ?? 0) };
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    if (this.state.current && channels[this.state.current]) Object.assign(channels[this.state.current], { unread: 0, mentions: 0 });
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
    const current = id === this.state.current;
    const unread = current ? 0 : Number(channel.unread_count ?? 0);
    const mentions = current ? 0 : Number(channel.mention_count ?? 0);
    this.set((s) => ({ channels: { ...s.channels, [id]: { ...(channel as Channel), unread, mentions } } }));
  }

  async open(id: string): Promise<void> {
    const after = firstUnreadAfter(this.state.channels[id]);
    const again = id === this.state.current;
    this.set((s) => ({ current: id, newSince: again ? s.newSince : after ? { channel: id, after } : undefined, thread: s.thread?.channel === id ? s.thread : undefined }));
    // The topic and member count as they are now (nothing live announces a topic change).
    if (!again && this.state.channels[id]?.is_member) void this.refreshChannel(id).catch(() => undefined);
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
    void this.watchMembersOf(id).catch(() => undefined);
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
    const read = markedRead(this.state, id);
    if (read.state !== this.state) this.store.replace(read.state);
    if (read.mark) this.sendMark(id, read.mark);
  }

  private sendMark(channel: string, ts: string): void {
    this.api.call('conversations.mark', { channel, ts, device_id: this.realtime.deviceId }).catch(() => undefined);
  }

  /* --- history --- */

  async loadOlder(id: string): Promise<void> {
    const h = this.state.history[id] ?? emptyHistory();
    if (h.loading || (h.loaded && !h.hasOlder)) return;
    this.setHistory(id, { ...h, loading: true });
    try {
      const page = await this.history({ channel: id, limit: 50, ...(h.olderCursor ? { cursor: h.olderCursor } : {}) });
      let list = this.state.history[id]?.list ?? [];
      for (const raw of page.messages as WireMessage[]) list = upsert(list, toMessage(raw, id));
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
    const newest = newestSent(h.list);
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const res = await this.history({ channel: id, limit: 200, ...(newest ? { oldest: newest } : {}), ...(cursor ? { cursor } : {}) });
      let list = this.state.history[id]?.list ?? [];
      for (const raw of res.messages as WireMessage[]) list = upsert(list, toMessage(raw, id));
      this.setHistory(id, { ...this.state.history[id], list });
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) break;
    }
    if (id === this.state.current && document.visibilityState === 'visible') this.markRead(id);
  }

  /** conversations.history with the channel's read grant if one is held; keeps the one a page hands out. */
  private async history(args: { channel: string } & Record<string, unknown>) {
    const grant = this.readGrants.get(args.channel);
    const page = await this.api.call('conversations.history', { ...args, ...(grant ? { read_grant: grant } : {}) });
    if (typeof page.read_grant === 'string') this.readGrants.set(args.channel, page.read_grant);
    return page;
  }

  private setHistory(id: string, h: History): void {
    this.set((s) => ({ history: { ...s.history, [id]: h } }));
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
        for (const raw of page.messages as WireMessage[]) list = upsert(list, toMessage(raw, channel));
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
    const command = /^(\/[a-z0-9_-]{1,31})(?:\s+([\s\S]*))?$/i.exec(text.trim());
    if (command && !threadTs) return void this.runCommand(channel, command[1], command[2] ?? '');
    const encoded = encodeMentions(text, Object.values(this.state.users));
    void this.outbox.enqueue(draftMessage(channel, this.state.me.id, encoded, newId(), Date.now(), threadTs));
  }

  /** `/command text`: runs an app's slash command (chat.command); an ephemeral answer is shown to this user only, as a notice. */
  private async runCommand(channel: string, command: string, text: string): Promise<void> {
    try {
      const res = await this.api.call('chat.command', { channel, command, text });
      const response = res.response as { text?: string; response_type?: string } | null;
      if (response?.text && response.response_type !== 'in_channel') this.notice(response.text);
    } catch (error) {
      this.reportError(error);
    }
  }

  retry(message: Message): void {
    void this.outbox.retry(message);
  }

  /** One attempt to send a draft: over the WebSocket when it is up, else over HTTP. */
  private async transmit(draft: Message): Promise<string> {
    const fields = { channel: draft.channel, text: draft.text, client_msg_id: draft.client_msg_id, ...(draft.thread_ts ? { thread_ts: draft.thread_ts } : {}) };
    if (this.realtime.isOpen) {
      // The ack carries the message's event (Realtime delivers it): no echo frame comes for it.
      const reply = await this.realtime.request({ action: 'message', ...fields, echo: false });
      if (reply.type === 'error') throw new ApiError(String(reply.error), reply.retry_after);
      return String(reply.ts);
    }
    const res = await this.api.call('chat.postMessage', fields);
    return String(res.ts);
  }

  typing(channel: string): void {
    if (Date.now() - this.lastTyping < TYPING_SENT_EVERY_MS) return;
    this.lastTyping = Date.now();
    this.realtime.send({ action: 'typing', channel });
  }

  /** A click on a button (or a choice in a select) of an app's message: the app is told (blocks.action) and answers on its own. */
  async clickAction(m: Message, action: { action_id: string; block_id?: string; value?: string; selected_option?: { value: string } }): Promise<void> {
    await this.api.call('blocks.action', { channel: m.channel, ts: m.ts, ...action }).catch((e) => this.reportError(e));
  }

  async editMessage(m: Message, text: string): Promise<void> {
    await this.api.call('chat.update', { channel: m.channel, ts: m.ts, text }).catch((e) => this.reportError(e));
  }

  async deleteMessage(m: Message): Promise<void> {
    await this.api.call('chat.delete', { channel: m.channel, ts: m.ts }).catch((e) => this.reportError(e));
  }

  async toggleReaction(m: Message, name: string): Promise<void> {
    const me = this.state.me.id;
    const mine = m.reactions?.find((r) => r.name === name)?.users.includes(me);
    const react = (add: boolean) => this.store.replace(patchMessage(this.state, m.channel, m.ts, (x) => withReaction(x, name, me, add)));
    // Optimistic; the reaction event (or its absence after an error) settles it.
    react(!mine);
    try {
      await this.api.call(mine ? 'reactions.remove' : 'reactions.add', { channel: m.channel, timestamp: m.ts, name });
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'already_reacted' || error.code === 'no_reaction')) return;
      react(!!mine);
      this.reportError(error);
    }
  }

  /* --- files --- */

  upload(channel: string, file: File, threadTs?: string): Promise<void> {
    return this.uploads.upload(channel, file, threadTs);
  }

  /* --- events --- */

  private onEvent(event: ChatEvent): void {
    // An app's ephemeral reply (a slash command's response_url) is for this user's eyes, never stored: a notice.
    if (event.type === 'message' && (event as { is_ephemeral?: unknown }).is_ephemeral === true) return void this.notice(String((event as { text?: unknown }).text ?? ''));
    const context = { now: Date.now(), visible: document.visibilityState === 'visible', listing: this.listing, refreshing: this.refreshSeq };
    if (event.type === 'message') this.notify(event, context);
    const applied = applyEvent(this.state, event, context);
    if (applied.state !== this.state) this.store.replace(applied.state);
    for (const followUp of applied.followUps) this.follow(followUp);
  }

  private follow(followUp: FollowUp): void {
    switch (followUp.kind) {
      case 'read-omitted':
        return void this.readOmitted(followUp.event).catch(() => undefined);
      case 'refresh-channel':
        return void this.refreshChannel(followUp.channel).catch(() => undefined);
      case 'refresh-after-listing':
        return void this.recheck.add(followUp.channel);
      case 'mark-read':
        return this.sendMark(followUp.channel, followUp.ts);
      case 'read-user':
        return void this.fetchUser(followUp.user);
    }
  }

  /** The whole message behind an event that came as its reference, applied as if it had come whole. */
  private async readOmitted(event: MessageEvent): Promise<void> {
    const whole = await resolveOmitted(event, {
      call: (method, args) => this.api.call(method, args),
      rereadThreadIfOpen: async (channel, threadTs) => {
        if (this.state.thread?.channel === channel && this.state.thread.ts === threadTs) await this.openThread(channel, threadTs);
      },
    });
    if (whole) this.onEvent(whole);
  }

  /** A browser notification for a new message, when the tab is hidden and the reader's preferences say so. */
  private notify(event: MessageEvent, context: { now: number; visible: boolean }): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const prefs = notificationPrefs(this.state.prefs, this.state.snoozeEnd);
    const shown = notificationFor(this.state, event, { ...context, prefs, userName: (id) => this.userName(id), channelLabel: (c) => this.channelLabel(c) });
    if (!shown) return;
    const n = new Notification(shown.title, { body: shown.body, tag: shown.tag });
    n.onclick = () => {
      window.focus();
      void this.open(event.channel);
    };
  }

  /* --- notification preferences, Do Not Disturb --- */

  async loadPrefs(): Promise<void> {
    const [{ prefs }, dnd] = await Promise.all([this.api.call('users.prefs.get'), this.api.call('dnd.info')]);
    this.set({ prefs: prefs as ServerPrefs, snoozeEnd: dnd.snooze_enabled ? Number(dnd.snooze_endtime) : undefined });
  }

  /** A conversation's level (`default`: the reader's own) and mute. */
  async setChannelPrefs(channel: string, change: { level?: 'all' | 'mentions' | 'nothing' | 'default'; muted?: boolean }): Promise<void> {
    const before = this.state.prefs;
    // Shown at once (controls follow it); the server's answer, or the old preferences after a failure, settle it.
    if (before) this.set({ prefs: withChannelPrefs(before, channel, change) });
    try {
      const { prefs } = await this.api.call('users.prefs.set', { channel, ...change });
      this.set({ prefs: prefs as ServerPrefs });
    } catch (error) {
      this.set({ prefs: before });
      throw error;
    }
  }

  /** The reader's own level, hide-content and daily DND window (users.prefs.set without a channel). */
  async setPrefs(change: { level?: 'all' | 'mentions' | 'nothing'; hide_content?: boolean; dnd_enabled?: boolean; dnd_start_hour?: string; dnd_end_hour?: string }): Promise<void> {
    // The window is in the browser's time zone: tz_offset is seconds east of UTC.
    const tz = change.dnd_enabled || change.dnd_start_hour || change.dnd_end_hour ? { tz_offset: (0 - new Date().getTimezoneOffset()) * 60 } : {};
    const { prefs } = await this.api.call('users.prefs.set', { ...change, ...tz });
    this.set({ prefs: prefs as ServerPrefs });
  }

  async snooze(minutes: number): Promise<void> {
    const res = await this.api.call('dnd.setSnooze', { num_minutes: minutes });
    this.set({ snoozeEnd: Number(res.snooze_endtime) });
  }

  async endSnooze(): Promise<void> {
    await this.api.call('dnd.endSnooze').catch((e) => {
      if (!(e instanceof ApiError && e.code === 'snooze_not_active')) throw e;
    });
    this.set({ snoozeEnd: undefined });
  }

  /* --- channel details: topic, members, invitations --- */

  async setTopic(channel: string, topic: string): Promise<void> {
    const res = await this.api.call('conversations.setTopic', { channel, topic });
    this.set((s) => ({ channels: { ...s.channels, [channel]: { ...s.channels[channel], ...(res.channel as Channel), unread: s.channels[channel]?.unread ?? 0, mentions: s.channels[channel]?.mentions ?? 0 } } }));
  }

  /** Every member of a conversation, by id (names through users.info for anyone not known yet). */
  async members(channel: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.api.call('conversations.members', { channel, limit: 200, ...(cursor ? { cursor } : {}) });
      ids.push(...(page.members as string[]));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    for (const id of ids) this.userName(id);
    return ids;
  }

  async invite(channel: string, users: string[]): Promise<void> {
    const res = await this.api.call('conversations.invite', { channel, users: users.join(',') });
    this.set((s) => ({ channels: { ...s.channels, [channel]: { ...s.channels[channel], ...(res.channel as Channel), unread: s.channels[channel]?.unread ?? 0, mentions: s.channels[channel]?.mentions ?? 0 } } }));
  }

  private sweepTyping(): void {
    const typing = expireTyping(this.state.typing, Date.now());
    if (typing !== this.state.typing) this.set({ typing });
  }
}
