import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtVerifier } from 'aws-jwt-verify';
import { teamIdFor, userIdFor } from '../../lambdas/edge/identity';
import { JwtIssuer } from '../../local/identity/jwt-issuer';
import { parseTokenRequest } from '../../local/identity/token-request';

const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<string, unknown>;

describe('local issuer: tokens the gateways verify', () => {
  const keyPath = join(mkdtempSync(join(tmpdir(), 'issuer-')), 'key.json');
  const options = { issuer: 'http://issuer', audience: 'aud-1', defaultTeam: 'default' };
  const issuer = JwtIssuer.open(keyPath, options);

  const verifierFor = (jwksOf: JwtIssuer) => {
    const verifier = JwtVerifier.create({ issuer: options.issuer, audience: options.audience });
    verifier.cacheJwks(jwksOf.jwks());
    return verifier;
  };

  it('signs RS256 under the kid its JWKS publishes, with the claims an OIDC issuer sets', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { token, userId, teamId } = await issuer.issue({ user: 'ann', team: 'acme', name: 'Ann' }, now);
    const [key] = issuer.jwks().keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(headerOf(token)).toEqual({ alg: 'RS256', typ: 'JWT', kid: key.kid });
    const payload = await verifierFor(issuer).verify(token);
    expect(payload).toEqual({ iss: 'http://issuer', aud: 'aud-1', sub: 'ann', team: 'acme', preferred_username: 'ann', name: 'Ann', iat: now, exp: now + 3600 });
    expect({ userId, teamId }).toEqual({ userId: userIdFor(teamIdFor('acme'), 'ann'), teamId: teamIdFor('acme') });
  });

  it('keeps its key across a restart: a token from before verifies against the JWKS after', async () => {
    const { token } = await issuer.issue({ user: 'ann', expiresIn: 60 });
    const reopened = JwtIssuer.open(keyPath, options);
    expect(reopened.jwks()).toEqual(issuer.jwks());
    await expect(verifierFor(reopened).verify(token)).resolves.toMatchObject({ sub: 'ann', team: 'default' });
  });
});

describe('local issuer: claims a test sets or removes', () => {
  const issuer = JwtIssuer.open(join(mkdtempSync(join(tmpdir(), 'issuer-')), 'key.json'), { issuer: 'http://issuer', audience: 'aud-1', defaultTeam: 'default' });

  it('sets and removes claims over the issued ones', async () => {
    const { token } = await issuer.issue({ user: 'ann', team: 'acme', claims: { token_use: 'access', aud: null, client_id: 'aud-1', exp: null } });
    const payload = payloadOf(token);
    expect(payload).toMatchObject({ sub: 'ann', team: 'acme', token_use: 'access', client_id: 'aud-1' });
    expect(payload).not.toHaveProperty('aud');
    expect(payload).not.toHaveProperty('exp');
  });

  it('keeps a claim named __proto__ a claim', async () => {
    const request = parseTokenRequest(JSON.parse('{"user":"ann","claims":{"__proto__":"x"}}') as Record<string, unknown>);
    expect(request).toBeDefined();
    expect(payloadOf((await issuer.issue(request!)).token).__proto__).toBe('x');
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
