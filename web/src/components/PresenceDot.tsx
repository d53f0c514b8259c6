import type { State } from '../chat/types';

export function PresenceDot({ state, user }: { state: State; user: string }) {
  if (!state.presenceSupported) return null;
  // Our own dot follows this tab's connection: the server's answer may predate it.
  const p = user === state.me.id ? (state.status === 'online' ? 'active' : 'away') : state.presence[user];
  return <span className={`dot ${p === 'active' ? 'active' : 'away'}`} role="img" aria-label={p === 'active' ? 'active' : 'away'} />;
}
