import { useEffect, useState } from 'react';
import type { Chat } from '../chat/chat';
import type { State } from '../chat/types';
import { Modal } from './Modal';
import { memberCount } from './plural';

export function BrowseDialog({ chat, state, onClose }: { chat: Chat; state: State; onClose: () => void }) {
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
            <span># {c.name} <span className="hint">{memberCount(c.num_members ?? 0)}</span></span>
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
