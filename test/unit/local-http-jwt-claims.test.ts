import { httpJwtRefusal } from '../../local/gateway/http/http-jwt-claims';

const NOW = 1_700_000_000;
const AUDIENCES = ['client-1'];
const refusal = (payload: Record<string, unknown>) => httpJwtRefusal({ exp: NOW + 60, ...payload }, AUDIENCES, NOW);

describe("API Gateway's HTTP API JWT authorizer claim rules", () => {
  it('passes an ID token whose aud matches (a string or one of a list)', () => {
    expect(refusal({ aud: 'client-1' })).toBeUndefined();
    expect(refusal({ aud: ['other', 'client-1'] })).toBeUndefined();
  });

  it('passes a token without aud whose client_id matches, as API Gateway does for Cognito access tokens', () => {
    expect(refusal({ client_id: 'client-1', token_use: 'access' })).toBeUndefined();
  });

  it('evaluates aud, not client_id, when both are present', () => {
    expect(refusal({ aud: 'other', client_id: 'client-1' })).toBe('aud does not match');
    expect(refusal({ client_id: 'other' })).toBe('client_id does not match');
    expect(refusal({})).toBe('client_id does not match');
  });

  it('requires exp, and refuses it at or before now', () => {
    expect(httpJwtRefusal({ aud: 'client-1' }, AUDIENCES, NOW)).toBe('no exp');
    expect(refusal({ aud: 'client-1', exp: NOW })).toBe('expired');
  });

  it('refuses nbf or iat in the future', () => {
    expect(refusal({ aud: 'client-1', nbf: NOW + 10 })).toBe('not yet valid');
    expect(refusal({ aud: 'client-1', iat: NOW + 10 })).toBe('issued in the future');
    expect(refusal({ aud: 'client-1', nbf: NOW - 10, iat: NOW - 10 })).toBeUndefined();
  });
});
