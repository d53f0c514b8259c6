import { InvalidToken } from '../../lambdas/core/errors';
import { stableId } from '../../lambdas/core/stable-id';
import { callerFromClaims, teamIdFor, userIdFor } from '../../lambdas/edge/identity';

/** What every ID token carries besides its subject: an audience and an expiry. */
const ID = { aud: 'client-1', exp: 2_000_000_000, token_use: 'id' };

/** The InvalidToken reason callerFromClaims refuses these claims with. */
function refusal(claims: Record<string, unknown>): string {
  try {
    callerFromClaims(claims, 'default');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidToken);
    return (error as InvalidToken).reason;
  }
  throw new Error('expected an InvalidToken');
}

describe('stableId', () => {
  it('is deterministic and prefixed with 10 Crockford characters', () => {
    const a = stableId('C', 'x', 'y');
    expect(a).toBe(stableId('C', 'x', 'y'));
    expect(a).toMatch(/^C[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(stableId('Ev', 'x', 'y')).toMatch(/^Ev[0-9A-HJKMNP-TV-Z]{10}$/);
  });

  it('differs for different inputs, including how the parts are split', () => {
    expect(stableId('C', 'x', 'y')).not.toBe(stableId('C', 'x', 'z'));
    expect(stableId('C', 'ab', 'c')).not.toBe(stableId('C', 'a', 'bc'));
    expect(stableId('C', 'x', 'y').slice(1)).toBe(stableId('D', 'x', 'y').slice(1));
  });
});

describe('callerFromClaims', () => {
  it('takes the team from `team`', () => {
    const caller = callerFromClaims({ ...ID, sub: 's1', team: 'acme', 'custom:team': 'other' }, 'default');
    expect(caller.teamId).toBe(teamIdFor('acme'));
    expect(caller.teamId).toMatch(/^T[0-9A-Z]{10}$/);
  });

  it('takes the team from Cognito `custom:team`', () => {
    expect(callerFromClaims({ ...ID, sub: 's1', 'custom:team': 'acme' }, 'default').teamId).toBe(teamIdFor('acme'));
  });

  it('falls back to the default team', () => {
    expect(callerFromClaims({ ...ID, sub: 's1' }, 'default').teamId).toBe(teamIdFor('default'));
    expect(callerFromClaims({ ...ID, sub: 's1', team: '' }, 'default').teamId).toBe(teamIdFor('default'));
  });

  it('gives a stable user id per team and subject', () => {
    const a = callerFromClaims({ ...ID, sub: 's1', team: 'acme' }, 'default');
    const b = callerFromClaims({ ...ID, sub: 's1', team: 'acme', name: 'Someone' }, 'default');
    expect(a.userId).toBe(b.userId);
    expect(a.userId).toBe(userIdFor(teamIdFor('acme'), 's1'));
    expect(a.userId).toMatch(/^U[0-9A-Z]{10}$/);
  });

  it('gives the same subject different ids in different teams', () => {
    const a = callerFromClaims({ ...ID, sub: 's1', team: 'acme' }, 'default');
    const b = callerFromClaims({ ...ID, sub: 's1', team: 'globex' }, 'default');
    expect(a.userId).not.toBe(b.userId);
    expect(a.teamId).not.toBe(b.teamId);
  });

  it('gives different subjects different ids', () => {
    expect(callerFromClaims({ ...ID, sub: 's1' }, 'd').userId).not.toBe(callerFromClaims({ ...ID, sub: 's2' }, 'd').userId);
  });

  it('refuses a token without a subject with InvalidToken', () => {
    expect(refusal({ ...ID, team: 'acme' })).toBe('token has no subject');
    expect(refusal({ ...ID, sub: '' })).toBe('token has no subject');
    expect(refusal({ ...ID, sub: 42 })).toBe('token has no subject');
  });

  it('picks the user name from the claims, falling back to the subject', () => {
    expect(callerFromClaims({ ...ID, sub: 's1', preferred_username: 'ann', 'cognito:username': 'x' }, 'd').userName).toBe('ann');
    expect(callerFromClaims({ ...ID, sub: 's1', 'cognito:username': 'bob' }, 'd').userName).toBe('bob');
    expect(callerFromClaims({ ...ID, sub: 's1' }, 'd').userName).toBe('s1');
    expect(callerFromClaims({ ...ID, sub: 's1', name: 'Ann Lee' }, 'd').realName).toBe('Ann Lee');
    expect(callerFromClaims({ ...ID, sub: 's1', username: 'u'.repeat(100) }, 'd').userName).toHaveLength(80);
  });

  it('refuses a Cognito access token: token_use other than id, or no aud (API Gateway matched client_id)', () => {
    const access = { sub: 's1', client_id: 'client-1', token_use: 'access', exp: 2_000_000_000, scope: 'aws.cognito.signin.user.admin' };
    expect(refusal(access)).toBe('not an ID token');
    expect(refusal({ ...access, aud: 'client-1' })).toBe('not an ID token');
    expect(refusal({ ...access, token_use: undefined })).toBe('token has no audience');
    expect(refusal({ ...ID, sub: 's1', token_use: 'refresh' })).toBe('not an ID token');
  });

  it('refuses an empty audience', () => {
    expect(refusal({ ...ID, sub: 's1', aud: '' })).toBe('token has no audience');
    expect(refusal({ ...ID, sub: 's1', aud: [] })).toBe('token has no audience');
  });

  it('refuses a token without an expiry', () => {
    expect(refusal({ ...ID, sub: 's1', exp: undefined })).toBe('token has no expiry');
    expect(refusal({ ...ID, sub: 's1', exp: 'soon' })).toBe('token has no expiry');
  });

  it('accepts a generic OIDC ID token (no token_use, aud a list) and claims as HTTP APIs stringify them', () => {
    expect(callerFromClaims({ sub: 's1', aud: ['other', 'client-1'], exp: 2_000_000_000, team: 'acme' }, 'd').teamId).toBe(teamIdFor('acme'));
    expect(callerFromClaims({ sub: 's1', aud: 'client-1', exp: '2000000000', token_use: 'id' }, 'd').userId).toBe(userIdFor(teamIdFor('d'), 's1'));
  });

  it('takes the workspace only from team or custom:team, never from look-alike claims', () => {
    const caller = callerFromClaims({ ...ID, sub: 's1', team_id: teamIdFor('globex'), 'custom:team_id': 'globex', teamId: 'globex', 'custom:workspace': 'globex' }, 'd');
    expect(caller.teamId).toBe(teamIdFor('d'));
  });

  it('carries the email only when the token says it is verified, lowercased', () => {
    expect(callerFromClaims({ ...ID, sub: 's1', email: 'Ann@Example.com', email_verified: true }, 'd').email).toBe('ann@example.com');
    expect(callerFromClaims({ ...ID, sub: 's1', email: 'ann@example.com', email_verified: 'true' }, 'd').email).toBe('ann@example.com');
    expect(callerFromClaims({ ...ID, sub: 's1', email: 'ann@example.com', email_verified: false }, 'd').email).toBeUndefined();
    expect(callerFromClaims({ ...ID, sub: 's1', email: 'ann@example.com' }, 'd').email).toBeUndefined();
  });
});
