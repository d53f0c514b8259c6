import type { WebConfig } from './config';

/*
 * Sign-in. Locally: a name (and optional workspace) through the local issuer's POST /dev/token.
 * In AWS: the Cognito user pool's InitiateAuth (USER_PASSWORD_AUTH) over plain fetch; the ID token
 * is what the APIs accept, the refresh token renews it. Sessions live in localStorage.
 */

export interface Session {
  token: string;
  userId: string;
  teamId: string;
  name: string;
  team?: string;
  refreshToken?: string;
  /** Epoch seconds. */
  expiresAt: number;
}

const KEY = 'teamchat.session';

export function savedSession(): Session | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
}

function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
}

export async function signInLocal(config: WebConfig, name: string, team?: string): Promise<Session> {
  const response = await fetch(`${config.HttpApiUrl}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: name, ...(team ? { team } : {}) }),
  });
  const body = (await response.json()) as { ok: boolean; token: string; user_id: string; team_id: string; error?: string };
  if (!body.ok) throw new Error(body.error ?? 'sign-in failed');
  const exp = Number(claimsOf(body.token).exp ?? 0);
  return { token: body.token, userId: body.user_id, teamId: body.team_id, name, team, expiresAt: exp };
}

async function cognito(config: WebConfig, target: string, body: unknown): Promise<Record<string, any>> {
  const response = await fetch(`https://cognito-idp.${config.region}.amazonaws.com/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, any>;
  if (!response.ok) throw new Error(String(json.message ?? json.__type ?? `HTTP ${response.status}`));
  return json;
}

function fromIdToken(idToken: string, refreshToken: string | undefined, name: string): Session {
  const claims = claimsOf(idToken);
  // The APIs derive the ids; auth.test answers them after sign-in (App fills them in).
  return { token: idToken, userId: '', teamId: '', name: String(claims['preferred_username'] ?? claims['cognito:username'] ?? name), refreshToken, expiresAt: Number(claims.exp ?? 0) };
}

export async function signInCognito(config: WebConfig, username: string, password: string): Promise<Session> {
  const result = await cognito(config, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: config.UserPoolClientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  if (result.ChallengeName) throw new Error(`Cognito asks for ${result.ChallengeName}; complete it with the AWS console or CLI first`);
  return fromIdToken(result.AuthenticationResult.IdToken, result.AuthenticationResult.RefreshToken, username);
}

/** A session whose token is valid for at least another minute (renewed when it is not). */
export async function freshSession(config: WebConfig, session: Session): Promise<Session> {
  if (session.expiresAt - Date.now() / 1000 > 60) return session;
  if (config.local) {
    const renewed = await signInLocal(config, session.name, session.team);
    return { ...session, token: renewed.token, expiresAt: renewed.expiresAt };
  }
  if (!session.refreshToken) throw new Error('session expired');
  const result = await cognito(config, 'InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: config.UserPoolClientId,
    AuthParameters: { REFRESH_TOKEN: session.refreshToken },
  });
  const next = fromIdToken(result.AuthenticationResult.IdToken, session.refreshToken, session.name);
  return { ...session, token: next.token, expiresAt: next.expiresAt };
}
