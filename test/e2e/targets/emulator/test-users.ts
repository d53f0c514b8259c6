import { randomBytes, randomInt } from 'node:crypto';

/*
 * Planning the Cognito test users: one user per (name, workspace) that a test signs in, created by
 * an administrator (custom:team is admin-set only, lib/identity.ts) with a password made up at run
 * time. Pure, so CI checks it without an emulator.
 */

export interface TestUserPlan {
  /** The Cognito username: the test's name and workspace, so each pair is its own user. */
  username: string;
  /** AdminCreateUser attributes: the workspace and the display name. */
  attributes: Array<{ Name: string; Value: string }>;
}

/** Cognito usernames allow letters, digits and `_+=,.@-`; anything else becomes `_`. */
const safe = (text: string) => text.replace(/[^A-Za-z0-9_+=,.@-]/g, '_');

export function planTestUser(name: string, team: string): TestUserPlan {
  if (!name || !team) throw new Error('a test user needs a name and a workspace');
  const username = `${safe(name)}.${safe(team)}`;
  if (username.length > 128) throw new Error(`test user ${name} in ${team}: the username would exceed Cognito's 128 characters`);
  return {
    username,
    attributes: [
      { Name: 'custom:team', Value: team },
      { Name: 'preferred_username', Value: name },
    ],
  };
}

const CLASSES = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%+-=_.'];

/** A fresh password for the pool's policy (12+ characters, upper, lower, digit, symbol); never stored or logged. */
export function testPassword(): string {
  const chars = [...randomBytes(20).toString('base64url').replace(/[^A-Za-z0-9]/g, '')];
  for (const cls of CLASSES) chars.splice(randomInt(chars.length + 1), 0, cls[randomInt(cls.length)]);
  return chars.join('');
}
