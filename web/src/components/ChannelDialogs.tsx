import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import type { Chat } from '../chat/chat';
import type { Channel, State } from '../chat/types';
import { Modal } from './Modal';
import { PresenceDot } from './PresenceDot';

/* A conversation's details: its members, adding people, its topic, and its notification preferences. */

const message = (e: unknown) => (e instanceof ApiError ? e.code : e instanceof Error ? e.message : String(e));

export function MembersDialog({ chat, state, channel, onClose }: { chat: Chat; state: State; channel: Channel; onClose: () => void }) {
  const [members, setMembers] = useState<string[]>();
  const [error, setError] = useState<string>();
  useEffect(() => void chat.members(channel.id).then(setMembers, (e) => setError(message(e))), [chat, channel.id]);
  const sorted = (members ?? []).slice().sort((a, b) => chat.userName(a).localeCompare(chat.userName(b)));
  return (
    <Modal title={`Members of ${chat.channelLabel(channel)}`} onClose={onClose}>
      {error && <p className="error" role="alert">{error}</p>}
      {!members && !error && <p className="hint" role="status">Loading members…</p>}
      <ul className="pick-list" aria-label="Members">
        {sorted.map((id) => (
          <li key={id}>
            <span><PresenceDot state={state} user={id} /> {chat.userName(id)}{id === state.me.id ? ' (you)' : ''}</span>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

export function InviteDialog({ chat, state, channel, onClose }: { chat: Chat; state: State; channel: Channel; onClose: () => void }) {
  const [members, setMembers] = useState<string[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    void chat.loadUsers().catch(() => undefined);
    void chat.members(channel.id).then(setMembers, () => undefined);
  }, [chat, channel.id]);
  const candidates = Object.values(state.users).filter((u) => !members.includes(u.id) && u.id !== state.me.id).sort((a, b) => a.name.localeCompare(b.name));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await chat.invite(channel.id, picked);
      onClose();
    } catch (err) {
      setError(message(err) === 'already_in_channel' ? 'They are already in this channel.' : message(err));
    }
  };
  return (
    <Modal title={`Add people to ${chat.channelLabel(channel)}`} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <fieldset className="pick-list">
          <legend>People</legend>
          {candidates.length === 0 && <p className="hint">Everyone is already here.</p>}
          {candidates.map((u) => (
            <label key={u.id} className="check">
              <input type="checkbox" checked={picked.includes(u.id)} onChange={(e) => setPicked(e.target.checked ? [...picked, u.id] : picked.filter((x) => x !== u.id))} />
              <PresenceDot state={state} user={u.id} /> {u.real_name || u.name}
            </label>
          ))}
        </fieldset>
        {error && <p className="error" role="alert">{error}</p>}
        <div className="buttons"><button type="submit" className="primary" disabled={!picked.length}>Add</button></div>
      </form>
    </Modal>
  );
}

export function TopicDialog({ chat, channel, onClose }: { chat: Chat; channel: Channel; onClose: () => void }) {
  const [topic, setTopic] = useState(channel.topic?.value ?? '');
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await chat.setTopic(channel.id, topic.trim());
      onClose();
    } catch (err) {
      setError(message(err) === 'too_long' ? 'A topic has at most 250 characters.' : message(err));
    }
  };
  return (
    <Modal title="Edit topic" onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label>
          Topic
          <input autoFocus maxLength={250} value={topic} onChange={(e) => setTopic(e.target.value)} placeholder="What is this channel about right now?" />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <div className="buttons"><button type="submit" className="primary">Save</button></div>
      </form>
    </Modal>
  );
}

const LEVELS = [
  { value: 'default', label: 'Default (my setting)' },
  { value: 'all', label: 'All new messages' },
  { value: 'mentions', label: 'Mentions and direct messages' },
  { value: 'nothing', label: 'Nothing' },
] as const;

export function NotificationsDialog({ chat, state, channel, onClose }: { chat: Chat; state: State; channel: Channel; onClose: () => void }) {
  const [error, setError] = useState<string>();
  // Read once if they were not (a later read could land after a change made here and undo it on screen).
  useEffect(() => void (state.prefs ? undefined : chat.loadPrefs().catch(() => undefined)), [chat, state.prefs]);
  const level = state.prefs?.channel_levels[channel.id] ?? 'default';
  const muted = !!state.prefs?.muted_channels.includes(channel.id);
  const change = (c: Parameters<Chat['setChannelPrefs']>[1]) => void chat.setChannelPrefs(channel.id, c).catch((e) => setError(message(e)));
  return (
    <Modal title={`Notifications for ${chat.channelLabel(channel)}`} onClose={onClose}>
      <div className="form">
        <fieldset className="pick-list" role="radiogroup" aria-label="Notify me about">
          <legend>Notify me about</legend>
          {LEVELS.map((l) => (
            <label key={l.value} className="check">
              <input type="radio" name="notify-level" value={l.value} checked={level === l.value} disabled={!state.prefs} onChange={() => change({ level: l.value })} /> {l.label}
            </label>
          ))}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={muted} disabled={!state.prefs} onChange={(e) => change({ muted: e.target.checked })} /> Mute this conversation
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <div className="buttons"><button type="button" className="primary" onClick={onClose}>Done</button></div>
      </div>
    </Modal>
  );
}
