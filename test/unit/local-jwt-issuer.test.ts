import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtIssuer, parseTokenRequest } from '../../local/identity/jwt-issuer';

const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

describe('local issuer: claims a test sets or removes', () => {
  const issuer = JwtIssuer.open(join(mkdtempSync(join(tmpdir(), 'issuer-')), 'key.json'), { issuer: 'http://issuer', audience: 'aud-1', defaultTeam: 'default' });

  it('sets and removes claims over the issued ones', () => {
    const { token } = issuer.issue({ user: 'ann', team: 'acme', claims: { token_use: 'access', aud: null, client_id: 'aud-1', exp: null } });
    const payload = payloadOf(token);
    expect(payload).toMatchObject({ sub: 'ann', team: 'acme', token_use: 'access', client_id: 'aud-1' });
    expect(payload).not.toHaveProperty('aud');
    expect(payload).not.toHaveProperty('exp');
  });

  it('keeps a claim named __proto__ a claim', () => {
    const request = parseTokenRequest(JSON.parse('{"user":"ann","claims":{"__proto__":"x"}}') as Record<string, unknown>);
    expect(request).toBeDefined();
    expect(payloadOf(issuer.issue(request!).token).__proto__).toBe('x');
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('accepts bounded claims and refuses anything else', () => {
    expect(parseTokenRequest({ user: 'ann', claims: { sub: '', aud: ['a', 'b'], exp: 1, flag: true, gone: null } })?.claims).toEqual({ sub: '', aud: ['a', 'b'], exp: 1, flag: true, gone: null });
    expect(parseTokenRequest({ user: 'ann', claims: 'sub=x' })).toBeUndefined();
    expect(parseTokenRequest({ user: 'ann', claims: ['sub'] })).toBeUndefined();
    expect(parseTokenRequest({ user: 'ann', claims: { 'bad name': 'x' } })).toBeUndefined();
    expect(parseTokenRequest({ user: 'ann', claims: { sub: 'x'.repeat(257) } })).toBeUndefined();
    expect(parseTokenRequest({ user: 'ann', claims: { sub: { nested: true } } })).toBeUndefined();
    expect(parseTokenRequest({ user: 'ann', claims: { exp: Number.NaN } })).toBeUndefined();
    expect(parseTokenRequest({ user: 'ann', claims: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`c${i}`, i])) })).toBeUndefined();
  });
});
