import { InvalidToken } from '../core/errors';
import type { Caller } from '../core/caller';
import { stableId } from '../core/stable-id';

export const teamIdFor = (teamName: string) => stableId('T', 'team', teamName);
export const userIdFor = (teamId: string, subject: string) => stableId('U', 'user', teamId, subject);

type Claims = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** An `aud` as issuers send it (a string or a list) or as HTTP APIs pass it on (`[a b]`, a string). */
const hasAudience = (aud: unknown): boolean =>
  text(aud) !== undefined || (Array.isArray(aud) && aud.some((a) => text(a) !== undefined));

/** Epoch seconds, as a number or (HTTP APIs stringify every claim) as digits. */
const isEpochSeconds = (value: unknown): boolean =>
  (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && /^\d{1,12}$/.test(value));

/**
 * Only an ID token names a user. Cognito's access tokens pass API Gateway's JWT authorizer (it
 * matches `client_id` when `aud` is absent) but carry no workspace attribute, so they would land
 * in the default workspace: they say `token_use: access` and have no `aud`. Generic OIDC ID tokens
 * have no `token_use` but always an `aud`. Without `exp` a token would never expire.
 * Returns the token's subject.
 */
export function subjectOfIdToken(claims: Claims): string {
  if (claims.token_use !== undefined && claims.token_use !== 'id') throw new InvalidToken('not an ID token');
  if (!hasAudience(claims.aud)) throw new InvalidToken('token has no audience');
  if (!isEpochSeconds(claims.exp)) throw new InvalidToken('token has no expiry');
  const subject = text(claims.sub);
  if (!subject) throw new InvalidToken('token has no subject');
  return subject;
}

/**
 * Maps a verified ID token's claims to a caller (InvalidToken when they do not name a user): the
 * workspace from `team` (or Cognito's `custom:team`, which only administrators can set), else the
 * deployment's default; the user from `sub`, provisioned on first use under a stable id.
 */
export function callerFromClaims(claims: Claims, defaultTeam: string): Caller {
  const subject = subjectOfIdToken(claims);
  const teamName = text(claims.team) ?? text(claims['custom:team']) ?? defaultTeam;
  const teamId = teamIdFor(teamName);
  const userName =
    text(claims.preferred_username) ?? text(claims['cognito:username']) ?? text(claims.username) ?? text(claims.name) ?? subject;
  // Only a verified address (a Cognito user may change their own `email`, which unverifies it).
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  const email = verified ? text(claims.email)?.toLowerCase() : undefined;
  return {
    userId: userIdFor(teamId, subject), teamId, userName: userName.slice(0, 80), realName: text(claims.name)?.slice(0, 120),
    ...(email && email.length <= 254 && email.includes('@') ? { email } : {}),
  };
}
