import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import type { Chat } from '../chat/chat';
import type { State } from '../chat/types';
import { Modal } from './Modal';

/* The reader's notification preferences: what notifies them, whether notifications show text, and a nightly quiet time. */

const LEVELS = [
  { value: 'all', label: 'All new messages' },
  { value: 'mentions', label: 'Mentions and direct messages' },
  { value: 'nothing', label: 'Nothing' },
] as const;

export function PrefsDialog({ chat, state, onClose }: { chat: Chat; state: State; onClose: () => void }) {
  const prefs = state.prefs;
  useEffect(() => void (prefs ? undefined : chat.loadPrefs().catch(() => undefined)), [chat, prefs]);
  const [level, setLevel] = useState(prefs?.level ?? 'mentions');
  const [hide, setHide] = useState(prefs?.hide_content ?? false);
  const [dnd, setDnd] = useState(prefs?.dnd_enabled ?? false);
  const [from, setFrom] = useState(prefs?.dnd_start_hour ?? '22:00');
  const [to, setTo] = useState(prefs?.dnd_end_hour ?? '08:00');
  const [error, setError] = useState<string>();
  // The form starts from the preferences once they are read (once: a later read must not undo what was chosen).
  const [started, setStarted] = useState(!!prefs);
  useEffect(() => {
    if (!prefs || started) return;
    setStarted(true);
    setLevel(prefs.level);
    setHide(prefs.hide_content);
    setDnd(prefs.dnd_enabled);
    setFrom(prefs.dnd_start_hour);
    setTo(prefs.dnd_end_hour);
  }, [prefs, started]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await chat.setPrefs({ level, hide_content: hide, dnd_enabled: dnd, ...(dnd ? { dnd_start_hour: from, dnd_end_hour: to } : {}) });
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? (err.code === 'invalid_arguments' ? 'Quiet hours need a start and an end that differ.' : err.code) : String(err));
    }
  };
  return (
    <Modal title="Notification preferences" onClose={onClose}>
      <form onSubmit={submit} className="form">
        <fieldset className="pick-list" role="radiogroup" aria-label="Notify me about">
          <legend>Notify me about</legend>
          {LEVELS.map((l) => (
            <label key={l.value} className="check">
              <input type="radio" name="my-level" value={l.value} checked={level === l.value} onChange={() => setLevel(l.value)} /> {l.label}
            </label>
          ))}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={hide} onChange={(e) => setHide(e.target.checked)} /> Hide message text in notifications
        </label>
        <label className="check">
          <input type="checkbox" checked={dnd} onChange={(e) => setDnd(e.target.checked)} /> Pause notifications every day
        </label>
        {dnd && (
          <div className="dnd-hours">
            <label>From <input type="time" value={from} required onChange={(e) => setFrom(e.target.value)} /></label>
            <label>to <input type="time" value={to} required onChange={(e) => setTo(e.target.value)} /></label>
          </div>
        )}
        {error && <p className="error" role="alert">{error}</p>}
        <div className="buttons"><button type="submit" className="primary">Save</button></div>
      </form>
    </Modal>
  );
}
