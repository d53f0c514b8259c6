import { useState } from 'react';

export function EditBox({ initial, onDone }: { initial: string; onDone: (text?: string) => void }) {
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
