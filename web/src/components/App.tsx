import { useEffect, useState } from 'react';
import { savedSession, saveSession, type Session } from '../auth';
import { loadConfig, type WebConfig } from '../config';
import { SignIn } from './SignIn';
import { Workspace } from './Workspace';

/** The root: config.json first, then sign-in, then the workspace of the signed-in user. */
export function App() {
  const [config, setConfig] = useState<WebConfig>();
  const [error, setError] = useState<string>();
  const [session, setSession] = useState<Session | undefined>(() => savedSession());
  useEffect(() => {
    loadConfig().then(setConfig, (e: Error) => setError(e.message));
  }, []);
  if (error) return <div className="center"><p role="alert">Could not load config.json: {error}</p></div>;
  if (!config) return <div className="center">Loading…</div>;
  if (!session) return <SignIn config={config} onSignedIn={(s) => { saveSession(s); setSession(s); }} />;
  return <Workspace key={session.token} config={config} session={session} onSignOut={() => { saveSession(undefined); setSession(undefined); }} />;
}
