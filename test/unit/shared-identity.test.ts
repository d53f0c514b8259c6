import { callerFromClaims, stableId, teamIdFor, userIdFor } from '../../lambdas/shared/identity';

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
    const caller = callerFromClaims({ sub: 's1', team: 'acme', 'custom:team': 'other' }, 'default');
    expect(caller.teamId).toBe(teamIdFor('acme'));
    expect(caller.teamId).toMatch(/^T[0-9A-Z]{10}$/);
  });

  it('takes the team from Cognito `custom:team`', () => {
    expect(callerFromClaims({ sub: 's1', 'custom:team': 'acme' }, 'default').teamId).toBe(teamIdFor('acme'));
  });

  it('falls back to the default team', () => {
    expect(callerFromClaims({ sub: 's1' }, 'default').teamId).toBe(teamIdFor('default'));
    expect(callerFromClaims({ sub: 's1', team: '' }, 'default').teamId).toBe(teamIdFor('default'));
  });

  it('gives a stable user id per team and subject', () => {
    const a = callerFromClaims({ sub: 's1', team: 'acme' }, 'default');
    const b = callerFromClaims({ sub: 's1', team: 'acme', name: 'Someone' }, 'default');
    expect(a.userId).toBe(b.userId);
    expect(a.userId).toBe(userIdFor(teamIdFor('acme'), 's1'));
    expect(a.userId).toMatch(/^U[0-9A-Z]{10}$/);
  });

  it('gives the same subject different ids in different teams', () => {
    const a = callerFromClaims({ sub: 's1', team: 'acme' }, 'default');
    const b = callerFromClaims({ sub: 's1', team: 'globex' }, 'default');
    expect(a.userId).not.toBe(b.userId);
    expect(a.teamId).not.toBe(b.teamId);
  });

  it('gives different subjects different ids', () => {
    expect(callerFromClaims({ sub: 's1' }, 'd').userId).not.toBe(callerFromClaims({ sub: 's2' }, 'd').userId);
  });

  it('throws without a subject', () => {
    expect(() => callerFromClaims({ team: 'acme' }, 'default')).toThrow();
    expect(() => callerFromClaims({ sub: '' }, 'default')).toThrow();
    expect(() => callerFromClaims({ sub: 42 }, 'default')).toThrow();
  });

  it('picks the user name from the claims, falling back to the subject', () => {
    expect(callerFromClaims({ sub: 's1', preferred_username: 'ann', 'cognito:username': 'x' }, 'd').userName).toBe('ann');
    expect(callerFromClaims({ sub: 's1', 'cognito:username': 'bob' }, 'd').userName).toBe('bob');
    expect(callerFromClaims({ sub: 's1' }, 'd').userName).toBe('s1');
    expect(callerFromClaims({ sub: 's1', name: 'Ann Lee' }, 'd').realName).toBe('Ann Lee');
    expect(callerFromClaims({ sub: 's1', username: 'u'.repeat(100) }, 'd').userName).toHaveLength(80);
  });
});
