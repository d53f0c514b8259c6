import { useState, type FormEvent } from 'react';
import type { Chat } from '../chat/chat';
import { Modal } from './Modal';

export function CreateChannelDialog({ chat, onClose }: { chat: Chat; onClose: () => void }) {
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
