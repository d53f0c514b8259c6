import { useRef, useState, type KeyboardEvent } from 'react';
import type { Chat } from '../chat/chat';
import { Icon, ICONS } from './Icon';

export function Composer({ chat, channelId, threadTs, placeholder, label = 'Message' }: { chat: Chat; channelId: string; threadTs?: string; placeholder: string; label?: string }) {
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
