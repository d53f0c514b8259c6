import { useEffect, useState } from 'react';
import type { Chat } from '../chat/chat';
import type { State } from '../chat/types';
import { Modal } from './Modal';
import { PresenceDot } from './PresenceDot';

export function DmDialog({ chat, state, onClose }: { chat: Chat; state: State; onClose: () => void }) {
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
