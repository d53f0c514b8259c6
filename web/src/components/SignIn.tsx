import { useState, type FormEvent } from 'react';
import { signInCognito, signInLocal, type Session } from '../auth';
import type { WebConfig } from '../config';

export function SignIn({ config, onSignedIn }: { config: WebConfig; onSignedIn: (s: Session) => void }) {
  const [name, setName] = useState('');
  const [team, setTeam] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(config.local ? await signInLocal(config, name.trim(), team.trim() || undefined) : await signInCognito(config, name.trim(), password));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} className="card" aria-labelledby="signin-title">
        <div className="logo" aria-hidden="true">#</div>
        <h1 id="signin-title">Sign in to Team Chat</h1>
        <label>
          Name
          <input name="name" autoFocus required autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {config.local ? (
          <label>
            Workspace <span className="hint">(optional)</span>
            <input name="workspace" value={team} onChange={(e) => setTeam(e.target.value)} />
          </label>
        ) : (
          <label>
            Password
            <input name="password" type="password" required autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
        )}
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy || !name.trim()}>{busy ? 'Signing in…' : 'Sign in'}</button>
        {config.local && <p className="hint">Local cloud: any name signs you in.</p>}
      </form>
    </main>
  );
}
