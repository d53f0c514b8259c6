import { createHash } from 'node:crypto';

/** Who is calling, from a verified token's claims. */
export interface Caller {
  userId: string;
  teamId: string;
  /** The user's handle. */
  userName: string;
  realName?: string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short, stable, upper-case id from some text: the same input always names the same thing. */
export function stableId(prefix: string, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let out = prefix;
  for (let i = 0; i < 10; i++) out += CROCKFORD[digest[i] % 32];
  return out;
}

export const teamIdFor = (teamName: string) => stableId('T', 'team', teamName);
export const userIdFor = (teamId: string, subject: string) => stableId('U', 'user', teamId, subject);

type Claims = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * Maps claims to a caller: the workspace from `team` (or Cognito's `custom:team`), else the
 * deployment's default; the user from `sub`, provisioned on first use under a stable id.
 */
export function callerFromClaims(claims: Claims, defaultTeam: string): Caller {
  const subject = text(claims.sub);
  if (!subject) throw new Error('token has no subject');
  const teamName = text(claims.team) ?? text(claims['custom:team']) ?? defaultTeam;
  const teamId = teamIdFor(teamName);
  const userName =
    text(claims.preferred_username) ?? text(claims['cognito:username']) ?? text(claims.username) ?? text(claims.name) ?? subject;
  return { userId: userIdFor(teamId, subject), teamId, userName: userName.slice(0, 80), realName: text(claims.name)?.slice(0, 120) };
}
