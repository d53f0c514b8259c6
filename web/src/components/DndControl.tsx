import { useState } from 'react';
import type { Chat } from '../chat/chat';
import type { State } from '../chat/types';


/*
 * Do Not Disturb from the sidebar: pause notifications for a while (dnd.setSnooze) or resume them
 * (dnd.endSnooze); and the browser's permission to show notifications at all, asked on a click.
 */

const DURATIONS = [30, 60, 120, 480];
const label = (m: number) => (m < 60 ? `${m} minutes` : `${m / 60} ${m === 60 ? 'hour' : 'hours'}`);

export function DndControl({ chat, state }: { chat: Chat; state: State }) {
  const [minutes, setMinutes] = useState(DURATIONS[0]);
  const [permission, setPermission] = useState(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  const snoozed = state.snoozeEnd !== undefined && state.snoozeEnd * 1000 > Date.now();
  return (
    <div className="dnd" role="group" aria-label="Notifications">
      {snoozed ? (
        <>
          <span className="dnd-state" role="status">Notifications paused until {new Date(state.snoozeEnd! * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</span>
          <button className="link" onClick={() => void chat.endSnooze().catch((e) => chat.reportError(e))}>Resume notifications</button>
        </>
      ) : (
        <>
          <label className="dnd-for">
            Pause for
            <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
              {DURATIONS.map((m) => <option key={m} value={m}>{label(m)}</option>)}
            </select>
          </label>
          <button className="link" onClick={() => void chat.snooze(minutes).catch((e) => chat.reportError(e))}>Pause notifications</button>
        </>
      )}
      {permission === 'default' && (
        <button className="link" onClick={() => void Notification.requestPermission().then(setPermission)}>Enable desktop notifications</button>
      )}
    </div>
  );
}
